package chalice_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
)

// unsignedJWT builds a token with these claims. The emulated HTTP API
// checks claims but not signatures, so the signature is a placeholder.
func unsignedJWT(t *testing.T, claims map[string]any) string {
	t.Helper()
	seg := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return seg(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "test"}) + "." + seg(claims) + ".c2lnbmF0dXJl"
}

// httpAuthApp has a JWT authorizer, a payload 2.0 simple-response Lambda
// authorizer with two identity sources, and a payload 2.0 policy
// authorizer; every view returns what its authorizer passed on.
func httpAuthApp() *chalice.App {
	app := newApp()
	jwt := chalice.NewJWTAuthorizer("users", issuer, []string{"web-client"})
	simple := app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		switch req.Token {
		case "unauthorized":
			return nil, chalice.ErrUnauthorized
		case "letmein":
			return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), Context: map[string]any{
				"tenant": req.IdentitySource[1], "route": req.RouteKey, "agent": req.Headers.Get("User-Agent"), "version": req.Version,
			}}, nil
		}
		return &chalice.AuthResponse{}, nil
	}, chalice.Name("tenant_auth"), chalice.SimpleResponses(), chalice.TTL(0),
		chalice.IdentitySources("$request.header.X-Api-Token", "$request.querystring.tenant"))
	policy := app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		if req.Token != "reader" {
			return nil, chalice.ErrUnauthorized
		}
		return &chalice.AuthResponse{Routes: []chalice.AuthRoute{{Path: "/docs/public", Methods: []string{"GET"}}},
			PrincipalID: "reader-1", Context: map[string]any{"level": "read"}}, nil
	}, chalice.Name("docs_auth"), chalice.PayloadFormat("2.0"), chalice.TTL(0))
	app.Get("/profile", view, chalice.WithAuthorizer(jwt.WithScopes("profile/read")))
	app.Get("/feed", view, chalice.WithAuthorizer(jwt))
	app.Get("/tenant/{id}", view, chalice.WithAuthorizer(simple))
	app.Get("/docs/{name}", view, chalice.WithAuthorizer(policy))
	return app
}

func TestHTTPAPIAuthorizersEndToEnd(t *testing.T) {
	var warnings []string
	c := chalicetest.New(t, httpAuthApp(), chalicetest.API("http"), chalicetest.ProjectDir(t.TempDir()),
		chalicetest.Warnings(func(s string) { warnings = append(warnings, s) }))
	now := time.Now().Unix()
	token := func(claims map[string]any) chalicetest.RequestOption {
		base := map[string]any{"iss": issuer, "aud": "web-client", "sub": "u-42", "exp": now + 3600, "iat": now - 10}
		for k, v := range claims {
			if v == nil {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
		return chalicetest.WithHeader("Authorization", "Bearer "+unsignedJWT(t, base))
	}
	hdr := chalicetest.WithHeader
	tests := []struct {
		name   string
		path   string
		opts   []chalicetest.RequestOption
		status int
		body   string
	}{
		// JWT authorizer.
		{"jwt: no token", "/feed", nil, 401, `{"message":"Unauthorized"}`},
		{"jwt: not a JWT", "/feed", []chalicetest.RequestOption{hdr("Authorization", "Bearer nonsense")}, 401, `{"message":"Unauthorized"}`},
		{"jwt: expired", "/feed", []chalicetest.RequestOption{token(map[string]any{"exp": now - 60})}, 401, `{"message":"Unauthorized"}`},
		{"jwt: other issuer", "/feed", []chalicetest.RequestOption{token(map[string]any{"iss": "https://evil.example.com"})}, 401, `{"message":"Unauthorized"}`},
		{"jwt: other audience", "/feed", []chalicetest.RequestOption{token(map[string]any{"aud": "mobile-client"})}, 401, `{"message":"Unauthorized"}`},
		{"jwt: valid, no scopes needed", "/feed", []chalicetest.RequestOption{token(map[string]any{"aud": nil, "client_id": "web-client", "iat": nil})}, 200,
			`{"jwt":{"claims":{"client_id":"web-client","exp":"` + itoa(now+3600) + `","iss":"` + issuer + `","sub":"u-42"},"scopes":null}}`},
		{"jwt: missing scope", "/profile", []chalicetest.RequestOption{token(map[string]any{"scope": "feed/read"})}, 403, `{"message":"Forbidden"}`},
		{"jwt: with scope", "/profile", []chalicetest.RequestOption{token(map[string]any{"scope": "feed/read profile/read", "iat": nil})}, 200,
			`{"jwt":{"claims":{"aud":"web-client","exp":"` + itoa(now+3600) + `","iss":"` + issuer + `","scope":"feed/read profile/read","sub":"u-42"},"scopes":["feed/read","profile/read"]}}`},
		// Payload 2.0 Lambda authorizer with simple responses.
		{"simple: identity source missing", "/tenant/7", []chalicetest.RequestOption{hdr("X-Api-Token", "letmein")}, 401, `{"message":"Unauthorized"}`},
		{"simple: isAuthorized false", "/tenant/7?tenant=acme", []chalicetest.RequestOption{hdr("X-Api-Token", "wrong")}, 403, `{"message":"Forbidden"}`},
		{"simple: Unauthorized", "/tenant/7?tenant=acme", []chalicetest.RequestOption{hdr("X-Api-Token", "unauthorized")}, 401, `{"message":"Unauthorized"}`},
		{"simple: allowed", "/tenant/7?tenant=acme", []chalicetest.RequestOption{hdr("X-Api-Token", "letmein"), hdr("User-Agent", "e2e/1")}, 200,
			`{"lambda":{"agent":"e2e/1","route":"GET /tenant/{id}","tenant":"acme","version":"2.0"}}`},
		// Payload 2.0 Lambda authorizer answering with a policy.
		{"policy: allowed route", "/docs/public", []chalicetest.RequestOption{hdr("Authorization", "reader")}, 200,
			`{"lambda":{"level":"read","principalId":"reader-1"}}`},
		{"policy: route outside the policy", "/docs/secret", []chalicetest.RequestOption{hdr("Authorization", "reader")}, 403, `{"message":"Forbidden"}`},
		{"policy: Unauthorized", "/docs/public", []chalicetest.RequestOption{hdr("Authorization", "someone")}, 401, `{"message":"Unauthorized"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := c.Get(tt.path, tt.opts...)
			if resp.StatusCode != tt.status || !jsonEqual(t, string(resp.Body), tt.body) {
				t.Errorf("GET %s: %d %s\nwant %d %s", tt.path, resp.StatusCode, resp.Body, tt.status, tt.body)
			}
		})
	}
	if len(warnings) != 1 {
		// Only the note that JWT signatures are not verified locally.
		t.Errorf("warnings %q", warnings)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
