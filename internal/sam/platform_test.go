package sam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// The apps of the Lambda features beyond Chalice's (platform.go): Function
// URLs, streaming, versions and aliases, asynchronous delivery, custom
// buses and schedules in a time zone. Each is a golden variant (variants
// in sam_test.go), so each is linted by cfn-lint as JSON and YAML.

func fnOf(name, kind string) manifest.Function {
	return manifest.Function{Name: name, Kind: kind, Handler: name}
}

// urlManifest is a small API with CORS routes (the same settings on
// each, as a Function URL has one CORS configuration).
func urlManifest() *manifest.Manifest {
	cors := &manifest.CORS{AllowOrigin: "https://app.example.com", AllowHeaders: []string{"Content-Type", "X-Token"},
		ExposeHeaders: []string{"X-Request-Id"}, MaxAge: intp(600), AllowCredentials: true}
	js := []string{"application/json"}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "urlapp",
		Routes: []manifest.Route{
			{Path: "/", Method: "GET", Name: "index", ContentTypes: js, CORS: cors},
			{Path: "/items", Method: "POST", Name: "create", ContentTypes: js, CORS: cors},
			{Path: "/items/{id}", Method: "DELETE", Name: "remove", Params: []string{"id"}, ContentTypes: js, CORS: cors},
			{Path: "/health", Method: "GET", Name: "health", ContentTypes: js},
		},
		Functions: []manifest.Function{fnOf("api_handler", manifest.KindAPIHandler)},
	}
}

// urlApp is api_type "url": the routes behind the handler's public URL.
func urlApp(t *testing.T) *appgraph.Application {
	return buildApp(t, urlManifest(), `{"version": "2.0", "app_name": "urlapp", "stages": {"dev": {"api_type": "url"}}}`, nil)
}

// streamApp is api_type "url" with a streaming handler on an alias.
func streamApp(t *testing.T) *appgraph.Application {
	m := urlManifest()
	for i := range m.Routes {
		m.Routes[i].CORS = nil
	}
	return buildApp(t, m, `{"version": "2.0", "app_name": "urlapp", "stages": {"dev": {"api_type": "url",
	  "lambda_functions": {"api_handler": {"function_url_invoke_mode": "RESPONSE_STREAM", "publish_versions": true, "lambda_alias": "live"}}}}}`, nil)
}

// pureURLApp has pure Lambdas with URLs: one for SigV4-signed callers,
// one public and streaming.
func pureURLApp(t *testing.T) *appgraph.Application {
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "pureurl",
		Functions: []manifest.Function{fnOf("signed", manifest.KindPureLambda), fnOf("public_feed", manifest.KindPureLambda)}}
	return buildApp(t, m, `{"version": "2.0", "app_name": "pureurl", "stages": {"dev": {"lambda_functions": {
	  "signed": {"function_url": true, "function_url_auth_type": "AWS_IAM"},
	  "public_feed": {"function_url": true, "function_url_invoke_mode": "RESPONSE_STREAM"}}}}}`, nil)
}

// aliasManifest has a REST API with a built-in authorizer, event sources
// and websocket handlers, and a pure Lambda.
func aliasManifest() *manifest.Manifest {
	js := []string{"application/json"}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "aliasapp",
		Routes: []manifest.Route{
			{Path: "/", Method: "GET", Name: "index", ContentTypes: js, Authorizer: "gate"},
		},
		Authorizers: []manifest.Authorizer{{Name: "gate", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "gate"}},
		Functions: []manifest.Function{
			fnOf("api_handler", manifest.KindAPIHandler),
			fnOf("gate", manifest.KindAuthorizer),
			fnOf("report", manifest.KindPureLambda),
			fnOf("worker", manifest.KindEvent),
			fnOf("nightly", manifest.KindEvent),
			fnOf("on_topic", manifest.KindEvent),
			fnOf("websocket_message", manifest.KindWebsocket),
		},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceSQS, Function: "worker", Queue: "jobs", BatchSize: 10},
			{Type: manifest.SourceSchedule, Function: "nightly", Schedule: "cron(0 2 * * ? *)", TimeZone: "Europe/Paris", Description: "Nightly at two, Paris time"},
			{Type: manifest.SourceSNS, Function: "on_topic", Topic: "news"},
		},
		Websocket: []manifest.WSHandler{{RouteKey: manifest.WSDefault, Function: "websocket_message"}},
	}
}

// aliasConfig publishes versions of every function and puts each behind
// the alias "live" (with provisioned concurrency on the API handler's),
// but the pure Lambda, which publishes versions without an alias.
const aliasConfig = `{"version": "2.0", "app_name": "aliasapp", "stages": {"dev": {
  "api_type": %q, "publish_versions": true,
  "lambda_functions": {
    "api_handler": {"lambda_alias": "live", "provisioned_concurrency": 2},
    "gate": {"lambda_alias": "live"}, "worker": {"lambda_alias": "live"}, "nightly": {"lambda_alias": "live"},
    "on_topic": {"lambda_alias": "live"}, "websocket_message": {"lambda_alias": "live"},
    "report": {}
  }}}}`

func aliasApp(t *testing.T, apiType string) *appgraph.Application {
	m := aliasManifest()
	if apiType == "http" {
		m.Websocket = nil
		m.Functions = m.Functions[:len(m.Functions)-1]
	}
	cfg := strings.Replace(aliasConfig, "%q", `"`+apiType+`"`, 1)
	if apiType == "http" {
		cfg = strings.Replace(cfg, `, "websocket_message": {"lambda_alias": "live"}`, "", 1)
	}
	return buildApp(t, m, cfg, nil)
}

// testCodeSHA256 stands in for the deployment package's CodeSha256.
const testCodeSHA256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

// asyncApp sends asynchronous results to a destination of every kind.
func asyncApp(t *testing.T) *appgraph.Application {
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "asyncapp",
		Functions: []manifest.Function{fnOf("to_queue", manifest.KindPureLambda), fnOf("to_lambda", manifest.KindPureLambda),
			fnOf("retries_only", manifest.KindPureLambda)}}
	return buildApp(t, m, `{"version": "2.0", "app_name": "asyncapp", "stages": {"dev": {"lambda_functions": {
	  "to_queue": {"async_max_retries": 1, "async_max_event_age": 3600,
	    "async_on_success": "arn:aws:sqs:us-west-2:123456789012:done", "async_on_failure": "arn:aws:sns:us-west-2:123456789012:alerts"},
	  "to_lambda": {"async_max_retries": 0,
	    "async_on_success": "arn:aws:lambda:us-west-2:123456789012:function:next-step",
	    "async_on_failure": "arn:aws:events:us-west-2:123456789012:event-bus/failures"},
	  "retries_only": {"async_max_retries": 2}}}}}`, nil)
}

// busesApp has rules on a custom bus by name and by ARN, one on the
// default bus, and schedules with and without a time zone.
func busesApp(t *testing.T) *appgraph.Application {
	pattern := json.RawMessage(`{"source": ["shop.orders"]}`)
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "busapp",
		Functions: []manifest.Function{fnOf("by_name", manifest.KindEvent), fnOf("by_arn", manifest.KindEvent),
			fnOf("on_default", manifest.KindEvent), fnOf("morning", manifest.KindEvent), fnOf("hourly", manifest.KindEvent)},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceCWEvent, Function: "by_name", EventPattern: pattern, Bus: "orders"},
			{Type: manifest.SourceCWEvent, Function: "by_arn", EventPattern: pattern, Bus: "arn:aws:events:us-west-2:123456789012:event-bus/partners"},
			{Type: manifest.SourceCWEvent, Function: "on_default", EventPattern: pattern},
			{Type: manifest.SourceSchedule, Function: "morning", Schedule: "cron(30 7 ? * MON-FRI *)", TimeZone: "America/New_York"},
			{Type: manifest.SourceSchedule, Function: "hourly", Schedule: "rate(1 hour)"},
		}}
	return buildApp(t, m, `{"version": "2.0", "app_name": "busapp"}`, nil)
}

// platformVariants are added to variants (golden files, lint).
func platformVariants(t *testing.T, out map[string]*Template) {
	out["url"] = generate(t, urlApp(t), Options{})
	out["url_stream"] = generate(t, streamApp(t), Options{})
	out["pure_url"] = generate(t, pureURLApp(t), Options{})
	out["alias"] = generate(t, aliasApp(t, "rest"), Options{CodeSHA256: testCodeSHA256})
	out["alias_http"] = generate(t, aliasApp(t, "http"), Options{CodeSHA256: testCodeSHA256})
	out["async"] = generate(t, asyncApp(t), Options{})
	out["buses"] = generate(t, busesApp(t), Options{})
}

// TestPlatformTemplates pins what each feature writes.
func TestPlatformTemplates(t *testing.T) {
	vs := map[string]*Template{}
	platformVariants(t, vs)
	j := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct{ variant, path, want string }{
		{"url", "Resources.APIHandler.Properties.FunctionUrlConfig",
			`{"AuthType":"NONE","Cors":{"AllowCredentials":true,"AllowHeaders":["Content-Type","X-Token"],"AllowMethods":["DELETE","GET","POST"],"AllowOrigins":["https://app.example.com"],"ExposeHeaders":["X-Request-Id"],"MaxAge":600},"InvokeMode":"BUFFERED"}`},
		{"url", "Outputs.EndpointURL", `{"Value":{"Fn::GetAtt":["APIHandlerUrl","FunctionUrl"]}}`},
		{"url", "Outputs.APIHandlerName", `{"Value":{"Ref":"APIHandler"}}`},
		{"url_stream", "Resources.APIHandler.Properties.FunctionUrlConfig", `{"AuthType":"NONE","InvokeMode":"RESPONSE_STREAM"}`},
		{"url_stream", "Resources.APIHandler.Properties.Environment.Variables.GOCHALICE_INVOKE_MODE", `"RESPONSE_STREAM"`},
		{"url_stream", "Resources.APIHandler.Properties.AutoPublishAlias", `"live"`},
		{"pure_url", "Resources.Signed.Properties.FunctionUrlConfig", `{"AuthType":"AWS_IAM","InvokeMode":"BUFFERED"}`},
		{"pure_url", "Outputs.SignedFunctionUrl", `{"Value":{"Fn::GetAtt":["SignedUrl","FunctionUrl"]}}`},
		{"pure_url", "Outputs.PublicFeedFunctionUrl", `{"Value":{"Fn::GetAtt":["PublicFeedUrl","FunctionUrl"]}}`},
		{"pure_url", "Resources.PublicFeed.Properties.Environment.Variables.GOCHALICE_INVOKE_MODE", `"RESPONSE_STREAM"`},
		{"alias", "Resources.APIHandler.Properties.ProvisionedConcurrencyConfig", `{"ProvisionedConcurrentExecutions":2}`},
		{"alias", "Resources.APIHandlerInvokePermission.Properties.FunctionName", `{"Ref":"APIHandler.Alias"}`},
		{"alias", "Resources.GateInvokePermission.Properties.FunctionName", `{"Ref":"Gate.Alias"}`},
		{"alias", "Resources.RestAPI.Properties.DefinitionBody.paths./.get.x-amazon-apigateway-integration.uri",
			`{"Fn::Sub":"arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${APIHandler.Alias}/invocations"}`},
		{"alias", "Resources.RestAPI.Properties.DefinitionBody.securityDefinitions.gate.x-amazon-apigateway-authorizer.authorizerUri",
			`{"Fn::Sub":"arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Gate.Alias}/invocations"}`},
		{"alias", "Resources.WebsocketMessageInvokePermission.Properties.FunctionName", `{"Ref":"WebsocketMessage.Alias"}`},
		{"alias", "Resources.Nightly.Properties.Events.NightlyEvent",
			`{"Properties":{"Description":"Nightly at two, Paris time","Input":{"Fn::Sub":"{\"version\":\"0\",\"id\":\"\u003caws.scheduler.execution-id\u003e\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.scheduler\",\"account\":\"${AWS::AccountId}\",\"time\":\"\u003caws.scheduler.scheduled-time\u003e\",\"region\":\"${AWS::Region}\",\"resources\":[\"\u003caws.scheduler.schedule-arn\u003e\"],\"detail\":{}}"},"Name":"aliasapp-dev-nightly-event","ScheduleExpression":"cron(0 2 * * ? *)","ScheduleExpressionTimezone":"Europe/Paris"},"Type":"ScheduleV2"}`},
		{"alias", "Resources.ReportVersion", `{"DeletionPolicy":"Retain","Properties":{"CodeSha256":"` + testCodeSHA256 + `","Description":"configuration ` +
			versionHash(t, vs["alias"], "Report") + `","FunctionName":{"Ref":"Report"}},"Type":"AWS::Lambda::Version","UpdateReplacePolicy":"Retain"}`},
		{"alias_http", "Resources.APIHandlerInvokePermission.Properties.FunctionName", `{"Ref":"APIHandler.Alias"}`},
		{"async", "Resources.ToQueue.Properties.EventInvokeConfig",
			`{"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sns:us-west-2:123456789012:alerts","Type":"SNS"},"OnSuccess":{"Destination":"arn:aws:sqs:us-west-2:123456789012:done","Type":"SQS"}},"MaximumEventAgeInSeconds":3600,"MaximumRetryAttempts":1}`},
		{"async", "Resources.ToLambda.Properties.EventInvokeConfig",
			`{"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:events:us-west-2:123456789012:event-bus/failures","Type":"EventBridge"},"OnSuccess":{"Destination":"arn:aws:lambda:us-west-2:123456789012:function:next-step","Type":"Lambda"}},"MaximumRetryAttempts":0}`},
		{"async", "Resources.RetriesOnly.Properties.EventInvokeConfig", `{"MaximumRetryAttempts":2}`},
		{"async", "Resources.RetriesOnly.Properties.Role", `{"Fn::GetAtt":["DefaultRole","Arn"]}`},
		{"buses", "Resources.ByName.Properties.Events.ByNameEvent.Properties.EventBusName", `"orders"`},
		{"buses", "Resources.ByArn.Properties.Events.ByArnEvent.Properties.EventBusName", `"arn:aws:events:us-west-2:123456789012:event-bus/partners"`},
		{"buses", "Resources.Morning.Properties.Events.MorningEvent.Type", `"ScheduleV2"`},
		{"buses", "Resources.Hourly.Properties.Events.HourlyEvent", `{"Properties":{"Schedule":"rate(1 hour)"},"Type":"Schedule"}`},
	} {
		if got := j(lookup(t, vs[tc.variant].Map(), tc.path)); got != tc.want {
			t.Errorf("%s: %s\n got %s\nwant %s", tc.variant, tc.path, got, tc.want)
		}
	}

	// The destinations' statements: exactly the delivery action on
	// exactly the ARN, in the function's own role.
	for fn, want := range map[string][][2]string{
		"ToQueueRole":  {{"sqs:SendMessage", "arn:aws:sqs:us-west-2:123456789012:done"}, {"sns:Publish", "arn:aws:sns:us-west-2:123456789012:alerts"}},
		"ToLambdaRole": {{"lambda:InvokeFunction", "arn:aws:lambda:us-west-2:123456789012:function:next-step"}, {"events:PutEvents", "arn:aws:events:us-west-2:123456789012:event-bus/failures"}},
	} {
		doc := lookup(t, vs["async"].Map(), "Resources."+fn+".Properties.Policies").([]any)[0].(map[string]any)["PolicyDocument"].(map[string]any)
		var got [][2]string
		for _, s := range doc["Statement"].([]any) {
			st := s.(map[string]any)
			if strings.HasPrefix(fmt.Sprint(st["Sid"]), "Async") {
				got = append(got, [2]string{st["Action"].([]any)[0].(string), st["Resource"].(string)})
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s destination statements %v, want %v", fn, got, want)
		}
	}

	// api_type url: no API Gateway resource at all.
	for _, v := range []string{"url", "url_stream", "pure_url"} {
		for _, id := range vs[v].Resources().Keys() {
			typ, _ := vs[v].Resources().Get(id).(*Object).Get("Type").(string)
			if strings.Contains(typ, "ApiGateway") || strings.HasPrefix(typ, "AWS::Serverless::Api") || strings.HasPrefix(typ, "AWS::Serverless::HttpApi") {
				t.Errorf("%s: %s is a %s", v, id, typ)
			}
		}
		if _, ok := vs[v].Outputs().Lookup("RestAPIId"); ok {
			t.Errorf("%s has a RestAPIId output", v)
		}
	}
}

// versionHash is the configuration hash of a function's version.
func versionHash(t *testing.T, tpl *Template, fnID string) string {
	t.Helper()
	d, _ := tpl.Resource(fnID + "Version")["Description"].(string)
	_, h, ok := strings.Cut(d, "configuration ")
	if !ok || len(h) != 16 {
		t.Fatalf("%sVersion description %q", fnID, d)
	}
	return h
}

// TestVersionFollowsConfiguration: the published version is replaced
// (a new logical resource state) when the function's configuration
// changes, and needs the package's hash.
func TestVersionFollowsConfiguration(t *testing.T) {
	a := generate(t, aliasApp(t, "rest"), Options{CodeSHA256: testCodeSHA256})
	m := aliasManifest()
	b := generate(t, buildApp(t, m, strings.Replace(strings.Replace(aliasConfig, "%q", `"rest"`, 1),
		`"report": {}`, `"report": {"lambda_memory_size": 256}`, 1), nil), Options{CodeSHA256: testCodeSHA256})
	if versionHash(t, a, "Report") == versionHash(t, b, "Report") {
		t.Error("the version's description did not change with the memory size")
	}
	_, err := Generate(aliasApp(t, "rest"), Options{})
	if err == nil || !strings.Contains(err.Error(), "report") || !strings.Contains(err.Error(), "CodeSHA256") {
		t.Errorf("without the package hash: %v", err)
	}
}

// TestTranslatorExpansion runs the SAM transform itself (aws-sam-translator,
// installed with cfn-lint) over the templates and checks what it makes of
// them: public Function URLs get both permissions Lambda requires, and
// with an alias every invoker (URL, event sources, schedules, API
// permissions, async config) targets the alias.
func TestTranslatorExpansion(t *testing.T) {
	python := requireTool(t, "python3", "aws-sam-translator expands the templates")
	if err := exec.Command(python, "-c", "import samtranslator").Run(); err != nil {
		if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
			t.Fatal("python3 has no samtranslator module (pip install cfn-lint)")
		}
		t.Skip("python3 has no samtranslator module (pip install cfn-lint)")
	}
	const script = `
import json, os, sys
os.environ.setdefault("AWS_DEFAULT_REGION", "us-west-2")
from samtranslator.translator.transform import transform
class Loader:
    def load(self): return {}
out = {}
for path in sys.argv[1:]:
    with open(path) as f:
        out[os.path.basename(path)] = transform(json.load(f), {}, Loader())
json.dump(out, sys.stdout)
`
	vs := map[string]*Template{}
	platformVariants(t, vs)
	dir := t.TempDir()
	var files []string
	for name, tpl := range vs {
		js, err := Marshal(tpl)
		if err != nil {
			t.Fatal(err)
		}
		// The transform wants an S3 location; package would put one there.
		js = bytes.ReplaceAll(js, []byte(`"`+DefaultCodeURI+`"`), []byte(`"s3://bucket/deployment.zip"`))
		f := filepath.Join(dir, name+".json")
		if err := os.WriteFile(f, js, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(python, append([]string{"-c", script}, files...)...)
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("samtranslator: %v\n%s", err, stderr.String())
	}
	var out map[string]map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	res := func(variant, id string) map[string]any {
		t.Helper()
		r, ok := out[variant+".json"]["Resources"].(map[string]any)[id].(map[string]any)
		if !ok {
			t.Fatalf("%s: the transform made no %s", variant, id)
		}
		return r
	}
	j := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	for _, tc := range []struct{ variant, id, path, want string }{
		// Public URLs: lambda:InvokeFunctionUrl for AuthType NONE and
		// lambda:InvokeFunction only through the URL.
		{"url", "APIHandlerUrlPublicPermissions", "Properties",
			`{"Action":"lambda:InvokeFunctionUrl","FunctionName":{"Ref":"APIHandler"},"FunctionUrlAuthType":"NONE","Principal":"*"}`},
		{"url", "APIHandlerURLInvokeAllowPublicAccess", "Properties",
			`{"Action":"lambda:InvokeFunction","FunctionName":{"Ref":"APIHandler"},"InvokedViaFunctionUrl":true,"Principal":"*"}`},
		{"url_stream", "APIHandlerUrl", "Properties",
			`{"AuthType":"NONE","InvokeMode":"RESPONSE_STREAM","TargetFunctionArn":{"Ref":"APIHandlerAliaslive"}}`},
		{"url_stream", "APIHandlerURLInvokeAllowPublicAccess", "Properties.FunctionName", `{"Ref":"APIHandlerAliaslive"}`},
		{"pure_url", "SignedUrl", "Properties", `{"AuthType":"AWS_IAM","InvokeMode":"BUFFERED","TargetFunctionArn":{"Ref":"Signed"}}`},
		// Aliases: the alias and its provisioned concurrency; every
		// invoker on the alias.
		{"alias", "APIHandlerAliaslive", "Properties.ProvisionedConcurrencyConfig", `{"ProvisionedConcurrentExecutions":2}`},
		{"alias", "APIHandlerInvokePermission", "Properties.FunctionName", `{"Ref":"APIHandlerAliaslive"}`},
		{"alias", "GateInvokePermission", "Properties.FunctionName", `{"Ref":"GateAliaslive"}`},
		{"alias", "WorkerWorkerSqsEventSource", "Properties.FunctionName", `{"Ref":"WorkerAliaslive"}`},
		{"alias", "OnTopicOnTopicSnsSubscription", "Properties.Endpoint", `{"Ref":"OnTopicAliaslive"}`},
		{"alias", "NightlyNightlyEvent", "Properties.Target.Arn", `{"Ref":"NightlyAliaslive"}`},
		{"alias", "NightlyNightlyEvent", "Properties.ScheduleExpressionTimezone", `"Europe/Paris"`},
		{"alias", "NightlyNightlyEventRole", "Properties.Policies", `[{"PolicyDocument":{"Statement":[{"Action":"lambda:InvokeFunction","Effect":"Allow","Resource":{"Ref":"NightlyAliaslive"}}]},"PolicyName":"NightlyNightlyEventLambdaPolicy"}]`},
		{"alias", "WebsocketMessageInvokePermission", "Properties.FunctionName", `{"Ref":"WebsocketMessageAliaslive"}`},
		{"alias", "ReportVersion", "Properties.FunctionName", `{"Ref":"Report"}`},
		{"alias_http", "APIHandlerInvokePermission", "Properties.FunctionName", `{"Ref":"APIHandlerAliaslive"}`},
		// Async delivery on the function, with the destinations as given.
		{"async", "ToQueueEventInvokeConfig", "Properties",
			`{"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sns:us-west-2:123456789012:alerts"},"OnSuccess":{"Destination":"arn:aws:sqs:us-west-2:123456789012:done"}},"FunctionName":{"Ref":"ToQueue"},"MaximumEventAgeInSeconds":3600,"MaximumRetryAttempts":1,"Qualifier":"$LATEST"}`},
		{"buses", "ByArnByArnEvent", "Properties.EventBusName", `"arn:aws:events:us-west-2:123456789012:event-bus/partners"`},
		{"buses", "MorningMorningEvent", "Type", `"AWS::Scheduler::Schedule"`},
		{"buses", "MorningMorningEvent", "Properties.Name", `"busapp-dev-morning-event"`},
	} {
		var cur any = res(tc.variant, tc.id)
		for part := range strings.SplitSeq(tc.path, ".") {
			cur = cur.(map[string]any)[part]
		}
		if got := j(cur); got != tc.want {
			t.Errorf("%s: %s.%s\n got %s\nwant %s", tc.variant, tc.id, tc.path, got, tc.want)
		}
	}
	// AWS_IAM: no public permission.
	for id := range out["pure_url.json"]["Resources"].(map[string]any) {
		if strings.HasPrefix(id, "Signed") && strings.Contains(strings.ToLower(id), "public") {
			t.Errorf("pure_url: the AWS_IAM URL has a public permission %s", id)
		}
	}
	if res("pure_url", "PublicFeedURLInvokeAllowPublicAccess") == nil || res("pure_url", "PublicFeedUrlPublicPermissions") == nil {
		t.Error("pure_url: the public URL lacks a permission")
	}
	// The integration URI the transform leaves in the API's body.
	body := res("alias", "RestAPI")["Properties"].(map[string]any)["Body"].(map[string]any)
	uri := j(lookup(t, body, "paths./.get.x-amazon-apigateway-integration.uri"))
	if !strings.Contains(uri, "${APIHandlerAliaslive}") {
		t.Errorf("REST integration URI %s does not invoke the alias", uri)
	}
	// Without an alias, no SAM alias or version is made for the function
	// that publishes its own.
	for id := range out["alias.json"]["Resources"].(map[string]any) {
		if strings.HasPrefix(id, "ReportAlias") || (strings.HasPrefix(id, "ReportVersion") && id != "ReportVersion") {
			t.Errorf("alias: the transform made %s", id)
		}
	}
	// api_type url: the transform adds no API either.
	for id, r := range out["url.json"]["Resources"].(map[string]any) {
		if typ := r.(map[string]any)["Type"].(string); strings.HasPrefix(typ, "AWS::ApiGateway") {
			t.Errorf("url: %s is a %s", id, typ)
		}
	}
}
