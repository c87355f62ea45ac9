package swagger

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gochalice/chalice/manifest"
)

// typedSchemas are the named schemas of typedManifest, as the root
// package writes them for Go types (JSON Schema 2020-12), with every
// construct the conversions handle.
var typedSchemas = map[string]string{
	"Item": `{
	  "$schema": "https://json-schema.org/draft/2020-12/schema",
	  "type": "object", "title": "Item", "description": "An item; costs ${price} (a Terraform-looking text).",
	  "required": ["id", "name"], "additionalProperties": false,
	  "properties": {
	    "id": {"type": "string", "format": "uuid"},
	    "name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[a-z ]+$"},
	    "price": {"type": "number", "exclusiveMinimum": 0, "maximum": 10000},
	    "tags": {"type": ["array", "null"], "items": {"type": "string"}, "uniqueItems": true},
	    "kind": {"$ref": "#/components/schemas/Kind"},
	    "note": {"type": ["string", "null"], "description": "Free text.", "examples": ["fragile"]},
	    "owner": {"anyOf": [{"$ref": "#/components/schemas/User"}, {"type": "null"}]},
	    "count": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]},
	    "version": {"const": 1},
	    "big": {"type": "integer", "maximum": 18446744073709551615}
	  }}`,
	"Kind": `{"type": "string", "enum": ["book", "game"]}`,
	"User": `{"type": "object", "required": ["login"], "properties": {"login": {"type": "string"}},
	  "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false}`,
	"Point":    `{"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}], "items": false, "minItems": 2}`,
	"Shape":    `{"oneOf": [{"$ref": "#/components/schemas/Point"}, {"type": "string", "description": "A shape's name."}]}`,
	"Anything": `true`,
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

// typedManifest is a REST API of typed routes (parameters in path, query
// and header, request bodies, responses with their status) next to an
// untyped route.
func typedManifest() *manifest.Manifest {
	js := []string{"application/json"}
	ref := func(name string) json.RawMessage { return manifest.SchemaRef(name) }
	id := manifest.Parameter{Name: "id", In: manifest.InPath, Required: true, Schema: raw(`{"type": "string", "format": "uuid"}`)}
	schemas := map[string]json.RawMessage{}
	for name, s := range typedSchemas {
		schemas[name] = raw(s)
	}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "typedapp",
		API:           manifest.API{BinaryTypes: []string{"application/octet-stream"}},
		Routes: []manifest.Route{
			{Path: "/files/{path+}", Method: "GET", Name: "getFile", Params: []string{"path"}, ContentTypes: js,
				Parameters: []manifest.Parameter{{Name: "path", In: manifest.InPath, Required: true, Schema: raw(`{"type": "string", "minLength": 1}`)}}},
			{Path: "/health", Method: "GET", Name: "health", ContentTypes: js,
				Response: &manifest.Body{ContentType: "application/json", Schema: raw(`{"type": "object", "properties": {"ok": {"type": "boolean"}}}`)}},
			{Path: "/items", Method: "GET", Name: "listItems", ContentTypes: js, Summary: "List items.",
				Parameters: []manifest.Parameter{
					{Name: "limit", In: manifest.InQuery, Schema: raw(`{"type": "integer", "minimum": 1, "maximum": 100, "default": 10, "description": "Page size."}`)},
					{Name: "kind", In: manifest.InQuery, Schema: ref("Kind")},
					{Name: "tag", In: manifest.InQuery, Schema: raw(`{"type": "array", "items": {"type": "string", "enum": ["new", "used"]}}`)},
					{Name: "after", In: manifest.InQuery, Schema: raw(`{"type": ["string", "null"], "format": "date-time"}`)},
					{Name: "filter", In: manifest.InQuery, Schema: raw(`{"type": "object"}`)},
				},
				Response: &manifest.Body{ContentType: "application/json", Schema: raw(`{"type": "array", "items": {"$ref": "#/components/schemas/Item"}}`)}},
			{Path: "/items", Method: "POST", Name: "createItem", ContentTypes: js,
				Parameters: []manifest.Parameter{
					{Name: "X-Request-Id", In: manifest.InHeader, Required: true, Schema: raw(`{"type": "string", "pattern": "^[0-9a-f]{32}$"}`)},
					{Name: "dryRun", In: manifest.InQuery, Schema: raw(`{"type": "boolean"}`)},
				},
				RequestBody: &manifest.Body{ContentType: "application/json", Required: true, Schema: ref("Item")},
				Response:    &manifest.Body{ContentType: "application/json", Status: 201, Schema: ref("Item")}},
			{Path: "/items/{id}", Method: "DELETE", Name: "deleteItem", Params: []string{"id"}, ContentTypes: js},
			{Path: "/items/{id}", Method: "GET", Name: "getItem", Params: []string{"id"}, ContentTypes: js,
				Parameters: []manifest.Parameter{id},
				Response:   &manifest.Body{ContentType: "application/json", Schema: ref("Item")}},
			{Path: "/items/{id}", Method: "PUT", Name: "putItem", Params: []string{"id"}, ContentTypes: js,
				Parameters:  []manifest.Parameter{id},
				RequestBody: &manifest.Body{ContentType: "application/json", Required: true, Schema: ref("Item")},
				Response:    &manifest.Body{ContentType: "application/json", Schema: raw(`{"$ref": "#/components/schemas/Item", "description": "The stored item."}`)}},
			{Path: "/shapes", Method: "POST", Name: "addShape", ContentTypes: js,
				RequestBody: &manifest.Body{ContentType: "application/json", Schema: raw(`{"type": "object", "required": ["shape"],
				  "properties": {"shape": {"$ref": "#/components/schemas/Shape"}, "extra": {"$ref": "#/components/schemas/Anything"}, "never": false}}`)},
				Response: &manifest.Body{ContentType: "application/json", Status: 202, Schema: raw(`{"type": "boolean"}`)}},
		},
		Functions:    []manifest.Function{{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"}},
		EventSources: []manifest.EventSource{},
		Websocket:    []manifest.WSHandler{},
		Schemas:      schemas,
	}
}

const validatedConfig = `{"version": "2.0", "app_name": "typedapp", "api_gateway_request_validation": true,
  "stages": {"dev": {"api_gateway_stage": "api", "api_gateway_endpoint_type": "REGIONAL"}}}`

const validatedHTTPConfig = `{"version": "2.0", "app_name": "typedapp", "api_gateway_request_validation": true,
  "stages": {"dev": {"api_type": "http"}}}`

func TestTypedGolden(t *testing.T) {
	if _, err := manifest.Read(strings.NewReader(mustJSON(t, typedManifest()))); err != nil {
		t.Fatalf("the test manifest is not a valid manifest: %v", err)
	}
	cases := []struct {
		name   string
		config string
		format Format
	}{
		{"typed_swagger2.json", validatedConfig, Swagger2},
		{"typed_openapi3.0.json", validatedConfig, OpenAPI30},
		{"typed_openapi3.1.json", validatedConfig, OpenAPI31},
		{"typed_http_openapi3.1.json", validatedHTTPConfig, OpenAPI31},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := buildAPI(t, typedManifest(), tc.config)
			doc, err := Generate(api, "typedapp", samOptions(tc.format))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, encode(t, doc))
			checkDocument(t, doc, tc.format)
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// generateTyped is the typed API's document (after a JSON round trip, so
// numbers are float64 or json.Number as in a decoded document).
func generateTyped(t *testing.T, config string, format Format) map[string]any {
	t.Helper()
	doc, err := Generate(buildAPI(t, typedManifest(), config), "typedapp", samOptions(format))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(encode(t, doc), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestTypedOperations checks each typed part in each format.
func TestTypedOperations(t *testing.T) {
	for _, format := range []Format{Swagger2, OpenAPI30, OpenAPI31} {
		t.Run(string(format), func(t *testing.T) {
			doc := generateTyped(t, validatedConfig, format)
			oas3 := format != Swagger2
			prefix := "#/definitions/"
			if oas3 {
				prefix = "#/components/schemas/"
			}
			create := op(doc, "/items", "post")
			params := create["parameters"].([]any)
			// Declared parameters in order; the Swagger 2.0 body last.
			var got []string
			for _, p := range params {
				pm := p.(map[string]any)
				got = append(got, fmt.Sprintf("%s:%s:%v", pm["in"], pm["name"], pm["required"]))
			}
			want := []string{"header:X-Request-Id:true", "query:dryRun:<nil>"}
			if !oas3 {
				want = append(want, "body:body:true")
			}
			if !slices.Equal(got, want) {
				t.Errorf("POST /items parameters = %v, want %v", got, want)
			}
			// The request body refers to the model.
			var bodySchema any
			if oas3 {
				rb := create["requestBody"].(map[string]any)
				if rb["required"] != true {
					t.Errorf("requestBody = %v", rb)
				}
				bodySchema = rb["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
			} else {
				bodySchema = params[2].(map[string]any)["schema"]
			}
			if jsonOf(bodySchema) != `{"$ref":"`+prefix+`Item"}` {
				t.Errorf("body schema = %s", jsonOf(bodySchema))
			}
			// The declared status, only.
			resps := create["responses"].(map[string]any)
			if len(resps) != 1 || resps["201"] == nil || resps["201"].(map[string]any)["description"] != "201 response" {
				t.Errorf("POST /items responses = %s", jsonOf(resps))
			}
			// An untyped route keeps Chalice's 200 Empty response and
			// string path parameter, and gets no validator.
			del := op(doc, "/items/{id}", "delete")
			if r := jsonOf(del["responses"]); !strings.Contains(r, `"200"`) || !strings.Contains(r, prefix+"Empty") {
				t.Errorf("untyped responses = %s", r)
			}
			if _, ok := del["x-amazon-apigateway-request-validator"]; ok {
				t.Error("untyped route has a request validator")
			}
			// Validators: body and parameters, body only, parameters only,
			// none for a route with only a typed response.
			for _, v := range []struct{ path, method, want string }{
				{"/items", "post", "all"}, {"/shapes", "post", "body-only"}, {"/items", "get", "params-only"},
				{"/items/{id}", "get", "params-only"}, {"/health", "get", ""},
			} {
				got, _ := op(doc, v.path, v.method)["x-amazon-apigateway-request-validator"].(string)
				if got != v.want {
					t.Errorf("%s %s validator = %q, want %q", v.method, v.path, got, v.want)
				}
			}
			validators := jsonOf(doc["x-amazon-apigateway-request-validators"])
			if validators != `{"all":{"validateRequestBody":true,"validateRequestParameters":true},"body-only":{"validateRequestBody":true,"validateRequestParameters":false},"params-only":{"validateRequestBody":false,"validateRequestParameters":true}}` {
				t.Errorf("validators = %s", validators)
			}
			// The greedy path parameter keeps its declared schema.
			file := op(doc, "/files/{path+}", "get")["parameters"].([]any)[0].(map[string]any)
			if oas3 && jsonOf(file["schema"]) != `{"minLength":1,"type":"string"}` || !oas3 && (file["type"] != "string" || file["minLength"] != 1.0) {
				t.Errorf("greedy parameter = %s", jsonOf(file))
			}
			// Models: Empty and the app's.
			var models map[string]any
			if oas3 {
				models = doc["components"].(map[string]any)["schemas"].(map[string]any)
			} else {
				models = doc["definitions"].(map[string]any)
			}
			var names []string
			for name := range models {
				names = append(names, name)
			}
			slices.Sort(names)
			if strings.Join(names, " ") != "Anything Empty Item Kind Point Shape User" {
				t.Errorf("models = %v", names)
			}
		})
	}
}

// TestSwaggerParameters: Swagger 2.0 path, query and header parameters
// have no schema, so their schema is written in the parameter's own
// fields; what those cannot say makes the parameter a plain string.
func TestSwaggerParameters(t *testing.T) {
	doc := generateTyped(t, validatedConfig, Swagger2)
	got := map[string]string{}
	for _, p := range op(doc, "/items", "get")["parameters"].([]any) {
		pm := p.(map[string]any)
		got[pm["name"].(string)] = jsonOf(pm)
	}
	want := map[string]string{
		"limit":  `{"description":"Page size.","in":"query","maximum":100,"minimum":1,"name":"limit","type":"integer"}`, // no default: API Gateway does not take it
		"kind":   `{"enum":["book","game"],"in":"query","name":"kind","type":"string"}`,                                 // the named schema, followed
		"tag":    `{"collectionFormat":"multi","in":"query","items":{"enum":["new","used"],"type":"string"},"name":"tag","type":"array"}`,
		"after":  `{"format":"date-time","in":"query","name":"after","type":"string"}`, // a parameter is never null
		"filter": `{"in":"query","name":"filter","type":"string"}`,                     // objects arrive as strings
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("parameter %s:\n got %s\nwant %s", name, got[name], w)
		}
	}
}

// TestValidationOff: without api_gateway_request_validation (the
// default) and on HTTP APIs, the models and typed operations are written
// but no request validator.
func TestValidationOff(t *testing.T) {
	for name, config := range map[string]string{
		"default": `{"version": "2.0", "app_name": "typedapp"}`,
		"false":   `{"version": "2.0", "app_name": "typedapp", "api_gateway_request_validation": false}`,
		"http":    validatedHTTPConfig,
	} {
		for _, format := range []Format{Swagger2, OpenAPI30, OpenAPI31} {
			if name == "http" && format != OpenAPI31 {
				continue // TestHTTPImportDocumentUntyped
			}
			doc := generateTyped(t, config, format)
			text := jsonOf(doc)
			if strings.Contains(text, "x-amazon-apigateway-request-validator") {
				t.Errorf("%s %s: has request validators", name, format)
			}
			if !strings.Contains(text, `"Item"`) {
				t.Errorf("%s %s: no models", name, format)
			}
		}
	}
}

// TestHTTPImportDocumentUntyped: the OpenAPI 3.0 document of an HTTP API
// (what package and deploy import into API Gateway v2, which has no
// models or request validation) is the document of the same routes
// without their types.
func TestHTTPImportDocumentUntyped(t *testing.T) {
	typed, err := Generate(buildAPI(t, typedManifest(), validatedHTTPConfig), "typedapp", samOptions(OpenAPI30))
	if err != nil {
		t.Fatal(err)
	}
	m := typedManifest()
	m.Schemas = nil
	for i := range m.Routes {
		m.Routes[i].Parameters, m.Routes[i].RequestBody, m.Routes[i].Response = nil, nil, nil
	}
	untyped, err := Generate(buildAPI(t, m, validatedHTTPConfig), "typedapp", samOptions(OpenAPI30))
	if err != nil {
		t.Fatal(err)
	}
	if jsonOf(typed) != jsonOf(untyped) {
		t.Errorf("the HTTP API's OpenAPI 3.0 document has types:\n%s", jsonOf(typed))
	}
}

// TestUntypedUnchanged: an app without typed routes gets exactly
// Chalice's document (the golden files of swagger_test.go hold it); the
// validation key alone adds nothing.
func TestUntypedUnchanged(t *testing.T) {
	cfg := strings.Replace(restConfig, `"app_name": "sampleapp",`, `"app_name": "sampleapp", "api_gateway_request_validation": true,`, 1)
	for _, f := range []Format{Swagger2, OpenAPI30, OpenAPI31} {
		with, err := Generate(buildAPI(t, sampleManifest(), cfg), "sampleapp", samOptions(f))
		if err != nil {
			t.Fatal(err)
		}
		without, err := Generate(buildAPI(t, sampleManifest(), restConfig), "sampleapp", samOptions(f))
		if err != nil {
			t.Fatal(err)
		}
		if jsonOf(with) != jsonOf(without) {
			t.Errorf("%s: api_gateway_request_validation changed an untyped document", f)
		}
	}
}

func TestTypedErrors(t *testing.T) {
	for name, mutate := range map[string]func(m *manifest.Manifest){
		"bad body schema": func(m *manifest.Manifest) { m.Routes[3].RequestBody.Schema = raw(`[1]`) },
		"no param schema": func(m *manifest.Manifest) { m.Routes[2].Parameters[0].Schema = nil },
		"bad in":          func(m *manifest.Manifest) { m.Routes[2].Parameters[0].In = "cookie" },
		"reserved name":   func(m *manifest.Manifest) { m.Schemas["Empty"] = raw(`{}`) },
		"bad model":       func(m *manifest.Manifest) { m.Schemas["Kind"] = raw(`"string"`) },
	} {
		m := typedManifest()
		mutate(m)
		_, err := Generate(buildAPI(t, m, validatedConfig), "typedapp", samOptions(OpenAPI30))
		if err == nil || !strings.HasPrefix(err.Error(), "swagger: ") {
			t.Errorf("%s: err = %v", name, err)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// TestPreflightPathParameters: the MOCK OPTIONS operation of a templated
// CORS path declares its path parameters (Chalice's declares none, which
// Swagger 2.0 and OpenAPI validators refuse).
func TestPreflightPathParameters(t *testing.T) {
	m := sampleManifest()
	for i := range m.Routes {
		if m.Routes[i].Path == "/users/{user}/files/{name}" {
			m.Routes[i].CORS = m.API.CORS
		}
	}
	for _, f := range []Format{Swagger2, OpenAPI30, OpenAPI31} {
		doc, err := Generate(buildAPI(t, m, restConfig), "sampleapp", samOptions(f))
		if err != nil {
			t.Fatal(err)
		}
		pre := op(doc, "/users/{user}/files/{name}", "options")
		var names []string
		for _, p := range pre["parameters"].([]any) {
			pm := p.(map[string]any)
			if pm["in"] != "path" || pm["required"] != true {
				t.Errorf("%s: %v", f, pm)
			}
			names = append(names, pm["name"].(string))
		}
		if strings.Join(names, ",") != "user,name" {
			t.Errorf("%s: preflight parameters %v", f, names)
		}
		if _, ok := op(doc, "/", "options")["parameters"]; ok {
			t.Errorf("%s: the preflight of / has parameters", f)
		}
	}
}
