package deploy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
)

// ---- versions, alias, provisioned concurrency, asynchronous delivery ----
//
// They belong to the function's record (lambda_function): "version" is
// the latest published version, "alias" the alias (lambda_alias),
// "provisioned_concurrency" what was put on the alias, and
// "event_invoke_config" the qualifier ($LATEST or the alias) that has the
// asynchronous delivery settings. Deleting the function deletes all of
// them with it.

// latestQualifier names the unqualified function in the record.
const latestQualifier = "$LATEST"

// versioning plans what follows the function's create or update: a
// version when the code or configuration changed since the last one
// (publish_versions), the alias moved to it (lambda_alias), the alias's
// provisioned concurrency, and the asynchronous delivery settings. exists
// says the function exists already; changed that this deploy updates its
// code or configuration.
func (pl *planner) versioning(ctx context.Context, f *appgraph.Function, spec functionSpec, rec *state.Record, exists, changed bool) ([]Instruction, error) {
	x := pl.x
	c := f.Config
	name := f.FunctionName
	prevGet := func(k string) string {
		if p := x.state.Find(f.ResourceName); p != nil && p.ResourceType == "lambda_function" {
			return p.Get(k)
		}
		return ""
	}
	var ins []Instruction
	version := &runValue{name: f.ResourceName + ".version"}
	publish := false
	if c.PublishVersions {
		var latest *ltypes.FunctionConfiguration
		if exists {
			var err error
			if latest, err = x.latestVersion(ctx, name); err != nil {
				return nil, err
			}
		}
		// A version whose code or configuration differs from what the
		// function should be (a run stopped between the update and the
		// publish) is published again too.
		publish = !exists || changed || latest == nil || deref(latest.CodeSha256) != pl.built.Package.CodeSha256 || spec.configDiffers(latest)
		if publish {
			ins = append(ins, apiCall("lambda", "PublishVersion", name, func(ctx context.Context, x *executor) error {
				if err := x.waitFunction(ctx, name); err != nil {
					return err
				}
				in := &lambda.PublishVersionInput{FunctionName: aws.String(name), CodeSha256: aws.String(pl.built.Package.CodeSha256)}
				out, err := x.c.Lambda.PublishVersion(ctx, in)
				var uo *awsapi.UnknownOutcomeError
				if errors.As(err, &uo) {
					// Lambda publishes no second version of the same code
					// and configuration: asking again returns the version
					// the lost call published.
					out, err = x.c.Lambda.PublishVersion(ctx, in)
				}
				if err != nil {
					return err
				}
				version.value = deref(out.Version)
				rec.Set("version", version.value)
				if err := x.record(ctx, rec.Clone()); err != nil {
					return err
				}
				return x.waitQualified(ctx, name, version.value)
			}).detailed("the code or configuration changed since version %s", cmpOr(prevGet("version"), "none")))
		} else {
			version.value = deref(latest.Version)
			rec.Set("version", version.value)
		}
	}

	alias := f.Qualifier()
	prevAlias := prevGet("alias")
	aliasExists := false
	if alias != "" {
		cur := ""
		if exists {
			got, err := x.c.Lambda.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(name), Name: aws.String(alias)})
			switch {
			case isNotFound(err):
			case err != nil:
				return nil, fmt.Errorf("lambda:GetAlias %s:%s: %w", name, alias, err)
			default:
				aliasExists, cur = true, deref(got.FunctionVersion)
			}
		}
		if aliasExists {
			rec.Set("alias", alias)
		}
		set := func(ctx context.Context, x *executor) error {
			rec.Set("alias", alias)
			return x.record(ctx, rec.Clone())
		}
		switch {
		case !aliasExists:
			ins = append(ins, apiCall("lambda", "CreateAlias", name+":"+alias, func(ctx context.Context, x *executor) error {
				_, err := x.c.Lambda.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String(name), Name: aws.String(alias), FunctionVersion: aws.String(version.value)})
				if code := errorCode(err); code == "ResourceConflictException" || code == "ConflictException" {
					// A create whose answer was lost and that the SDK sent
					// again: the alias exists; point it at the version.
					// (Lambda answers ResourceConflictException; moto 5
					// answers ConflictException, which made a dropped
					// CreateAlias fail the run there, found by
					// TestPlatformFaultInjection.)
					_, err = x.c.Lambda.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String(name), Name: aws.String(alias), FunctionVersion: aws.String(version.value)})
				}
				if err != nil {
					return err
				}
				return set(ctx, x)
			}).detailed("to version %s", version))
		case publish || cur != version.value:
			ins = append(ins, apiCall("lambda", "UpdateAlias", name+":"+alias, func(ctx context.Context, x *executor) error {
				if _, err := x.c.Lambda.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String(name), Name: aws.String(alias), FunctionVersion: aws.String(version.value)}); err != nil {
					return err
				}
				return set(ctx, x)
			}).detailed("from version %s to version %s", cmpOr(cur, "none"), version))
		}
	}
	if prevAlias != "" && prevAlias != alias && exists {
		// The alias was renamed or removed: the old one (and its
		// provisioned concurrency) goes once everything invokes the new
		// target, at the end of the deploy.
		pl.late = append(pl.late, Step{Resource: f.ResourceName, Message: fmt.Sprintf("Deleting alias: %s:%s", name, prevAlias), Instructions: []Instruction{
			apiCall("lambda", "DeleteAlias", name+":"+prevAlias, func(ctx context.Context, x *executor) error {
				if _, err := x.c.Lambda.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String(name), Name: aws.String(prevAlias)}); err != nil && !isNotFound(err) {
					return err
				}
				return nil
			})}})
	}

	// Provisioned concurrency is planned from the record: what deploy put
	// on the alias. (Put is idempotent, so a lost record only repeats it.)
	prevPC := prevGet("provisioned_concurrency")
	switch want := c.ProvisionedConcurrency; {
	case want != nil && alias != "":
		n := strconv.Itoa(*want)
		if prevPC == n && prevAlias == alias && aliasExists {
			rec.Set("provisioned_concurrency", n)
			break
		}
		ins = append(ins, apiCall("lambda", "PutProvisionedConcurrencyConfig", name+":"+alias, func(ctx context.Context, x *executor) error {
			if _, err := x.c.Lambda.PutProvisionedConcurrencyConfig(ctx, &lambda.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String(name),
				Qualifier: aws.String(alias), ProvisionedConcurrentExecutions: aws.Int32(int32(*want))}); err != nil {
				return err
			}
			rec.Set("provisioned_concurrency", n)
			return x.record(ctx, rec.Clone())
		}).detailed("%s provisioned", n))
	case prevPC != "" && prevAlias != "" && prevAlias == alias && aliasExists:
		ins = append(ins, apiCall("lambda", "DeleteProvisionedConcurrencyConfig", name+":"+alias, func(ctx context.Context, x *executor) error {
			if _, err := x.c.Lambda.DeleteProvisionedConcurrencyConfig(ctx, &lambda.DeleteProvisionedConcurrencyConfigInput{FunctionName: aws.String(name),
				Qualifier: aws.String(alias)}); err != nil && !isNotFound(err) {
				return err
			}
			rec.Delete("provisioned_concurrency")
			return x.record(ctx, rec.Clone())
		}))
	}

	async, err := pl.invokeConfig(ctx, f, rec, exists && (alias == "" || aliasExists), prevGet("event_invoke_config"), alias)
	if err != nil {
		return nil, err
	}
	return append(ins, async...), nil
}

// latestVersion returns the configuration of the function's newest
// published version (nil when none is).
func (x *executor) latestVersion(ctx context.Context, name string) (*ltypes.FunctionConfiguration, error) {
	var latest *ltypes.FunctionConfiguration
	best := 0
	p := lambda.NewListVersionsByFunctionPaginator(x.c.Lambda, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("lambda:ListVersionsByFunction %s: %w", name, err)
		}
		for i := range page.Versions {
			v := &page.Versions[i]
			n, err := strconv.Atoi(deref(v.Version))
			if err != nil { // $LATEST
				continue
			}
			if n > best {
				best, latest = n, v
			}
		}
	}
	return latest, nil
}

// invokeConfig plans the asynchronous delivery settings (async_*):
// PutFunctionEventInvokeConfig on the function's qualifier when they are
// new or changed, DeleteFunctionEventInvokeConfig when they were removed.
// canRead says the qualifier exists (its settings can be read); prevQual
// is the qualifier recorded with settings.
func (pl *planner) invokeConfig(ctx context.Context, f *appgraph.Function, rec *state.Record, canRead bool, prevQual, alias string) ([]Instruction, error) {
	x := pl.x
	name := f.FunctionName
	qual := cmpOr(alias, latestQualifier)
	var ins []Instruction
	// Settings on a qualifier that no longer serves: the unqualified
	// function's (an old alias goes with its deletion).
	if prevQual == latestQualifier && qual != latestQualifier {
		ins = append(ins, deleteInvokeConfig(name, ""))
	}
	a := f.Config.Async
	if a == nil {
		if prevQual != "" && prevQual == qual && canRead {
			ins = append(ins, deleteInvokeConfig(name, alias))
		}
		rec.Delete("event_invoke_config")
		return ins, nil
	}
	want := &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String(name), Qualifier: optional(alias)}
	if a.MaxRetries != nil {
		want.MaximumRetryAttempts = aws.Int32(int32(*a.MaxRetries))
	}
	if a.MaxEventAge != nil {
		want.MaximumEventAgeInSeconds = aws.Int32(int32(*a.MaxEventAge))
	}
	var dests []string
	for _, d := range f.Destinations() {
		if want.DestinationConfig == nil {
			want.DestinationConfig = &ltypes.DestinationConfig{}
		}
		switch d.Condition {
		case "OnSuccess":
			want.DestinationConfig.OnSuccess = &ltypes.OnSuccess{Destination: aws.String(d.ARN)}
		case "OnFailure":
			want.DestinationConfig.OnFailure = &ltypes.OnFailure{Destination: aws.String(d.ARN)}
		}
		dests = append(dests, d.Condition+" "+d.ARN)
	}
	same := false
	if canRead {
		got, err := x.c.Lambda.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(name), Qualifier: optional(alias)})
		switch {
		case isNotFound(err):
		case err != nil:
			return nil, fmt.Errorf("lambda:GetFunctionEventInvokeConfig %s (qualifier %s): %w", name, qual, err)
		default:
			same = sameInvokeConfig(got, want)
		}
	}
	if same {
		rec.Set("event_invoke_config", qual)
		return ins, nil
	}
	detail := []string{"retries " + optionalInt(want.MaximumRetryAttempts), "max event age " + optionalInt(want.MaximumEventAgeInSeconds)}
	detail = append(detail, dests...)
	return append(ins, apiCall("lambda", "PutFunctionEventInvokeConfig", name+":"+qual, func(ctx context.Context, x *executor) error {
		// The role's new destination statements may not have reached
		// Lambda yet (IAM is eventually consistent).
		if err := x.retryIf(ctx, isDestinationPropagation, func() error {
			_, err := x.c.Lambda.PutFunctionEventInvokeConfig(ctx, want)
			return err
		}); err != nil {
			return err
		}
		rec.Set("event_invoke_config", qual)
		return x.record(ctx, rec.Clone())
	}).detailed("%s", strings.Join(detail, ", "))), nil
}

func deleteInvokeConfig(name, alias string) Instruction {
	return apiCall("lambda", "DeleteFunctionEventInvokeConfig", name+":"+cmpOr(alias, latestQualifier), func(ctx context.Context, x *executor) error {
		_, err := x.c.Lambda.DeleteFunctionEventInvokeConfig(ctx, &lambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String(name), Qualifier: optional(alias)})
		if err != nil && !isNotFound(err) {
			return err
		}
		return nil
	})
}

func sameInvokeConfig(got *lambda.GetFunctionEventInvokeConfigOutput, want *lambda.PutFunctionEventInvokeConfigInput) bool {
	samePtr := func(a, b *int32) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	dest := func(c *ltypes.DestinationConfig) (string, string) {
		if c == nil {
			return "", ""
		}
		var s, f string
		if c.OnSuccess != nil {
			s = deref(c.OnSuccess.Destination)
		}
		if c.OnFailure != nil {
			f = deref(c.OnFailure.Destination)
		}
		return s, f
	}
	gs, gf := dest(got.DestinationConfig)
	ws, wf := dest(want.DestinationConfig)
	return samePtr(got.MaximumRetryAttempts, want.MaximumRetryAttempts) && samePtr(got.MaximumEventAgeInSeconds, want.MaximumEventAgeInSeconds) && gs == ws && gf == wf
}

func optionalInt(v *int32) string {
	if v == nil {
		return "default"
	}
	return strconv.Itoa(int(*v))
}

// isDestinationPropagation reports Lambda's refusal of a destination the
// function's role does not allow yet.
func isDestinationPropagation(err error) bool {
	return errorCode(err) == "InvalidParameterValueException" && strings.Contains(err.Error(), "execution role does not have permissions")
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
