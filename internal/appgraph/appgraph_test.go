package appgraph

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/manifest"
)

func buildFor(t *testing.T, m *manifest.Manifest, configJSON string) (*Application, error) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, ".chalice", "config.json"), []byte(configJSON))
	if err != nil {
		t.Fatal(err)
	}
	return Build(Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: dir})
}

func TestCloudFront(t *testing.T) {
	api := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "site",
		Routes:    []manifest.Route{{Path: "/", Method: "GET", Name: "index"}},
		Functions: []manifest.Function{{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"}}}

	app, err := buildFor(t, api, `{"app_name": "site", "stages": {"dev": {"cloudfront": {"image_paths": ["/img/*"]}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if cf := app.CloudFront; cf == nil || cf.PriceClass != "PriceClass_100" || len(cf.StaticPaths) != 1 || cf.ImagePaths[0] != "/img/*" {
		t.Errorf("CloudFront %+v", app.CloudFront)
	}
	for _, r := range app.Resources() {
		if r.Kind() != "iam_role" && r.Kind() != "lambda_function" && r.Kind() != "rest_api" {
			t.Errorf("unexpected resource %s (%s)", r.Name(), r.Kind())
		}
	}

	for cfg, want := range map[string]bool{
		`{"app_name": "site"}`: false,
		`{"app_name": "site", "cloudfront": {"enabled": false}}`:                                        false,
		`{"app_name": "site", "cloudfront": {}, "stages": {"dev": {"cloudfront": {"enabled": false}}}}`: false,
		`{"app_name": "site", "cloudfront": {}}`:                                                        true,
	} {
		app, err := buildFor(t, api, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if (app.CloudFront != nil) != want {
			t.Errorf("%s: CloudFront %+v", cfg, app.CloudFront)
		}
	}

	// A distribution needs an API.
	pure := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "site",
		Functions: []manifest.Function{{Name: "worker", Kind: manifest.KindPureLambda, Handler: "worker"}}}
	if _, err := buildFor(t, pure, `{"app_name": "site", "cloudfront": {}}`); err == nil || !strings.Contains(err.Error(), `stage "dev": cloudfront is set, but the app has no routes`) {
		t.Errorf("no routes: %v", err)
	}

	// Validation problems stop the build.
	if _, err := buildFor(t, api, `{"app_name": "site", "cloudfront": {"price_class": "cheap"}}`); err == nil || !strings.Contains(err.Error(), "cloudfront.price_class must be one of") {
		t.Errorf("invalid: %v", err)
	}
}

// orderManifest registers, in this order: built-in authorizers zeta, alpha
// and mid (the manifest lists authorizers by name, its functions in
// registration order), an IAM authorizer, and event handlers whose
// sources are DynamoDB, then SQS, then Kinesis.
func orderManifest() *manifest.Manifest {
	fn := func(name, kind string) manifest.Function {
		return manifest.Function{Name: name, Kind: kind, Handler: name}
	}
	return &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "order",
		Routes: []manifest.Route{
			{Path: "/a", Method: "GET", Name: "a", Authorizer: "alpha"},
			{Path: "/m", Method: "GET", Name: "m", Authorizer: "mid"},
			{Path: "/s", Method: "GET", Name: "s", Authorizer: "sigv4"},
			{Path: "/z", Method: "GET", Name: "z", Authorizer: "zeta"},
		},
		Authorizers: []manifest.Authorizer{
			{Name: "alpha", Type: manifest.AuthBuiltin, Function: "alpha"},
			{Name: "mid", Type: manifest.AuthBuiltin, Function: "mid"},
			{Name: "sigv4", Type: manifest.AuthIAM},
			{Name: "zeta", Type: manifest.AuthBuiltin, Function: "zeta"},
		},
		Functions: []manifest.Function{
			fn("api_handler", manifest.KindAPIHandler),
			fn("zeta", manifest.KindAuthorizer), fn("alpha", manifest.KindAuthorizer), fn("mid", manifest.KindAuthorizer),
			fn("on_table", manifest.KindEvent), fn("on_queue", manifest.KindEvent), fn("on_stream", manifest.KindEvent),
			fn("on_queue2", manifest.KindEvent),
		},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceDynamoDB, Function: "on_table", StreamARN: "arn:aws:dynamodb:us-west-2:1:table/t/stream/x", BatchSize: 100, StartingPosition: "LATEST"},
			{Type: manifest.SourceSQS, Function: "on_queue", Queue: "q", BatchSize: 1},
			{Type: manifest.SourceKinesis, Function: "on_stream", Stream: "s", BatchSize: 100, StartingPosition: "LATEST"},
			{Type: manifest.SourceSQS, Function: "on_queue2", Queue: "q2", BatchSize: 1},
		},
	}
}

// TestRegistrationOrder: authorizers, their functions, every resource and
// the policy traits keep the order the app registered them in, never
// alphabetical order.
func TestRegistrationOrder(t *testing.T) {
	app, err := buildFor(t, orderManifest(), `{"app_name": "order"}`)
	if err != nil {
		t.Fatal(err)
	}
	var auths []string
	for _, a := range app.RestAPI.Authorizers {
		auths = append(auths, a.Name)
	}
	if got, want := strings.Join(auths, ","), "zeta,alpha,mid,sigv4"; got != want {
		t.Errorf("RestAPI.Authorizers = %s, want %s", got, want)
	}
	var fns []string
	for _, f := range app.RestAPI.AuthFuncs {
		fns = append(fns, f.ResourceName)
	}
	if got, want := strings.Join(fns, ","), "zeta,alpha,mid"; got != want {
		t.Errorf("AuthFuncs = %s, want %s", got, want)
	}
	var names []string
	for _, r := range app.Resources() {
		names = append(names, r.Name())
	}
	want := "default-role,on_table,on_table-dynamodb-event-source,on_queue,on_queue-sqs-event-source,on_stream,on_stream-kinesis-event-source," +
		"on_queue2,on_queue2-sqs-event-source,api_handler,zeta,alpha,mid,rest_api"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("Resources\n got %s\nwant %s", got, want)
	}
	if got := strings.Join(app.Roles[0].Traits.EventSources, ","); got != "dynamodb,sqs,kinesis" {
		t.Errorf("Traits.EventSources = %s, want dynamodb,sqs,kinesis", got)
	}
}

// TestCustomDomainsInGraph: both custom domains are nodes of the graph,
// right after their API, with their mappings, and dev appgraph prints
// them; Resources (what generators and deploy walk) is unchanged.
func TestCustomDomainsInGraph(t *testing.T) {
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "site",
		Routes: []manifest.Route{{Path: "/", Method: "GET", Name: "index"}},
		Functions: []manifest.Function{
			{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"},
			{Name: "websocket_message", Kind: manifest.KindWebsocket, Handler: "websocket_message"},
		},
		Websocket: []manifest.WSHandler{{RouteKey: manifest.WSDefault, Function: "websocket_message"}},
	}
	app, err := buildFor(t, m, `{"app_name": "site", "stages": {"dev": {"api_gateway_stage": "v1", "api_gateway_endpoint_type": "REGIONAL",
	  "api_gateway_custom_domain": {"domain_name": "api.example.com", "certificate_arn": "arn:aws:acm:us-west-2:1:certificate/a", "url_prefix": "shop", "tags": {"team": "web"}},
	  "websocket_api_custom_domain": {"domain_name": "ws.example.com", "certificate_arn": "arn:aws:acm:us-west-2:1:certificate/b"}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	var nodes []string
	for _, r := range app.Nodes() {
		nodes = append(nodes, r.Kind()+" "+r.Name())
	}
	want := "iam_role default-role,lambda_function api_handler,rest_api rest_api,domain_name api_gateway_custom_domain," +
		"lambda_function websocket_message,websocket_api websocket_api,domain_name websocket_api_custom_domain"
	if got := strings.Join(nodes, ","); got != want {
		t.Errorf("Nodes\n got %s\nwant %s", got, want)
	}
	if len(app.Resources()) != 5 {
		t.Errorf("Resources has %d entries, want the 5 without domains", len(app.Resources()))
	}
	d := app.RestAPI.Domain
	if d == nil || d.MappingKey != "shop" || d.EndpointType != "REGIONAL" || d.APIGatewayStage != "v1" || d.Protocol != "HTTP" || d.Config.TLSVersion != "TLS_1_2" {
		t.Errorf("REST domain %+v", d)
	}
	if w := app.Websocket.Domain; w == nil || w.MappingKey != "(none)" || w.EndpointType != "REGIONAL" || w.Protocol != "WEBSOCKET" {
		t.Errorf("websocket domain %+v", w)
	}
	var out strings.Builder
	app.Print(&out)
	for _, line := range []string{
		"├── domain_name api_gateway_custom_domain\n│       domain_name: api.example.com\n│       http API, endpoint REGIONAL, certificate arn:aws:acm:us-west-2:1:certificate/a, TLS_1_2\n│       api_mapping: shop -> rest_api stage v1\n│       tags: team\n",
		"└── domain_name websocket_api_custom_domain\n        domain_name: ws.example.com\n        websocket API, endpoint REGIONAL, certificate arn:aws:acm:us-west-2:1:certificate/b, TLS_1_2\n        api_mapping: (none) -> websocket_api stage v1\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("Print lacks\n%s\nin\n%s", line, out.String())
		}
	}
}

// TestAppNameWarning: an app_name in config.json that is not the code's
// is reported, naming both and the one resource names use (config.json's,
// as in Chalice).
func TestAppNameWarning(t *testing.T) {
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "store",
		Functions: []manifest.Function{{Name: "worker", Kind: manifest.KindPureLambda, Handler: "worker"}}}
	app, err := buildFor(t, m, `{"app_name": "shop"}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Warnings) != 1 {
		t.Fatalf("Warnings = %q, want one", app.Warnings)
	}
	w := app.Warnings[0]
	for _, s := range []string{`app_name "shop"`, "config.json", `chalice.New("store")`, `resource names use "shop"`} {
		if !strings.Contains(w, s) {
			t.Errorf("warning %q lacks %q", w, s)
		}
	}
	if app.AppName != "shop" || app.Functions[0].FunctionName != "shop-dev-worker" {
		t.Errorf("names: app %s function %s", app.AppName, app.Functions[0].FunctionName)
	}
	same, err := buildFor(t, m, `{"app_name": "store"}`)
	if err != nil || len(same.Warnings) != 0 {
		t.Errorf("same name: %v %q", err, same.Warnings)
	}
}

// TestTypedAPI: the REST API model carries the manifest's schemas, and
// api_gateway_request_validation on an HTTP API is a warning (HTTP APIs
// have no request validation), not an error.
func TestTypedAPI(t *testing.T) {
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "shop",
		Routes: []manifest.Route{{Path: "/", Method: "POST", Name: "create", ContentTypes: []string{"application/json"},
			RequestBody: &manifest.Body{ContentType: "application/json", Schema: manifest.SchemaRef("Item")}}},
		Functions: []manifest.Function{{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"}},
		Schemas:   map[string]json.RawMessage{"Item": json.RawMessage(`{"type":"object"}`)}}
	for _, tt := range []struct {
		config  string
		warning string
	}{
		{`{"app_name": "shop", "api_gateway_request_validation": true}`, ""},
		{`{"app_name": "shop", "api_type": "http"}`, ""},
		{`{"app_name": "shop", "api_type": "http", "api_gateway_request_validation": true}`, "api_gateway_request_validation (set at the top level) has no effect"},
	} {
		app, err := buildFor(t, m, tt.config)
		if err != nil {
			t.Fatal(err)
		}
		if string(app.RestAPI.Schemas["Item"]) != `{"type":"object"}` {
			t.Errorf("schemas = %v", app.RestAPI.Schemas)
		}
		switch {
		case tt.warning == "" && len(app.Warnings) != 0:
			t.Errorf("%s: warnings %q", tt.config, app.Warnings)
		case tt.warning != "" && (len(app.Warnings) != 1 || !strings.Contains(app.Warnings[0], tt.warning)):
			t.Errorf("%s: warnings %q, want one with %q", tt.config, app.Warnings, tt.warning)
		}
	}
}

// TestDeclaredResourcesRefused: a manifest with declared resources is
// refused with a message naming them, never packaged half-way.
func TestDeclaredResourcesRefused(t *testing.T) {
	m := &manifest.Manifest{App: "shop", Resources: []manifest.Resource{{Kind: manifest.ResourceTable, Name: "users"}}}
	_, err := Build(Input{Manifest: m, Config: &config.Config{}, Stage: "dev"})
	if err == nil || !strings.Contains(err.Error(), "declares resources (table users)") {
		t.Fatalf("Build = %v, want the declared resources refused", err)
	}
}
