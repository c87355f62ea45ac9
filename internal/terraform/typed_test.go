package terraform

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// typedApp is an app of typed routes (testdata/typed.manifest.json) with
// api_gateway_request_validation on.
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
	return build(t, m, `{"version": "2.0", "app_name": "typedapp", "stages": {"dev": {
	  "api_gateway_endpoint_type": "REGIONAL", "api_gateway_request_validation": true}}}`, nil)
}

// TestTypedBody: the body of aws_api_gateway_rest_api (the Swagger 2.0
// document in local.chalice_api_swagger) carries the models, the typed
// parameters and body and the request validators; text from the app
// that looks like a Terraform template is escaped.
func TestTypedBody(t *testing.T) {
	doc, _ := generate(t, typedApp(t), Options{Policies: policies})
	body := doc["locals"].(map[string]any)["chalice_api_swagger"].(string)
	var api map[string]any
	// Undo the template escapes to read the document API Gateway gets.
	if err := json.Unmarshal([]byte(strings.NewReplacer("$${", "${", "%%{", "%{").Replace(body)), &api); err != nil {
		t.Fatalf("the body is not JSON: %v", err)
	}
	text, _ := json.Marshal(api)
	for _, want := range []string{
		`"x-amazon-apigateway-request-validators":{"all":{"validateRequestBody":true,"validateRequestParameters":true},"params-only":{"validateRequestBody":false,"validateRequestParameters":true}}`,
		`{"in":"body","name":"body","required":true,"schema":{"$ref":"#/definitions/NewItem"}}`,
		`"x-amazon-apigateway-request-validator":"all"`,
		`"note":{"type":["string","null"]}`,
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the API definition lacks %s", want)
		}
	}
	if !strings.Contains(body, `Prices are in $${currency}`) {
		t.Error("a ${...} in a schema description is not escaped for Terraform")
	}
	if !strings.Contains(body, `${aws_lambda_function.api_handler.invoke_arn}`) {
		t.Error("the integration reference is missing")
	}
}
