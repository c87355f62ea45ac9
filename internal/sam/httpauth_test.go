package sam

import (
	"encoding/json"
	"testing"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// httpAuthManifest is an HTTP API app with a JWT authorizer (with route
// scopes) and a payload format 2.0 built-in authorizer with simple
// responses and two identity sources.
func httpAuthManifest() *manifest.Manifest {
	js := []string{"application/json"}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "authapp",
		API:           manifest.API{BinaryTypes: []string{"application/octet-stream"}},
		Routes: []manifest.Route{
			{Path: "/profile", Method: "GET", Name: "profile", ContentTypes: js, Authorizer: "users", AuthorizerScopes: []string{"profile/read"}},
			{Path: "/tenant/{id}", Method: "GET", Name: "tenant", Params: []string{"id"}, ContentTypes: js, Authorizer: "tenant_auth"},
		},
		Authorizers: []manifest.Authorizer{
			{Name: "tenant_auth", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "tenant_auth", TTLSeconds: intp(60),
				IdentitySources: []string{"$request.header.X-Api-Token", "$request.querystring.tenant"}, PayloadFormatVersion: "2.0", SimpleResponses: true},
			{Name: "users", Type: manifest.AuthJWT, IdentitySources: []string{"$request.header.Authorization"},
				Issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE", Audience: []string{"web-client"}},
		},
		Functions: []manifest.Function{
			{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"},
			{Name: "tenant_auth", Kind: manifest.KindAuthorizer, Handler: "tenant_auth"},
		},
		EventSources: []manifest.EventSource{},
		Websocket:    []manifest.WSHandler{},
	}
}

func httpAuthApp(t *testing.T) *appgraph.Application {
	return buildApp(t, httpAuthManifest(), `{"version": "2.0", "app_name": "authapp", "stages": {"dev": {"api_type": "http"}}}`, nil)
}

// TestHTTPAuthorizers checks the HTTP API's definition carries both
// authorizers and that only the Lambda one gets an invoke permission.
func TestHTTPAuthorizers(t *testing.T) {
	m := generate(t, httpAuthApp(t), Options{}).Map()
	schemes := lookup(t, m, "Resources.RestAPI.Properties.DefinitionBody.components.securitySchemes").(map[string]any)
	b, _ := json.Marshal(schemes["users"])
	if want := `{"flows":{},"type":"oauth2","x-amazon-apigateway-authorizer":{"identitySource":"$request.header.Authorization",` +
		`"jwtConfiguration":{"audience":["web-client"],"issuer":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"},"type":"jwt"}}`; string(b) != want {
		t.Errorf("JWT scheme\n got %s\nwant %s", b, want)
	}
	lambda := schemes["tenant_auth"].(map[string]any)["x-amazon-apigateway-authorizer"].(map[string]any)
	if lambda["authorizerPayloadFormatVersion"] != "2.0" || lambda["enableSimpleResponses"] != true ||
		lambda["identitySource"] != "$request.header.X-Api-Token, $request.querystring.tenant" {
		t.Errorf("Lambda authorizer %v", lambda)
	}
	b, _ = json.Marshal(lookup(t, m, "Resources.RestAPI.Properties.DefinitionBody.paths./profile.get.security"))
	if string(b) != `[{"users":["profile/read"]}]` {
		t.Errorf("route security %s", b)
	}
	resources := m["Resources"].(map[string]any)
	if resources["TenantAuthInvokePermission"] == nil {
		t.Errorf("no invoke permission for the Lambda authorizer: %v", keys(resources))
	}
	if resources["UsersInvokePermission"] != nil || resources["Users"] != nil {
		t.Error("the JWT authorizer got a function or permission")
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
