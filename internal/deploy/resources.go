package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/manifest"
)

// ---- IAM role ----

func (pl *planner) role(ctx context.Context, r *appgraph.Role) ([]Step, error) {
	x := pl.x
	policy := pl.built.Policies[r.ResourceName]
	rec := state.Record{Name: r.ResourceName, ResourceType: "iam_role", Fields: []state.Field{{Key: "role_name", Value: r.RoleName}, {Key: "role_arn", Value: x.arns.role(r.RoleName)}}}
	got, err := x.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(r.RoleName)})
	putPolicy := func(ctx context.Context, x *executor) error {
		doc, err := json.Marshal(policy)
		if err != nil {
			return err
		}
		_, err = x.c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(r.RoleName), PolicyName: aws.String(r.RoleName), PolicyDocument: aws.String(string(doc))})
		return err
	}
	if isNotFound(err) {
		return []Step{{Resource: r.ResourceName, Message: "Creating IAM role: " + r.RoleName,
			Calls: []PlannedCall{{"iam", "CreateRole", r.RoleName}, {"iam", "PutRolePolicy", r.RoleName}},
			run: func(ctx context.Context, x *executor) error {
				trust, _ := json.Marshal(appgraph.LambdaTrustPolicy)
				out, err := x.c.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.RoleName), AssumeRolePolicyDocument: aws.String(string(trust)),
					Tags: iamTags(x.ownTags(r.ResourceName))})
				switch {
				case errorCode(err) == "EntityAlreadyExists":
					// A create whose answer was lost and that the SDK sent
					// again: the role is ours, adopt it.
					got, gerr := x.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(r.RoleName)})
					if gerr != nil {
						return gerr
					}
					rec.Set("role_arn", deref(got.Role.Arn))
				case err != nil:
					return err
				default:
					rec.Set("role_arn", deref(out.Role.Arn))
				}
				if err := x.record(ctx, rec); err != nil {
					return err
				}
				return putPolicy(ctx, x)
			}}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("iam:GetRole %s: %w", r.RoleName, err)
	}
	rec.Set("role_arn", deref(got.Role.Arn))
	have := map[string]string{}
	for _, t := range got.Role.Tags {
		have[deref(t.Key)] = deref(t.Value)
	}
	tags := x.missingTags(have, r.ResourceName)
	var calls []PlannedCall
	cur, err := x.c.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(r.RoleName), PolicyName: aws.String(r.RoleName)})
	if err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("iam:GetRolePolicy %s: %w", r.RoleName, err)
	}
	samePolicy := err == nil && sameJSON(deref(cur.PolicyDocument), policy)
	msg := ""
	if !samePolicy {
		calls = append(calls, PlannedCall{"iam", "PutRolePolicy", r.RoleName})
		msg = "Updating policy for IAM role: " + r.RoleName
	}
	if tags != nil {
		calls = append(calls, PlannedCall{"iam", "TagRole", r.RoleName})
	}
	return []Step{{Resource: r.ResourceName, Message: msg, Calls: calls,
		run: func(ctx context.Context, x *executor) error {
			if err := x.record(ctx, rec); err != nil {
				return err
			}
			if tags != nil {
				if _, err := x.c.IAM.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(r.RoleName), Tags: iamTags(tags)}); err != nil {
					return err
				}
			}
			if samePolicy {
				return nil
			}
			return putPolicy(ctx, x)
		}}}, nil
}

func iamTags(m map[string]string) []iamtypes.Tag {
	var out []iamtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// ---- Lambda function ----

// functionSpec is the configuration a function should have.
type functionSpec struct {
	fn       *appgraph.Function
	roleARN  string
	env      map[string]string
	tags     map[string]string
	layers   []string
	tracing  ltypes.TracingMode
	subnets  []string
	sgs      []string
	arch     ltypes.Architecture
	reserved *int
}

func (pl *planner) spec(f *appgraph.Function) functionSpec {
	c := f.Config
	roleARN := f.Role.PreCreatedARN
	if f.Role.Managed {
		roleARN = pl.x.arns.role(f.Role.RoleName)
		if rec := pl.x.state.Find(f.Role.ResourceName); rec != nil && rec.Get("role_arn") != "" {
			roleARN = rec.Get("role_arn")
		}
	}
	tracing := ltypes.TracingModePassThrough
	if c.XRay {
		tracing = ltypes.TracingModeActive
	}
	return functionSpec{fn: f, roleARN: roleARN, env: c.EnvironmentVariables, tags: pl.x.withOwnTags(c.Tags, f.ResourceName), layers: c.Layers,
		tracing: tracing, subnets: c.SubnetIDs, sgs: c.SecurityGroupIDs, arch: ltypes.Architecture(c.Architecture), reserved: c.ReservedConcurrency}
}

func (s functionSpec) vpc() *ltypes.VpcConfig {
	if len(s.subnets) == 0 && len(s.sgs) == 0 {
		return nil
	}
	return &ltypes.VpcConfig{SubnetIds: s.subnets, SecurityGroupIds: s.sgs}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func sameMap(a, b map[string]string) bool {
	return len(a) == len(b) && maps.Equal(a, b)
}

// configDiffers compares the remote configuration with the spec.
func (s functionSpec) configDiffers(c *ltypes.FunctionConfiguration) bool {
	f := s.fn
	var env map[string]string
	if c.Environment != nil {
		env = c.Environment.Variables
	}
	var layers []string
	for _, l := range c.Layers {
		layers = append(layers, deref(l.Arn))
	}
	tracing := ltypes.TracingModePassThrough
	if c.TracingConfig != nil && c.TracingConfig.Mode != "" {
		tracing = c.TracingConfig.Mode
	}
	var subnets, sgs []string
	if c.VpcConfig != nil {
		subnets, sgs = c.VpcConfig.SubnetIds, c.VpcConfig.SecurityGroupIds
	}
	return string(c.Runtime) != f.Runtime || deref(c.Handler) != f.Handler || deref(c.Role) != s.roleARN ||
		int(deref(c.Timeout)) != f.Config.Timeout || int(deref(c.MemorySize)) != f.Config.MemorySize ||
		!sameMap(env, s.env) || !slices.Equal(layers, s.layers) || tracing != s.tracing ||
		!sameSet(subnets, s.subnets) || !sameSet(sgs, s.sgs)
}

func (s functionSpec) updateConfigInput() *lambda.UpdateFunctionConfigurationInput {
	f := s.fn
	vpc := s.vpc()
	if vpc == nil {
		vpc = &ltypes.VpcConfig{SubnetIds: []string{}, SecurityGroupIds: []string{}}
	}
	return &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(f.FunctionName), Runtime: ltypes.Runtime(f.Runtime),
		Handler: aws.String(f.Handler), Role: aws.String(s.roleARN), Timeout: aws.Int32(int32(f.Config.Timeout)),
		MemorySize: aws.Int32(int32(f.Config.MemorySize)), Environment: &ltypes.Environment{Variables: nonNil(s.env)},
		Layers: nonNilSlice(s.layers), TracingConfig: &ltypes.TracingConfig{Mode: s.tracing}, VpcConfig: vpc}
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (pl *planner) function(ctx context.Context, f *appgraph.Function) ([]Step, error) {
	x := pl.x
	spec := pl.spec(f)
	name := f.FunctionName
	rec := state.Record{Name: f.ResourceName, ResourceType: "lambda_function", Fields: []state.Field{{Key: "lambda_arn", Value: x.arns.function(name)}}}
	got, err := x.c.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	if isNotFound(err) {
		calls := []PlannedCall{{"lambda", "CreateFunction", name}}
		if spec.reserved != nil {
			calls = append(calls, PlannedCall{"lambda", "PutFunctionConcurrency", name})
		}
		return []Step{{Resource: f.ResourceName, Message: "Creating lambda function: " + name, Calls: calls,
			run: func(ctx context.Context, x *executor) error {
				in := &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: ltypes.Runtime(f.Runtime),
					Handler: aws.String(f.Handler), Role: aws.String(spec.roleARN), Code: &ltypes.FunctionCode{},
					Timeout: aws.Int32(int32(f.Config.Timeout)), MemorySize: aws.Int32(int32(f.Config.MemorySize)),
					Architectures: []ltypes.Architecture{spec.arch}, Tags: spec.tags, Layers: spec.layers, VpcConfig: spec.vpc()}
				if len(spec.env) > 0 {
					in.Environment = &ltypes.Environment{Variables: spec.env}
				}
				if spec.tracing == ltypes.TracingModeActive {
					in.TracingConfig = &ltypes.TracingConfig{Mode: spec.tracing}
				}
				if err := pl.code(ctx, x, func(zip []byte, bucket, key *string) {
					in.Code.ZipFile, in.Code.S3Bucket, in.Code.S3Key = zip, bucket, key
				}); err != nil {
					return err
				}
				var out *lambda.CreateFunctionOutput
				err := x.retryRole(ctx, func() (err error) {
					out, err = x.c.Lambda.CreateFunction(ctx, in)
					return err
				})
				switch {
				case errorCode(err) == "ResourceConflictException":
					// A create whose answer was lost and that the SDK sent
					// again: the function exists with this configuration.
					got, gerr := x.c.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
					if gerr != nil {
						return gerr
					}
					rec.Set("lambda_arn", deref(got.Configuration.FunctionArn))
				case err != nil:
					return err
				default:
					rec.Set("lambda_arn", deref(out.FunctionArn))
				}
				if err := x.record(ctx, rec); err != nil {
					return err
				}
				if err := x.waitFunction(ctx, name); err != nil {
					return err
				}
				if spec.reserved != nil {
					_, err = x.c.Lambda.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String(name), ReservedConcurrentExecutions: aws.Int32(int32(*spec.reserved))})
				}
				return err
			}}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lambda:GetFunction %s: %w", name, err)
	}
	cfg := got.Configuration
	arn := deref(cfg.FunctionArn)
	rec.Set("lambda_arn", arn)
	var calls []PlannedCall
	codeChanged := deref(cfg.CodeSha256) != pl.built.Package.CodeSha256 || !slices.Equal(cfg.Architectures, []ltypes.Architecture{spec.arch})
	if codeChanged {
		calls = append(calls, PlannedCall{"lambda", "UpdateFunctionCode", name})
	}
	configChanged := spec.configDiffers(cfg)
	if configChanged {
		calls = append(calls, PlannedCall{"lambda", "UpdateFunctionConfiguration", name})
	}
	var untag []string
	tag := map[string]string{}
	for k := range got.Tags {
		if _, ok := spec.tags[k]; !ok {
			untag = append(untag, k)
		}
	}
	slices.Sort(untag)
	for k, v := range spec.tags {
		if cur, ok := got.Tags[k]; !ok || cur != v {
			tag[k] = v
		}
	}
	if len(tag) > 0 {
		calls = append(calls, PlannedCall{"lambda", "TagResource", name})
	}
	if len(untag) > 0 {
		calls = append(calls, PlannedCall{"lambda", "UntagResource", name})
	}
	var curReserved *int
	if got.Concurrency != nil && got.Concurrency.ReservedConcurrentExecutions != nil {
		v := int(*got.Concurrency.ReservedConcurrentExecutions)
		curReserved = &v
	}
	concurrency := ""
	switch {
	case spec.reserved != nil && (curReserved == nil || *curReserved != *spec.reserved):
		concurrency = "PutFunctionConcurrency"
	case spec.reserved == nil && curReserved != nil:
		concurrency = "DeleteFunctionConcurrency"
	}
	if concurrency != "" {
		calls = append(calls, PlannedCall{"lambda", concurrency, name})
	}
	msg := ""
	if len(calls) > 0 {
		msg = "Updating lambda function: " + name
	}
	return []Step{{Resource: f.ResourceName, Message: msg, Calls: calls, run: func(ctx context.Context, x *executor) error {
		if err := x.record(ctx, rec); err != nil {
			return err
		}
		if codeChanged {
			if err := x.waitFunction(ctx, name); err != nil {
				return err
			}
			in := &lambda.UpdateFunctionCodeInput{FunctionName: aws.String(name), Architectures: []ltypes.Architecture{spec.arch}}
			if err := pl.code(ctx, x, func(zip []byte, bucket, key *string) { in.ZipFile, in.S3Bucket, in.S3Key = zip, bucket, key }); err != nil {
				return err
			}
			if _, err := x.c.Lambda.UpdateFunctionCode(ctx, in); err != nil {
				return err
			}
		}
		if configChanged {
			if err := x.waitFunction(ctx, name); err != nil {
				return err
			}
			if err := x.retryRole(ctx, func() error {
				_, err := x.c.Lambda.UpdateFunctionConfiguration(ctx, spec.updateConfigInput())
				return err
			}); err != nil {
				return err
			}
		}
		if codeChanged || configChanged {
			if err := x.waitFunction(ctx, name); err != nil {
				return err
			}
		}
		if len(tag) > 0 {
			if _, err := x.c.Lambda.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(arn), Tags: tag}); err != nil {
				return err
			}
		}
		if len(untag) > 0 {
			if _, err := x.c.Lambda.UntagResource(ctx, &lambda.UntagResourceInput{Resource: aws.String(arn), TagKeys: untag}); err != nil {
				return err
			}
		}
		switch concurrency {
		case "PutFunctionConcurrency":
			_, err := x.c.Lambda.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String(name), ReservedConcurrentExecutions: aws.Int32(int32(*spec.reserved))})
			return err
		case "DeleteFunctionConcurrency":
			_, err := x.c.Lambda.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String(name)})
			return err
		}
		return nil
	}}}, nil
}

// retryRole retries call while Lambda cannot assume a role IAM has not
// propagated yet.
func (x *executor) retryRole(ctx context.Context, call func() error) error {
	r := x.o.Retry
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || !isRolePropagation(err) || attempt >= r.RoleAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(r.RoleDelay):
		}
	}
}

// waitFunction waits until the function is Active and not updating.
func (x *executor) waitFunction(ctx context.Context, name string) error {
	r := x.o.Retry
	deadline := time.Now().Add(r.WaitTimeout)
	for {
		out, err := x.c.Lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
		if err != nil {
			return err
		}
		switch {
		case out.State == ltypes.StateFailed:
			return fmt.Errorf("lambda function %s failed: %s", name, deref(out.StateReason))
		case out.LastUpdateStatus == ltypes.LastUpdateStatusFailed:
			return fmt.Errorf("updating lambda function %s failed: %s", name, deref(out.LastUpdateStatusReason))
		case out.State != ltypes.StatePending && out.LastUpdateStatus != ltypes.LastUpdateStatusInProgress:
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("lambda function %s is still %s/%s after %v", name, out.State, out.LastUpdateStatus, r.WaitTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(r.PollInterval):
		}
	}
}

// permission is one statement of a function's resource policy.
type permission struct {
	function, principal, sourceARN string
}

// missingPermissions returns the permissions not yet in the functions'
// policies. Functions that do not exist yet miss every permission.
func (x *executor) missingPermissions(ctx context.Context, perms []permission) ([]permission, error) {
	policies := map[string]string{}
	var missing []permission
	for _, p := range perms {
		pol, ok := policies[p.function]
		if !ok {
			out, err := x.c.Lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(p.function)})
			if err != nil && !isNotFound(err) {
				return nil, fmt.Errorf("lambda:GetPolicy %s: %w", p.function, err)
			}
			if err == nil {
				pol = deref(out.Policy)
			}
			policies[p.function] = pol
		}
		if !hasPermission(pol, statementID(p.principal, p.sourceARN), p.principal, p.sourceARN) {
			missing = append(missing, p)
		}
	}
	return missing, nil
}

func (x *executor) addPermissions(ctx context.Context, perms []permission) error {
	missing, err := x.missingPermissions(ctx, perms)
	if err != nil {
		return err
	}
	for _, p := range missing {
		_, err := x.c.Lambda.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(p.function), Action: aws.String("lambda:InvokeFunction"),
			Principal: aws.String(p.principal), SourceArn: aws.String(p.sourceARN), StatementId: aws.String(statementID(p.principal, p.sourceARN))})
		if err != nil && errorCode(err) != "ResourceConflictException" {
			return err
		}
	}
	return nil
}

func permissionCalls(perms []permission) []PlannedCall {
	var calls []PlannedCall
	for _, p := range perms {
		calls = append(calls, PlannedCall{"lambda", "AddPermission", p.function + " " + p.principal})
	}
	return calls
}

// ---- EventBridge rule (schedule / CloudWatch event) ----

func (pl *planner) rule(ctx context.Context, ev *appgraph.EventSource) ([]Step, error) {
	x := pl.x
	name := ev.RuleName
	fnARN := x.arns.function(ev.Function.FunctionName)
	if rec := x.state.Find(ev.Function.ResourceName); rec != nil && rec.Get("lambda_arn") != "" {
		fnARN = rec.Get("lambda_arn")
	}
	put := &eventbridge.PutRuleInput{Name: aws.String(name)}
	if ev.Source.Type == manifest.SourceSchedule {
		put.ScheduleExpression = aws.String(ev.Source.Schedule)
	} else {
		put.EventPattern = aws.String(string(ev.Source.EventPattern))
	}
	if ev.Source.Description != "" {
		put.Description = aws.String(ev.Source.Description)
	}
	rec := state.Record{Name: ev.ResourceName, ResourceType: "cloudwatch_event", Fields: []state.Field{{Key: "rule_name", Value: name}}}
	perm := []permission{{function: ev.Function.FunctionName, principal: "events.amazonaws.com", sourceARN: x.arns.rule(name)}}

	var calls []PlannedCall
	needRule, needTarget := true, true
	got, err := x.c.EventBridge.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(name)})
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
		targets, err := x.c.EventBridge.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(name)})
		if err != nil {
			return nil, fmt.Errorf("events:ListTargetsByRule %s: %w", name, err)
		}
		needTarget = !slices.ContainsFunc(targets.Targets, func(t ebtypes.Target) bool { return deref(t.Id) == "1" && deref(t.Arn) == fnARN })
	}
	if needRule {
		calls = append(calls, PlannedCall{"events", "PutRule", name})
	}
	if needTarget {
		calls = append(calls, PlannedCall{"events", "PutTargets", name})
	}
	missing, err := x.missingPermissions(ctx, perm)
	if err != nil {
		return nil, err
	}
	calls = append(calls, permissionCalls(missing)...)
	return []Step{{Resource: ev.ResourceName, Calls: calls, run: func(ctx context.Context, x *executor) error {
		if needRule {
			if _, err := x.c.EventBridge.PutRule(ctx, put); err != nil {
				return err
			}
		}
		if err := x.record(ctx, rec); err != nil {
			return err
		}
		if needTarget {
			if _, err := x.c.EventBridge.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(name), Targets: []ebtypes.Target{{Id: aws.String("1"), Arn: aws.String(fnARN)}}}); err != nil {
				return err
			}
		}
		return x.addPermissions(ctx, perm)
	}}}, nil
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

// ---- sweeping ----

// sweepKey names the field that identifies a record's resource.
var sweepKey = map[string]string{"lambda_function": "lambda_arn", "iam_role": "role_name", "cloudwatch_event": "rule_name", "rest_api": "rest_api_id",
	"http_api": "http_api_id", "websocket_api": "websocket_api_id", "sqs_event": "event_uuid", "kinesis_event": "event_uuid", "dynamodb_event": "event_uuid",
	"s3_event": "bucket", "log_group": "log_group_name", "domain_name": "domain_name"}

// sweepStep deletes a recorded resource; already-deleted resources are
// fine. The record is dropped once the resource is gone.
func sweepStep(rec state.Record) (Step, error) {
	name := rec.Name
	// A record without the field that names its resource cannot be
	// deleted: it is dropped from the state with a warning, never left to
	// fail every later deploy and delete.
	if field, ok := sweepKey[rec.ResourceType]; ok && rec.Get(field) == "" {
		return Step{Resource: name, run: func(ctx context.Context, x *executor) error {
			x.warn("the record %s (%s) has no %s: it is dropped from the deployed state; if its resource still exists, `gochalice delete --by-tag` finds it, or delete it by hand", name, rec.ResourceType, field)
			return x.forget(ctx, name)
		}}, nil
	}
	switch rec.ResourceType {
	case "lambda_function":
		arn := rec.Get("lambda_arn")
		return Step{Resource: name, Message: "Deleting function: " + arn, Calls: []PlannedCall{{"lambda", "DeleteFunction", arn}},
			run: func(ctx context.Context, x *executor) error {
				_, err := x.c.Lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(arn)})
				if err != nil && !isNotFound(err) {
					return err
				}
				return x.forget(ctx, name)
			}}, nil
	case "iam_role":
		role := rec.Get("role_name")
		return Step{Resource: name, Message: "Deleting IAM role: " + role, Calls: []PlannedCall{{"iam", "DeleteRolePolicy", role}, {"iam", "DeleteRole", role}},
			run: func(ctx context.Context, x *executor) error {
				pols, err := x.c.IAM.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
				if err != nil && !isNotFound(err) {
					return err
				}
				if err == nil {
					for _, p := range pols.PolicyNames {
						if _, err := x.c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(p)}); err != nil && !isNotFound(err) {
							return err
						}
					}
				}
				if _, err := x.c.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(role)}); err != nil && !isNotFound(err) {
					return err
				}
				return x.forget(ctx, name)
			}}, nil
	case "cloudwatch_event":
		rule := rec.Get("rule_name")
		return Step{Resource: name, Message: "Deleting event rule: " + rule, Calls: []PlannedCall{{"events", "RemoveTargets", rule}, {"events", "DeleteRule", rule}},
			run: func(ctx context.Context, x *executor) error {
				targets, err := x.c.EventBridge.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule)})
				if err != nil && !isNotFound(err) {
					return err
				}
				if err == nil && len(targets.Targets) > 0 {
					var ids []string
					for _, t := range targets.Targets {
						ids = append(ids, deref(t.Id))
					}
					if _, err := x.c.EventBridge.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String(rule), Ids: ids}); err != nil && !isNotFound(err) {
						return err
					}
				}
				if _, err := x.c.EventBridge.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String(rule)}); err != nil && !isNotFound(err) {
					return err
				}
				return x.forget(ctx, name)
			}}, nil
	case "rest_api":
		id := rec.Get("rest_api_id")
		return Step{Resource: name, Message: "Deleting Rest API: " + id, Calls: []PlannedCall{{"apigateway", "DeleteRestApi", id}},
			run: func(ctx context.Context, x *executor) error {
				if err := x.deleteRestAPI(ctx, id); err != nil {
					return err
				}
				return x.forget(ctx, name)
			}}, nil
	case "http_api":
		return sweepHTTPAPI(rec), nil
	case "domain_name":
		return sweepDomain(rec), nil
	case "websocket_api":
		return sweepWebsocketAPI(rec), nil
	case "sqs_event", "kinesis_event", "dynamodb_event":
		uuid := rec.Get("event_uuid")
		return Step{Resource: name, Message: "Deleting event source mapping: " + uuid, Calls: []PlannedCall{{"lambda", "DeleteEventSourceMapping", uuid}},
			run: func(ctx context.Context, x *executor) error {
				if uuid != "" {
					if _, err := x.c.Lambda.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: aws.String(uuid)}); err != nil && !isNotFound(err) {
						return err
					}
				}
				return x.forget(ctx, name)
			}}, nil
	case "sns_event":
		return Step{Resource: name, Message: "Unsubscribing from SNS topic: " + rec.Get("topic_arn"),
			Calls: []PlannedCall{{"sns", "Unsubscribe", rec.Get("subscription_arn")}, {"lambda", "RemovePermission", rec.Get("lambda_arn")}},
			run: func(ctx context.Context, x *executor) error {
				if err := x.unsubscribe(ctx, rec); err != nil {
					return err
				}
				return x.forget(ctx, name)
			}}, nil
	case "s3_event":
		return Step{Resource: name, Message: "Removing S3 events from bucket: " + rec.Get("bucket"),
			Calls: []PlannedCall{{"s3", "PutBucketNotificationConfiguration", rec.Get("bucket")}, {"lambda", "RemovePermission", rec.Get("lambda_arn")}},
			run: func(ctx context.Context, x *executor) error {
				if err := x.disconnectBucket(ctx, rec); err != nil {
					return err
				}
				return x.forget(ctx, name)
			}}, nil
	case "log_group":
		group := rec.Get("log_group_name")
		return Step{Resource: name, Message: "Deleting retention policy for log group: " + group, Calls: []PlannedCall{{"logs", "DeleteRetentionPolicy", group}},
			run: func(ctx context.Context, x *executor) error {
				if group != "" {
					if _, err := x.c.Logs.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(group)}); err != nil && !isNotFound(err) {
						return err
					}
				}
				return x.forget(ctx, name)
			}}, nil
	}
	return Step{}, fmt.Errorf("gochalice cannot delete %s resources yet (resource %s recorded in the deployed state); delete it by hand and remove its record", rec.ResourceType, name)
}
