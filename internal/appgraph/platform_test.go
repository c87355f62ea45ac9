package appgraph

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/manifest"
)

// platformManifest has two CORS routes, a pure Lambda, an event rule and
// a schedule.
func platformManifest() *manifest.Manifest {
	cors := &manifest.CORS{AllowOrigin: "*", AllowHeaders: []string{"Authorization", "Content-Type"}}
	return &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "shop",
		Routes: []manifest.Route{
			{Path: "/items", Method: "GET", Name: "list", CORS: cors},
			{Path: "/items", Method: "POST", Name: "create", CORS: cors},
			{Path: "/health", Method: "GET", Name: "health"},
		},
		Functions: []manifest.Function{
			{Name: "webhook", Kind: manifest.KindPureLambda, Handler: "webhook"},
			{Name: "on_order", Kind: manifest.KindEvent, Handler: "on_order"},
			{Name: "nightly", Kind: manifest.KindEvent, Handler: "nightly"},
			{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"},
		},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceCWEvent, Function: "on_order", EventPattern: []byte(`{"source":["shop"]}`), Bus: "orders"},
			{Type: manifest.SourceSchedule, Function: "nightly", Schedule: "cron(0 2 * * ? *)", TimeZone: "Europe/Paris"},
		},
	}
}

func buildIn(t *testing.T, m *manifest.Manifest, region, configJSON string) (*Application, error) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, ".chalice", "config.json"), []byte(configJSON))
	if err != nil {
		t.Fatal(err)
	}
	return Build(Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: dir, Region: region})
}

func TestURLFrontEnd(t *testing.T) {
	app, err := buildFor(t, platformManifest(), `{"app_name": "shop", "api_type": "url", "function_url_invoke_mode": "RESPONSE_STREAM",
		"stages": {"dev": {"lambda_functions": {"webhook": {"function_url": true, "function_url_auth_type": "AWS_IAM"}}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if app.RestAPI != nil || !app.IsURLAPI() {
		t.Fatalf("RestAPI %v, IsURLAPI %v", app.RestAPI, app.IsURLAPI())
	}
	for _, r := range app.Resources() {
		if r.Kind() == "rest_api" {
			t.Errorf("a Function URL stage has %s", r.Name())
		}
	}
	h := app.APIHandler()
	if h == nil || h.FunctionName != "shop-dev" || h.URL == nil {
		t.Fatalf("api handler %+v", h)
	}
	if h.URL.AuthType != "NONE" || !h.URL.Streaming() || h.Config.EnvironmentVariables[manifest.InvokeModeEnv] != "RESPONSE_STREAM" {
		t.Errorf("handler URL %+v env %v", h.URL, h.Config.EnvironmentVariables)
	}
	if c := h.URL.CORS; c == nil || strings.Join(c.AllowMethods, ",") != "GET,POST" || c.AllowOrigins[0] != "*" || len(c.AllowHeaders) != 2 {
		t.Errorf("CORS %+v", h.URL.CORS)
	}
	w := app.Function("webhook")
	if w.URL == nil || w.URL.AuthType != "AWS_IAM" || !w.URL.Streaming() || w.URL.CORS != nil {
		t.Errorf("webhook URL %+v", w.URL)
	}
	if app.Function("on_order").URL != nil {
		t.Error("an event handler got a URL")
	}

	// Without api_type "url", only the pure Lambda has a URL.
	app, err = buildFor(t, platformManifest(), `{"app_name": "shop", "lambda_functions": {"webhook": {"function_url": true}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if app.RestAPI == nil || app.APIHandler().URL != nil || app.Function("webhook").URL == nil || app.Function("webhook").URL.Streaming() {
		t.Errorf("rest stage: api %v handler URL %v webhook URL %v", app.RestAPI, app.APIHandler().URL, app.Function("webhook").URL)
	}
	if _, ok := app.Function("webhook").Config.EnvironmentVariables[manifest.InvokeModeEnv]; ok {
		t.Error("a buffered URL sets the invoke mode variable")
	}
}

func TestPlatformErrors(t *testing.T) {
	const f = `.chalice/config.json: stage "dev"`
	withAuth := platformManifest()
	withAuth.Routes[2].Authorizer = "jwt"
	withAuth.Authorizers = []manifest.Authorizer{{Name: "jwt", Type: manifest.AuthCognito, ProviderARNs: []string{"arn:aws:cognito-idp:us-east-1:1:userpool/p"}}}
	differentCORS := platformManifest()
	differentCORS.Routes[1].CORS = &manifest.CORS{AllowOrigin: "https://shop.example"}
	otherZone := platformManifest()
	otherZone.EventSources[1].TimeZone = "Mars/Olympus"
	busARN := platformManifest()
	busARN.EventSources[0].Bus = "arn:aws:events:us-west-2:123456789012:event-bus/orders"

	for _, tt := range []struct {
		name   string
		m      *manifest.Manifest
		region string
		cfg    string
		want   []string
	}{
		{"streaming behind API Gateway", platformManifest(), "", `{"app_name": "shop", "function_url_invoke_mode": "RESPONSE_STREAM"}`,
			[]string{f + `, function "api_handler": function_url_invoke_mode RESPONSE_STREAM (set at the top level) streams responses through a Function URL, but the routes are served by API Gateway (api_type "rest", by default)`}},
		{"function_url on an event handler", platformManifest(), "", `{"app_name": "shop", "lambda_functions": {"on_order": {"function_url": true}}}`,
			[]string{f + `, function "on_order": function_url (set in lambda_functions.on_order) gives a pure Lambda function (App.Lambda) a Function URL, but "on_order" is an event handler`}},
		{"function_url on the api handler", platformManifest(), "", `{"app_name": "shop", "lambda_functions": {"api_handler": {"function_url": true}}}`,
			[]string{`set "api_type": "url" to put its routes behind a Function URL`}},
		{"URL keys without a URL", platformManifest(), "", `{"app_name": "shop", "lambda_functions": {"webhook": {"function_url_auth_type": "AWS_IAM"}}}`,
			[]string{f + `, function "webhook": function_url_auth_type (set in lambda_functions.webhook) has no effect: the function has no Function URL; set "function_url": true beside it`}},
		{"authorizer behind a URL", withAuth, "", `{"app_name": "shop", "api_type": "url"}`,
			[]string{f + `: api_type "url" serves the routes through a Function URL: route GET /health uses authorizer "jwt", but a Function URL has no authorizers`}},
		{"CORS routes differ", differentCORS, "", `{"app_name": "shop", "api_type": "url"}`,
			[]string{`routes GET /items and POST /items have different CORS settings, but a Function URL has one CORS configuration`}},
		{"unknown time zone", otherZone, "", `{"app_name": "shop"}`,
			[]string{`schedule nightly: chalice.TimeZone("Mars/Olympus") is not a time zone of the IANA database`}},
		{"bus in another region", busARN, "eu-west-1", `{"app_name": "shop"}`,
			[]string{`cloudwatch event handler on_order: chalice.EventBus("arn:aws:events:us-west-2:123456789012:event-bus/orders") is in us-west-2, but the app is deployed to eu-west-1`}},
		{"alias without versions", platformManifest(), "", `{"app_name": "shop", "lambda_alias": "live"}`,
			[]string{`lambda_alias "live" is set at the top level but publish_versions is not true`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildIn(t, tt.m, tt.region, tt.cfg)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	// The same bus ARN in its own region is fine.
	if _, err := buildIn(t, busARN, "us-west-2", `{"app_name": "shop"}`); err != nil {
		t.Errorf("same region: %v", err)
	}
}

func TestDestinationsRole(t *testing.T) {
	app, err := buildFor(t, platformManifest(), `{"app_name": "shop", "lambda_functions": {"on_order": {
		"async_max_retries": 0, "async_on_success": "arn:aws:sns:us-east-1:123456789012:done", "async_on_failure": "arn:aws:events:us-east-1:123456789012:event-bus/failures"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	fn := app.Function("on_order")
	if fn.Role.ResourceName != "on_order_role" || fn.Role.RoleName != "shop-dev-on_order" {
		t.Errorf("role %+v", fn.Role)
	}
	want := []Destination{
		{Condition: "OnSuccess", ARN: "arn:aws:sns:us-east-1:123456789012:done", Type: "SNS", Action: "sns:Publish"},
		{Condition: "OnFailure", ARN: "arn:aws:events:us-east-1:123456789012:event-bus/failures", Type: "EventBridge", Action: "events:PutEvents"},
	}
	got := fn.Destinations()
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] || len(fn.Role.Destinations) != 2 {
		t.Errorf("destinations %+v role %+v", got, fn.Role.Destinations)
	}
	if r := app.Function("webhook").Role; r.ResourceName != "default-role" || len(r.Destinations) != 0 {
		t.Errorf("other functions keep the shared role: %+v", r)
	}
	if *fn.Config.Async.MaxRetries != 0 {
		t.Errorf("async %+v", fn.Config.Async)
	}
}

func TestPrintPlatform(t *testing.T) {
	app, err := buildFor(t, platformManifest(), `{"app_name": "shop", "api_type": "url", "publish_versions": true, "lambda_alias": "live",
		"lambda_functions": {"api_handler": {"provisioned_concurrency": 2}, "on_order": {"async_max_retries": 1, "async_on_failure": "arn:aws:sqs:us-east-1:123456789012:dlq"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	app.Print(&b)
	for _, want := range []string{
		"function URL: auth NONE, invoke mode BUFFERED, CORS GET,POST from *",
		"versions: published on change, alias live (provisioned concurrency 2)",
		"async: max retries 1, onFailure arn:aws:sqs:us-east-1:123456789012:dlq",
		`event pattern: {"source":["shop"]}, on bus orders`,
		"schedule: cron(0 2 * * ? *) in Europe/Paris (EventBridge Scheduler)",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("print lacks %q:\n%s", want, b.String())
		}
	}
}
