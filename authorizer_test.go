package chalice_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/gochalice/chalice"
)

const arnBase = "arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/dev"

func policy(context, principal string, resources ...string) string {
	res := "["
	for i, r := range resources {
		if i > 0 {
			res += ","
		}
		res += `"` + r + `"`
	}
	res += "]"
	return `{"context":` + context + `,"principalId":"` + principal + `","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":` + res + `}]}}`
}

func TestBuiltinAuthorizerFunction(t *testing.T) {
	tests := []struct {
		name string
		resp *chalice.AuthResponse
		err  error
		want string
	}{
		{
			name: "root resource",
			resp: &chalice.AuthResponse{Routes: []chalice.AuthRoute{{Path: "/", Methods: []string{"GET"}}}, PrincipalID: "user"},
			want: policy("{}", "user", arnBase+"/GET/"),
		},
		{
			name: "wildcard",
			resp: &chalice.AuthResponse{Routes: []chalice.AuthRoute{{Path: "*"}}, PrincipalID: "user"},
			want: policy("{}", "user", arnBase+"/*/*"),
		},
		{
			name: "wildcard with star method",
			resp: &chalice.AuthResponse{Routes: []chalice.AuthRoute{{Path: "*", Methods: []string{"*"}}}, PrincipalID: "user"},
			want: policy("{}", "user", arnBase+"/*/*"),
		},
		{
			name: "path without methods allows every method",
			resp: &chalice.AuthResponse{Routes: chalice.AllowRoutes("/a", "/a/b"), PrincipalID: "user"},
			want: policy("{}", "user", arnBase+"/*/a", arnBase+"/*/a/b"),
		},
		{
			name: "one ARN per method, in order",
			resp: &chalice.AuthResponse{Routes: []chalice.AuthRoute{
				{Path: "/a", Methods: []string{"GET"}},
				{Path: "/a/b", Methods: []string{"GET", "POST"}},
			}, PrincipalID: "user"},
			want: policy("{}", "user", arnBase+"/GET/a", arnBase+"/GET/a/b", arnBase+"/POST/a/b"),
		},
		{
			name: "context values",
			resp: &chalice.AuthResponse{Routes: chalice.AllowRoutes("/"), PrincipalID: "u-1", Context: map[string]any{"role": "admin", "n": 1}},
			want: policy(`{"n":1,"role":"admin"}`, "u-1", arnBase+"/*/"),
		},
		{
			name: "no routes",
			resp: &chalice.AuthResponse{PrincipalID: "nobody"},
			want: policy("{}", "nobody"),
		},
		{
			name: "nil response",
			want: "null",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			var got *chalice.AuthRequest
			app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
				got = req
				return tt.resp, tt.err
			}, chalice.Name("myauth"))
			out := invokeJSON(t, app, "myauth", readFixture(t, "authorizer_token.json"))
			if out != tt.want {
				t.Errorf("result\n got %s\nwant %s", out, tt.want)
			}
			want := &chalice.AuthRequest{AuthType: "TOKEN", Token: "allow", MethodARN: arnBase + "/GET/needs/auth"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("request = %+v", got)
			}
		})
	}
}

func TestBuiltinAuthorizerErrors(t *testing.T) {
	app := newApp()
	app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		if req.Token == "boom" {
			panic("auth panic")
		}
		return nil, chalice.ErrUnauthorized
	}, chalice.Name("deny"))
	_, err := app.Invoke(context.Background(), "deny", readFixture(t, "authorizer_token.json"))
	if !errors.Is(err, chalice.ErrUnauthorized) || err.Error() != "Unauthorized" {
		t.Errorf("err = %v, want Unauthorized", err)
	}
	_, err = app.Invoke(context.Background(), "deny", []byte(`{"type":"TOKEN","authorizationToken":"boom","methodArn":"x"}`))
	var pe *chalice.PanicError
	if !errors.As(err, &pe) {
		t.Errorf("panic err = %v", err)
	}
	if _, err := app.Invoke(context.Background(), "deny", []byte(`[`)); err == nil {
		t.Error("garbage payload accepted")
	}
}

func TestAuthResponseResult(t *testing.T) {
	r := &chalice.AuthResponse{Routes: []chalice.AuthRoute{{Path: "/x/{id}", Methods: []string{"DELETE"}}}, PrincipalID: "p"}
	got := r.Result("arn:aws-cn:execute-api:cn-north-1:1:api/stage/GET/other/path")
	if want := []string{"arn:aws-cn:execute-api:cn-north-1:1:api/stage/DELETE/x/{id}"}; !reflect.DeepEqual(got.PolicyDocument.Statement[0].Resource, want) {
		t.Errorf("resources = %v, want %v", got.PolicyDocument.Statement[0].Resource, want)
	}
	if got.Context == nil {
		t.Error("nil context should become {}")
	}
}

func TestAuthorizerContextReachesView(t *testing.T) {
	app := newApp()
	auth := app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "u"}, nil
	}, chalice.Name("myauth"), chalice.Header("X-Token"), chalice.TTL(60))
	app.Get("/secure", func(ctx context.Context, req *chalice.Request) (any, error) {
		return req.Context.Authorizer, nil
	}, chalice.WithAuthorizer(auth))
	got := call(t, app, restEvent{Resource: "/secure", Authorizer: map[string]any{"principalId": "u", "integrationLatency": 12, "role": "admin"}})
	checkResponse(t, got, 200, `{"integrationLatency":12,"principalId":"u","role":"admin"}`, nil)
	if auth.AuthorizerName() != "myauth" {
		t.Errorf("name = %q", auth.AuthorizerName())
	}
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	a, ok := m.Authorizer("myauth")
	if !ok || a.Type != "builtin" || a.Header != "X-Token" || a.TTLSeconds == nil || *a.TTLSeconds != 60 || a.Function != "myauth" {
		t.Errorf("manifest authorizer = %+v", a)
	}
	if m.Routes[0].Authorizer != "myauth" {
		t.Errorf("route authorizer = %q", m.Routes[0].Authorizer)
	}
}

func TestAuthorizerKinds(t *testing.T) {
	cognito := chalice.NewCognitoUserPoolAuthorizer("pool", []string{"arn:aws:cognito-idp:us-west-2:1:userpool/p"}, chalice.Header("X-Auth"))
	iam := chalice.NewIAMAuthorizer()
	custom := chalice.NewCustomAuthorizer("ext", "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:1:function:f/invocations",
		chalice.TTL(0), chalice.ExecutionRole("arn:aws:iam::1:role/invoke"))
	if cognito.AuthorizerName() != "pool" || iam.AuthorizerName() != "sigv4" || custom.AuthorizerName() != "ext" {
		t.Errorf("names %q %q %q", cognito.AuthorizerName(), iam.AuthorizerName(), custom.AuthorizerName())
	}
	app := newApp()
	h := func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
	app.Get("/c", h, chalice.WithAuthorizer(cognito.WithScopes("read", "write")))
	app.Get("/i", h, chalice.WithAuthorizer(iam))
	app.Get("/x", h, chalice.WithAuthorizer(custom))
	app.Get("/x2", h, chalice.WithAuthorizer(custom.WithScopes("s")))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range m.Authorizers {
		names = append(names, a.Name+":"+a.Type)
	}
	// In the order the routes registered them use them, not sorted.
	if want := []string{"pool:cognito_user_pools", "sigv4:iam", "ext:custom"}; !reflect.DeepEqual(names, want) {
		t.Errorf("authorizers = %v, want %v", names, want)
	}
	if m.Routes[0].Authorizer != "pool" || !reflect.DeepEqual(m.Routes[0].AuthorizerScopes, []string{"read", "write"}) {
		t.Errorf("cognito route = %+v", m.Routes[0])
	}
	ext, _ := m.Authorizer("ext")
	if ext.TTLSeconds == nil || *ext.TTLSeconds != 0 || ext.InvokeRoleARN != "arn:aws:iam::1:role/invoke" || ext.Header != "Authorization" {
		t.Errorf("custom authorizer = %+v", ext)
	}
}
