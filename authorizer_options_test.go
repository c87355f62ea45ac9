package chalice_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/manifest"
)

const issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"

func allowAll(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
	return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*")}, nil
}

func view(ctx context.Context, req *chalice.Request) (any, error) { return req.Context.Authorizer, nil }

// TestHTTPAuthorizerManifest checks what the HTTP API options put in the
// manifest.
func TestHTTPAuthorizerManifest(t *testing.T) {
	app := newApp()
	simple := app.Authorizer(allowAll, chalice.Name("simple"), chalice.SimpleResponses(),
		chalice.IdentitySources("$request.header.X-Api-Token", "$request.querystring.tenant"), chalice.TTL(0))
	v2 := app.Authorizer(allowAll, chalice.Name("v2"), chalice.PayloadFormat("2.0"))
	v1 := app.Authorizer(allowAll, chalice.Name("v1"), chalice.Header("X-Token"))
	jwt := chalice.NewJWTAuthorizer("jwt", issuer, []string{"client-a", "client-b"})
	jwtQuery := chalice.NewJWTAuthorizer("jwtq", issuer, []string{"client-a"}, chalice.IdentitySources("$request.querystring.access_token"))
	custom := chalice.NewCustomAuthorizer("ext", "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations",
		chalice.PayloadFormat("2.0"), chalice.SimpleResponses(), chalice.IdentitySources("$context.identity.sourceIp"))
	app.Get("/simple", view, chalice.WithAuthorizer(simple))
	app.Get("/v2", view, chalice.WithAuthorizer(v2))
	app.Get("/v1", view, chalice.WithAuthorizer(v1))
	app.Get("/jwt", view, chalice.WithAuthorizer(jwt.WithScopes("items/read", "items/admin")))
	app.Post("/jwt", view, chalice.WithAuthorizer(jwt))
	app.Get("/jwtq", view, chalice.WithAuthorizer(jwtQuery))
	app.Get("/ext", view, chalice.WithAuthorizer(custom))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	ttl0, ttl300 := 0, 300
	want := map[string]manifest.Authorizer{
		"simple": {Name: "simple", Type: manifest.AuthBuiltin, Header: "Authorization", TTLSeconds: &ttl0, Function: "simple",
			IdentitySources: []string{"$request.header.X-Api-Token", "$request.querystring.tenant"}, PayloadFormatVersion: "2.0", SimpleResponses: true},
		"v2": {Name: "v2", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "v2", PayloadFormatVersion: "2.0"},
		"v1": {Name: "v1", Type: manifest.AuthBuiltin, Header: "X-Token", Function: "v1"},
		"jwt": {Name: "jwt", Type: manifest.AuthJWT, IdentitySources: []string{"$request.header.Authorization"},
			Issuer: issuer, Audience: []string{"client-a", "client-b"}},
		"jwtq": {Name: "jwtq", Type: manifest.AuthJWT, IdentitySources: []string{"$request.querystring.access_token"},
			Issuer: issuer, Audience: []string{"client-a"}},
		"ext": {Name: "ext", Type: manifest.AuthCustom, Header: "Authorization", TTLSeconds: &ttl300,
			AuthorizerURI:   "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations",
			IdentitySources: []string{"$context.identity.sourceIp"}, PayloadFormatVersion: "2.0", SimpleResponses: true},
	}
	if len(m.Authorizers) != len(want) {
		t.Errorf("%d authorizers, want %d: %+v", len(m.Authorizers), len(want), m.Authorizers)
	}
	for name, w := range want {
		got, ok := m.Authorizer(name)
		if !ok || !reflect.DeepEqual(got, w) {
			t.Errorf("authorizer %s\n got %+v\nwant %+v", name, got, w)
		}
	}
	scopes := map[string][]string{}
	for _, r := range m.Routes {
		scopes[r.Method+" "+r.Path] = r.AuthorizerScopes
		if r.Path == "/jwt" && r.Authorizer != "jwt" {
			t.Errorf("route %s %s authorizer %q", r.Method, r.Path, r.Authorizer)
		}
	}
	if !reflect.DeepEqual(scopes["GET /jwt"], []string{"items/read", "items/admin"}) || scopes["POST /jwt"] != nil {
		t.Errorf("scopes %v", scopes)
	}
	if jwt.AuthorizerName() != "jwt" {
		t.Errorf("name %q", jwt.AuthorizerName())
	}
	// The JWT authorizer is no function of the app.
	if _, ok := m.Function("jwt"); ok {
		t.Error("JWT authorizer became a function")
	}
}

// TestHTTPAuthorizerDefinitionErrors lists the mistakes manifest mode
// reports, each naming the authorizer and what would be valid.
func TestHTTPAuthorizerDefinitionErrors(t *testing.T) {
	const uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations"
	tests := []struct {
		name   string
		define func(app *chalice.App)
		want   []string
	}{
		{"simple responses with payload 1.0", func(app *chalice.App) {
			app.Authorizer(allowAll, chalice.Name("a1"), chalice.PayloadFormat("1.0"), chalice.SimpleResponses())
		}, []string{`authorizer a1: SimpleResponses() needs payload format 2.0, but PayloadFormat("1.0") was given; use PayloadFormat("2.0")`}},
		{"unknown payload format", func(app *chalice.App) {
			app.Authorizer(allowAll, chalice.Name("a2"), chalice.PayloadFormat("3"))
		}, []string{`authorizer a2: PayloadFormat("3") is not a payload format version; use PayloadFormat("1.0") (the default) or PayloadFormat("2.0")`}},
		{"bad identity sources", func(app *chalice.App) {
			app.Authorizer(allowAll, chalice.Name("a3"), chalice.IdentitySources("method.request.header.Auth", "$request.header.", "$request.header.A", "$request.header.A"))
		}, []string{
			`authorizer a3: identity source "method.request.header.Auth": want $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME`,
			`authorizer a3: identity source "$request.header." names nothing`,
			`authorizer a3: identity source "$request.header.A" is listed twice`,
		}},
		{"no identity sources", func(app *chalice.App) {
			app.Authorizer(allowAll, chalice.Name("a4"), chalice.IdentitySources())
		}, []string{`authorizer a4: IdentitySources() lists no identity source; give at least one`}},
		{"empty issuer and audience", func(app *chalice.App) {
			app.Get("/", view, chalice.WithAuthorizer(chalice.NewJWTAuthorizer("j1", "", nil)))
		}, []string{
			`JWT authorizer "j1": the issuer is empty; give the URL its tokens' iss claim holds, e.g. https://`,
			`JWT authorizer "j1": the audience is empty; list the audiences (aud claim) or app client IDs (client_id claim)`,
		}},
		{"issuer not https, empty audience entry", func(app *chalice.App) {
			app.Get("/", view, chalice.WithAuthorizer(chalice.NewJWTAuthorizer("j2", "http://idp.example.com", []string{"a", ""})))
		}, []string{
			`JWT authorizer "j2": the issuer "http://idp.example.com" is not an https:// URL`,
			`JWT authorizer "j2": the audience ["a" ""] has an empty entry`,
		}},
		{"JWT identity sources", func(app *chalice.App) {
			app.Get("/a", view, chalice.WithAuthorizer(chalice.NewJWTAuthorizer("j3", issuer, []string{"a"}, chalice.IdentitySources("$request.header.A", "$request.header.B"))))
			app.Get("/b", view, chalice.WithAuthorizer(chalice.NewJWTAuthorizer("j4", issuer, []string{"a"}, chalice.IdentitySources("$context.identity.sourceIp"))))
			app.Get("/c", view, chalice.WithAuthorizer(chalice.NewJWTAuthorizer("j5", issuer, []string{"a"}, chalice.IdentitySources("Authorization"))))
		}, []string{
			`JWT authorizer "j3": IdentitySources["$request.header.A" "$request.header.B"]: a JWT authorizer takes exactly one identity source`,
			`JWT authorizer "j4": identity source "$context.identity.sourceIp": a JWT authorizer reads its token from a header ($request.header.NAME) or a query string parameter`,
			`JWT authorizer "j5": identity source "Authorization": want $request.header.NAME`,
		}},
		{"JWT options and name", func(app *chalice.App) {
			app.Get("/", view, chalice.WithAuthorizer(chalice.NewJWTAuthorizer("my jwt", issuer, []string{"a"})))
		}, []string{
			`JWT authorizer "my jwt": the name must be non-empty and use only letters, digits, '.', '_' and '-'`,
		}},
		{"custom authorizer", func(app *chalice.App) {
			app.Get("/", view, chalice.WithAuthorizer(chalice.NewCustomAuthorizer("ext", uri, chalice.PayloadFormat("1.0"), chalice.SimpleResponses())))
		}, []string{
			`custom authorizer ext: SimpleResponses() needs payload format 2.0`,
		}},
		{"JWT with an API key", func(app *chalice.App) {
			jwt := chalice.NewJWTAuthorizer("jwt", issuer, []string{"a"})
			app.Get("/jwt", view, chalice.WithAuthorizer(jwt))
			app.Get("/key", view, chalice.APIKeyRequired())
		}, []string{`route GET /jwt uses JWT authorizer "jwt", which only HTTP APIs (api_type "http") have, and route GET /key requires an API key, which only REST APIs have: no API type has both`}},
		{"JWT with Cognito", func(app *chalice.App) {
			app.Get("/pool", view, chalice.WithAuthorizer(chalice.NewCognitoUserPoolAuthorizer("pool", []string{"arn:aws:cognito-idp:us-east-1:1:userpool/p"})))
			app.Get("/jwt", view, chalice.WithAuthorizer(chalice.NewJWTAuthorizer("jwt", issuer, []string{"a"})))
		}, []string{`route GET /jwt uses JWT authorizer "jwt", which only HTTP APIs (api_type "http") have, and route GET /pool uses Cognito user pool authorizer "pool", which only REST APIs have`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			tt.define(app)
			_, err := app.Manifest()
			var de *chalice.DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a DefinitionError", err)
			}
			if len(de.Problems) != len(tt.want) {
				t.Errorf("%d problems, want %d:\n%s", len(de.Problems), len(tt.want), strings.Join(de.Problems, "\n"))
			}
			for _, w := range tt.want {
				found := false
				for _, p := range de.Problems {
					found = found || strings.HasPrefix(p, w)
				}
				if !found {
					t.Errorf("no problem starts with\n  %s\nproblems:\n  %s", w, strings.Join(de.Problems, "\n  "))
				}
			}
		})
	}
}

// TestJWTAuthorizerReportedOnce: an authorizer used by several routes
// lists its mistakes once.
func TestJWTAuthorizerReportedOnce(t *testing.T) {
	app := newApp()
	jwt := chalice.NewJWTAuthorizer("jwt", "", []string{"a"})
	app.Get("/a", view, chalice.WithAuthorizer(jwt))
	app.Get("/b", view, chalice.WithAuthorizer(jwt.WithScopes("s")))
	_, err := app.Manifest()
	var de *chalice.DefinitionError
	if !errors.As(err, &de) || len(de.Problems) != 1 {
		t.Fatalf("err = %v, want one problem", err)
	}
}
