package deploy

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
)

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
	return functionSpec{fn: f, roleARN: roleARN, env: pl.x.declaredEnv(f), tags: pl.x.withOwnTags(c.Tags, f.ResourceName), layers: c.Layers,
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
	putConcurrency := func() Instruction {
		return apiCall("lambda", "PutFunctionConcurrency", name, func(ctx context.Context, x *executor) error {
			_, err := x.c.Lambda.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String(name), ReservedConcurrentExecutions: aws.Int32(int32(*spec.reserved))})
			return err
		}).detailed("%d reserved", *spec.reserved)
	}
	got, err := x.c.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	if isNotFound(err) {
		create := apiCall("lambda", "CreateFunction", name, func(ctx context.Context, x *executor) error {
			// What the function uses is created by now: its environment
			// names it.
			spec.env = x.declaredEnv(f)
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
			return x.waitFunction(ctx, name)
		}).detailed("%s, %s, %d MB, %ds", f.Runtime, spec.arch, f.Config.MemorySize, f.Config.Timeout)
		ins := []Instruction{create}
		if spec.reserved != nil {
			ins = append(ins, putConcurrency())
		}
		pl.newFunctions[f.ResourceName] = true
		more, err := pl.versioning(ctx, f, spec, &rec, false, true)
		if err != nil {
			return nil, err
		}
		ins = append(ins, more...)
		return []Step{{Resource: f.ResourceName, Message: "Creating lambda function: " + name, Instructions: ins}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lambda:GetFunction %s: %w", name, err)
	}
	cfg := got.Configuration
	arn := deref(cfg.FunctionArn)
	rec.Set("lambda_arn", arn)
	ins := []Instruction{recordIn(func() state.Record { return rec.Clone() })}
	codeChanged := deref(cfg.CodeSha256) != pl.built.Package.CodeSha256 || !slices.Equal(cfg.Architectures, []ltypes.Architecture{spec.arch})
	if codeChanged {
		ins = append(ins, apiCall("lambda", "UpdateFunctionCode", name, func(ctx context.Context, x *executor) error {
			if err := x.waitFunction(ctx, name); err != nil {
				return err
			}
			in := &lambda.UpdateFunctionCodeInput{FunctionName: aws.String(name), Architectures: []ltypes.Architecture{spec.arch}}
			if err := pl.code(ctx, x, func(zip []byte, bucket, key *string) { in.ZipFile, in.S3Bucket, in.S3Key = zip, bucket, key }); err != nil {
				return err
			}
			_, err := x.c.Lambda.UpdateFunctionCode(ctx, in)
			return err
		}))
	}
	configChanged := spec.configDiffers(cfg)
	if configChanged {
		ins = append(ins, apiCall("lambda", "UpdateFunctionConfiguration", name, func(ctx context.Context, x *executor) error {
			if err := x.waitFunction(ctx, name); err != nil {
				return err
			}
			spec.env = x.declaredEnv(f)
			return x.retryRole(ctx, func() error {
				_, err := x.c.Lambda.UpdateFunctionConfiguration(ctx, spec.updateConfigInput())
				return err
			})
		}).detailed("%s, %d MB, %ds", f.Runtime, f.Config.MemorySize, f.Config.Timeout))
	}
	if codeChanged || configChanged {
		ins = append(ins, act(func(ctx context.Context, x *executor) error { return x.waitFunction(ctx, name) }))
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
		ins = append(ins, apiCall("lambda", "TagResource", name, func(ctx context.Context, x *executor) error {
			_, err := x.c.Lambda.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(arn), Tags: tag})
			return err
		}))
	}
	if len(untag) > 0 {
		ins = append(ins, apiCall("lambda", "UntagResource", name, func(ctx context.Context, x *executor) error {
			_, err := x.c.Lambda.UntagResource(ctx, &lambda.UntagResourceInput{Resource: aws.String(arn), TagKeys: untag})
			return err
		}))
	}
	var curReserved *int
	if got.Concurrency != nil && got.Concurrency.ReservedConcurrentExecutions != nil {
		v := int(*got.Concurrency.ReservedConcurrentExecutions)
		curReserved = &v
	}
	switch {
	case spec.reserved != nil && (curReserved == nil || *curReserved != *spec.reserved):
		ins = append(ins, putConcurrency())
	case spec.reserved == nil && curReserved != nil:
		ins = append(ins, apiCall("lambda", "DeleteFunctionConcurrency", name, func(ctx context.Context, x *executor) error {
			_, err := x.c.Lambda.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String(name)})
			return err
		}))
	}
	more, err := pl.versioning(ctx, f, spec, &rec, true, codeChanged || configChanged)
	if err != nil {
		return nil, err
	}
	ins = append(ins, more...)
	st := Step{Resource: f.ResourceName, Instructions: ins}
	if len(st.Calls()) > 0 {
		st.Message = "Updating lambda function: " + name
	}
	return []Step{st}, nil
}

// retryRole retries call while Lambda cannot assume a role IAM has not
// propagated yet.
func (x *executor) retryRole(ctx context.Context, call func() error) error {
	return x.retryIf(ctx, isRolePropagation, call)
}

// retryIf retries call while its error is one retry says IAM's
// propagation will cure.
func (x *executor) retryIf(ctx context.Context, retry func(error) bool, call func() error) error {
	r := x.o.Retry
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || !retry(err) || attempt >= r.RoleAttempts {
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
	return x.waitQualified(ctx, name, "")
}

// waitQualified waits until the function's version or alias (qualifier;
// "" for $LATEST) is Active and not updating.
func (x *executor) waitQualified(ctx context.Context, name, qualifier string) error {
	r := x.o.Retry
	deadline := time.Now().Add(r.WaitTimeout)
	if qualifier != "" {
		name += ":" + qualifier
	}
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
