package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gochalice/chalice/internal/appgraph"
)

// Lambda features beyond Chalice's: Function URLs (aws_lambda_function_url
// and, for authorization type NONE, the two public permissions Lambda
// requires), versions (publish) and aliases (aws_lambda_alias on the
// version just published, with aws_lambda_provisioned_concurrency_config),
// asynchronous delivery (aws_lambda_function_event_invoke_config) and
// schedules in a time zone (aws_scheduler_schedule with its role). A
// function with an alias is invoked through it: API integrations, event
// source mappings, rule targets, subscriptions, bucket notifications,
// permissions and the URL all use the alias's ARN or qualifier.

// PublicURLProviderVersion is the provider version a document with a
// public Function URL requires: aws_lambda_permission's
// invoked_via_function_url (the lambda:InvokeFunction permission Lambda
// requires of public URLs, limited to calls through the URL) is not in
// hashicorp/aws 6.25 and is in 6.66, the release the tests check against.
const PublicURLProviderVersion = ">= 6.66"

func aliasAddress(fn *appgraph.Function) string { return "aws_lambda_alias." + fn.ResourceName }

// target is the ARN that invokes fn: its alias's when it has one.
func target(fn *appgraph.Function) expr {
	if fn.Qualifier() != "" {
		return refAttr(aliasAddress(fn), "arn")
	}
	return fnRef(fn, "arn")
}

// invokeARN is the API Gateway integration URI of fn (of its alias).
func invokeARN(fn *appgraph.Function) expr {
	if fn.Qualifier() != "" {
		return refAttr(aliasAddress(fn), "invoke_arn")
	}
	return fnRef(fn, "invoke_arn")
}

// qualify adds the alias qualifier to a resource addressing fn by name.
func qualify(body map[string]any, fn *appgraph.Function) map[string]any {
	if fn.Qualifier() != "" {
		body["qualifier"] = refAttr(aliasAddress(fn), "name")
	}
	return body
}

// platform writes the function's alias, provisioned concurrency, URL and
// asynchronous delivery settings.
func (g *generator) platform(fn *appgraph.Function) error {
	fc := fn.Config
	switch {
	case fc.Alias != "":
		if !fc.PublishVersions {
			return fmt.Errorf("terraform: function %s: lambda_alias %q needs publish_versions true", fn.ResourceName, fc.Alias)
		}
		if err := g.add("aws_lambda_alias", fn.ResourceName, map[string]any{
			"name":             fc.Alias,
			"function_name":    fnRef(fn, "function_name"),
			"function_version": fnRef(fn, "version"),
		}); err != nil {
			return err
		}
		if pc := fc.ProvisionedConcurrency; pc != nil {
			if err := g.add("aws_lambda_provisioned_concurrency_config", fn.ResourceName, map[string]any{
				"function_name":                     refAttr(aliasAddress(fn), "function_name"),
				"qualifier":                         refAttr(aliasAddress(fn), "name"),
				"provisioned_concurrent_executions": *pc,
			}); err != nil {
				return err
			}
		}
	case fc.ProvisionedConcurrency != nil:
		return fmt.Errorf("terraform: function %s: provisioned_concurrency is set on an alias: set lambda_alias (and publish_versions)", fn.ResourceName)
	}
	if u := fn.URL; u != nil {
		if err := g.functionURL(fn, u); err != nil {
			return err
		}
	}
	if a := fc.Async; a != nil {
		body := qualify(map[string]any{"function_name": fnRef(fn, "function_name")}, fn)
		if a.MaxRetries != nil {
			body["maximum_retry_attempts"] = *a.MaxRetries
		}
		if a.MaxEventAge != nil {
			body["maximum_event_age_in_seconds"] = *a.MaxEventAge
		}
		dest := map[string]any{}
		for _, d := range fn.Destinations() {
			if d.Type == "" {
				return fmt.Errorf("terraform: function %s: async destination %s is not an SQS queue, SNS topic, Lambda function or EventBridge bus ARN", fn.ResourceName, d.ARN)
			}
			key := "on_success"
			if d.Condition == "OnFailure" {
				key = "on_failure"
			}
			dest[key] = map[string]any{"destination": d.ARN}
		}
		if len(dest) > 0 {
			body["destination_config"] = dest
			if fn.Role.Managed {
				// Lambda checks that the role may deliver to each
				// destination when the configuration is written.
				body["depends_on"] = []any{expr("aws_iam_role_policy." + fn.Role.ResourceName)}
			}
		}
		if err := g.add("aws_lambda_function_event_invoke_config", fn.ResourceName, body); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) functionURL(fn *appgraph.Function, u *appgraph.FunctionURL) error {
	name := fn.ResourceName
	body := qualify(map[string]any{
		"function_name":      fnRef(fn, "function_name"),
		"authorization_type": u.AuthType,
		"invoke_mode":        u.InvokeMode,
	}, fn)
	if c := u.CORS; c != nil {
		cors := map[string]any{"allow_origins": c.AllowOrigins}
		// A Function URL answers preflight requests itself: OPTIONS is
		// not one of the methods it allows.
		if methods := slices.DeleteFunc(slices.Clone(c.AllowMethods), func(m string) bool { return m == "OPTIONS" }); len(methods) > 0 {
			cors["allow_methods"] = methods
		}
		if len(c.AllowHeaders) > 0 {
			cors["allow_headers"] = c.AllowHeaders
		}
		if len(c.ExposeHeaders) > 0 {
			cors["expose_headers"] = c.ExposeHeaders
		}
		if c.MaxAge != nil {
			cors["max_age"] = *c.MaxAge
		}
		if c.AllowCredentials {
			cors["allow_credentials"] = true
		}
		body["cors"] = cors
	}
	if err := g.add("aws_lambda_function_url", name, body); err != nil {
		return err
	}
	if u.AuthType == "NONE" {
		// Anyone may call the URL: Lambda wants both permissions, the
		// second one limited to invocations through the URL.
		if err := g.add("aws_lambda_permission", name+"_url_public", qualify(map[string]any{
			"function_name":          fnRef(fn, "function_name"),
			"action":                 "lambda:InvokeFunctionUrl",
			"principal":              "*",
			"function_url_auth_type": "NONE",
		}, fn)); err != nil {
			return err
		}
		if err := g.add("aws_lambda_permission", name+"_url_invoke", qualify(map[string]any{
			"function_name":            fnRef(fn, "function_name"),
			"action":                   "lambda:InvokeFunction",
			"principal":                "*",
			"invoked_via_function_url": true,
		}, fn)); err != nil {
			return err
		}
		g.publicURL = true
	}
	url := refAttr("aws_lambda_function_url."+name, "function_url")
	if fn == g.app.APIHandler() && g.app.IsURLAPI() {
		// The name the REST API's URL has, so scripts keep working.
		g.output("EndpointURL", url)
	} else {
		g.output(outputID(name)+"FunctionUrl", url)
	}
	return nil
}

// outputID is a function's name as the SAM template's logical ID spells
// it (purefn -> Purefn, public_feed -> PublicFeed), for output names
// shared with the SAM template.
func outputID(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, b.String())
}

// destinationStatements are the role's statements for its function's
// asynchronous destinations: exactly the delivery action on exactly that
// ARN.
func destinationStatements(r *appgraph.Role) []any {
	var out []any
	for _, d := range r.Destinations {
		out = append(out, map[string]any{"Sid": "Async" + d.Condition, "Effect": "Allow",
			"Action": []string{d.Action}, "Resource": d.ARN})
	}
	return out
}

// schedule is a schedule in a time zone: an EventBridge Scheduler
// schedule (named as the rule would be) and the role it invokes the
// function (or its alias) with.
func (g *generator) schedule(ev *appgraph.EventSource) error {
	src, fn, name := ev.Source, ev.Function, ev.ResourceName
	roleName := name + "_scheduler"
	trust, err := jsonString(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole",
			// Only this account's schedules may use the role.
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": expr(account)}},
		}},
	})
	if err != nil {
		return err
	}
	role := map[string]any{"assume_role_policy": trust}
	if n := ev.RuleName + "-scheduler"; len(n) <= 64 {
		role["name"] = n
	}
	if err := g.add("aws_iam_role", roleName, role); err != nil {
		return err
	}
	policy, err := jsonString(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": target(fn),
		}},
	})
	if err != nil {
		return err
	}
	if err := g.add("aws_iam_role_policy", roleName, map[string]any{
		"name":   roleName + "Policy",
		"role":   refAttr("aws_iam_role."+roleName, "id"),
		"policy": policy,
	}); err != nil {
		return err
	}
	body := map[string]any{
		"name":                         ev.RuleName,
		"schedule_expression":          src.Schedule,
		"schedule_expression_timezone": src.TimeZone,
		"flexible_time_window":         map[string]any{"mode": "OFF"},
		"target": map[string]any{"arn": target(fn), "role_arn": refAttr("aws_iam_role."+roleName, "arn"),
			"input": expr(appgraph.ScheduledEventInput(account, region))},
		// The role must allow the invocation before the first run.
		"depends_on": []any{expr("aws_iam_role_policy." + roleName)},
	}
	if src.Description != "" {
		body["description"] = src.Description
	}
	return g.add("aws_scheduler_schedule", name, body)
}
