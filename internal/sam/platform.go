package sam

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// Lambda features beyond Chalice's: Function URLs, versions and aliases,
// provisioned concurrency, asynchronous delivery, rules on custom buses
// and schedules in a time zone. SAM expresses most of them as properties
// of the AWS::Serverless::Function, which the transform expands:
//
//   - FunctionUrlConfig becomes AWS::Lambda::Url <Fn>Url and, for
//     AuthType NONE, the two public permissions Lambda requires
//     (lambda:InvokeFunctionUrl with FunctionUrlAuthType NONE, and
//     lambda:InvokeFunction limited to calls through the URL).
//   - AutoPublishAlias publishes a version whenever the code (its S3
//     location, which `sam package` and `aws cloudformation package` name
//     after the zip's content) or the configuration changes and points
//     the alias <Fn>Alias<name> at it; the transform makes the function's
//     events, its URL and its EventInvokeConfig use the alias, and the
//     generator refers to it as {"Ref": "<Fn>.Alias"} (API integrations,
//     invoke permissions).
//   - EventInvokeConfig becomes AWS::Lambda::EventInvokeConfig (on the
//     alias when there is one). The function has its own role then, and
//     the role allows exactly the delivery action on each destination.
//   - A ScheduleV2 event is an EventBridge Scheduler schedule with its
//     role (scheduler.amazonaws.com may invoke the function or alias).

// invokeRef is what invokes fn: its alias when it has one, else the
// function (its name).
func invokeRef(fnID string, fn *appgraph.Function) any {
	if fn.Qualifier() != "" {
		return map[string]any{"Ref": fnID + ".Alias"}
	}
	return map[string]any{"Ref": fnID}
}

// invokeARN is the Fn::Sub variable of the ARN that invokes fn: the
// alias's ARN (its Ref) or the function's.
func invokeARN(fnID string, fn *appgraph.Function) string {
	if fn.Qualifier() != "" {
		return "${" + fnID + ".Alias}"
	}
	return "${" + fnID + ".Arn}"
}

// aliasID is the logical ID the transform gives a function's alias.
func aliasID(fnID, alias string) string {
	return fnID + "Alias" + strings.NewReplacer("-", "D", "_", "U").Replace(alias)
}

// platform adds the function's URL, version, alias and asynchronous
// delivery settings to its properties and claims the logical IDs the
// transform derives from them.
func (g *generator) platform(id string, fn *appgraph.Function, props map[string]any) error {
	fc := fn.Config
	switch {
	case fc.Alias != "":
		if !fc.PublishVersions {
			return fmt.Errorf("sam: function %s: lambda_alias %q needs publish_versions true", fn.ResourceName, fc.Alias)
		}
		if err := g.claim(aliasID(id, fc.Alias), fn.ResourceName); err != nil {
			return err
		}
		props["AutoPublishAlias"] = fc.Alias
		if fc.ProvisionedConcurrency != nil {
			props["ProvisionedConcurrencyConfig"] = map[string]any{"ProvisionedConcurrentExecutions": *fc.ProvisionedConcurrency}
		}
	case fc.ProvisionedConcurrency != nil:
		return fmt.Errorf("sam: function %s: provisioned_concurrency is set on an alias: set lambda_alias (and publish_versions)", fn.ResourceName)
	case fc.PublishVersions:
		if err := g.version(id, fn, props); err != nil {
			return err
		}
	}
	if u := fn.URL; u != nil {
		if err := g.claim(id+"Url", fn.ResourceName); err != nil {
			return err
		}
		if u.AuthType == "NONE" {
			for _, p := range []string{id + "UrlPublicPermissions", id + "URLInvokeAllowPublicAccess"} {
				if err := g.claim(p, fn.ResourceName); err != nil {
					return err
				}
			}
		}
		cfg := map[string]any{"AuthType": u.AuthType, "InvokeMode": u.InvokeMode}
		if c := u.CORS; c != nil {
			cors := map[string]any{"AllowOrigins": strs(c.AllowOrigins)}
			// A Function URL answers preflight requests itself: OPTIONS
			// is not one of the methods it allows.
			methods := slices.DeleteFunc(slices.Clone(c.AllowMethods), func(m string) bool { return m == "OPTIONS" })
			if len(methods) > 0 {
				cors["AllowMethods"] = strs(methods)
			}
			if len(c.AllowHeaders) > 0 {
				cors["AllowHeaders"] = strs(c.AllowHeaders)
			}
			if len(c.ExposeHeaders) > 0 {
				cors["ExposeHeaders"] = strs(c.ExposeHeaders)
			}
			if c.MaxAge != nil {
				cors["MaxAge"] = *c.MaxAge
			}
			if c.AllowCredentials {
				cors["AllowCredentials"] = true
			}
			cfg["Cors"] = cors
		}
		props["FunctionUrlConfig"] = cfg
		url := value(map[string]any{"Fn::GetAtt": []any{id + "Url", "FunctionUrl"}})
		if fn == g.app.APIHandler() && g.app.IsURLAPI() {
			out := g.tpl.Outputs()
			// The name the REST API's URL has, so scripts keep working.
			out.Set("EndpointURL", url)
			out.Set("APIHandlerName", value(map[string]any{"Ref": id}))
			out.Set("APIHandlerArn", value(map[string]any{"Fn::GetAtt": []any{id, "Arn"}}))
		} else {
			g.tpl.Outputs().Set(id+"FunctionUrl", url)
		}
	}
	if a := fc.Async; a != nil {
		if err := g.claim(id+"EventInvokeConfig", fn.ResourceName); err != nil {
			return err
		}
		cfg := map[string]any{}
		if a.MaxRetries != nil {
			cfg["MaximumRetryAttempts"] = *a.MaxRetries
		}
		if a.MaxEventAge != nil {
			cfg["MaximumEventAgeInSeconds"] = *a.MaxEventAge
		}
		dest := map[string]any{}
		for _, d := range fn.Destinations() {
			if d.Type == "" {
				return fmt.Errorf("sam: function %s: async_%s destination %s is not an SQS queue, SNS topic, Lambda function or EventBridge bus ARN", fn.ResourceName, snake(d.Condition), d.ARN)
			}
			dest[d.Condition] = map[string]any{"Type": d.Type, "Destination": d.ARN}
		}
		if len(dest) > 0 {
			cfg["DestinationConfig"] = dest
		}
		props["EventInvokeConfig"] = cfg
	}
	return nil
}

// snake is a destination condition as its config key ends:
// OnSuccess -> on_success.
func snake(cond string) string {
	return strings.ToLower(cond[:2]) + "_" + strings.ToLower(cond[2:])
}

// version publishes a version of a function that publishes versions but
// has no alias (SAM's AutoPublishAlias always makes one): an
// AWS::Lambda::Version <Fn>Version that CloudFormation replaces, so
// Lambda publishes anew, when the package's code (CodeSha256, which
// Lambda checks against the function's code before it publishes) or the
// function's configuration (the Description's hash of its properties)
// changes. Earlier versions are retained. Targets stay the unqualified
// function.
func (g *generator) version(id string, fn *appgraph.Function, props map[string]any) error {
	if g.opts.CodeSHA256 == "" {
		return fmt.Errorf("sam: function %s: publish_versions without lambda_alias needs the deployment package's SHA-256 (Options.CodeSHA256) to publish a version on every code change; set lambda_alias to let SAM publish them", fn.ResourceName)
	}
	vid := id + "Version"
	if err := g.claim(vid, fn.ResourceName); err != nil {
		return err
	}
	raw, err := json.Marshal(props)
	if err != nil {
		return fmt.Errorf("sam: function %s: %w", fn.ResourceName, err)
	}
	sum := sha256.Sum256(raw)
	res := NewObject("Type", "AWS::Lambda::Version", "DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain",
		"Properties", map[string]any{
			"FunctionName": map[string]any{"Ref": id},
			"CodeSha256":   g.opts.CodeSHA256,
			"Description":  "configuration " + hex.EncodeToString(sum[:8]),
		})
	g.versions = append(g.versions, deferredResource{id: vid, res: res})
	g.tpl.Outputs().Set(id+"Version", value(map[string]any{"Fn::GetAtt": []any{vid, "Version"}}))
	return nil
}

type deferredResource struct {
	id  string
	res *Object
}

// destinationPolicy appends to policy (a policy document) one statement
// per asynchronous destination of the role's function: exactly the
// delivery action on exactly that ARN.
func destinationPolicy(r *appgraph.Role, policy map[string]any) {
	stmts, _ := policy["Statement"].([]any)
	for _, d := range r.Destinations {
		stmts = append(stmts, map[string]any{"Sid": "Async" + d.Condition, "Effect": "Allow",
			"Action": []any{d.Action}, "Resource": d.ARN})
	}
	policy["Statement"] = stmts
}

// scheduleV2 is a schedule in a time zone: an EventBridge Scheduler
// schedule, named as the rule would be.
func scheduleV2(ev *appgraph.EventSource, props map[string]any) string {
	src := ev.Source
	props["ScheduleExpression"] = src.Schedule
	props["ScheduleExpressionTimezone"] = src.TimeZone
	// Schedule names are unique in the account and region: the
	// transform's default (the logical ID) would collide between stages.
	props["Name"] = ev.RuleName
	props["Input"] = map[string]any{"Fn::Sub": appgraph.ScheduledEventInput("${AWS::AccountId}", "${AWS::Region}")}
	if src.Description != "" {
		props["Description"] = src.Description
	}
	return "ScheduleV2"
}

// busName is the EventBusName of a rule on a bus the app does not
// declare (chalice.EventBus): a name or an ARN, as EventBridge takes.
func busName(src manifest.EventSource) (any, bool) {
	if src.Bus == "" {
		return nil, false
	}
	return src.Bus, true
}
