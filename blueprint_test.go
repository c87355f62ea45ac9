package chalice_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
)

func TestBlueprintURLPrefix(t *testing.T) {
	tests := []struct {
		prefix, path, want string
	}{
		{"/foo", "/", "/foo"},
		{"/foo/", "/", "/foo"},
		{"/foo", "/bar", "/foo/bar"},
		{"/foo/", "/bar/{id}", "/foo/bar/{id}"},
		{"/a/b", "/{rest+}", "/a/b/{rest+}"},
		{"", "/bar", "/bar"},
		{"/", "/bar", "/bar"},
		{"/", "/", "/"},
	}
	for _, tt := range tests {
		app := newApp()
		bp := chalice.NewBlueprint("bp")
		bp.Get(tt.path, func(ctx context.Context, req *chalice.Request) (any, error) { return req.Path, nil })
		var opts []chalice.BlueprintOption
		if tt.prefix != "" {
			opts = append(opts, chalice.URLPrefix(tt.prefix))
		}
		app.RegisterBlueprint(bp, opts...)
		m, err := app.Manifest()
		if err != nil {
			t.Fatalf("%q + %q: %v", tt.prefix, tt.path, err)
		}
		if got := m.Routes[0].Path; got != tt.want {
			t.Errorf("%q + %q = %q, want %q", tt.prefix, tt.path, got, tt.want)
		}
		got := call(t, app, restEvent{Resource: tt.want})
		checkResponse(t, got, 200, tt.want, nil)
	}
}

func TestBlueprintRegistration(t *testing.T) {
	bp := chalice.NewBlueprint("users")
	auth := bp.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "bp"}, nil
	}, chalice.Name("auth"))
	bp.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return "index", nil }, chalice.Name("index"))
	bp.Get("/{id}", func(ctx context.Context, req *chalice.Request) (any, error) { return req.URIParams["id"], nil }, chalice.Name("get_user"), chalice.WithAuthorizer(auth))
	bp.Get("/scoped", func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }, chalice.Name("scoped"), chalice.WithAuthorizer(auth.WithScopes("users/read")))
	bp.OnSQSMessage("user-events", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("worker"))
	bp.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return "bp pure", nil }, chalice.Name("pure"))
	var mwSaw []string
	bp.Use(chalice.EventHTTP, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		mwSaw = append(mwSaw, event.(*chalice.Request).Path)
		return next(ctx, event)
	})

	app := newApp()
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return "app index", nil }, chalice.Name("app_index"))
	app.RegisterBlueprint(bp, chalice.URLPrefix("/users"), chalice.NamePrefix("users_"))

	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, r := range m.Routes {
		routes = append(routes, r.Method+" "+r.Path+" "+r.Name+" "+r.Authorizer+" "+strings.Join(r.AuthorizerScopes, ","))
	}
	wantRoutes := []string{
		"GET / app_index  ",
		"GET /users users_index  ",
		"GET /users/scoped users_scoped users_auth users/read",
		"GET /users/{id} users_get_user users_auth ",
	}
	if !reflect.DeepEqual(routes, wantRoutes) {
		t.Errorf("routes\n got %q\nwant %q", routes, wantRoutes)
	}
	var fns []string
	for _, f := range m.Functions {
		fns = append(fns, f.Name+":"+f.Kind)
	}
	wantFns := []string{"api_handler:api_handler", "users_auth:authorizer", "users_worker:event_handler", "users_pure:pure_lambda"}
	if !reflect.DeepEqual(fns, wantFns) {
		t.Errorf("functions = %v, want %v", fns, wantFns)
	}
	if len(m.Authorizers) != 1 || m.Authorizers[0].Name != "users_auth" || m.Authorizers[0].Function != "users_auth" {
		t.Errorf("authorizers = %+v", m.Authorizers)
	}
	if len(m.EventSources) != 1 || m.EventSources[0].Function != "users_worker" || m.EventSources[0].Queue != "user-events" {
		t.Errorf("event source = %+v", m.EventSources[0])
	}

	got := call(t, app, restEvent{Resource: "/users/{id}", Path: "/users/7", PathParams: map[string]string{"id": "7"}})
	checkResponse(t, got, 200, "7", nil)
	got = call(t, app, restEvent{Resource: "/users"})
	checkResponse(t, got, 200, "index", nil)
	got = call(t, app, restEvent{Resource: "/"})
	checkResponse(t, got, 200, "app index", nil)
	if want := []string{"/users/{id}", "/users", "/"}; !reflect.DeepEqual(mwSaw, want) {
		t.Errorf("blueprint middleware saw %v, want %v (it applies app-wide, as in Chalice)", mwSaw, want)
	}
	if out := invokeJSON(t, app, "users_auth", readFixture(t, "authorizer_token.json")); !strings.Contains(out, `"principalId":"bp"`) {
		t.Errorf("blueprint authorizer = %s", out)
	}
	if out := invokeJSON(t, app, "users_pure", []byte(`{}`)); out != `"bp pure"` {
		t.Errorf("blueprint pure = %s", out)
	}
	if _, err := app.Invoke(context.Background(), "auth", nil); !errors.Is(err, chalice.ErrFunctionNotFound) {
		t.Errorf("unprefixed name still invocable: %v", err)
	}
}

func TestBlueprintTwiceWithDifferentPrefixes(t *testing.T) {
	bp := chalice.NewBlueprint("v")
	auth := bp.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil }, chalice.Name("auth"))
	bp.Get("/ping", func(ctx context.Context, req *chalice.Request) (any, error) { return req.Path, nil }, chalice.Name("ping"), chalice.WithAuthorizer(auth))
	app := newApp()
	app.RegisterBlueprint(bp, chalice.URLPrefix("/v1"), chalice.NamePrefix("v1_"))
	app.RegisterBlueprint(bp, chalice.URLPrefix("/v2"), chalice.NamePrefix("v2_"))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Routes) != 2 || m.Routes[0].Authorizer != "v1_auth" || m.Routes[1].Authorizer != "v2_auth" {
		t.Errorf("routes = %+v", m.Routes)
	}
	for _, p := range []string{"/v1/ping", "/v2/ping"} {
		checkResponse(t, call(t, app, restEvent{Resource: p}), 200, p, nil)
	}
}

func TestBlueprintProblemsReported(t *testing.T) {
	bp := chalice.NewBlueprint("broken")
	bp.Get("/x/", func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil })
	bp.OnSNSMessage("t", func(ctx context.Context, ev *chalice.SNSEvent) error { return nil }) // anonymous, no Name
	// With a URL prefix Chalice strips the path's slashes ("/p" + "/x/" is
	// "/p/x"); without one the path is kept and rejected.
	prefixed := newApp()
	bpOK := chalice.NewBlueprint("ok")
	bpOK.Get("/x/", func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil })
	prefixed.RegisterBlueprint(bpOK, chalice.URLPrefix("/p"))
	if err := prefixed.Validate(); err != nil {
		t.Errorf("prefixed blueprint: %v", err)
	}
	app := newApp()
	app.RegisterBlueprint(bp)
	err := app.Validate()
	var de *chalice.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("Validate() = %v", err)
	}
	joined := strings.Join(de.Problems, "\n")
	if !strings.Contains(joined, "blueprint broken: sns handler registered with an anonymous function needs chalice.Name(...)") {
		t.Errorf("problems = %q", de.Problems)
	}
	if !strings.Contains(joined, "Route cannot end with a trailing slash: /x/") {
		t.Errorf("trailing slash in blueprint not reported: %q", de.Problems)
	}
}
