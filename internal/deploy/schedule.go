package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
)

// ---- EventBridge Scheduler schedule (a schedule with a time zone) ----
//
// A schedule with chalice.TimeZone cannot be an EventBridge rule (rules
// run in UTC): it is an EventBridge Scheduler schedule in the default
// group, named as the rule would be, with a role of its own that lets
// scheduler.amazonaws.com invoke exactly the function (or its alias).
// Recorded as scheduler_schedule{schedule_name, group_name, role_name,
// role_arn, lambda_arn} under the event source's record name.

const scheduleGroup = "default"

// schedulerRoleName is the name of a schedule's IAM role (at most IAM's
// 64 characters).
func schedulerRoleName(ev *appgraph.EventSource) string {
	name := ev.RuleName + "-scheduler"
	if len(name) > 64 {
		name = name[:55] + "-" + sha256Hex([]byte(name))[:8]
	}
	return name
}

// schedulerTrustPolicy lets EventBridge Scheduler of this account assume
// the role.
func schedulerTrustPolicy(account string) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole",
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}},
	}}}
}

// schedulerPolicy allows invoking the one target.
func schedulerPolicy(target string) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": []any{target},
	}}}
}

// scheduledEventInput is what the schedule sends the function: the
// EventBridge "Scheduled Event" a rule sends, filled in by the
// scheduler's context attributes.
func (a arns) scheduledEventInput() string {
	return appgraph.ScheduledEventInput(a.Account, a.Region)
}

func (pl *planner) schedule(ctx context.Context, ev *appgraph.EventSource) ([]Step, error) {
	x := pl.x
	name := ev.RuleName
	roleName := schedulerRoleName(ev)
	target := x.targetARN(ev.Function)
	policy := schedulerPolicy(target)
	rec := state.Record{Name: ev.ResourceName, ResourceType: "scheduler_schedule", Fields: []state.Field{{Key: "schedule_name", Value: name}, {Key: "group_name", Value: scheduleGroup},
		{Key: "role_name", Value: roleName}, {Key: "role_arn", Value: x.arns.role(roleName)}, {Key: "lambda_arn", Value: target}}}
	var ins []Instruction
	msg := ""
	// The same resource was an EventBridge rule (the schedule had no time
	// zone): that one goes first.
	if prev := x.state.Find(ev.ResourceName); prev != nil && prev.ResourceType != "scheduler_schedule" {
		st, err := sweepStep(prev.Clone(), false)
		if err != nil {
			return nil, err
		}
		ins = append(ins, st.Instructions...)
		msg = "Replacing event source: " + ev.ResourceName
	}

	putPolicy := apiCall("iam", "PutRolePolicy", roleName, func(ctx context.Context, x *executor) error {
		doc, err := json.Marshal(policy)
		if err != nil {
			return fmt.Errorf("encoding the policy of IAM role %s: %w", roleName, err)
		}
		_, err = x.c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(roleName), PolicyDocument: aws.String(string(doc))})
		return err
	}).detailed("lambda:InvokeFunction on %s", target)
	role, err := x.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	switch {
	case isNotFound(err):
		msg = cmpOr(msg, "Creating schedule: "+name)
		ins = append(ins, apiCall("iam", "CreateRole", roleName, func(ctx context.Context, x *executor) error {
			trust, _ := json.Marshal(schedulerTrustPolicy(x.arns.Account))
			out, err := x.c.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(roleName), AssumeRolePolicyDocument: aws.String(string(trust)),
				Tags: iamTags(x.ownTags(ev.ResourceName))})
			switch {
			case errorCode(err) == "EntityAlreadyExists":
				// A create whose answer was lost and that the SDK sent
				// again: the role is ours.
			case err != nil:
				return err
			default:
				rec.Set("role_arn", deref(out.Role.Arn))
			}
			// Recorded at once: a run stopped before the schedule exists
			// leaves a role that delete finds.
			return x.record(ctx, rec.Clone())
		}).detailed("trusts scheduler.amazonaws.com"), putPolicy)
	case err != nil:
		return nil, fmt.Errorf("iam:GetRole %s: %w", roleName, err)
	default:
		rec.Set("role_arn", deref(role.Role.Arn))
		have := map[string]string{}
		for _, t := range role.Role.Tags {
			have[deref(t.Key)] = deref(t.Value)
		}
		if tags := x.missingTags(have, ev.ResourceName); tags != nil {
			ins = append(ins, apiCall("iam", "TagRole", roleName, func(ctx context.Context, x *executor) error {
				_, err := x.c.IAM.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(roleName), Tags: iamTags(tags)})
				return err
			}))
		}
		cur, err := x.c.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(roleName)})
		if err != nil && !isNotFound(err) {
			return nil, fmt.Errorf("iam:GetRolePolicy %s: %w", roleName, err)
		}
		if err != nil || !sameJSON(deref(cur.PolicyDocument), policy) {
			ins = append(ins, putPolicy)
		}
	}

	input := x.arns.scheduledEventInput()
	want := func() (*schedtypes.FlexibleTimeWindow, *schedtypes.Target) {
		return &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
			&schedtypes.Target{Arn: aws.String(target), RoleArn: aws.String(rec.Get("role_arn")), Input: aws.String(input)}
	}
	desc := optional(ev.Source.Description)
	detail := fmt.Sprintf("%s in %s", ev.Source.Schedule, ev.Source.TimeZone)
	got, err := x.c.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name), GroupName: aws.String(scheduleGroup)})
	switch {
	case isNotFound(err):
		msg = cmpOr(msg, "Creating schedule: "+name)
		ins = append(ins, apiCall("scheduler", "CreateSchedule", name, func(ctx context.Context, x *executor) error {
			window, tgt := want()
			err := x.retryIf(ctx, isSchedulerRolePropagation, func() error {
				_, err := x.c.Scheduler.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String(name), GroupName: aws.String(scheduleGroup),
					ScheduleExpression: aws.String(ev.Source.Schedule), ScheduleExpressionTimezone: aws.String(ev.Source.TimeZone), FlexibleTimeWindow: window,
					Target: tgt, State: schedtypes.ScheduleStateEnabled, Description: desc})
				return err
			})
			// A conflict is a create whose answer was lost, sent again.
			if err != nil && errorCode(err) != "ConflictException" {
				return err
			}
			return x.record(ctx, rec.Clone())
		}).detailed("%s", detail))
	case err != nil:
		return nil, fmt.Errorf("scheduler:GetSchedule %s: %w", name, err)
	default:
		ins = append(ins, recordIn(func() state.Record { return rec.Clone() }))
		var arn, roleARN, in string
		if got.Target != nil {
			arn, roleARN, in = deref(got.Target.Arn), deref(got.Target.RoleArn), deref(got.Target.Input)
		}
		mode := schedtypes.FlexibleTimeWindowMode("")
		if got.FlexibleTimeWindow != nil {
			mode = got.FlexibleTimeWindow.Mode
		}
		if deref(got.ScheduleExpression) != ev.Source.Schedule || deref(got.ScheduleExpressionTimezone) != ev.Source.TimeZone || arn != target ||
			roleARN != rec.Get("role_arn") || !sameJSONText(in, input) || mode != schedtypes.FlexibleTimeWindowModeOff ||
			got.State != schedtypes.ScheduleStateEnabled || deref(got.Description) != deref(desc) {
			msg = cmpOr(msg, "Updating schedule: "+name)
			ins = append(ins, apiCall("scheduler", "UpdateSchedule", name, func(ctx context.Context, x *executor) error {
				window, tgt := want()
				return x.retryIf(ctx, isSchedulerRolePropagation, func() error {
					_, err := x.c.Scheduler.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{Name: aws.String(name), GroupName: aws.String(scheduleGroup),
						ScheduleExpression: aws.String(ev.Source.Schedule), ScheduleExpressionTimezone: aws.String(ev.Source.TimeZone), FlexibleTimeWindow: window,
						Target: tgt, State: schedtypes.ScheduleStateEnabled, Description: desc})
					return err
				})
			}).detailed("%s", detail))
		}
	}
	if msg == "" && len(Step{Instructions: ins}.Calls()) > 0 {
		msg = "Updating schedule role: " + roleName
	}
	return []Step{{Resource: ev.ResourceName, Message: msg, Instructions: ins}}, nil
}

// sameJSONText compares two JSON texts.
func sameJSONText(a, b string) bool {
	if a == b {
		return true
	}
	var vb any
	if json.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	return sameJSON(a, vb)
}

// isSchedulerRolePropagation reports the scheduler's refusal of a role it
// cannot assume yet (IAM is eventually consistent).
func isSchedulerRolePropagation(err error) bool {
	return errorCode(err) == "ValidationException" && strings.Contains(strings.ToLower(err.Error()), "assume")
}

// sweepSchedule deletes a schedule and its role.
func sweepSchedule(rec state.Record) Step {
	name, group := rec.Get("schedule_name"), cmpOr(rec.Get("group_name"), scheduleGroup)
	ins := []Instruction{apiCall("scheduler", "DeleteSchedule", name, func(ctx context.Context, x *executor) error {
		_, err := x.c.Scheduler.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(name), GroupName: aws.String(group)})
		if err != nil && !isNotFound(err) {
			return err
		}
		return nil
	})}
	if role := rec.Get("role_name"); role != "" {
		ins = append(ins, deleteRoleCalls(role)...)
	}
	return Step{Resource: rec.Name, Message: "Deleting schedule: " + name, Instructions: append(ins, forgetIn(rec.Name))}
}
