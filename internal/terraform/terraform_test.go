package terraform

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestMain(m *testing.M) {
	// The version goes into every function's aws-chalice tag.
	config.Version = "0.0.0-test"
	os.Exit(m.Run())
}

func intp(n int) *int { return &n }

var binaryTypes = []string{"application/octet-stream", "application/x-tar", "application/zip", "image/png"}

// fullManifest registers every kind of function and event source.
func fullManifest() *manifest.Manifest {
	fn := func(name, kind string) manifest.Function {
		return manifest.Function{Name: name, Kind: kind, Handler: name}
	}
	cors := &manifest.CORS{AllowOrigin: "https://example.com", AllowHeaders: []string{"Authorization", "Content-Type", "X-Amz-Date"},
		ExposeHeaders: []string{"X-Request-Id"}, MaxAge: intp(600), AllowCredentials: true}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "sampleapp",
		API:           manifest.API{BinaryTypes: binaryTypes},
		Routes: []manifest.Route{
			{Path: "/", Method: "GET", Name: "index", Authorizer: "myauth", ContentTypes: []string{"application/json"}, CORS: cors,
				Summary: "Index", Description: "Greets ${user} with 100%{sure}"},
			{Path: "/users/{id}", Method: "GET", Name: "get_user", Params: []string{"id"}, Authorizer: "pool", ContentTypes: []string{"application/json"}},
			{Path: "/users/{id}", Method: "PUT", Name: "put_user", Params: []string{"id"}, Authorizer: "iam", APIKeyRequired: true, ContentTypes: []string{"application/json"}},
			{Path: "/files/{path+}", Method: "GET", Name: "files", Params: []string{"path"}, ContentTypes: []string{"application/json"}},
		},
		Authorizers: []manifest.Authorizer{
			{Name: "myauth", Type: manifest.AuthBuiltin, Function: "myauth", TTLSeconds: intp(60)},
			{Name: "pool", Type: manifest.AuthCognito, ProviderARNs: []string{"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"}},
			{Name: "iam", Type: manifest.AuthIAM},
		},
		Functions: []manifest.Function{
			fn("api_handler", manifest.KindAPIHandler),
			fn("myauth", manifest.KindAuthorizer),
			fn("purefn", manifest.KindPureLambda),
			fn("every_five", manifest.KindEvent),
			fn("on_pattern", manifest.KindEvent),
			fn("on_upload", manifest.KindEvent),
			fn("on_log", manifest.KindEvent),
			fn("on_dotted", manifest.KindEvent),
			fn("on_topic", manifest.KindEvent),
			fn("on_topic_arn", manifest.KindEvent),
			fn("on_queue", manifest.KindEvent),
			fn("on_queue_arn", manifest.KindEvent),
			fn("on_stream", manifest.KindEvent),
			fn("on_table", manifest.KindEvent),
			fn("websocket_connect", manifest.KindWebsocket),
			fn("websocket_message", manifest.KindWebsocket),
			fn("websocket_disconnect", manifest.KindWebsocket),
		},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceSchedule, Function: "every_five", Schedule: "rate(5 minutes)", Description: "Every five minutes"},
			{Type: manifest.SourceCWEvent, Function: "on_pattern", EventPattern: json.RawMessage(`{"source": ["aws.ec2"], "detail": {"state": ["stopped"]}}`)},
			{Type: manifest.SourceS3, Function: "on_upload", Bucket: "uploads", Events: []string{"s3:ObjectCreated:*"}, Prefix: "incoming/", Suffix: ".csv"},
			{Type: manifest.SourceS3, Function: "on_log", Bucket: "uploads", Events: []string{"s3:ObjectRemoved:*"}, Prefix: "logs/"},
			{Type: manifest.SourceS3, Function: "on_dotted", Bucket: "1st.example.com"},
			{Type: manifest.SourceSNS, Function: "on_topic", Topic: "mytopic"},
			{Type: manifest.SourceSNS, Function: "on_topic_arn", Topic: "arn:aws:sns:eu-west-1:123456789012:other"},
			{Type: manifest.SourceSQS, Function: "on_queue", Queue: "myqueue", BatchSize: 5},
			{Type: manifest.SourceSQS, Function: "on_queue_arn", QueueARN: "arn:aws:sqs:eu-west-1:123456789012:jobs.fifo", BatchSize: 10,
				MaxBatchingWindow: 30, MaxConcurrency: intp(5), ReportBatchItemFailures: true},
			{Type: manifest.SourceKinesis, Function: "on_stream", Stream: "clicks", BatchSize: 100, StartingPosition: "TRIM_HORIZON", ReportBatchItemFailures: true},
			{Type: manifest.SourceDynamoDB, Function: "on_table", StreamARN: "arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/2024-01-01T00:00:00.000",
				BatchSize: 50, StartingPosition: "LATEST"},
		},
		Websocket: []manifest.WSHandler{
			{RouteKey: manifest.WSConnect, Function: "websocket_connect"},
			{RouteKey: manifest.WSDefault, Function: "websocket_message"},
			{RouteKey: manifest.WSDisconnect, Function: "websocket_disconnect"},
		},
	}
}

const fullConfig = `{
  "version": "2.0",
  "app_name": "sampleapp",
  "environment_variables": {"GREETING": "hello ${name}", "PERCENT": "100%{x}"},
  "tags": {"team": "core"},
  "stages": {
    "dev": {
      "api_gateway_stage": "api",
      "minimum_compression_size": 1024,
      "log_retention_in_days": 14,
      "layers": ["arn:aws:lambda:us-east-1:123456789012:layer:shared:3"],
      "api_gateway_custom_domain": {
        "domain_name": "api.example.com",
        "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        "url_prefix": "v1",
        "tags": {"dns": "public"}
      },
      "websocket_api_custom_domain": {
        "domain_name": "ws.example.com",
        "certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/def"
      },
      "environment_variables": {"STAGE": "dev"},
      "lambda_functions": {
        "api_handler": {
          "lambda_memory_size": 512,
          "subnet_ids": ["subnet-1", "subnet-2"],
          "security_group_ids": ["sg-1"],
          "reserved_concurrency": 10,
          "xray": true
        },
        "on_queue_arn": {"lambda_architecture": "x86_64", "lambda_timeout": 120},
        "purefn": {"manage_iam_role": false, "iam_role_arn": "arn:aws:iam::123456789012:role/existing"},
        "on_stream": {"autogen_policy": false, "iam_policy_file": "stream-policy.json"}
      }
    }
  }
}`

// policies stands in for the packager's generated and file policies. The
// ${aws:username} policy variable must reach IAM as written.
var policies = map[string]any{
	"default-role": map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": "arn:*:logs:*:*:*"},
		map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::uploads/home/${aws:username}/*"},
	}},
	"on_stream_role": json.RawMessage(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"}]}`),
	// The roles of the functions using declared resources (declared_test.go).
	"work_role": logsOnly, "order_role": logsOnly, "uploaded_role": logsOnly, "audit_role": logsOnly,
	"hourly_role": logsOnly, "api_handler_role": logsOnly,
	// The roles of the functions with async destinations (platform_test.go).
	"to_queue_role": logsOnly, "to_lambda_role": logsOnly,
}

var logsOnly = map[string]any{"Version": "2012-10-17", "Statement": []any{
	map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": "arn:*:logs:*:*:*"},
}}

// build makes the model of a manifest and a config.json.
func build(t *testing.T, m *manifest.Manifest, configJSON string, files map[string]string) *appgraph.Application {
	t.Helper()
	dir := t.TempDir()
	chalice := filepath.Join(dir, ".chalice")
	if err := os.MkdirAll(chalice, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(chalice, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(chalice, "config.json")
	cfg, err := config.Parse(path, []byte(configJSON))
	if err != nil {
		t.Fatalf("config.Parse: %v", err)
	}
	app, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: dir, DeclaredResources: true})
	if err != nil {
		t.Fatalf("appgraph.Build: %v", err)
	}
	return app
}

// generate runs Generate and round-trips the result through JSON, as
// Terraform reads it.
func generate(t *testing.T, app *appgraph.Application, opts Options) (map[string]any, []byte) {
	t.Helper()
	doc, err := Generate(app, opts)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	data, err := Marshal(doc)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var back map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("the output is not JSON: %v", err)
	}
	return back, data
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generated document (run go test ./internal/terraform -update and review the diff):\n%s", path, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n- " + w + "\n+ " + g
		}
	}
	return ""
}

// samples are the golden apps: every feature of the REST flavour, an HTTP
// API, and a PRIVATE REST API.
func samples(t *testing.T) map[string]*appgraph.Application {
	full := build(t, fullManifest(), fullConfig, map[string]string{"stream-policy.json": `{"Version": "2012-10-17", "Statement": []}`})

	httpM := fullManifest()
	httpM.App = "httpapp"
	httpM.Routes = []manifest.Route{
		{Path: "/", Method: "GET", Name: "index", Authorizer: "myauth", ContentTypes: []string{"application/json"},
			CORS: &manifest.CORS{AllowOrigin: "*", AllowHeaders: []string{"Authorization", "Content-Type"}}},
		{Path: "/items/{id}", Method: "DELETE", Name: "delete_item", Params: []string{"id"}, Authorizer: "iam", ContentTypes: []string{"application/json"}},
	}
	httpM.Authorizers = []manifest.Authorizer{httpM.Authorizers[0], httpM.Authorizers[2]}
	httpM.Functions = httpM.Functions[:3]
	httpM.EventSources = nil
	httpM.Websocket = nil
	httpApp := build(t, httpM, `{
  "version": "2.0",
  "app_name": "httpapp",
  "stages": {"dev": {
    "api_type": "http",
    "api_gateway_endpoint_type": "REGIONAL",
    "api_gateway_stage": "v1",
    "tags": {"owner": "web"},
    "api_gateway_custom_domain": {
      "domain_name": "http.example.com",
      "certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/ghi"
    }
  }}
}`, nil)

	privM := fullManifest()
	privM.App = "privateapp"
	privM.Routes = privM.Routes[3:]
	privM.Authorizers = nil
	privM.Functions = []manifest.Function{privM.Functions[0], privM.Functions[3]}
	privM.EventSources = privM.EventSources[:1]
	privM.Websocket = nil
	priv := build(t, privM, `{
  "version": "2.0",
  "app_name": "privateapp",
  "xray": true,
  "stages": {"dev": {
    "api_gateway_endpoint_type": "PRIVATE",
    "api_gateway_endpoint_vpce": ["vpce-123", "vpce-456"],
    "lambda_architecture": "x86_64"
  }}
}`, nil)

	// CloudFront in front of a REGIONAL REST API: aliases, static and
	// image paths, a default TTL.
	cfM := fullManifest()
	cfM.App = "cfapp"
	cfM.Functions = []manifest.Function{cfM.Functions[0], cfM.Functions[1]}
	cfM.Authorizers = cfM.Authorizers[:1]
	cfM.Routes = []manifest.Route{cfM.Routes[0], cfM.Routes[3]}
	cfM.EventSources = nil
	cfM.Websocket = nil
	cf := build(t, cfM, `{
  "version": "2.0",
  "app_name": "cfapp",
  "stages": {"dev": {
    "api_gateway_endpoint_type": "REGIONAL",
    "tags": {"owner": "web"},
    "cloudfront": {
      "static_paths": ["/static/*", "/favicon.ico"],
      "image_paths": ["/img/*"],
      "price_class": "PriceClass_All",
      "aliases": ["www.example.com", "example.com"],
      "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/cf",
      "default_ttl": 30
    }
  }}
}`, nil)
	out := map[string]*appgraph.Application{"full": full, "http": httpApp, "private": priv, "cloudfront": cf,
		"http_auth": httpAuthApp(t),  // httpauth_test.go
		"typed":     typedApp(t),     // typed_test.go
		"resources": resourcesApp(t)} // declared_test.go
	platformSamples(t, out) // platform_test.go
	return out
}

func TestGolden(t *testing.T) {
	used := map[string]bool{}
	for name, app := range samples(t) {
		t.Run(name, func(t *testing.T) {
			doc, data := generate(t, app, Options{Policies: policies})
			golden(t, name+".tf.json", data)
			checkSchema(t, doc)
			checkNoDeprecated(t, doc)
			for _, kind := range []string{"resource", "data"} {
				for typ := range doc[kind].(map[string]any) {
					used[kind+"."+typ] = true
				}
			}
		})
	}
	// The samples cover every type the schema file was extracted for.
	s := loadSchema(t)
	for kind, types := range map[string]map[string]*schemaBlock{"resource": s.Resource, "data": s.Data} {
		for typ := range types {
			if !used[kind+"."+typ] {
				t.Errorf("no golden document has %s %s", kind, typ)
			}
		}
	}
}

// checkNoDeprecated asserts the constructs Chalice's output needed and
// current Terraform and providers reject or warn about are gone.
func checkNoDeprecated(t *testing.T, doc map[string]any) {
	t.Helper()
	data, _ := json.Marshal(doc)
	for _, bad := range []string{"null_data_source", "data.aws_region.chalice.name", "< 1.4", "stage_description"} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("the document contains %q", bad)
		}
	}
	resources, _ := doc["resource"].(map[string]any)
	deployments, _ := resources["aws_api_gateway_deployment"].(map[string]any)
	for name, d := range deployments {
		if _, ok := d.(map[string]any)["stage_name"]; ok {
			t.Errorf("aws_api_gateway_deployment.%s has stage_name (deprecated in provider 5, removed in 6): use aws_api_gateway_stage", name)
		}
	}
	tf := doc["terraform"].(map[string]any)
	if _, ok := tf["required_providers"].(map[string]any)["null"]; ok {
		t.Error("the document still requires the null provider")
	}
}

func TestSwaggerKeepsIntegrationReferences(t *testing.T) {
	doc, _ := generate(t, samples(t)["full"], Options{Policies: policies})
	swagger := doc["locals"].(map[string]any)["chalice_api_swagger"].(string)
	for _, ref := range []string{`"${aws_lambda_function.api_handler.invoke_arn}"`, `"${aws_lambda_function.myauth.invoke_arn}"`, `$${user}`, `100%%{sure}`} {
		if !strings.Contains(swagger, strings.ReplaceAll(ref, `"`, `\"`)) && !strings.Contains(swagger, ref) {
			t.Errorf("the API definition lacks %s", ref)
		}
	}
	if strings.Contains(swagger, "$${aws_lambda_function") {
		t.Error("an integration URI was escaped")
	}
}

// minimal is an app with one pure Lambda function.
func minimal() *manifest.Manifest {
	return &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "tiny",
		Functions: []manifest.Function{{Name: "worker", Kind: manifest.KindPureLambda, Handler: "worker"}}}
}

func TestPureLambdaOnly(t *testing.T) {
	app := build(t, minimal(), `{"version": "2.0", "app_name": "tiny"}`, nil)
	doc, _ := generate(t, app, Options{Policies: policies, ZipPath: "${path.module}/build/tiny.zip"})
	checkSchema(t, doc)
	if _, ok := doc["output"]; ok {
		t.Error("outputs without an API")
	}
	locals := doc["locals"].(map[string]any)
	if _, ok := locals["chalice_api_swagger"]; ok {
		t.Error("API definition without an API")
	}
	if locals["chalice_app"] != "tiny" || locals["chalice_stage"] != "dev" {
		t.Errorf("locals = %v", locals)
	}
	fn := doc["resource"].(map[string]any)["aws_lambda_function"].(map[string]any)["worker"].(map[string]any)
	if fn["filename"] != "${path.module}/build/tiny.zip" || fn["source_code_hash"] != `${filebase64sha256("${path.module}/build/tiny.zip")}` {
		t.Errorf("ZipPath not used: filename %v, source_code_hash %v", fn["filename"], fn["source_code_hash"])
	}
	if fn["function_name"] != "tiny-dev-worker" || fn["handler"] != "worker" || fn["runtime"] != appgraph.Runtime {
		t.Errorf("function = %v", fn)
	}
	for _, k := range []string{"vpc_config", "environment", "tracing_config", "layers", "reserved_concurrent_executions"} {
		if _, ok := fn[k]; ok {
			t.Errorf("unset %s written", k)
		}
	}
}

func TestRegionalCustomDomain(t *testing.T) {
	m := fullManifest()
	m.Websocket = nil
	m.Functions = m.Functions[:3]
	m.EventSources = nil
	app := build(t, m, `{"version": "2.0", "app_name": "sampleapp", "stages": {"dev": {
  "api_gateway_endpoint_type": "REGIONAL",
  "xray": true,
  "api_gateway_custom_domain": {"domain_name": "api.example.com", "certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc", "tls_version": "TLS_1_0"}
}}}`, nil)
	doc, _ := generate(t, app, Options{Policies: policies})
	checkSchema(t, doc)
	res := doc["resource"].(map[string]any)
	domain := res["aws_api_gateway_domain_name"].(map[string]any)["api_gateway_custom_domain"].(map[string]any)
	if domain["regional_certificate_arn"] != "arn:aws:acm:eu-west-1:123456789012:certificate/abc" || domain["certificate_arn"] != nil || domain["security_policy"] != "TLS_1_0" {
		t.Errorf("domain = %v", domain)
	}
	mapping := res["aws_api_gateway_base_path_mapping"].(map[string]any)["api_gateway_custom_domain_mapping"].(map[string]any)
	if _, ok := mapping["base_path"]; ok {
		t.Errorf("base_path without url_prefix: %v", mapping)
	}
	out := doc["output"].(map[string]any)
	if v := out["AliasDomainName"].(map[string]any)["value"]; v != "${aws_api_gateway_domain_name.api_gateway_custom_domain.regional_domain_name}" {
		t.Errorf("AliasDomainName = %v", v)
	}
	if v := out["HostedZoneId"].(map[string]any)["value"]; v != "${aws_api_gateway_domain_name.api_gateway_custom_domain.regional_zone_id}" {
		t.Errorf("HostedZoneId = %v", v)
	}
	stage := res["aws_api_gateway_stage"].(map[string]any)["rest_api"].(map[string]any)
	if stage["xray_tracing_enabled"] != true {
		t.Errorf("stage = %v", stage)
	}
}

func TestErrors(t *testing.T) {
	t.Run("no model", func(t *testing.T) {
		if _, err := Generate(nil, Options{}); err == nil {
			t.Error("no error")
		}
	})
	t.Run("missing policy", func(t *testing.T) {
		app := build(t, minimal(), `{"version": "2.0", "app_name": "tiny"}`, nil)
		_, err := Generate(app, Options{})
		if err == nil || !strings.Contains(err.Error(), "no IAM policy document for role default-role") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("private custom domain", func(t *testing.T) {
		m := fullManifest()
		m.Websocket, m.EventSources, m.Functions = nil, nil, m.Functions[:3]
		app := build(t, m, `{"version": "2.0", "app_name": "sampleapp", "stages": {"dev": {
  "api_gateway_endpoint_type": "PRIVATE", "api_gateway_endpoint_vpce": "vpce-1",
  "api_gateway_custom_domain": {"domain_name": "api.example.com", "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}
}}}`, nil)
		_, err := Generate(app, Options{Policies: policies})
		if err == nil || !strings.Contains(err.Error(), "EDGE or REGIONAL") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("invalid resource name", func(t *testing.T) {
		m := minimal()
		m.Functions[0].Name = "9lives"
		app := build(t, m, `{"version": "2.0", "app_name": "tiny"}`, nil)
		_, err := Generate(app, Options{Policies: policies})
		if err == nil || !strings.Contains(err.Error(), `"9lives" is not a valid Terraform resource name`) {
			t.Errorf("err = %v", err)
		}
	})
}

// TestUserReferences covers settings that refer to resources the user
// declares in other .tf files, as Chalice allows.
func TestUserReferences(t *testing.T) {
	m := minimal()
	m.Functions = append(m.Functions,
		manifest.Function{Name: "on_data", Kind: manifest.KindEvent, Handler: "on_data"},
		manifest.Function{Name: "on_note", Kind: manifest.KindEvent, Handler: "on_note"})
	m.EventSources = []manifest.EventSource{
		{Type: manifest.SourceS3, Function: "on_data", Bucket: "${aws_s3_bucket.my_data_bucket.id}"},
		{Type: manifest.SourceSNS, Function: "on_note", Topic: "${aws_sns_topic.notes.arn}"},
	}
	app := build(t, m, `{"version": "2.0", "app_name": "tiny", "environment_variables": {
  "TABLE": "${aws_dynamodb_table.users.name}", "TEXT": "${not a reference}", "POLICY_VAR": "${aws:username}"}}`, nil)
	doc, _ := generate(t, app, Options{Policies: policies})
	res := doc["resource"].(map[string]any)
	n, ok := res["aws_s3_bucket_notification"].(map[string]any)["my_data_bucket_notify"].(map[string]any)
	if !ok || n["bucket"] != "${aws_s3_bucket.my_data_bucket.id}" {
		t.Errorf("notifications = %v", res["aws_s3_bucket_notification"])
	}
	perm := res["aws_lambda_permission"].(map[string]any)["on_data-s3event"].(map[string]any)
	if perm["source_arn"] != "arn:${data.aws_partition.chalice.partition}:s3:::${aws_s3_bucket.my_data_bucket.id}" {
		t.Errorf("source_arn = %v", perm["source_arn"])
	}
	sub := res["aws_sns_topic_subscription"].(map[string]any)["on_note-sns-subscription"].(map[string]any)
	if sub["topic_arn"] != "${aws_sns_topic.notes.arn}" {
		t.Errorf("topic_arn = %v", sub["topic_arn"])
	}
	env := res["aws_lambda_function"].(map[string]any)["worker"].(map[string]any)["environment"].(map[string]any)["variables"].(map[string]any)
	want := map[string]any{"TABLE": "${aws_dynamodb_table.users.name}", "TEXT": "$${not a reference}", "POLICY_VAR": "$${aws:username}"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("environment %s = %v, want %v", k, env[k], v)
		}
	}
	// The schema check finds the references to the user's resources, and
	// nothing else.
	for _, p := range checkDocument(loadSchema(t), doc) {
		if !strings.Contains(p, "aws_s3_bucket.my_data_bucket is not declared") && !strings.Contains(p, "aws_sns_topic.notes is not declared") &&
			!strings.Contains(p, "aws_dynamodb_table.users is not declared") {
			t.Error(p)
		}
	}
}

func TestDeterministic(t *testing.T) {
	_, a := generate(t, samples(t)["full"], Options{Policies: policies})
	for range 5 {
		if _, b := generate(t, samples(t)["full"], Options{Policies: policies}); !bytes.Equal(a, b) {
			t.Fatal("two runs differ")
		}
	}
}

func TestMarshal(t *testing.T) {
	data, err := Marshal(map[string]any{"b": "<&>", "a": []any{json.Number("1")}})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": [\n    1\n  ],\n  \"b\": \"<&>\"\n}\n"
	if string(data) != want {
		t.Errorf("Marshal = %q, want %q", data, want)
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"uploads":                            "uploads",
		"my.bucket-1":                        "my_bucket-1",
		"1st.example.com":                    "_1st_example_com",
		"${aws_s3_bucket.my_data_bucket.id}": "my_data_bucket",
		"${var.bucket}":                      "__var_bucket_",
	} {
		if got := nameFor(in); got != want || !identifier.MatchString(got) {
			t.Errorf("nameFor(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"plain":                  "plain",
		"${a.b}":                 "${a.b}",
		"x ${a.b}":               "x $${a.b}",
		"${aws:username}":        "$${aws:username}",
		"%{ if true }":           "%%{ if true }",
		"$${already}":            "$$${already}",
		"${aws_x.y.z[0].w}":      "${aws_x.y.z[0].w}",
		"${upper(\"x\")}":        "$${upper(\"x\")}",
		"${local.chalice_stage}": "${local.chalice_stage}",
	} {
		if got := literal(in); got != want {
			t.Errorf("literal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTemplateScanner(t *testing.T) {
	for in, want := range map[string][]string{
		"plain":                    nil,
		"$${not.this} and %%{nor}": nil,
		"arn:${a.b}:${c.d}":        {"a.b", "c.d"},
		`${filebase64sha256("${path.module}/x.zip")}`:   {`filebase64sha256("")`, "path.module"},
		`${sha1(jsonencode([a.b.c, d.e[0].f]))}`:        {`sha1(jsonencode([a.b.c, d.e[0].f]))`},
		`{"uri":"${aws_lambda_function.f.invoke_arn}"}`: {"aws_lambda_function.f.invoke_arn"},
	} {
		got, _, err := template(in)
		if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("template(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"${unterminated", `${f("x)}`, "%{ if x }"} {
		if _, _, err := template(bad); err == nil {
			t.Errorf("template(%q): no error", bad)
		}
	}
}
