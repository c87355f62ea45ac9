package terraform

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// The apps of the Lambda features beyond Chalice's (platform.go), each a
// golden document checked against the provider schema (samples).

func fnOf(name, kind string) manifest.Function {
	return manifest.Function{Name: name, Kind: kind, Handler: name}
}

// urlApp is api_type "url": CORS routes behind the handler's public,
// streaming URL on an alias, and a pure Lambda with a SigV4-signed URL.
func urlApp(t *testing.T) *appgraph.Application {
	cors := &manifest.CORS{AllowOrigin: "https://app.example.com", AllowHeaders: []string{"Content-Type"},
		ExposeHeaders: []string{"X-Request-Id"}, MaxAge: intp(300), AllowCredentials: true}
	js := []string{"application/json"}
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "urlapp",
		Routes: []manifest.Route{
			{Path: "/", Method: "GET", Name: "index", ContentTypes: js, CORS: cors},
			{Path: "/items", Method: "POST", Name: "create", ContentTypes: js, CORS: cors},
		},
		Functions: []manifest.Function{fnOf("api_handler", manifest.KindAPIHandler), fnOf("signed", manifest.KindPureLambda)}}
	return build(t, m, `{"version": "2.0", "app_name": "urlapp", "stages": {"dev": {"api_type": "url",
	  "lambda_functions": {
	    "api_handler": {"function_url_invoke_mode": "RESPONSE_STREAM", "publish_versions": true, "lambda_alias": "live"},
	    "signed": {"function_url": true, "function_url_auth_type": "AWS_IAM"}}}}}`, nil)
}

// aliasApp puts every function behind the alias "live": a REST API with
// a built-in authorizer, event sources of every kind (an S3 bucket
// notification, a schedule in a time zone), a websocket handler, and a
// pure Lambda that publishes versions without an alias.
func aliasApp(t *testing.T, apiType string) *appgraph.Application {
	js := []string{"application/json"}
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "aliasapp",
		Routes:      []manifest.Route{{Path: "/", Method: "GET", Name: "index", ContentTypes: js, Authorizer: "gate"}},
		Authorizers: []manifest.Authorizer{{Name: "gate", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "gate"}},
		Functions: []manifest.Function{
			fnOf("api_handler", manifest.KindAPIHandler), fnOf("gate", manifest.KindAuthorizer), fnOf("report", manifest.KindPureLambda),
			fnOf("worker", manifest.KindEvent), fnOf("nightly", manifest.KindEvent), fnOf("on_topic", manifest.KindEvent),
			fnOf("on_upload", manifest.KindEvent), fnOf("on_rule", manifest.KindEvent), fnOf("websocket_message", manifest.KindWebsocket),
		},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceSQS, Function: "worker", Queue: "jobs", BatchSize: 10},
			{Type: manifest.SourceSchedule, Function: "nightly", Schedule: "cron(0 2 * * ? *)", TimeZone: "Europe/Paris", Description: "Nightly, Paris time"},
			{Type: manifest.SourceSNS, Function: "on_topic", Topic: "news"},
			{Type: manifest.SourceS3, Function: "on_upload", Bucket: "uploads", Events: []string{"s3:ObjectCreated:*"}},
			{Type: manifest.SourceCWEvent, Function: "on_rule", EventPattern: json.RawMessage(`{"source": ["shop"]}`)},
		},
		Websocket: []manifest.WSHandler{{RouteKey: manifest.WSDefault, Function: "websocket_message"}},
	}
	ws := `, "websocket_message": {"lambda_alias": "live"}`
	if apiType == "http" {
		m.Websocket = nil
		m.Functions = m.Functions[:len(m.Functions)-1]
		ws = ""
	}
	return build(t, m, `{"version": "2.0", "app_name": "aliasapp", "stages": {"dev": {"api_type": "`+apiType+`", "publish_versions": true,
	  "lambda_functions": {
	    "api_handler": {"lambda_alias": "live", "provisioned_concurrency": 2},
	    "gate": {"lambda_alias": "live"}, "worker": {"lambda_alias": "live"}, "nightly": {"lambda_alias": "live"},
	    "on_topic": {"lambda_alias": "live"}, "on_upload": {"lambda_alias": "live"}, "on_rule": {"lambda_alias": "live"}`+ws+`,
	    "report": {}}}}}`, nil)
}

// asyncApp sends asynchronous results to a destination of every kind.
func asyncApp(t *testing.T) *appgraph.Application {
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "asyncapp",
		Functions: []manifest.Function{fnOf("to_queue", manifest.KindPureLambda), fnOf("to_lambda", manifest.KindPureLambda),
			fnOf("retries_only", manifest.KindPureLambda)}}
	return build(t, m, `{"version": "2.0", "app_name": "asyncapp", "stages": {"dev": {"lambda_functions": {
	  "to_queue": {"async_max_retries": 1, "async_max_event_age": 3600,
	    "async_on_success": "arn:aws:sqs:us-west-2:123456789012:done", "async_on_failure": "arn:aws:sns:us-west-2:123456789012:alerts"},
	  "to_lambda": {"async_max_retries": 0,
	    "async_on_success": "arn:aws:lambda:us-west-2:123456789012:function:next-step",
	    "async_on_failure": "arn:aws:events:us-west-2:123456789012:event-bus/failures"},
	  "retries_only": {"async_max_retries": 2}}}}}`, nil)
}

// busesApp has rules on a custom bus by name and by ARN, and schedules
// with and without a time zone.
func busesApp(t *testing.T) *appgraph.Application {
	pattern := json.RawMessage(`{"source": ["shop.orders"]}`)
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "busapp",
		Functions: []manifest.Function{fnOf("by_name", manifest.KindEvent), fnOf("by_arn", manifest.KindEvent),
			fnOf("morning", manifest.KindEvent), fnOf("hourly", manifest.KindEvent)},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceCWEvent, Function: "by_name", EventPattern: pattern, Bus: "orders"},
			{Type: manifest.SourceCWEvent, Function: "by_arn", EventPattern: pattern, Bus: "arn:aws:events:us-west-2:123456789012:event-bus/partners"},
			{Type: manifest.SourceSchedule, Function: "morning", Schedule: "cron(30 7 ? * MON-FRI *)", TimeZone: "America/New_York"},
			{Type: manifest.SourceSchedule, Function: "hourly", Schedule: "rate(1 hour)"},
		}}
	return build(t, m, `{"version": "2.0", "app_name": "busapp"}`, nil)
}

func platformSamples(t *testing.T, out map[string]*appgraph.Application) {
	out["url"] = urlApp(t)
	out["alias"] = aliasApp(t, "rest")
	out["alias_http"] = aliasApp(t, "http")
	out["async"] = asyncApp(t)
	out["buses"] = busesApp(t)
}

// TestPlatformDocuments pins what each feature writes.
func TestPlatformDocuments(t *testing.T) {
	apps := map[string]*appgraph.Application{}
	platformSamples(t, apps)
	docs := map[string]map[string]any{}
	for name, app := range apps {
		docs[name], _ = generate(t, app, Options{Policies: policies})
	}
	get := func(variant, path string) string {
		t.Helper()
		var cur any = docs[variant]
		for part := range strings.SplitSeq(path, "/") {
			if l, ok := cur.([]any); ok && part == "0" && len(l) > 0 {
				cur = l[0]
				continue
			}
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("%s: %s: %q is not inside an object", variant, path, part)
			}
			if cur, ok = m[part]; !ok {
				t.Fatalf("%s: %s: no %q", variant, path, part)
			}
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(cur); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	for _, tc := range []struct{ variant, path, want string }{
		{"url", "resource/aws_lambda_function_url/api_handler",
			`{"authorization_type":"NONE","cors":{"allow_credentials":true,"allow_headers":["Content-Type"],"allow_methods":["GET","POST"],"allow_origins":["https://app.example.com"],"expose_headers":["X-Request-Id"],"max_age":300},"function_name":"${aws_lambda_function.api_handler.function_name}","invoke_mode":"RESPONSE_STREAM","qualifier":"${aws_lambda_alias.api_handler.name}"}`},
		{"url", "resource/aws_lambda_permission/api_handler_url_public",
			`{"action":"lambda:InvokeFunctionUrl","function_name":"${aws_lambda_function.api_handler.function_name}","function_url_auth_type":"NONE","principal":"*","qualifier":"${aws_lambda_alias.api_handler.name}"}`},
		{"url", "resource/aws_lambda_permission/api_handler_url_invoke",
			`{"action":"lambda:InvokeFunction","function_name":"${aws_lambda_function.api_handler.function_name}","invoked_via_function_url":true,"principal":"*","qualifier":"${aws_lambda_alias.api_handler.name}"}`},
		{"url", "resource/aws_lambda_function_url/signed",
			`{"authorization_type":"AWS_IAM","function_name":"${aws_lambda_function.signed.function_name}","invoke_mode":"BUFFERED"}`},
		{"url", "resource/aws_lambda_function/api_handler/environment/variables/GOCHALICE_INVOKE_MODE", `"RESPONSE_STREAM"`},
		{"url", "output/EndpointURL", `{"value":"${aws_lambda_function_url.api_handler.function_url}"}`},
		{"url", "output/SignedFunctionUrl", `{"value":"${aws_lambda_function_url.signed.function_url}"}`},
		{"url", "terraform/required_providers/aws/version", `"` + PublicURLProviderVersion + `"`},
		{"alias", "terraform/required_providers/aws/version", `"` + ProviderVersion + `"`},
		{"alias", "resource/aws_lambda_function/api_handler/publish", `true`},
		{"alias", "resource/aws_lambda_function/report/publish", `true`},
		{"alias", "resource/aws_lambda_alias/api_handler",
			`{"function_name":"${aws_lambda_function.api_handler.function_name}","function_version":"${aws_lambda_function.api_handler.version}","name":"live"}`},
		{"alias", "resource/aws_lambda_provisioned_concurrency_config/api_handler",
			`{"function_name":"${aws_lambda_alias.api_handler.function_name}","provisioned_concurrent_executions":2,"qualifier":"${aws_lambda_alias.api_handler.name}"}`},
		{"alias", "resource/aws_lambda_permission/rest_api_invoke/qualifier", `"${aws_lambda_alias.api_handler.name}"`},
		{"alias", "resource/aws_lambda_permission/gate_invoke/qualifier", `"${aws_lambda_alias.gate.name}"`},
		{"alias", "resource/aws_lambda_permission/websocket_message_invoke_permission/qualifier", `"${aws_lambda_alias.websocket_message.name}"`},
		{"alias", "resource/aws_apigatewayv2_integration/websocket_message_api_integration/integration_uri", `"${aws_lambda_alias.websocket_message.invoke_arn}"`},
		{"alias", "resource/aws_lambda_event_source_mapping/worker-sqs-event-source/function_name", `"${aws_lambda_alias.worker.arn}"`},
		{"alias", "resource/aws_sns_topic_subscription/on_topic-sns-subscription/endpoint", `"${aws_lambda_alias.on_topic.arn}"`},
		{"alias", "resource/aws_lambda_permission/on_topic-sns-subscription/qualifier", `"${aws_lambda_alias.on_topic.name}"`},
		{"alias", "resource/aws_s3_bucket_notification/uploads_notify/lambda_function/0/lambda_function_arn", `"${aws_lambda_alias.on_upload.arn}"`},
		{"alias", "resource/aws_lambda_permission/on_upload-s3event/qualifier", `"${aws_lambda_alias.on_upload.name}"`},
		{"alias", "resource/aws_cloudwatch_event_target/on_rule-event/arn", `"${aws_lambda_alias.on_rule.arn}"`},
		{"alias", "resource/aws_lambda_permission/on_rule-event/qualifier", `"${aws_lambda_alias.on_rule.name}"`},
		{"alias", "resource/aws_scheduler_schedule/nightly-event",
			`{"depends_on":["aws_iam_role_policy.nightly-event_scheduler"],"description":"Nightly, Paris time","flexible_time_window":{"mode":"OFF"},"name":"aliasapp-dev-nightly-event","schedule_expression":"cron(0 2 * * ? *)","schedule_expression_timezone":"Europe/Paris","target":{"arn":"${aws_lambda_alias.nightly.arn}","input":"{\"version\":\"0\",\"id\":\"<aws.scheduler.execution-id>\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.scheduler\",\"account\":\"${data.aws_caller_identity.chalice.account_id}\",\"time\":\"<aws.scheduler.scheduled-time>\",\"region\":\"${data.aws_region.chalice.region}\",\"resources\":[\"<aws.scheduler.schedule-arn>\"],\"detail\":{}}","role_arn":"${aws_iam_role.nightly-event_scheduler.arn}"}}`},
		{"alias", "resource/aws_iam_role_policy/nightly-event_scheduler/policy",
			`"{\"Statement\":[{\"Action\":\"lambda:InvokeFunction\",\"Effect\":\"Allow\",\"Resource\":\"${aws_lambda_alias.nightly.arn}\"}],\"Version\":\"2012-10-17\"}"`},
		{"alias", "resource/aws_iam_role/nightly-event_scheduler/assume_role_policy",
			`"{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":\"${data.aws_caller_identity.chalice.account_id}\"}},\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"scheduler.amazonaws.com\"}}],\"Version\":\"2012-10-17\"}"`},
		{"alias_http", "resource/aws_lambda_permission/rest_api_invoke/qualifier", `"${aws_lambda_alias.api_handler.name}"`},
		{"async", "resource/aws_lambda_function_event_invoke_config/to_queue",
			`{"depends_on":["aws_iam_role_policy.to_queue_role"],"destination_config":{"on_failure":{"destination":"arn:aws:sns:us-west-2:123456789012:alerts"},"on_success":{"destination":"arn:aws:sqs:us-west-2:123456789012:done"}},"function_name":"${aws_lambda_function.to_queue.function_name}","maximum_event_age_in_seconds":3600,"maximum_retry_attempts":1}`},
		{"async", "resource/aws_lambda_function_event_invoke_config/retries_only",
			`{"function_name":"${aws_lambda_function.retries_only.function_name}","maximum_retry_attempts":2}`},
		{"async", "resource/aws_lambda_function/retries_only/role", `"${aws_iam_role.default-role.arn}"`},
		{"buses", "resource/aws_cloudwatch_event_rule/by_name-event/event_bus_name", `"orders"`},
		{"buses", "resource/aws_cloudwatch_event_target/by_name-event/event_bus_name", `"orders"`},
		{"buses", "resource/aws_cloudwatch_event_rule/by_arn-event/event_bus_name", `"arn:aws:events:us-west-2:123456789012:event-bus/partners"`},
		{"buses", "resource/aws_cloudwatch_event_target/by_arn-event/event_bus_name", `"arn:aws:events:us-west-2:123456789012:event-bus/partners"`},
		{"buses", "resource/aws_scheduler_schedule/morning-event/schedule_expression_timezone", `"America/New_York"`},
		{"buses", "resource/aws_cloudwatch_event_rule/hourly-event/schedule_expression", `"rate(1 hour)"`},
	} {
		if got := get(tc.variant, tc.path); got != tc.want {
			t.Errorf("%s: %s\n got %s\nwant %s", tc.variant, tc.path, got, tc.want)
		}
	}

	res := func(variant, typ string) map[string]any {
		m, _ := docs[variant]["resource"].(map[string]any)[typ].(map[string]any)
		return m
	}
	// Without an alias, targets stay unqualified.
	if _, ok := res("alias", "aws_lambda_alias")["report"]; ok {
		t.Error("report has an alias")
	}
	// A schedule in a time zone is not a rule.
	for _, typ := range []string{"aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_lambda_permission"} {
		if _, ok := res("buses", typ)["morning-event"]; ok {
			t.Errorf("buses: the schedule in a time zone has a %s", typ)
		}
	}
	// api_type url: no API Gateway resource, no API definition.
	for typ := range docs["url"]["resource"].(map[string]any) {
		if strings.HasPrefix(typ, "aws_api_gateway") || strings.HasPrefix(typ, "aws_apigatewayv2") {
			t.Errorf("url: a %s", typ)
		}
	}
	if _, ok := docs["url"]["locals"].(map[string]any)["chalice_api_swagger"]; ok {
		t.Error("url: an API definition")
	}
	// AWS_IAM: no public permission.
	for name := range res("url", "aws_lambda_permission") {
		if strings.HasPrefix(name, "signed") {
			t.Errorf("url: the AWS_IAM URL has permission %s", name)
		}
	}
	// The destinations' statements: exactly the delivery action on
	// exactly the ARN.
	for role, want := range map[string]string{
		"to_queue_role":  `[sqs:SendMessage arn:aws:sqs:us-west-2:123456789012:done] [sns:Publish arn:aws:sns:us-west-2:123456789012:alerts]`,
		"to_lambda_role": `[lambda:InvokeFunction arn:aws:lambda:us-west-2:123456789012:function:next-step] [events:PutEvents arn:aws:events:us-west-2:123456789012:event-bus/failures]`,
	} {
		var doc struct {
			Statement []struct {
				Sid      string
				Action   any
				Resource any
			}
		}
		if err := json.Unmarshal([]byte(res("async", "aws_iam_role_policy")[role].(map[string]any)["policy"].(string)), &doc); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range doc.Statement {
			if strings.HasPrefix(s.Sid, "Async") {
				got = append(got, fmt.Sprint([]any{s.Action.([]any)[0], s.Resource}))
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s destination statements %v, want %s", role, got, want)
		}
	}
}
