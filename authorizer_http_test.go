package chalice_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
)

const routeARNv2 = "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/items/42"

// TestAuthorizerPayload20 runs a built-in authorizer with a payload format
// 2.0 event, with and without simple responses.
func TestAuthorizerPayload20(t *testing.T) {
	const stageARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test"
	tests := []struct {
		name string
		opts []chalice.AuthorizerOption
		resp *chalice.AuthResponse
		want string
	}{
		{
			name: "simple, every route allowed",
			opts: []chalice.AuthorizerOption{chalice.SimpleResponses()},
			resp: &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "alice", Context: map[string]any{"tenant": "acme"}},
			want: `{"isAuthorized":true,"context":{"tenant":"acme"}}`,
		},
		{
			name: "simple, this route allowed",
			opts: []chalice.AuthorizerOption{chalice.PayloadFormat("2.0"), chalice.SimpleResponses()},
			resp: &chalice.AuthResponse{Routes: []chalice.AuthRoute{{Path: "/items/42", Methods: []string{"GET"}}}},
			want: `{"isAuthorized":true,"context":{}}`,
		},
		{
			name: "simple, another route allowed",
			opts: []chalice.AuthorizerOption{chalice.SimpleResponses()},
			resp: &chalice.AuthResponse{Routes: []chalice.AuthRoute{{Path: "/items/42", Methods: []string{"DELETE"}}}, Context: map[string]any{"why": "read-only"}},
			want: `{"isAuthorized":false,"context":{"why":"read-only"}}`,
		},
		{
			name: "simple, no routes",
			opts: []chalice.AuthorizerOption{chalice.SimpleResponses()},
			resp: &chalice.AuthResponse{PrincipalID: "nobody"},
			want: `{"isAuthorized":false,"context":{}}`,
		},
		{
			name: "simple, nil response",
			opts: []chalice.AuthorizerOption{chalice.SimpleResponses()},
			want: "null",
		},
		{
			name: "policy for payload 2.0",
			opts: []chalice.AuthorizerOption{chalice.PayloadFormat("2.0")},
			resp: &chalice.AuthResponse{Routes: chalice.AllowRoutes("/items/42"), PrincipalID: "alice"},
			want: policy("{}", "alice", stageARN+"/*/items/42"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			var got *chalice.AuthRequest
			app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
				got = req
				return tt.resp, nil
			}, append([]chalice.AuthorizerOption{chalice.Name("v2auth")}, tt.opts...)...)
			out := invokeJSON(t, app, "v2auth", readFixture(t, "authorizer_request_v2.json"))
			if !jsonEqual(t, out, tt.want) {
				t.Errorf("answer\n got %s\nwant %s", out, tt.want)
			}
			if got == nil || got.RouteARN != routeARNv2 || got.Version != "2.0" {
				t.Errorf("request = %+v", got)
			}
		})
	}
}

// TestAuthRequestFromHTTPEvents checks every field a REQUEST event fills
// in, for both payload formats.
func TestAuthRequestFromHTTPEvents(t *testing.T) {
	type view struct {
		AuthType, Token, MethodARN, Version, RouteARN, RouteKey, Method, Path string
		IdentitySource                                                        []string
		APIToken, UserAgent                                                   string
		Query                                                                 map[string][]string
		PathParams, StageVars                                                 map[string]string
		AccountID, APIID, Stage, RequestID, SourceIP                          string
	}
	tests := []struct {
		fixture string
		want    view
	}{
		{"authorizer_request_v2.json", view{
			AuthType: "REQUEST", Token: "secret-token", MethodARN: routeARNv2, Version: "2.0", RouteARN: routeARNv2,
			RouteKey: "GET /items/{id}", Method: "GET", Path: "/test/items/42", IdentitySource: []string{"secret-token", "acme"},
			APIToken: "secret-token", UserAgent: "curl/8.5.0",
			Query:      map[string][]string{"tenant": {"acme"}, "tag": {"a", "b"}},
			PathParams: map[string]string{"id": "42"}, StageVars: map[string]string{"mode": "blue"},
			AccountID: "123456789012", APIID: "abcdef123", Stage: "test", RequestID: "Jx1dKiAmoAMEVbg=", SourceIP: "203.0.113.9",
		}},
		{"authorizer_request_v1.json", view{
			AuthType: "REQUEST", Token: "secret-token,acme", MethodARN: routeARNv2, Version: "1.0",
			Method: "GET", Path: "/test/items/42", IdentitySource: []string{"secret-token,acme"},
			APIToken: "secret-token", UserAgent: "curl/8.5.0",
			Query:      map[string][]string{"tenant": {"acme"}},
			PathParams: map[string]string{"id": "42"}, StageVars: map[string]string{"mode": "blue"},
			AccountID: "123456789012", APIID: "abcdef123", Stage: "test", RequestID: "d4e8ee41-0b6a-4d0c-9b9c-6b1c1d4b6c1f", SourceIP: "203.0.113.9",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			app := newApp()
			var got view
			app.Authorizer(func(ctx context.Context, r *chalice.AuthRequest) (*chalice.AuthResponse, error) {
				got = view{
					AuthType: r.AuthType, Token: r.Token, MethodARN: r.MethodARN, Version: r.Version, RouteARN: r.RouteARN,
					RouteKey: r.RouteKey, Method: r.Method, Path: r.Path, IdentitySource: r.IdentitySource,
					APIToken: r.Headers.Get("X-Api-Token"), UserAgent: r.Headers.Get("user-agent"),
					Query: r.Query, PathParams: r.PathParams, StageVars: r.StageVars,
					AccountID: r.Context.AccountID, APIID: r.Context.APIID, Stage: r.Context.Stage,
					RequestID: r.Context.RequestID, SourceIP: r.Context.SourceIP,
				}
				if len(r.Context.Raw) == 0 {
					t.Error("Context.Raw is empty")
				}
				return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "p"}, nil
			}, chalice.Name("reqauth"), chalice.IdentitySources("$request.header.X-Api-Token", "$request.querystring.tenant"))
			out := invokeJSON(t, app, "reqauth", readFixture(t, tt.fixture))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("request\n got %+v\nwant %+v", got, tt.want)
			}
			// Without simple responses both formats answer with a policy.
			if want := policy("{}", "p", "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/*/*"); out != want {
				t.Errorf("answer\n got %s\nwant %s", out, want)
			}
		})
	}
}

// TestSimpleResponsesOnlyForPayload20 checks a simple-response authorizer
// still answers REST TOKEN and payload 1.0 events with a policy, which is
// what API Gateway expects from them.
func TestSimpleResponsesOnlyForPayload20(t *testing.T) {
	app := newApp()
	app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "p"}, nil
	}, chalice.Name("simple"), chalice.SimpleResponses())
	for _, fixture := range []string{"authorizer_token.json", "authorizer_request_v1.json"} {
		out := invokeJSON(t, app, "simple", readFixture(t, fixture))
		if !strings.Contains(out, `"policyDocument"`) || strings.Contains(out, "isAuthorized") {
			t.Errorf("%s: answer %s, want a policy", fixture, out)
		}
	}
}

func TestAuthorizerPayload20Errors(t *testing.T) {
	app := newApp()
	app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		return nil, chalice.ErrUnauthorized
	}, chalice.Name("deny"), chalice.SimpleResponses())
	if _, err := app.Invoke(context.Background(), "deny", readFixture(t, "authorizer_request_v2.json")); !errors.Is(err, chalice.ErrUnauthorized) {
		t.Errorf("err = %v, want Unauthorized", err)
	}
	for _, bad := range []string{
		`{"version":"2.0","type":"REQUEST","identitySource":[1]}`,
		`{"version":"2.0","type":"REQUEST","identitySource":{}}`,
		`{"version":"1.0","type":"REQUEST","identitySource":true}`,
	} {
		if _, err := app.Invoke(context.Background(), "deny", []byte(bad)); err == nil || errors.Is(err, chalice.ErrUnauthorized) {
			t.Errorf("%s: err = %v, want a decoding error", bad, err)
		}
	}
}

func TestAuthResponseAllows(t *testing.T) {
	const base = "arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default"
	tests := []struct {
		name   string
		routes []chalice.AuthRoute
		arn    string
		want   bool
	}{
		{"everything", chalice.AllowRoutes("*"), base + "/GET/a/b", true},
		{"root", []chalice.AuthRoute{{Path: "/", Methods: []string{"GET"}}}, base + "/GET/", true},
		{"root is not a sub path", []chalice.AuthRoute{{Path: "/", Methods: []string{"GET"}}}, base + "/GET/a", false},
		{"path, any method", chalice.AllowRoutes("/a"), base + "/DELETE/a", true},
		{"path is exact", chalice.AllowRoutes("/a"), base + "/GET/a/b", false},
		{"other method", []chalice.AuthRoute{{Path: "/a", Methods: []string{"POST"}}}, base + "/GET/a", false},
		{"one of several", []chalice.AuthRoute{{Path: "/x", Methods: []string{"GET"}}, {Path: "/a", Methods: []string{"PUT", "GET"}}}, base + "/GET/a", true},
		{"wildcard inside a path", chalice.AllowRoutes("/users/*/profile"), base + "/GET/users/bob/profile", true},
		{"question mark", chalice.AllowRoutes("/v?/items"), base + "/GET/v2/items", true},
		{"no routes", nil, base + "/GET/a", false},
		{"malformed ARN", chalice.AllowRoutes("*"), "not-an-arn", false},
		{"REST method ARN", chalice.AllowRoutes("/needs/auth"), "arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/dev/GET/needs/auth", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &chalice.AuthResponse{Routes: tt.routes}
			if got := r.Allows(tt.arn); got != tt.want {
				t.Errorf("Allows(%s) with %+v = %v, want %v", tt.arn, tt.routes, got, tt.want)
			}
			if got := r.SimpleResult(tt.arn).IsAuthorized; got != tt.want {
				t.Errorf("SimpleResult.IsAuthorized = %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzAuthorizerEvent feeds arbitrary events to a built-in authorizer with
// simple responses: decoding never panics, and every answer is a policy,
// a simple response or null.
func FuzzAuthorizerEvent(f *testing.F) {
	for _, name := range []string{"authorizer_token.json", "authorizer_request_v1.json", "authorizer_request_v2.json"} {
		b, err := readFixtureFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":"2.0","type":"REQUEST","routeArn":"x","identitySource":null}`))
	f.Add([]byte(`{"type":"REQUEST","headers":{"a":"b"},"multiValueHeaders":{"a":["b","c"]}}`))
	app := newApp()
	app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		_ = req.Headers.Get("authorization")
		_ = req.Query.Get("q")
		if req.Token == "" {
			return nil, nil
		}
		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("/a/*"), Context: map[string]any{"t": req.Token}}, nil
	}, chalice.Name("fuzzauth"), chalice.SimpleResponses())
	f.Fuzz(func(t *testing.T, payload []byte) {
		out, err := app.Invoke(context.Background(), "fuzzauth", payload)
		var pe *chalice.PanicError
		if errors.As(err, &pe) {
			t.Fatalf("panic on %q: %v\n%s", payload, pe.Value, pe.Stack)
		}
		if err != nil {
			return
		}
		var answer map[string]json.RawMessage
		if err := json.Unmarshal(out, &answer); err != nil {
			t.Fatalf("answer %s is not JSON: %v", out, err)
		}
		if string(out) != "null" && answer["isAuthorized"] == nil && answer["policyDocument"] == nil {
			t.Fatalf("answer %s is neither a policy nor a simple response", out)
		}
	})
}

func readFixtureFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", "events", name))
}
