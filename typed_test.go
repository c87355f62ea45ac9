package chalice_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/manifest"
)

// itemIn has a field of every kind a typed route binds: path parameters
// (string, int), query parameters (with a default, repeated, a pointer),
// a header, and a JSON body with nested rules.
type itemIn struct {
	Org    string   `path:"org" validate:"min=2"`
	ID     int      `path:"id" validate:"min=1"`
	Limit  int      `query:"limit" default:"20" validate:"min=1,max=100"`
	Tags   []string `query:"tag" validate:"max=3,dive,oneof=a b c"`
	DryRun *bool    `query:"dry_run"`
	Trace  string   `header:"X-Trace-Id" validate:"omitempty,uuid"`
	Body   itemBody
}

type itemBody struct {
	Name  string  `json:"name" validate:"required,min=3,max=32"`
	Price float64 `json:"price" validate:"gt=0"`
	Email string  `json:"email,omitempty" validate:"omitempty,email"`
	Zip   *string `json:"zip,omitempty" validate:"omitempty,len=5"`
}

type itemOut struct {
	Org    string   `json:"org"`
	ID     int      `json:"id"`
	Name   string   `json:"name"`
	Price  float64  `json:"price"`
	Limit  int      `json:"limit"`
	Tags   []string `json:"tags"`
	DryRun *bool    `json:"dryRun"`
	Trace  string   `json:"trace"`
}

func putItem(ctx context.Context, in *itemIn) (*itemOut, error) {
	return &itemOut{Org: in.Org, ID: in.ID, Name: in.Body.Name, Price: in.Body.Price, Limit: in.Limit,
		Tags: in.Tags, DryRun: in.DryRun, Trace: in.Trace}, nil
}

func itemApp(opts ...chalice.RouteOption) *chalice.App {
	app := newApp()
	chalice.Put(app, "/orgs/{org}/items/{id}", putItem, opts...)
	return app
}

const itemTemplate = "/orgs/{org}/items/{id}"

// itemEvent is a PUT of body to /orgs/{org}/items/{id} as a REST event.
func itemEvent(org, id string, query map[string][]string, headers map[string]string, body string) restEvent {
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	return restEvent{Method: "PUT", Resource: itemTemplate, Path: "/orgs/" + org + "/items/" + id,
		PathParams: map[string]string{"org": org, "id": id}, Query: query, Headers: h, Body: str(body)}
}

// TestTypedRouteBinds: parameters and body reach the handler converted,
// defaulted and checked, and the output is its JSON with status 200.
func TestTypedRouteBinds(t *testing.T) {
	const trace = "0b4d1b0e-5c5e-4f7a-9d2b-6f1c3e0a9b77"
	tests := []struct {
		name string
		ev   restEvent
		want string
	}{
		{"every field", itemEvent("acme", "7", map[string][]string{"limit": {"5"}, "tag": {"a", "c"}, "dry_run": {"true"}},
			map[string]string{"X-Trace-Id": trace}, `{"name":"lamp","price":9.5,"email":"a@example.com","zip":"12345"}`),
			`{"org":"acme","id":7,"name":"lamp","price":9.5,"limit":5,"tags":["a","c"],"dryRun":true,"trace":"` + trace + `"}`},
		{"defaults and absent optional fields", itemEvent("acme", "7", nil, nil, `{"name":"lamp","price":1}`),
			`{"org":"acme","id":7,"name":"lamp","price":1,"limit":20,"tags":null,"dryRun":null,"trace":""}`},
		{"header name in another case", itemEvent("acme", "7", nil, map[string]string{"x-trace-id": trace}, `{"name":"lamp","price":1}`),
			`{"org":"acme","id":7,"name":"lamp","price":1,"limit":20,"tags":null,"dryRun":null,"trace":"` + trace + `"}`},
		{"a repeated single-valued parameter takes the last value", itemEvent("acme", "7", map[string][]string{"limit": {"5", "6"}}, nil, `{"name":"lamp","price":1}`),
			`{"org":"acme","id":7,"name":"lamp","price":1,"limit":6,"tags":null,"dryRun":null,"trace":""}`},
	}
	app := itemApp()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkResponse(t, call(t, app, tt.ev), 200, tt.want, nil)
		})
	}
}

// TestTypedRouteRejects: a request that does not fit is answered 400
// BadRequestError naming every failing field and why, and the handler
// does not run.
func TestTypedRouteRejects(t *testing.T) {
	ran := false
	app := newApp()
	chalice.Put(app, itemTemplate, func(ctx context.Context, in *itemIn) (*itemOut, error) {
		ran = true
		return putItem(ctx, in)
	})
	ok := `{"name":"lamp","price":1}`
	tests := []struct {
		name string
		ev   restEvent
		want string
	}{
		{"wrong body type", itemEvent("acme", "7", nil, nil, `{"name":5,"price":1}`),
			"body.name must be a string"},
		{"missing required field", itemEvent("acme", "7", nil, nil, `{"price":1}`),
			"body.name is required"},
		{"rules of several fields", itemEvent("acme", "7", nil, nil, `{"name":"la","price":0,"email":"nope","zip":"1"}`),
			"body.name must be at least 3 characters; body.price must be greater than 0; body.email must be an email address; body.zip must be exactly 5 characters"},
		{"unknown body field", itemEvent("acme", "7", nil, nil, `{"name":"lamp","price":1,"colour":"red"}`),
			"body.colour is not allowed"},
		{"body not JSON", itemEvent("acme", "7", nil, nil, `{"name":`),
			"body must be valid JSON: unexpected end of input at offset 8"},
		{"body of the wrong JSON type", itemEvent("acme", "7", nil, nil, `["lamp"]`),
			"body must be an object"},
		{"null body", itemEvent("acme", "7", nil, nil, `null`),
			"body must be an object"},
		{"path parameters", itemEvent("a", "0", nil, nil, ok),
			"path.org must be at least 2 characters; path.id must be at least 1"},
		{"path parameter not a number", itemEvent("acme", "x7", nil, nil, ok),
			"path.id must be an integer"},
		{"query parameters", itemEvent("acme", "7", map[string][]string{"limit": {"500"}, "tag": {"a", "z"}, "dry_run": {"yes"}}, nil, ok),
			"query.limit must be at most 100; query.tag[1] must be one of: a b c; query.dry_run must be true or false"},
		{"too many repeated values", itemEvent("acme", "7", map[string][]string{"tag": {"a", "b", "c", "a"}}, nil, ok),
			"query.tag must have at most 3 items"},
		{"header", itemEvent("acme", "7", nil, map[string]string{"X-Trace-Id": "not-a-uuid"}, ok),
			"header.X-Trace-Id must be a UUID"},
		{"everything at once", itemEvent("a", "7", map[string][]string{"limit": {"0"}}, nil, `{"name":1,"price":-1}`),
			"path.org must be at least 2 characters; query.limit must be at least 1; body.name must be a string; body.price must be greater than 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran = false
			want := mustJSON(t, map[string]string{"Code": "BadRequestError", "Message": tt.want})
			checkResponse(t, call(t, app, tt.ev), 400, string(want), nil)
			if ran {
				t.Error("the handler ran for a request that does not fit its input")
			}
		})
	}
	t.Run("media type", func(t *testing.T) {
		app := newApp()
		chalice.Put(app, itemTemplate, putItem, chalice.ContentTypes("application/json", "text/plain"))
		ev := itemEvent("acme", "7", nil, map[string]string{"Content-Type": "text/plain"}, ok)
		checkResponse(t, call(t, app, ev), 400, `{"Code":"BadRequestError","Message":"body must be JSON (Content-Type: application/json), not text/plain"}`, nil)
	})
}

// TestTypedRoutePayloadFormats: the same typed route answers REST (v1),
// HTTP API (v2) and Function URL events.
func TestTypedRoutePayloadFormats(t *testing.T) {
	app := itemApp()
	const want = `{"org":"acme","id":7,"name":"lamp","price":1,"limit":5,"tags":["a","b"],"dryRun":null,"trace":""}`
	headers := map[string]string{"content-type": "application/json"}
	body := `{"name":"lamp","price":1}`
	for name, payload := range map[string][]byte{
		"rest":         itemEvent("acme", "7", map[string][]string{"limit": {"5"}, "tag": {"a", "b"}}, nil, body).JSON(),
		"http":         v2Event("PUT "+itemTemplate, "PUT", "/orgs/acme/items/7", "limit=5&tag=a&tag=b", headers, nil, body, false, "org", "acme", "id", "7"),
		"function url": v2Event("", "PUT", "/orgs/acme/items/7", "limit=5&tag=a&tag=b", headers, nil, body, true),
	} {
		t.Run(name, func(t *testing.T) {
			checkResponse(t, invokeRaw(t, app, "api_handler", payload), 200, want, nil)
		})
		t.Run(name+" rejected", func(t *testing.T) {
			bad := strings.Replace(string(payload), `\"price\":1`, `\"price\":\"1\"`, 1)
			checkResponse(t, invokeRaw(t, app, "api_handler", []byte(bad)), 400,
				`{"Code":"BadRequestError","Message":"body.price must be a number"}`, nil)
		})
	}
}

type created struct {
	ID string `json:"id"`
}

func (created) StatusCode() int { return http.StatusCreated }

func (c created) ResponseHeaders() map[string]string {
	return map[string]string{"Location": "/things/" + c.ID}
}

type teapot struct{ Code int }

func (t teapot) StatusCode() int { return t.Code }

type thingIn struct {
	ID string `path:"id"`
}

// TestTypedRouteOutput: the output's status and headers come from its
// optional methods, nil is 204, *Response passes through, and errors are
// answered as an untyped view's.
func TestTypedRouteOutput(t *testing.T) {
	app := newApp()
	chalice.Post(app, "/things/{id}", func(ctx context.Context, in *thingIn) (*created, error) {
		switch in.ID {
		case "nil":
			return nil, nil
		case "missing":
			return nil, chalice.NotFoundError("no thing %s", in.ID)
		case "broken":
			return nil, errors.New("database unreachable")
		case "invalid":
			return nil, fmt.Errorf("checking %s: %w", in.ID, &chalice.ValidationError{Fields: []chalice.FieldError{{Field: "path.id", In: "path", Reason: "is taken"}}})
		case "panic":
			panic("boom")
		}
		return &created{ID: in.ID}, nil
	})
	chalice.Get(app, "/raw/{id}", func(ctx context.Context, in *thingIn) (*chalice.Response, error) {
		return chalice.NewResponse(202, "accepted "+in.ID).SetHeader("Content-Type", "text/plain"), nil
	})
	chalice.Get(app, "/teapot/{id}", func(ctx context.Context, in *thingIn) (*teapot, error) {
		code := map[string]int{"brew": 418, "none": 304, "bad": 42}[in.ID]
		return &teapot{Code: code}, nil
	})
	ev := func(method, template, id string) restEvent {
		return restEvent{Method: method, Resource: template, Path: strings.Replace(template, "{id}", id, 1), PathParams: map[string]string{"id": id}}
	}
	tests := []struct {
		name    string
		ev      restEvent
		status  int
		body    string
		headers map[string]*string
	}{
		{"StatusCode and ResponseHeaders", ev("POST", "/things/{id}", "t1"), 201, `{"id":"t1"}`, map[string]*string{"Location": str("/things/t1")}},
		{"nil output is 204", ev("POST", "/things/{id}", "nil"), 204, ``, map[string]*string{"Location": nil}},
		{"*Error", ev("POST", "/things/{id}", "missing"), 404, `{"Code":"NotFoundError","Message":"no thing missing"}`, nil},
		{"other error", ev("POST", "/things/{id}", "broken"), 500, `{"Code":"InternalServerError","Message":"An internal server error occurred."}`, nil},
		{"wrapped *ValidationError", ev("POST", "/things/{id}", "invalid"), 400, `{"Code":"BadRequestError","Message":"path.id is taken"}`, nil},
		{"panic", ev("POST", "/things/{id}", "panic"), 500, `{"Code":"InternalServerError","Message":"An internal server error occurred."}`, nil},
		{"*Response output", ev("GET", "/raw/{id}", "r1"), 202, `accepted r1`, map[string]*string{"Content-Type": str("text/plain")}},
		{"status from the value", ev("GET", "/teapot/{id}", "brew"), 418, `{"Code":418}`, nil},
		{"304 has no body", ev("GET", "/teapot/{id}", "none"), 304, ``, nil},
		{"status out of range", ev("GET", "/teapot/{id}", "bad"), 500, `{"Code":"InternalServerError","Message":"An internal server error occurred."}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkResponse(t, call(t, app, tt.ev), tt.status, tt.body, tt.headers)
		})
	}
}

// TestTypedRouteOnError: the app's OnError hook receives a bad request's
// field errors as a *ValidationError inside the *Error.
func TestTypedRouteOnError(t *testing.T) {
	app := itemApp()
	var got *chalice.ValidationError
	app.OnError = func(ctx context.Context, req *chalice.Request, err *chalice.Error) *chalice.Response {
		if !errors.As(err, &got) {
			return nil
		}
		return chalice.NewResponse(http.StatusUnprocessableEntity, map[string]any{"errors": got.Fields, "route": req.Path})
	}
	resp := call(t, app, itemEvent("acme", "7", map[string][]string{"limit": {"0"}}, nil, `{"name":"la","price":1}`))
	checkResponse(t, resp, 422, `{"errors":[{"field":"query.limit","in":"query","reason":"must be at least 1"},{"field":"body.name","in":"body","reason":"must be at least 3 characters"}],"route":"/orgs/{org}/items/{id}"}`, nil)
	if got == nil || len(got.Fields) != 2 || got.Fields[0].In != "query" || got.Error() != "query.limit must be at least 1; body.name must be at least 3 characters" {
		t.Errorf("OnError saw %#v", got)
	}
	var fe chalice.FieldError
	if !errors.As(error(got), &fe) || fe.Field != "query.limit" {
		t.Errorf("errors.As(*ValidationError, *FieldError) = %v", fe)
	}
}

// TestValidationErrorMessage: the message lists at most what it holds and
// counts the rest.
func TestValidationErrorMessage(t *testing.T) {
	tests := []struct {
		ve   chalice.ValidationError
		want string
	}{
		{chalice.ValidationError{Fields: []chalice.FieldError{{Field: "body.a", Reason: "is required"}}}, "body.a is required"},
		{chalice.ValidationError{Fields: []chalice.FieldError{{Field: "body.a", Reason: "is required"}, {Field: "query.b", Reason: "must be an integer"}}, Omitted: 1},
			"body.a is required; query.b must be an integer; and 1 more problem"},
		{chalice.ValidationError{Omitted: 3}, "and 3 more problems"},
	}
	for _, tt := range tests {
		if got := tt.ve.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	// More than 20 failures: the first 20 and a count.
	type many struct {
		Body struct {
			A []int `json:"a" validate:"dive,min=10"`
		}
	}
	app := newApp()
	chalice.Post(app, "/many", func(ctx context.Context, in *many) (*struct{}, error) { return nil, nil })
	body := `{"a":[` + strings.TrimSuffix(strings.Repeat("1,", 25), ",") + `]}`
	resp := call(t, app, restEvent{Method: "POST", Resource: "/many", Body: str(body)})
	if resp.StatusCode != 400 || strings.Count(resp.Body, "must be at least 10") != 20 || !strings.Contains(resp.Body, "; and 5 more problems") {
		t.Errorf("25 failures answered %d %s", resp.StatusCode, resp.Body)
	}
}

// TestTypedRouteWithRouteFeatures: typed routes take blueprints (a URL
// prefix may add path parameters), CORS, route middleware (which sees
// the request before it is bound) and RequestFromContext.
func TestTypedRouteWithRouteFeatures(t *testing.T) {
	type orgIn struct {
		Org  string `path:"org"`
		Name string `path:"name"`
	}
	type hello struct {
		Msg string `json:"msg"`
	}
	bp := chalice.NewBlueprint("orgs")
	var order []string
	chalice.Get(bp, "/hello/{name}", func(ctx context.Context, in *orgIn) (*hello, error) {
		order = append(order, "handler")
		req, ok := chalice.RequestFromContext(ctx)
		if !ok {
			return nil, errors.New("no request in the context")
		}
		return &hello{Msg: in.Org + "/" + in.Name + " via " + req.Path + " " + req.Headers.Get("x-who")}, nil
	}, chalice.Name("hello"), chalice.WithCORS(chalice.DefaultCORS()), chalice.WithMiddleware(func(next chalice.Handler) chalice.Handler {
		return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
			order = append(order, "middleware")
			if req.Headers.Get("x-who") == "" {
				return nil, chalice.UnauthorizedError("who are you?")
			}
			return next(ctx, req)
		}
	}))
	app := newApp()
	app.RegisterBlueprint(bp, chalice.URLPrefix("/orgs/{org}"), chalice.NamePrefix("orgs_"))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	r := m.Routes[0]
	if r.Path != "/orgs/{org}/hello/{name}" || r.Name != "orgs_hello" || len(r.Parameters) != 2 || r.Parameters[0].Name != "org" || r.CORS == nil {
		t.Errorf("manifest route %+v", r)
	}
	ev := restEvent{Resource: "/orgs/{org}/hello/{name}", Path: "/orgs/acme/hello/ana", PathParams: map[string]string{"org": "acme", "name": "ana"},
		Headers: map[string]string{"X-Who": "me"}}
	checkResponse(t, call(t, app, ev), 200, `{"msg":"acme/ana via /orgs/{org}/hello/{name} me"}`,
		map[string]*string{"Access-Control-Allow-Origin": str("*")})
	if strings.Join(order, ",") != "middleware,handler" {
		t.Errorf("order %v", order)
	}
	order = nil
	ev.Headers = nil
	ev.PathParams["org"] = ""
	checkResponse(t, call(t, app, ev), 401, `{"Code":"UnauthorizedError","Message":"who are you?"}`, nil)
	if strings.Join(order, ",") != "middleware" {
		t.Errorf("order %v: middleware answering must keep the request from binding and the handler", order)
	}
	if _, ok := chalice.RequestFromContext(context.Background()); ok {
		t.Error("RequestFromContext outside a typed handler reported a request")
	}
}

// TestTypedRouteMethods: Route takes its methods from the Methods
// option; each method is a manifest entry with the same description.
func TestTypedRouteMethods(t *testing.T) {
	app := newApp()
	chalice.Route(app, itemTemplate, putItem, chalice.Methods("PUT", "PATCH"))
	chalice.Delete(app, "/things/{id}", func(ctx context.Context, in *thingIn) (*struct{}, error) { return nil, nil })
	chalice.Patch(app, "/things/{id}", func(ctx context.Context, in *thingIn) (*created, error) { return &created{ID: in.ID}, nil })
	chalice.Get(app, "/things", func(ctx context.Context, in *struct{}) (*[]created, error) { return &[]created{{ID: "a"}}, nil })
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range m.Routes {
		resp := "-"
		if r.Response != nil {
			resp = fmt.Sprintf("%d %s", r.Response.StatusCode(), r.Response.Schema)
		}
		got = append(got, fmt.Sprintf("%s %s params=%d body=%v response=%s", r.Method, r.Path, len(r.Parameters), r.RequestBody != nil, resp))
	}
	want := []string{
		`PATCH /orgs/{org}/items/{id} params=6 body=true response=200 {"$ref":"#/components/schemas/ItemOut"}`,
		`PUT /orgs/{org}/items/{id} params=6 body=true response=200 {"$ref":"#/components/schemas/ItemOut"}`,
		`GET /things params=0 body=false response=200 {"type":"array","items":{"$ref":"#/components/schemas/Created"}}`,
		`DELETE /things/{id} params=1 body=false response=200 {"type":"object","additionalProperties":false}`,
		`PATCH /things/{id} params=1 body=false response=201 {"$ref":"#/components/schemas/Created"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	checkResponse(t, call(t, app, restEvent{Resource: "/things"}), 200, `[{"id":"a"}]`, nil)
	checkResponse(t, call(t, app, restEvent{Method: "DELETE", Resource: "/things/{id}", Path: "/things/a", PathParams: map[string]string{"id": "a"}}), 204, ``, nil)
}

// TestTypedRouteManifest: the typed routes' parameters, bodies,
// responses and named schemas, as the CLI reads them: byte for byte
// (golden file) and accepted by manifest.Read.
func TestTypedRouteManifest(t *testing.T) {
	app := itemApp(chalice.Name("putItem"))
	chalice.Post(app, "/things/{id}", func(ctx context.Context, in *thingIn) (*created, error) { return nil, nil }, chalice.Name("createThing"))
	app.Get("/untyped", func(ctx context.Context, r *chalice.Request) (any, error) { return nil, nil }, chalice.Name("untyped"))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	goldenCompare(t, "typed.golden.json", []byte(buf.String()))
	back, err := manifest.Read(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("manifest.Read refuses the typed manifest: %v", err)
	}
	if len(back.Schemas) != 3 || len(back.Routes[2].Parameters) != 0 || back.Routes[2].Response != nil {
		t.Errorf("%d schemas; untyped route %+v", len(back.Schemas), back.Routes[2])
	}
	// The description does not change when requests are served first.
	app2 := itemApp(chalice.Name("putItem"))
	chalice.Post(app2, "/things/{id}", func(ctx context.Context, in *thingIn) (*created, error) { return nil, nil }, chalice.Name("createThing"))
	app2.Get("/untyped", func(ctx context.Context, r *chalice.Request) (any, error) { return nil, nil }, chalice.Name("untyped"))
	call(t, app2, itemEvent("acme", "7", nil, nil, `{}`))
	m2, err := app2.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var buf2 strings.Builder
	if err := m2.Write(&buf2); err != nil {
		t.Fatal(err)
	}
	if buf2.String() != buf.String() {
		t.Errorf("the manifest after an Invoke differs:\n%s", buf2.String())
	}
}

type emptyIn struct{}

type chanOut struct {
	C chan int `json:"c"`
}

type noContent struct{}

func (noContent) StatusCode() int { return http.StatusNoContent }

type panicky struct{ p *int }

func (p panicky) StatusCode() int { return *p.p }

type Empty struct {
	X int `json:"x"`
}

// TestTypedRouteDefinitionErrors: mistakes in a typed route's types are
// definition errors naming the route, the type, the field and what would
// be valid; the app lists every one of them at once.
func TestTypedRouteDefinitionErrors(t *testing.T) {
	noop := func(ctx context.Context, r *chalice.Request) (any, error) { return nil, nil }
	tests := []struct {
		name     string
		register func(app *chalice.App)
		want     []string
	}{
		{"path field the template lacks", func(app *chalice.App) {
			chalice.Get(app, "/things", func(ctx context.Context, in *thingIn) (*created, error) { return nil, nil }, chalice.Name("things"))
		}, []string{`route GET /things (things): input: bind: chalice_test.thingIn field ID (path:"id") binds path parameter "id", which the route template does not have (it has no parameters)`}},
		{"template parameter no field binds", func(app *chalice.App) {
			chalice.Get(app, "/things/{id}", func(ctx context.Context, in *emptyIn) (*created, error) { return nil, nil })
		}, []string{`route GET /things/{id}: input: bind: chalice_test.emptyIn has no field for path parameter {id}; add one tagged path:"id"`}},
		{"field type no parameter can have", func(app *chalice.App) {
			type in struct {
				Filter map[string]string `query:"filter"`
			}
			chalice.Get(app, "/f", func(ctx context.Context, in *in) (*created, error) { return nil, nil }, chalice.Name("f"))
		}, []string{`route GET /f (f): input: bind: chalice_test.in field Filter (query:"filter"): type map[string]string cannot be a query parameter`}},
		{"field with no tag", func(app *chalice.App) {
			type in struct{ Limit int }
			chalice.Get(app, "/f", func(ctx context.Context, in *in) (*created, error) { return nil, nil }, chalice.Name("f"))
		}, []string{`route GET /f (f): input: bind: chalice_test.in field Limit has no path, query or header tag`}},
		{"bad rule", func(app *chalice.App) {
			type in struct {
				Body struct {
					Age int `json:"age" validate:"min=abc"`
				}
			}
			chalice.Post(app, "/f", func(ctx context.Context, in *in) (*created, error) { return nil, nil }, chalice.Name("f"))
		}, []string{`route POST /f (f): input: bind: `, `"abc" is not a number`}},
		{"input not a struct", func(app *chalice.App) {
			chalice.Get(app, "/f", func(ctx context.Context, in *string) (*created, error) { return nil, nil }, chalice.Name("f"))
		}, []string{`route GET /f (f): input: bind: input type string must be a struct type`}},
		{"output with no JSON form", func(app *chalice.App) {
			chalice.Get(app, "/f", func(ctx context.Context, in *emptyIn) (*chanOut, error) { return nil, nil }, chalice.Name("f"))
		}, []string{`route GET /f (f): output chalice_test.chanOut: jsonschema: `, `chan int has no JSON form`}},
		{"output declaring 204", func(app *chalice.App) {
			chalice.Delete(app, "/f", func(ctx context.Context, in *emptyIn) (*noContent, error) { return nil, nil }, chalice.Name("f"))
		}, []string{`route DELETE /f (f): output chalice_test.noContent declares status 204 (StatusCode of its zero value)`, `return a nil *chalice_test.noContent`}},
		{"output whose StatusCode panics on the zero value", func(app *chalice.App) {
			chalice.Get(app, "/f", func(ctx context.Context, in *emptyIn) (*panicky, error) { return nil, nil }, chalice.Name("f"))
		}, []string{`route GET /f (f): output: chalice_test.panicky.StatusCode panicked on the zero value`}},
		{"a type named Empty", func(app *chalice.App) {
			chalice.Get(app, "/f", func(ctx context.Context, in *emptyIn) (*Empty, error) { return nil, nil }, chalice.Name("f"))
		}, []string{`typed routes: a type named Empty: the name is Chalice's empty model`}},
		{"nil handler", func(app *chalice.App) {
			chalice.Get[emptyIn, created](app, "/f", nil)
		}, []string{`route /f: handler is nil`}},
		{"with an untyped mistake, every mistake is listed", func(app *chalice.App) {
			app.Get("/dup", noop, chalice.Name("a"))
			app.Get("/dup", noop, chalice.Name("b"))
			chalice.Get(app, "/f", func(ctx context.Context, in *emptyIn) (*chanOut, error) { return nil, nil }, chalice.Name("f"))
		}, []string{`Duplicate method: 'GET' detected for route: '/dup'`, `route GET /f (f): output chalice_test.chanOut: jsonschema: `}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			tt.register(app)
			for what, err := range map[string]error{"Validate": app.Validate(), "Manifest": manifestErr(app)} {
				de, ok := errors.AsType[*chalice.DefinitionError](err)
				if !ok {
					t.Fatalf("%s: %v, want a *DefinitionError", what, err)
				}
				all := strings.Join(de.Problems, "\n")
				for _, w := range tt.want {
					if !strings.Contains(all, w) {
						t.Errorf("%s: problems\n%s\nlack %q", what, all, w)
					}
				}
			}
		})
	}
}

func manifestErr(app *chalice.App) error {
	_, err := app.Manifest()
	return err
}

// TestTypedRouteDescriptionErrorsDoNotStopServing: a mistake only the
// API description has (the output type's schema) is reported by
// Validate and Manifest, which manifest mode and the CLI use; serving
// requests does not derive schemas, so Invoke answers.
func TestTypedRouteDescriptionErrorsDoNotStopServing(t *testing.T) {
	app := newApp()
	chalice.Get(app, "/f", func(ctx context.Context, in *emptyIn) (*chanOut, error) { return nil, nil }, chalice.Name("f"))
	checkResponse(t, call(t, app, restEvent{Resource: "/f"}), 204, ``, nil)
	if err := app.Validate(); err == nil || !strings.Contains(err.Error(), "has no JSON form") {
		t.Errorf("Validate = %v", err)
	}
}

// TestTypedManifestModeExit3: an app binary with typed-route mistakes
// prints no manifest, exits 3 and lists every mistake.
func TestTypedManifestModeExit3(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary; skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "typedbroken")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/typedbroken").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = cleanEnv(manifest.EnvVar + "=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("exit %v, want status 3; stderr:\n%s", err, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q, want nothing", stdout.String())
	}
	want := []string{
		`app "typedbroken" has 5 definition error(s):`,
		`  - route GET /users (listUsers): input: bind: main.wrongPath field ID (path:"id") binds path parameter "id", which the route template does not have (it has no parameters)`,
		`  - route GET /users/{id} (getUser): input: bind: struct {} has no field for path parameter {id}; add one tagged path:"id"`,
		`  - route POST /search (search): input: bind: main.badQuery field Filter (query:"filter"): type map[string]string cannot be a query parameter`,
		`  - route POST /search (search): input: bind: main.badQuery field Body: field struct.Age (json "age"): rule min=abc: "abc" is not a number`,
		`  - route GET /stream (stream): output main.streamOut: jsonschema: field main.streamOut.C: type chan int has no JSON form`,
	}
	for _, w := range want {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr\n%s\nlacks %q", stderr.String(), w)
		}
	}
}

// TestTypedRouteNoContent: a NoContent output is always 204 and declares
// no response body.
func TestTypedRouteNoContent(t *testing.T) {
	app := newApp()
	chalice.Delete(app, "/things/{id}", func(ctx context.Context, in *thingIn) (*chalice.NoContent, error) { return &chalice.NoContent{}, nil })
	checkResponse(t, call(t, app, restEvent{Method: "DELETE", Resource: "/things/{id}", Path: "/things/a", PathParams: map[string]string{"id": "a"}}), 204, ``, nil)
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if r := m.Routes[0]; r.Response != nil || len(r.Parameters) != 1 || m.Schemas != nil {
		t.Errorf("route %+v, schemas %v", r, m.Schemas)
	}
}
