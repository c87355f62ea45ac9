package swagger

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func intp(n int) *int { return &n }

var defaultHeaders = []string{"Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Api-Key"}

// sampleManifest uses every route feature: CORS (default and custom), every
// authorizer type with scopes, API keys, binary content types, a greedy
// path, several methods on one path, summary and description.
func sampleManifest() *manifest.Manifest {
	defCORS := &manifest.CORS{AllowOrigin: "*", AllowHeaders: defaultHeaders}
	custom := &manifest.CORS{
		AllowOrigin:      "https://example.com",
		AllowHeaders:     append(slices.Clone(defaultHeaders), "X-Special"),
		ExposeHeaders:    []string{"X-Exposed", "X-Other"},
		MaxAge:           intp(600),
		AllowCredentials: true,
	}
	json := []string{"application/json"}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "sampleapp",
		API:           manifest.API{BinaryTypes: []string{"application/octet-stream", "image/png"}, CORS: defCORS},
		Routes: []manifest.Route{
			{Path: "/", Method: "GET", Name: "index", ContentTypes: json, CORS: defCORS,
				Summary: "The index.", Description: "Says hello.\nTwice."},
			{Path: "/files/{proxy+}", Method: "GET", Name: "files", Params: []string{"proxy"}, ContentTypes: json,
				Authorizer: "external", AuthorizerScopes: []string{"files/read"}},
			{Path: "/items", Method: "GET", Name: "listItems", ContentTypes: json, CORS: custom, APIKeyRequired: true},
			{Path: "/items", Method: "POST", Name: "createItem", ContentTypes: []string{"application/json", "application/x-www-form-urlencoded"}, CORS: custom,
				Authorizer: "myauth", AuthorizerScopes: []string{"items/write"}},
			{Path: "/items/{id}", Method: "DELETE", Name: "deleteItem", Params: []string{"id"}, ContentTypes: json, Authorizer: "sigv4"},
			{Path: "/items/{id}", Method: "GET", Name: "getItem", Params: []string{"id"}, ContentTypes: json,
				Authorizer: "cognito", AuthorizerScopes: []string{"openid", "items/read"}},
			{Path: "/items/{id}", Method: "PUT", Name: "putItem", Params: []string{"id"}, ContentTypes: json,
				Authorizer: "myauth", APIKeyRequired: true},
			{Path: "/users/{user}/files/{name}", Method: "GET", Name: "userFile", Params: []string{"user", "name"}, ContentTypes: json,
				Authorizer: "ttlauth"},
			{Path: "/upload", Method: "POST", Name: "upload", ContentTypes: []string{"image/png", "application/octet-stream"}},
		},
		Authorizers: []manifest.Authorizer{
			{Name: "cognito", Type: manifest.AuthCognito, Header: "Authorization",
				ProviderARNs: []string{"arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_abc"}},
			{Name: "external", Type: manifest.AuthCustom, Header: "X-Token", TTLSeconds: intp(60),
				AuthorizerURI: "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:auth/invocations",
				InvokeRoleARN: "arn:aws:iam::123456789012:role/invoker"},
			{Name: "myauth", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "myauth"},
			{Name: "sigv4", Type: manifest.AuthIAM, Header: "Authorization"},
			{Name: "ttlauth", Type: manifest.AuthBuiltin, Header: "X-Auth", TTLSeconds: intp(30),
				ExecutionRole: "arn:aws:iam::123456789012:role/authrole", Function: "ttlauth"},
			{Name: "unused", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "unused"},
		},
		Functions: []manifest.Function{
			{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"},
			{Name: "myauth", Kind: manifest.KindAuthorizer, Handler: "myauth"},
			{Name: "ttlauth", Kind: manifest.KindAuthorizer, Handler: "ttlauth"},
			{Name: "unused", Kind: manifest.KindAuthorizer, Handler: "unused"},
		},
		EventSources: []manifest.EventSource{},
		Websocket:    []manifest.WSHandler{},
	}
}

// httpManifest is sampleManifest without what HTTP APIs lack (API keys,
// Cognito user pool authorizers) and with one CORS configuration.
func httpManifest() *manifest.Manifest {
	m := sampleManifest()
	var routes []manifest.Route
	for _, r := range m.Routes {
		r.APIKeyRequired = false
		if r.Authorizer == "cognito" {
			r.Authorizer, r.AuthorizerScopes = "", nil
		}
		if r.CORS != nil {
			r.CORS = m.API.CORS
		}
		routes = append(routes, r)
	}
	m.Routes = routes
	m.Authorizers = slices.DeleteFunc(m.Authorizers, func(a manifest.Authorizer) bool { return a.Type == manifest.AuthCognito })
	return m
}

func buildAPI(t *testing.T, m *manifest.Manifest, configJSON string) *appgraph.RestAPI {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, ".chalice", "config.json")
	cfg, err := config.Parse(path, []byte(configJSON))
	if err != nil {
		t.Fatal(err)
	}
	app, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if app.RestAPI == nil {
		t.Fatal("model has no API")
	}
	return app.RestAPI
}

const restConfig = `{"version": "2.0", "app_name": "sampleapp",
  "stages": {"dev": {"api_gateway_stage": "api", "api_gateway_endpoint_type": "REGIONAL"}}}`

const privateConfig = `{"version": "2.0", "app_name": "sampleapp",
  "stages": {"dev": {"api_gateway_endpoint_type": "PRIVATE", "api_gateway_endpoint_vpce": ["vpce-123", "vpce-456"]}}}`

const httpConfig = `{"version": "2.0", "app_name": "sampleapp",
  "stages": {"dev": {"api_type": "http"}}}`

func samOptions(format Format) Options {
	return Options{
		Format:     format,
		HandlerURI: map[string]any{"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${APIHandler.Arn}/invocations"},
		AuthorizerURI: func(fn string) any {
			return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${" + fn + ".Arn}/invocations"}
		},
	}
}

func encode(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
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
		t.Errorf("%s differs from the generated document (go test -update rewrites it); got:\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name   string
		m      *manifest.Manifest
		config string
		format Format
	}{
		{"rest_swagger2.json", sampleManifest(), restConfig, Swagger2},
		{"rest_openapi3.0.json", sampleManifest(), restConfig, OpenAPI30},
		{"rest_openapi3.1.json", sampleManifest(), restConfig, OpenAPI31},
		{"private_swagger2.json", sampleManifest(), privateConfig, Swagger2},
		{"private_openapi3.0.json", sampleManifest(), privateConfig, OpenAPI30},
		{"http_openapi3.0.json", httpManifest(), httpConfig, OpenAPI30},
		{"http_openapi3.1.json", httpManifest(), httpConfig, OpenAPI31},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := buildAPI(t, tc.m, tc.config)
			doc, err := Generate(api, "sampleapp", samOptions(tc.format))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, encode(t, doc))
			checkDocument(t, doc, tc.format)
		})
	}
}

// TestGoldenFilesAreValid checks every golden file, as written on disk,
// against the structural rules of its specification.
func TestGoldenFilesAreValid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files (%v)", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		format := Swagger2
		switch doc["openapi"] {
		case openAPI30Version:
			format = OpenAPI30
		case openAPI31Version:
			format = OpenAPI31
		}
		t.Run(filepath.Base(f), func(t *testing.T) { checkDocument(t, doc, format) })
	}
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// checkDocument applies the Swagger 2.0 / OpenAPI 3 schema rules that are
// cheap to check: required fields and their types, every templated path
// parameter declared exactly once as a required path parameter, operations
// with responses, security requirements naming defined schemes, and
// references that resolve.
func checkDocument(t *testing.T, doc map[string]any, format Format) {
	t.Helper()
	errorf := func(format string, args ...any) { t.Helper(); t.Errorf(format, args...) }
	checkRefs(t, doc, format)
	oas3 := format != Swagger2
	if oas3 {
		want := openAPI30Version
		if format == OpenAPI31 {
			want = openAPI31Version
		}
		if doc["openapi"] != want {
			errorf("openapi = %v, want %s", doc["openapi"], want)
		}
		if _, ok := doc["swagger"]; ok {
			errorf("OpenAPI 3 document has a swagger field")
		}
		if _, ok := doc["servers"]; ok {
			errorf("servers should be omitted")
		}
	} else if doc["swagger"] != "2.0" {
		errorf("swagger = %v, want 2.0", doc["swagger"])
	}
	info, _ := doc["info"].(map[string]any)
	if info == nil {
		errorf("info missing")
	} else {
		for _, k := range []string{"title", "version"} {
			if s, _ := info[k].(string); s == "" {
				errorf("info.%s missing", k)
			}
		}
		if d, _ := info["description"].(string); oas3 && d == "" {
			errorf("info.description missing (moto's importer needs it)")
		}
	}
	if !oas3 {
		if schemes, _ := doc["schemes"].([]any); len(schemes) == 0 {
			errorf("schemes missing")
		}
	}
	var security, defs map[string]any
	if oas3 {
		comps, _ := doc["components"].(map[string]any)
		security, _ = comps["securitySchemes"].(map[string]any)
		defs, _ = comps["schemas"].(map[string]any)
	} else {
		security, _ = doc["securityDefinitions"].(map[string]any)
		defs, _ = doc["definitions"].(map[string]any)
	}
	if defs["Empty"] == nil {
		errorf("no Empty model")
	}
	for name, raw := range security {
		s, _ := raw.(map[string]any)
		typ, _ := s["type"].(string)
		if typ == "" {
			errorf("security scheme %s has no type", name)
		}
		if typ == "apiKey" {
			if in, _ := s["in"].(string); in != "header" && in != "query" && in != "cookie" {
				errorf("security scheme %s: bad in %q", name, in)
			}
			if n, _ := s["name"].(string); n == "" {
				errorf("security scheme %s has no name", name)
			}
		}
	}
	paths, _ := doc["paths"].(map[string]any)
	if paths == nil {
		errorf("paths missing")
	}
	templateParam := regexp.MustCompile(`\{([^{}]+)\}`)
	for path, raw := range paths {
		if !strings.HasPrefix(path, "/") {
			errorf("path %q does not start with /", path)
		}
		item, _ := raw.(map[string]any)
		var want []string
		for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
			want = append(want, strings.TrimSuffix(m[1], "+"))
		}
		for method, rawOp := range item {
			if !slices.Contains(httpMethods, method) {
				errorf("%s: %q is not an HTTP method", path, method)
				continue
			}
			where := fmt.Sprintf("%s %s", strings.ToUpper(method), path)
			op, _ := rawOp.(map[string]any)
			resps, _ := op["responses"].(map[string]any)
			if len(resps) == 0 {
				errorf("%s: no responses", where)
			}
			for code, r := range resps {
				resp, _ := r.(map[string]any)
				if d, _ := resp["description"].(string); d == "" {
					errorf("%s: response %s has no description", where, code)
				}
				if n, err := strconv.Atoi(code); err != nil || n < 100 || n > 599 {
					errorf("%s: response code %q", where, code)
				}
				var schema map[string]any
				if oas3 {
					if _, ok := resp["schema"]; ok {
						errorf("%s: OpenAPI 3 response with a Swagger schema", where)
					}
					content, _ := resp["content"].(map[string]any)
					mt, _ := content["application/json"].(map[string]any)
					schema, _ = mt["schema"].(map[string]any)
				} else {
					schema, _ = resp["schema"].(map[string]any)
				}
				if schema == nil {
					errorf("%s: response %s has no schema", where, code)
				}
				headers, _ := resp["headers"].(map[string]any)
				for name, h := range headers {
					hm, _ := h.(map[string]any)
					if oas3 && hm["schema"] == nil || !oas3 && hm["type"] == nil {
						errorf("%s: header %s has no type/schema", where, name)
					}
				}
			}
			if oas3 {
				for _, k := range []string{"consumes", "produces"} {
					if _, ok := op[k]; ok {
						errorf("%s: OpenAPI 3 operation has %s", where, k)
					}
				}
				if rb, ok := op["requestBody"].(map[string]any); ok {
					content, _ := rb["content"].(map[string]any)
					if len(content) == 0 {
						errorf("%s: requestBody without content", where)
					}
					for ct, mt := range content {
						if m, _ := mt.(map[string]any); m["schema"] == nil {
							errorf("%s: requestBody %s has no schema", where, ct)
						}
					}
				}
			}
			if _, ok := op["x-amazon-apigateway-integration"].(map[string]any); !ok {
				errorf("%s: no x-amazon-apigateway-integration", where)
			}
			if v, ok := op["x-amazon-apigateway-request-validator"].(string); ok {
				validators, _ := doc["x-amazon-apigateway-request-validators"].(map[string]any)
				if validators[v] == nil {
					errorf("%s: request validator %q is not defined", where, v)
				}
			}
			params, _ := op["parameters"].([]any)
			var got []string
			seen := map[string]bool{}
			bodies := 0
			for _, p := range params {
				pm, _ := p.(map[string]any)
				name, _ := pm["name"].(string)
				in, _ := pm["in"].(string)
				key := in + " " + strings.ToLower(name)
				if seen[key] {
					errorf("%s: parameter %s in %s twice", where, name, in)
				}
				seen[key] = true
				switch in {
				case "path":
				case "query", "header":
					if oas3 && pm["schema"] == nil || !oas3 && pm["type"] == nil {
						errorf("%s: parameter %s has no type/schema", where, name)
					}
					continue
				case "body":
					bodies++
					if oas3 || pm["schema"] == nil {
						errorf("%s: body parameter %s (OpenAPI 3 has requestBody; Swagger's needs a schema)", where, name)
					}
					continue
				default:
					errorf("%s: parameter %s in %q", where, name, in)
					continue
				}
				if pm["required"] != true {
					errorf("%s: path parameter %s is not required", where, name)
				}
				if oas3 {
					schema, _ := pm["schema"].(map[string]any)
					if schema["type"] != "string" || pm["type"] != nil {
						errorf("%s: path parameter %s needs schema.type string only", where, name)
					}
				} else if pm["type"] != "string" {
					errorf("%s: path parameter %s needs type string", where, name)
				}
				got = append(got, name)
			}
			if bodies > 1 {
				errorf("%s: %d body parameters", where, bodies)
			}
			if method == "options" && len(got) == 0 {
				// Chalice's MOCK preflight declares no parameters; API
				// Gateway accepts it, so only real operations are checked.
				continue
			}
			if !slices.Equal(got, want) {
				errorf("%s: path parameters %v, want %v", where, got, want)
			}
			reqs, _ := op["security"].([]any)
			for _, r := range reqs {
				rm, _ := r.(map[string]any)
				if len(rm) != 1 {
					errorf("%s: security requirement %v should name one scheme", where, rm)
				}
				for name, scopes := range rm {
					if security[name] == nil {
						errorf("%s: security scheme %s is not defined", where, name)
					}
					if _, ok := scopes.([]any); !ok {
						errorf("%s: scopes of %s are not a list", where, name)
					}
				}
			}
		}
	}
}

// checkRefs checks that every $ref in the document resolves to one of
// its named schemas, and that the schemas of OpenAPI 3.0 and Swagger 2.0
// documents use none of the JSON Schema 2020-12 keywords they lack.
func checkRefs(t *testing.T, doc map[string]any, format Format) {
	t.Helper()
	var defs map[string]any
	prefix := "#/components/schemas/"
	if format == Swagger2 {
		defs, _ = doc["definitions"].(map[string]any)
		prefix = "#/definitions/"
	} else {
		comps, _ := doc["components"].(map[string]any)
		defs, _ = comps["schemas"].(map[string]any)
	}
	forbidden := map[string]bool{}
	if format != OpenAPI31 {
		for _, k := range []string{"$schema", "$defs", "const", "prefixItems", "patternProperties", "dependentRequired", "dependentSchemas", "unevaluatedProperties"} {
			forbidden[k] = true
		}
	}
	if format == Swagger2 {
		for _, k := range []string{"anyOf", "oneOf", "not", "nullable"} {
			forbidden[k] = true
		}
	}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k == "$ref" {
					ref, _ := e.(string)
					if !strings.HasPrefix(ref, prefix) || defs[strings.TrimPrefix(ref, prefix)] == nil {
						t.Errorf("%s: $ref %q does not resolve", path, ref)
					}
				}
				if forbidden[k] {
					t.Errorf("%s: %s in a %s document", path, k, format)
				}
				if k == "type" && format == OpenAPI30 && !strings.Contains(path, "securitySchemes") && !strings.Contains(path, "x-amazon-apigateway-") {
					switch e {
					case "string", "number", "integer", "boolean", "object", "array":
					default:
						t.Errorf("%s: type %v in an OpenAPI 3.0 document", path, e)
					}
				}
				walk(e, path+"/"+k)
			}
		case []any:
			for i, e := range v {
				walk(e, path+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")
}

func TestPathParams(t *testing.T) {
	for path, want := range map[string][]string{
		"/":                       nil,
		"/a/{id}":                 {"id"},
		"/files/{proxy+}":         {"proxy"},
		"/u/{user}/f/{name}":      {"user", "name"},
		"/u/{user}/rest/{proxy+}": {"user", "proxy"},
	} {
		if got := PathParams(path); !slices.Equal(got, want) {
			t.Errorf("PathParams(%q) = %v, want %v", path, got, want)
		}
	}
}

func op(doc map[string]any, path, method string) map[string]any {
	return doc["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
}

func TestChaliceShapes(t *testing.T) {
	api := buildAPI(t, sampleManifest(), restConfig)
	doc, err := Generate(api, "sampleapp", samOptions(Swagger2))
	if err != nil {
		t.Fatal(err)
	}
	// Preflight for CORS methods only, with quoted values.
	opts := op(doc, "/items", "options")
	params := opts["x-amazon-apigateway-integration"].(map[string]any)["responses"].(map[string]any)["default"].(map[string]any)["responseParameters"].(map[string]any)
	want := map[string]any{
		"method.response.header.Access-Control-Allow-Methods":     "'GET,POST,OPTIONS'",
		"method.response.header.Access-Control-Allow-Origin":      "'https://example.com'",
		"method.response.header.Access-Control-Allow-Headers":     "'Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key,X-Special'",
		"method.response.header.Access-Control-Expose-Headers":    "'X-Exposed,X-Other'",
		"method.response.header.Access-Control-Max-Age":           "'600'",
		"method.response.header.Access-Control-Allow-Credentials": "'true'",
	}
	if fmt.Sprint(params) != fmt.Sprint(want) {
		t.Errorf("preflight parameters:\n got %v\nwant %v", params, want)
	}
	if _, ok := doc["paths"].(map[string]any)["/items/{id}"].(map[string]any)["options"]; ok {
		t.Error("path without CORS got a preflight")
	}
	// Security: api_key first, then the authorizer with its scopes.
	sec := op(doc, "/items/{id}", "put")["security"]
	if got := fmt.Sprint(sec); got != "[map[api_key:[]] map[myauth:[]]]" {
		t.Errorf("security = %s", got)
	}
	sec = op(doc, "/items/{id}", "get")["security"]
	if got := fmt.Sprint(sec); got != "[map[cognito:[openid items/read]]]" {
		t.Errorf("security = %s", got)
	}
	defs := doc["securityDefinitions"].(map[string]any)
	if _, ok := defs["unused"]; ok {
		t.Error("an authorizer no route uses is in securityDefinitions (Chalice only lists used ones)")
	}
	my := defs["myauth"].(map[string]any)["x-amazon-apigateway-authorizer"].(map[string]any)
	if _, ok := my["authorizerResultTtlInSeconds"]; ok {
		t.Error("built-in authorizer without TTL has authorizerResultTtlInSeconds")
	}
	ttl := defs["ttlauth"].(map[string]any)
	if ttl["name"] != "X-Auth" || ttl["x-amazon-apigateway-authorizer"].(map[string]any)["authorizerResultTtlInSeconds"] != 30 ||
		ttl["x-amazon-apigateway-authorizer"].(map[string]any)["authorizerCredentials"] != "arn:aws:iam::123456789012:role/authrole" {
		t.Errorf("ttlauth = %v", ttl)
	}
	if defs["sigv4"].(map[string]any)["x-amazon-apigateway-authtype"] != "awsSigv4" {
		t.Errorf("sigv4 = %v", defs["sigv4"])
	}
	if defs["api_key"] == nil {
		t.Error("api_key definition missing")
	}
	// The greedy parameter keeps API Gateway's syntax.
	p := op(doc, "/files/{proxy+}", "get")["parameters"].([]any)[0].(map[string]any)
	if p["name"] != "proxy" {
		t.Errorf("greedy parameter = %v", p)
	}
	if _, ok := doc["x-amazon-apigateway-policy"]; ok {
		t.Error("REGIONAL API has a resource policy")
	}
}

func TestPrivateEndpoint(t *testing.T) {
	api := buildAPI(t, sampleManifest(), privateConfig)
	doc, err := Generate(api, "sampleapp", samOptions(Swagger2))
	if err != nil {
		t.Fatal(err)
	}
	ec := doc["x-amazon-apigateway-endpoint-configuration"]
	if fmt.Sprint(ec) != "map[vpcEndpointIds:[vpce-123 vpce-456]]" {
		t.Errorf("endpoint configuration = %v", ec)
	}
	policy, _ := doc["x-amazon-apigateway-policy"].(map[string]any)
	if policy == nil || policy["Version"] != "2012-10-17" {
		t.Fatalf("policy = %v", doc["x-amazon-apigateway-policy"])
	}
}

func TestHTTPAPI(t *testing.T) {
	api := buildAPI(t, httpManifest(), httpConfig)
	if _, err := Generate(api, "sampleapp", samOptions(Swagger2)); err == nil {
		t.Error("Swagger 2.0 for an HTTP API: no error")
	}
	doc, err := Generate(api, "sampleapp", samOptions(OpenAPI30))
	if err != nil {
		t.Fatal(err)
	}
	integ := op(doc, "/", "get")["x-amazon-apigateway-integration"].(map[string]any)
	if integ["payloadFormatVersion"] != "2.0" || integ["type"] != "aws_proxy" {
		t.Errorf("integration = %v", integ)
	}
	if _, ok := doc["paths"].(map[string]any)["/"].(map[string]any)["options"]; ok {
		t.Error("HTTP API got a MOCK preflight")
	}
	if doc["x-amazon-apigateway-cors"] == nil {
		t.Error("no x-amazon-apigateway-cors")
	}
	if _, ok := doc["x-amazon-apigateway-binary-media-types"]; ok {
		t.Error("HTTP API has binary media types")
	}

	for name, mutate := range map[string]func(m *manifest.Manifest){
		"api key": func(m *manifest.Manifest) { m.Routes[0].APIKeyRequired = true },
		"cognito": func(m *manifest.Manifest) {
			*m = *sampleManifest()
			m.Routes = slices.DeleteFunc(m.Routes, func(r manifest.Route) bool { return r.APIKeyRequired })
		},
		"two cors": func(m *manifest.Manifest) {
			c := *m.API.CORS
			c.AllowOrigin = "https://other.example"
			m.Routes[0].CORS = &c
		},
	} {
		m := httpManifest()
		mutate(m)
		api := buildAPI(t, m, httpConfig)
		if _, err := Generate(api, "sampleapp", samOptions(OpenAPI30)); err == nil {
			t.Errorf("%s on an HTTP API: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

func TestErrors(t *testing.T) {
	api := buildAPI(t, sampleManifest(), restConfig)
	if _, err := Generate(api, "x", Options{Format: "yaml", HandlerURI: "u"}); err == nil {
		t.Error("unknown format: no error")
	}
	if _, err := Generate(api, "x", Options{}); err == nil {
		t.Error("no HandlerURI: no error")
	}
	if _, err := Generate(api, "x", Options{HandlerURI: "u"}); err == nil || !strings.Contains(err.Error(), "AuthorizerURI") {
		t.Errorf("built-in authorizer without AuthorizerURI: %v", err)
	}
	if _, err := Generate(nil, "x", Options{HandlerURI: "u"}); err == nil {
		t.Error("nil API: no error")
	}
}
