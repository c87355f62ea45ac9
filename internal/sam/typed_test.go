package sam

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// typedApp is an app of typed routes (testdata/typed.manifest.json: query,
// header and path parameters, a request body, responses with their
// status, named schemas) with api_gateway_request_validation on.
func typedApp(t *testing.T) *appgraph.Application {
	t.Helper()
	f, err := os.Open("testdata/typed.manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := manifest.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return buildApp(t, m, `{"version": "2.0", "app_name": "typedapp", "stages": {"dev": {
	  "api_gateway_stage": "api", "api_gateway_request_validation": true}}}`, nil)
}

// TestTypedDefinitionBody: the REST API's DefinitionBody (Swagger 2.0)
// carries the models, the typed parameters and body, and the request
// validators, so API Gateway refuses bad requests before the function
// runs.
func TestTypedDefinitionBody(t *testing.T) {
	tpl := generate(t, typedApp(t), Options{})
	m := tpl.Map()
	body := lookup(t, m, "Resources.RestAPI.Properties.DefinitionBody")
	b, _ := json.Marshal(body)
	doc := string(b)
	for _, want := range []string{
		`"x-amazon-apigateway-request-validators":{"all":{"validateRequestBody":true,"validateRequestParameters":true},"params-only":{"validateRequestBody":false,"validateRequestParameters":true}}`,
		`"x-amazon-apigateway-request-validator":"all"`,
		`{"in":"body","name":"body","required":true,"schema":{"$ref":"#/definitions/NewItem"}}`,
		`"NewItem":{`,
		`"note":{"type":["string","null"]}`,
		`"price":{"minimum":0,"type":"number"}`,
		`"201":{"description":"201 response","schema":{"$ref":"#/definitions/Item"}}`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("DefinitionBody lacks %s", want)
		}
	}
	// The untyped route keeps Chalice's shape.
	del, _ := json.Marshal(lookup(t, m, "Resources.RestAPI.Properties.DefinitionBody.paths./items/{id}.delete"))
	if strings.Contains(string(del), "request-validator") || !strings.Contains(string(del), `"#/definitions/Empty"`) {
		t.Errorf("untyped DELETE = %s", del)
	}
}
