package terraform

import (
	"encoding/json"
	"testing"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// httpAuthApp is an HTTP API app with a JWT authorizer (with route
// scopes) and a payload format 2.0 built-in authorizer with simple
// responses and two identity sources.
func httpAuthApp(t *testing.T) *appgraph.Application {
	js := []string{"application/json"}
	m := &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "authapp",
		API:           manifest.API{BinaryTypes: binaryTypes},
		Routes: []manifest.Route{
			{Path: "/profile", Method: "GET", Name: "profile", ContentTypes: js, Authorizer: "users", AuthorizerScopes: []string{"profile/read"}},
			{Path: "/tenant/{id}", Method: "GET", Name: "tenant", Params: []string{"id"}, ContentTypes: js, Authorizer: "tenant_auth"},
		},
		Authorizers: []manifest.Authorizer{
			{Name: "tenant_auth", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "tenant_auth", TTLSeconds: intp(0),
				IdentitySources: []string{"$request.header.X-Api-Token", "$request.querystring.tenant"}, PayloadFormatVersion: "2.0", SimpleResponses: true},
			{Name: "users", Type: manifest.AuthJWT, IdentitySources: []string{"$request.header.Authorization"},
				Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE", Audience: []string{"web-client", "cli-client"}},
		},
		Functions: []manifest.Function{
			{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"},
			{Name: "tenant_auth", Kind: manifest.KindAuthorizer, Handler: "tenant_auth"},
		},
	}
	return build(t, m, `{"version": "2.0", "app_name": "authapp", "stages": {"dev": {"api_type": "http", "api_gateway_stage": "v1"}}}`, nil)
}

// TestHTTPAuthorizers checks the imported API definition carries both
// authorizers, the Lambda one referring to its function, and that only
// the Lambda one gets an invoke permission.
func TestHTTPAuthorizers(t *testing.T) {
	doc, _ := generate(t, httpAuthApp(t), Options{Policies: policies})
	checkSchema(t, doc)
	body, _ := doc["locals"].(map[string]any)["chalice_api_swagger"].(string)
	var api map[string]any
	if err := json.Unmarshal([]byte(body), &api); err != nil {
		t.Fatalf("API definition: %v\n%s", err, body)
	}
	schemes := api["components"].(map[string]any)["securitySchemes"].(map[string]any)
	b, _ := json.Marshal(schemes["users"])
	if want := `{"flows":{},"type":"oauth2","x-amazon-apigateway-authorizer":{"identitySource":"$request.header.Authorization",` +
		`"jwtConfiguration":{"audience":["web-client","cli-client"],"issuer":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE"},"type":"jwt"}}`; string(b) != want {
		t.Errorf("JWT scheme\n got %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(schemes["tenant_auth"])
	if want := `{"in":"header","name":"Unused","type":"apiKey","x-amazon-apigateway-authorizer":{"authorizerPayloadFormatVersion":"2.0",` +
		`"authorizerResultTtlInSeconds":0,"authorizerUri":"${aws_lambda_function.tenant_auth.invoke_arn}","enableSimpleResponses":true,` +
		`"identitySource":"$request.header.X-Api-Token, $request.querystring.tenant","type":"request"}}`; string(b) != want {
		t.Errorf("Lambda scheme\n got %s\nwant %s", b, want)
	}
	perms := doc["resource"].(map[string]any)["aws_lambda_permission"].(map[string]any)
	if perms["tenant_auth_invoke"] == nil || len(perms) != 2 {
		t.Errorf("permissions %v, want the API handler's and tenant_auth's", perms)
	}
}
