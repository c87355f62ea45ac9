package swagger

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gochalice/chalice/manifest"
)

const testIssuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"

// httpAuthManifest uses every HTTP API authorizer setting: JWT authorizers
// (header and query string tokens, with and without scopes), payload 2.0
// Lambda authorizers with and without simple responses and with several
// identity sources, and a custom payload 2.0 authorizer.
func httpAuthManifest() *manifest.Manifest {
	js := []string{"application/json"}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "authapp",
		API:           manifest.API{BinaryTypes: []string{"application/octet-stream"}},
		Routes: []manifest.Route{
			{Path: "/docs/{name}", Method: "GET", Name: "docs", Params: []string{"name"}, ContentTypes: js, Authorizer: "docs_auth"},
			{Path: "/ext", Method: "GET", Name: "ext", ContentTypes: js, Authorizer: "ext"},
			{Path: "/feed", Method: "GET", Name: "feed", ContentTypes: js, Authorizer: "users"},
			{Path: "/profile", Method: "GET", Name: "profile", ContentTypes: js, Authorizer: "users", AuthorizerScopes: []string{"profile/read", "profile/admin"}},
			{Path: "/query", Method: "GET", Name: "query", ContentTypes: js, Authorizer: "users_query"},
			{Path: "/tenant/{id}", Method: "GET", Name: "tenant", Params: []string{"id"}, ContentTypes: js, Authorizer: "tenant_auth",
				AuthorizerScopes: []string{"ignored"}},
		},
		Authorizers: []manifest.Authorizer{
			{Name: "tenant_auth", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "tenant_auth", TTLSeconds: intp(0),
				IdentitySources: []string{"$request.header.X-Api-Token", "$request.querystring.tenant"}, PayloadFormatVersion: "2.0", SimpleResponses: true},
			{Name: "docs_auth", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "docs_auth", PayloadFormatVersion: "2.0",
				IdentitySources: []string{"$request.querystring.key"}},
			{Name: "users", Type: manifest.AuthJWT, IdentitySources: []string{"$request.header.Authorization"}, Issuer: testIssuer,
				Audience: []string{"web-client", "mobile-client"}},
			{Name: "users_query", Type: manifest.AuthJWT, IdentitySources: []string{"$request.querystring.access_token"}, Issuer: testIssuer,
				Audience: []string{"web-client"}},
			{Name: "ext", Type: manifest.AuthCustom, Header: "Authorization", TTLSeconds: intp(300),
				AuthorizerURI:   "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations",
				IdentitySources: []string{"$context.identity.sourceIp", "$stageVariables.gate"}, PayloadFormatVersion: "2.0", SimpleResponses: true},
		},
		Functions: []manifest.Function{
			{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"},
			{Name: "tenant_auth", Kind: manifest.KindAuthorizer, Handler: "tenant_auth"},
			{Name: "docs_auth", Kind: manifest.KindAuthorizer, Handler: "docs_auth"},
		},
		EventSources: []manifest.EventSource{},
		Websocket:    []manifest.WSHandler{},
	}
}

func TestHTTPAuthorizersGolden(t *testing.T) {
	for name, format := range map[string]Format{"http_auth_openapi3.0.json": OpenAPI30, "http_auth_openapi3.1.json": OpenAPI31} {
		t.Run(name, func(t *testing.T) {
			api := buildAPI(t, httpAuthManifest(), httpConfig)
			doc, err := Generate(api, "authapp", samOptions(format))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, encode(t, doc))
			checkDocument(t, doc, format)
		})
	}
}

func TestHTTPAuthorizerShapes(t *testing.T) {
	api := buildAPI(t, httpAuthManifest(), httpConfig)
	doc, err := Generate(api, "authapp", samOptions(OpenAPI30))
	if err != nil {
		t.Fatal(err)
	}
	schemes := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	check := func(name, want string) {
		t.Helper()
		got, _ := json.Marshal(schemes[name])
		if string(got) != want {
			t.Errorf("security scheme %s\n got %s\nwant %s", name, got, want)
		}
	}
	check("users", `{"flows":{},"type":"oauth2","x-amazon-apigateway-authorizer":{"identitySource":"$request.header.Authorization",`+
		`"jwtConfiguration":{"audience":["web-client","mobile-client"],"issuer":"`+testIssuer+`"},"type":"jwt"}}`)
	check("users_query", `{"flows":{},"type":"oauth2","x-amazon-apigateway-authorizer":{"identitySource":"$request.querystring.access_token",`+
		`"jwtConfiguration":{"audience":["web-client"],"issuer":"`+testIssuer+`"},"type":"jwt"}}`)
	check("tenant_auth", `{"in":"header","name":"Unused","type":"apiKey","x-amazon-apigateway-authorizer":{"authorizerPayloadFormatVersion":"2.0",`+
		`"authorizerResultTtlInSeconds":0,"authorizerUri":{"Fn::Sub":"arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${tenant_auth.Arn}/invocations"},`+
		`"enableSimpleResponses":true,"identitySource":"$request.header.X-Api-Token, $request.querystring.tenant","type":"request"}}`)
	check("docs_auth", `{"in":"query","name":"key","type":"apiKey","x-amazon-apigateway-authorizer":{"authorizerPayloadFormatVersion":"2.0",`+
		`"authorizerUri":{"Fn::Sub":"arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${docs_auth.Arn}/invocations"},`+
		`"identitySource":"$request.querystring.key","type":"request"}}`)
	check("ext", `{"in":"header","name":"Unused","type":"apiKey","x-amazon-apigateway-authorizer":{"authorizerPayloadFormatVersion":"2.0",`+
		`"authorizerResultTtlInSeconds":300,"authorizerUri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations",`+
		`"enableSimpleResponses":true,"identitySource":"$context.identity.sourceIp, $stageVariables.gate","type":"request"}}`)
	security := func(path string) string {
		b, _ := json.Marshal(op(doc, path, "get")["security"])
		return string(b)
	}
	for path, want := range map[string]string{
		"/profile":     `[{"users":["profile/read","profile/admin"]}]`,
		"/feed":        `[{"users":[]}]`,
		"/query":       `[{"users_query":[]}]`,
		"/tenant/{id}": `[{"tenant_auth":[]}]`, // Lambda authorizers take no scopes
	} {
		if got := security(path); got != want {
			t.Errorf("security of %s = %s, want %s", path, got, want)
		}
	}
}

func TestHTTPAuthorizerErrors(t *testing.T) {
	tests := []struct {
		name   string
		config string
		mutate func(m *manifest.Manifest)
		want   string
	}{
		{"JWT on a REST API", restConfig, func(m *manifest.Manifest) {
			m.Routes = m.Routes[2:3]
		}, `JWT authorizer "users" needs an HTTP API (api_type http)`},
		{"unknown payload format", httpConfig, func(m *manifest.Manifest) { m.Authorizers[1].PayloadFormatVersion = "3.0" }, `authorizer "docs_auth": payloadFormatVersion "3.0" (valid: 1.0, 2.0)`},
		{"simple responses with 1.0", httpConfig, func(m *manifest.Manifest) { m.Authorizers[0].PayloadFormatVersion = "1.0" }, `authorizer "tenant_auth": enableSimpleResponses needs payloadFormatVersion 2.0, not 1.0`},
		{"simple responses without a version", httpConfig, func(m *manifest.Manifest) { m.Authorizers[0].PayloadFormatVersion = "" }, `enableSimpleResponses needs payloadFormatVersion 2.0, not 1.0`},
		{"bad identity source", httpConfig, func(m *manifest.Manifest) { m.Authorizers[1].IdentitySources = []string{"method.request.header.X"} }, `authorizer "docs_auth": identity source "method.request.header.X"`},
		{"JWT without issuer", httpConfig, func(m *manifest.Manifest) { m.Authorizers[2].Issuer = "" }, `JWT authorizer "users" needs an issuer and at least one audience`},
		{"JWT without audience", httpConfig, func(m *manifest.Manifest) { m.Authorizers[2].Audience = nil }, `JWT authorizer "users" needs an issuer and at least one audience`},
		{"JWT with two identity sources", httpConfig, func(m *manifest.Manifest) {
			m.Authorizers[2].IdentitySources = []string{"$request.header.A", "$request.header.B"}
		}, `JWT authorizer "users" has 2 identity sources; a JWT authorizer takes exactly one`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := httpAuthManifest()
			tt.mutate(m)
			format := OpenAPI30
			if tt.config == restConfig {
				format = Swagger2
			}
			_, err := Generate(buildAPI(t, m, tt.config), "authapp", samOptions(format))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	// A REST API ignores the HTTP API settings of Lambda authorizers.
	m := httpAuthManifest()
	m.Routes = m.Routes[5:]
	doc, err := Generate(buildAPI(t, m, restConfig), "authapp", samOptions(Swagger2))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc["securityDefinitions"])
	if want := `{"tenant_auth":{"in":"header","name":"Authorization","type":"apiKey","x-amazon-apigateway-authorizer":{"authorizerResultTtlInSeconds":0,` +
		`"authorizerUri":{"Fn::Sub":"arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${tenant_auth.Arn}/invocations"},"type":"token"},` +
		`"x-amazon-apigateway-authtype":"custom"}}`; string(b) != want {
		t.Errorf("REST security definitions\n got %s\nwant %s", b, want)
	}
}
