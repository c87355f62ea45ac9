package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/manifest"
)

// ---- EventBridge rule (schedule / CloudWatch event) ----

func (pl *planner) rule(ctx context.Context, ev *appgraph.EventSource, on *appgraph.Declared) ([]Step, error) {
	x := pl.x
	name := ev.RuleName
	// A rule on a bus the app declares (OnBus) or names
	// (chalice.EventBus) lives on that bus; its ARN names the bus.
	var bus *string
	ruleARN := x.arns.rule(name)
	switch {
	case on != nil:
		bus = aws.String(x.declaredRef(on, appgraph.AttrName))
		ruleARN = x.arns.busRule(*bus, name)
	case ev.Source.Bus != "":
		bus = aws.String(ev.Source.Bus)
		ruleARN = x.arns.busRule(ev.Source.Bus, name)
	}
	fnARN := x.targetARN(ev.Function)
	put := &eventbridge.PutRuleInput{Name: aws.String(name), EventBusName: bus}
	if ev.Source.Type == manifest.SourceSchedule {
		put.ScheduleExpression = aws.String(ev.Source.Schedule)
	} else {
		put.EventPattern = aws.String(string(ev.Source.EventPattern))
	}
	if ev.Source.Description != "" {
		put.Description = aws.String(ev.Source.Description)
	}
	rec := state.Record{Name: ev.ResourceName, ResourceType: "cloudwatch_event", Fields: []state.Field{{Key: "rule_name", Value: name}}}
	if bus != nil {
		rec.Set("event_bus_name", *bus)
	}
	perm := []permission{{function: ev.Function.FunctionName, principal: "events.amazonaws.com", sourceARN: ruleARN, qualifier: ev.Function.Qualifier()}}
	// The same resource was a schedule with a time zone (an EventBridge
	// Scheduler schedule) or a rule on another bus: that one goes first.
	var replaced []Instruction
	if prev := x.state.Find(ev.ResourceName); prev != nil && (prev.ResourceType != "cloudwatch_event" || prev.Get("event_bus_name") != deref(bus)) {
		st, err := sweepStep(prev.Clone(), false)
		if err != nil {
			return nil, err
		}
		replaced = st.Instructions
	}

	needRule, needTarget := true, true
	var got *eventbridge.DescribeRuleOutput
	// A rule on a bus this plan creates does not exist yet.
	var err error = &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "its bus is created by this deploy"}
	if !pl.creates(on) {
		got, err = x.c.EventBridge.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(name), EventBusName: bus})
	}
	switch {
	case isNotFound(err):
		// Tags are set when the rule is created (PutRule leaves an
		// existing rule's tags alone).
		for _, k := range slices.Sorted(maps.Keys(x.ownTags(ev.ResourceName))) {
			put.Tags = append(put.Tags, ebtypes.Tag{Key: aws.String(k), Value: aws.String(x.ownTags(ev.ResourceName)[k])})
		}
	case err != nil:
		return nil, fmt.Errorf("events:DescribeRule %s: %w", name, err)
	default:
		needRule = deref(got.ScheduleExpression) != deref(put.ScheduleExpression) || !sameEventPattern(deref(got.EventPattern), deref(put.EventPattern)) ||
			deref(got.Description) != deref(put.Description) || got.State != ebtypes.RuleStateEnabled
		targets, err := x.c.EventBridge.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(name), EventBusName: bus})
		if err != nil {
			return nil, fmt.Errorf("events:ListTargetsByRule %s: %w", name, err)
		}
		needTarget = !slices.ContainsFunc(targets.Targets, func(t ebtypes.Target) bool { return deref(t.Id) == "1" && deref(t.Arn) == fnARN })
	}
	missing, err := x.missingPermissions(ctx, perm)
	if err != nil {
		return nil, err
	}
	ins := replaced
	if needRule {
		detail := deref(put.ScheduleExpression)
		if detail == "" {
			detail = "event pattern"
		}
		ins = append(ins, apiCall("events", "PutRule", name, func(ctx context.Context, x *executor) error {
			_, err := x.c.EventBridge.PutRule(ctx, put)
			return err
		}).detailed("%s", detail))
	}
	ins = append(ins, recordIn(func() state.Record { return rec }))
	if needTarget {
		ins = append(ins, apiCall("events", "PutTargets", name, func(ctx context.Context, x *executor) error {
			_, err := x.c.EventBridge.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(name), EventBusName: bus, Targets: []ebtypes.Target{{Id: aws.String("1"), Arn: aws.String(fnARN)}}})
			return err
		}))
	}
	ins = append(ins, permissionCalls(missing)...)
	msg := ""
	if len(replaced) > 0 {
		msg = "Replacing event source: " + ev.ResourceName
	}
	return []Step{{Resource: ev.ResourceName, Message: msg, Instructions: ins}}, nil
}

// busRule is the ARN of a rule on a custom event bus, named or given by
// its ARN (whose account and region the rule shares).
func (a arns) busRule(bus, rule string) string {
	account, region, name := a.Account, a.Region, bus
	if p := strings.SplitN(bus, ":", 6); len(p) == 6 && p[0] == "arn" {
		region, account = p[3], p[4]
		name = strings.TrimPrefix(p[5], "event-bus/")
	}
	return fmt.Sprintf("arn:%s:events:%s:%s:rule/%s/%s", a.Partition, region, account, name, rule)
}

func sameEventPattern(a, b string) bool {
	if a == b {
		return true
	}
	if a == "" || b == "" {
		return false
	}
	var pb any
	if json.Unmarshal([]byte(b), &pb) != nil {
		return false
	}
	return sameJSON(a, pb)
}
