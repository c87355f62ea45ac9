package chalice_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/gochalice/chalice"
)

func TestResponseBodies(t *testing.T) {
	type user struct {
		Name  string   `json:"name"`
		Age   int      `json:"age"`
		Tags  []string `json:"tags"`
		Email string   `json:"email,omitempty"`
	}
	tests := []struct {
		name       string
		ret        any
		status     int
		body       string
		headers    map[string]string
		multi      map[string][]string
		wantBase64 bool
	}{
		{name: "map compact", ret: map[string]any{"hello": "world", "n": 1, "list": []int{1, 2}}, status: 200, body: `{"hello":"world","list":[1,2],"n":1}`},
		{name: "struct", ret: user{Name: "bob", Age: 7, Tags: []string{"a"}}, status: 200, body: `{"name":"bob","age":7,"tags":["a"]}`},
		{name: "slice", ret: []int{1, 2, 3}, status: 200, body: `[1,2,3]`},
		{name: "number", ret: 42, status: 200, body: `42`},
		{name: "bool", ret: true, status: 200, body: `true`},
		{name: "html not escaped", ret: map[string]string{"a": "<b>&</b>"}, status: 200, body: `{"a":"<b>&</b>"}`},
		{name: "non-ascii escaped as json.dumps does", ret: map[string]string{"a": "café 🚀"}, status: 200, body: `{"a":"caf\u00e9 \ud83d\ude80"}`},
		{name: "string as is", ret: "hi there", status: 200, body: "hi there"},
		{name: "string not JSON encoded", ret: `{"x": 1}`, status: 200, body: `{"x": 1}`},
		{name: "non-ascii string as is", ret: "café", status: 200, body: "café"},
		{name: "bytes as is", ret: []byte("raw bytes"), status: 200, body: "raw bytes"},
		{name: "raw message", ret: json.RawMessage(`{"pre": "formatted"}`), status: 200, body: `{"pre": "formatted"}`},
		{name: "nil", ret: nil, status: 200, body: "null"},
		{name: "nil response pointer", ret: (*chalice.Response)(nil), status: 200, body: "null"},
		{name: "empty map", ret: map[string]any{}, status: 200, body: "{}"},
		{name: "nil slice", ret: []string(nil), status: 200, body: "null"},
		{
			name: "response with headers",
			ret: &chalice.Response{StatusCode: 201, Body: map[string]string{"id": "7"},
				Headers:           map[string]string{"Location": "/users/7", "X-Custom": "yes"},
				MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1", "b=2"}}},
			status: 201, body: `{"id":"7"}`,
			headers: map[string]string{"Location": "/users/7", "X-Custom": "yes"},
			multi:   map[string][]string{"Set-Cookie": {"a=1", "b=2"}},
		},
		{name: "response value", ret: chalice.Response{StatusCode: 202, Body: "accepted"}, status: 202, body: "accepted"},
		{name: "response zero status is 200", ret: &chalice.Response{Body: "ok"}, status: 200, body: "ok"},
		{name: "response nil body", ret: &chalice.Response{StatusCode: 204}, status: 204, body: "null"},
		{name: "NewResponse", ret: chalice.NewResponse(418, []string{"tea"}), status: 418, body: `["tea"]`},
		{name: "SetHeader and AddHeader", ret: chalice.NewResponse(200, "x").SetHeader("A", "1").AddHeader("B", "2").AddHeader("B", "3"), status: 200, body: "x",
			headers: map[string]string{"A": "1"}, multi: map[string][]string{"B": {"2", "3"}}},
		{name: "text content type set by view is kept", ret: &chalice.Response{Body: "<p>", Headers: map[string]string{"Content-Type": "text/html"}}, status: 200, body: "<p>",
			headers: map[string]string{"Content-Type": "text/html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return tt.ret, nil })
			got := call(t, app, restEvent{Resource: "/"})
			if got.StatusCode != tt.status || got.Body != tt.body || got.IsBase64Encoded != tt.wantBase64 {
				t.Errorf("got %d %q base64=%v, want %d %q base64=%v", got.StatusCode, got.Body, got.IsBase64Encoded, tt.status, tt.body, tt.wantBase64)
			}
			wantH := tt.headers
			if wantH == nil {
				wantH = map[string]string{}
			}
			if !reflect.DeepEqual(got.Headers, wantH) {
				t.Errorf("headers = %v, want %v (no Content-Type is added)", got.Headers, wantH)
			}
			wantM := tt.multi
			if wantM == nil {
				wantM = map[string][]string{}
			}
			if !reflect.DeepEqual(got.MultiValueHeaders, wantM) {
				t.Errorf("multiValueHeaders = %v, want %v", got.MultiValueHeaders, wantM)
			}
		})
	}
}

func TestResponseRawShape(t *testing.T) {
	app := newApp()
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) {
		return map[string]string{"hello": "world"}, nil
	})
	out, err := app.Invoke(context.Background(), "api_handler", restEvent{Resource: "/"}.JSON())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"statusCode":200,"headers":{},"multiValueHeaders":{},"body":"{\"hello\":\"world\"}","isBase64Encoded":false}`
	if string(out) != want {
		t.Errorf("raw response\n got %s\nwant %s", out, want)
	}
}

func TestUnencodableBodyIs500(t *testing.T) {
	app := newApp()
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) {
		return map[string]any{"ch": make(chan int)}, nil
	})
	got := call(t, app, restEvent{Resource: "/"})
	checkResponse(t, got, 500, `{"Code":"InternalServerError","Message":"An internal server error occurred."}`, nil)
}

func TestErrorConstructors(t *testing.T) {
	tests := []struct {
		err    error
		status int
		body   string
	}{
		{chalice.ChaliceViewError("view broke"), 500, `{"Code":"ChaliceViewError","Message":"view broke"}`},
		{chalice.BadRequestError("bad %s", "input"), 400, `{"Code":"BadRequestError","Message":"bad input"}`},
		{chalice.UnauthorizedError("who are you"), 401, `{"Code":"UnauthorizedError","Message":"who are you"}`},
		{chalice.ForbiddenError("no"), 403, `{"Code":"ForbiddenError","Message":"no"}`},
		{chalice.NotFoundError("user %q not found", "bob"), 404, `{"Code":"NotFoundError","Message":"user \"bob\" not found"}`},
		{chalice.MethodNotAllowedError("nope"), 405, `{"Code":"MethodNotAllowedError","Message":"nope"}`},
		{chalice.RequestTimeoutError("slow"), 408, `{"Code":"RequestTimeoutError","Message":"slow"}`},
		{chalice.ConflictError("exists"), 409, `{"Code":"ConflictError","Message":"exists"}`},
		{chalice.UnprocessableEntityError("bad entity"), 422, `{"Code":"UnprocessableEntityError","Message":"bad entity"}`},
		{chalice.TooManyRequestsError("slow down"), 429, `{"Code":"TooManyRequestsError","Message":"slow down"}`},
		{chalice.NewError(418, "ImATeapot", "short and stout"), 418, `{"Code":"ImATeapot","Message":"short and stout"}`},
		{chalice.NotFoundError("x").Wrap(errors.New("sql: no rows")), 404, `{"Code":"NotFoundError","Message":"x"}`},
		{fmt.Errorf("loading: %w", chalice.ConflictError("wrapped")), 409, `{"Code":"ConflictError","Message":"wrapped"}`},
		{chalice.BadRequestError(""), 400, `{"Code":"BadRequestError","Message":""}`},
		{chalice.BadRequestError("naïve"), 400, `{"Code":"BadRequestError","Message":"na\u00efve"}`},
		{errors.New("database exploded"), 500, `{"Code":"InternalServerError","Message":"An internal server error occurred."}`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, " ", tt.err), func(t *testing.T) {
			for _, debug := range []bool{false, true} {
				app := newApp(chalice.WithDebug(debug))
				app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return "unused", tt.err })
				got := call(t, app, restEvent{Resource: "/"})
				if debug && tt.status == 500 && !strings.HasPrefix(tt.body, `{"Code":"ChaliceViewError"`) {
					// Unhandled errors in debug mode: text/plain with the error.
					checkResponse(t, got, 500, got.Body, map[string]*string{"Content-Type": str("text/plain")})
					if !strings.Contains(got.Body, tt.err.Error()) {
						t.Errorf("debug body %q does not mention the error", got.Body)
					}
					continue
				}
				checkResponse(t, got, tt.status, tt.body, map[string]*string{"Content-Type": nil})
			}
		})
	}
	// Error strings for logs.
	if s := chalice.NotFoundError("x").Wrap(errors.New("cause")).Error(); s != "NotFoundError: x: cause" {
		t.Errorf("Error() = %q", s)
	}
	if !errors.Is(chalice.NotFoundError("x").Wrap(errSentinel), errSentinel) {
		t.Error("Wrap does not unwrap")
	}
}

var errSentinel = errors.New("sentinel")

func TestPanicInView(t *testing.T) {
	var logs bytes.Buffer
	app := chalice.New("testapp", chalice.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	app.Get("/boom/{id}", func(ctx context.Context, req *chalice.Request) (any, error) { panic("kaboom") })
	app.Get("/nilmap", func(ctx context.Context, req *chalice.Request) (any, error) {
		var m map[string]int
		m["x"] = 1 //lint:ignore SA5000 the panic is what the test is about
		return nil, nil
	})
	for _, res := range []string{"/boom/{id}", "/nilmap"} {
		got := call(t, app, restEvent{Resource: res, Path: "/boom/1", PathParams: map[string]string{"id": "1"}})
		checkResponse(t, got, 500, `{"Code":"InternalServerError","Message":"An internal server error occurred."}`, nil)
	}
	if !strings.Contains(logs.String(), "Caught exception for path /boom/{id}") {
		t.Errorf("log does not record the exception: %s", logs.String())
	}

	dbg := newApp(chalice.WithDebug(true))
	dbg.Get("/boom", func(ctx context.Context, req *chalice.Request) (any, error) { panic("kaboom") })
	dbg.Get("/err", func(ctx context.Context, req *chalice.Request) (any, error) { return nil, errors.New("plain failure") })
	got := call(t, dbg, restEvent{Resource: "/boom"})
	checkResponse(t, got, 500, got.Body, map[string]*string{"Content-Type": str("text/plain")})
	if !strings.Contains(got.Body, "kaboom") || !strings.Contains(got.Body, "goroutine") {
		t.Errorf("debug panic body lacks message or stack: %q", got.Body)
	}
	got = call(t, dbg, restEvent{Resource: "/err"})
	checkResponse(t, got, 500, "plain failure\n", map[string]*string{"Content-Type": str("text/plain")})
}

func TestMethodNotAllowed(t *testing.T) {
	app := newApp()
	h := func(ctx context.Context, req *chalice.Request) (any, error) { return req.Method, nil }
	app.Route("/res", h, chalice.Methods("GET", "put"), chalice.WithCORS(chalice.DefaultCORS()))
	app.Route("/single", h, chalice.Methods("POST"))
	app.Route("/single", h, chalice.Methods("PATCH"))
	tests := []struct {
		resource, method, allow, msg string
	}{
		{"/res", "DELETE", "GET, PUT", "Unsupported method: DELETE"},
		{"/res", "HEAD", "GET, PUT", "Unsupported method: HEAD"},
		{"/res", "OPTIONS", "GET, PUT", "Unsupported method: OPTIONS"},
		{"/single", "GET", "POST, PATCH", "Unsupported method: GET"},
	}
	for _, tt := range tests {
		got := call(t, app, restEvent{Resource: tt.resource, Method: tt.method})
		checkResponse(t, got, 405, `{"Code":"MethodNotAllowedError","Message":"`+tt.msg+`"}`, map[string]*string{"Allow": str(tt.allow)})
		for k := range got.Headers {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s %s: 405 carries CORS header %s", tt.method, tt.resource, k)
			}
		}
		if len(got.Headers) != 1 {
			t.Errorf("405 headers = %v, want only Allow", got.Headers)
		}
	}
	for _, m := range []string{"GET", "PUT"} {
		got := call(t, app, restEvent{Resource: "/res", Method: m})
		checkResponse(t, got, 200, m, nil)
	}
}

func TestUnsupportedMediaType(t *testing.T) {
	echo := func(ctx context.Context, req *chalice.Request) (any, error) { return "ok", nil }
	app := newApp()
	app.Post("/json", echo)
	app.Post("/cors", echo, chalice.WithCORS(chalice.DefaultCORS()))
	app.Post("/multi", echo, chalice.ContentTypes("application/xml", "text/plain"))
	app.Post("/any", echo, chalice.ContentTypes("*/*"))
	app.Post("/upload", echo, chalice.ContentTypes("image/png", "image/jpeg"))
	corsAllow := "Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key"
	tests := []struct {
		name, resource string
		headers        map[string]string
		ok             bool
		shownCT        string
		cors           bool
	}{
		{"json default", "/json", map[string]string{"Content-Type": "application/json"}, true, "", false},
		{"missing content type is json", "/json", map[string]string{"Accept": "*/*"}, true, "", false},
		{"no headers at all", "/json", nil, true, "", false},
		{"charset parameter", "/json", map[string]string{"Content-Type": "application/json; charset=utf-8"}, true, "", false},
		{"upper case type", "/json", map[string]string{"content-type": "APPLICATION/JSON"}, true, "", false},
		{"text rejected", "/json", map[string]string{"Content-Type": "text/plain"}, false, "text/plain", false},
		{"original spelling in message", "/json", map[string]string{"Content-Type": "Text/Plain; charset=UTF-8"}, false, "Text/Plain; charset=UTF-8", false},
		{"lower-case header name", "/json", map[string]string{"content-type": "application/x-www-form-urlencoded"}, false, "application/x-www-form-urlencoded", false},
		{"star on request side", "/json", map[string]string{"Content-Type": "*/*"}, true, "", false},
		{"415 carries CORS", "/cors", map[string]string{"Content-Type": "text/plain"}, false, "text/plain", true},
		{"list of types", "/multi", map[string]string{"Content-Type": "text/plain"}, true, "", false},
		{"list rejects json", "/multi", map[string]string{"Content-Type": "application/json"}, false, "application/json", false},
		{"list rejects missing (json)", "/multi", nil, false, "application/json", false},
		{"star on route side", "/any", map[string]string{"Content-Type": "application/vnd.whatever"}, true, "", false},
		{"binary upload", "/upload", map[string]string{"Content-Type": "image/jpeg"}, true, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, app, restEvent{Method: "POST", Resource: tt.resource, Headers: tt.headers, Body: str("")})
			if tt.ok {
				checkResponse(t, got, 200, "ok", nil)
				return
			}
			want := map[string]*string{"Access-Control-Allow-Origin": nil}
			if tt.cors {
				want = map[string]*string{"Access-Control-Allow-Origin": str("*"), "Access-Control-Allow-Headers": str(corsAllow)}
			}
			checkResponse(t, got, 415, `{"Code":"UnsupportedMediaType","Message":"Unsupported media type: `+tt.shownCT+`"}`, want)
		})
	}
}

func TestJSONBody(t *testing.T) {
	app := newApp()
	app.Post("/", func(ctx context.Context, req *chalice.Request) (any, error) {
		v, err := req.JSONBody()
		if err != nil {
			return nil, err
		}
		return map[string]any{"parsed": v}, nil
	}, chalice.ContentTypes("*/*"))
	app.Post("/decode", func(ctx context.Context, req *chalice.Request) (any, error) {
		var in struct {
			Name string `json:"name"`
		}
		if err := req.DecodeJSON(&in); err != nil {
			return nil, err
		}
		return "hello " + in.Name, nil
	}, chalice.ContentTypes("*/*"))
	badJSON := `{"Code":"BadRequestError","Message":"Error Parsing JSON"}`
	tests := []struct {
		name, resource string
		ct             string // "" = no header
		body           *string
		base64         bool
		status         int
		want           string
	}{
		{"object", "/", "application/json", str(`{"a": [1, 2]}`), false, 200, `{"parsed":{"a":[1,2]}}`},
		{"charset", "/", "application/json; charset=utf-8", str(`"s"`), false, 200, `{"parsed":"s"}`},
		{"vendor suffix prefix match", "/", "application/json-patch+json", str(`[]`), false, 200, `{"parsed":[]}`},
		{"case-sensitive value", "/", "Application/JSON", str(`{"a":1}`), false, 200, `{"parsed":null}`},
		{"other type", "/", "text/plain", str(`{"a":1}`), false, 200, `{"parsed":null}`},
		{"no content type", "/", "", str(`{"a":1}`), false, 200, `{"parsed":null}`},
		{"invalid", "/", "application/json", str(`{"a":`), false, 400, badJSON},
		{"empty body", "/", "application/json", str(""), false, 400, badJSON},
		{"null body", "/", "application/json", nil, false, 400, badJSON},
		{"base64 body", "/", "application/json", str(base64.StdEncoding.EncodeToString([]byte(`{"b":true}`))), true, 200, `{"parsed":{"b":true}}`},
		{"json null", "/", "application/json", str(`null`), false, 200, `{"parsed":null}`},
		{"decode any type", "/decode", "text/plain", str(`{"name":"ann"}`), false, 200, "hello ann"},
		{"decode invalid", "/decode", "application/json", str(`nope`), false, 400, badJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h map[string]string
			if tt.ct != "" {
				h = map[string]string{"content-type": tt.ct}
			}
			got := call(t, app, restEvent{Method: "POST", Resource: tt.resource, Headers: h, Body: tt.body, Base64: tt.base64})
			checkResponse(t, got, tt.status, tt.want, nil)
		})
	}
}

func TestJSONBodyCached(t *testing.T) {
	app := newApp()
	app.Post("/", func(ctx context.Context, req *chalice.Request) (any, error) {
		a, err1 := req.JSONBody()
		b, err2 := req.JSONBody()
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("errors %v %v", err1, err2)
		}
		a.(map[string]any)["seen"] = true
		return b, nil
	})
	got := call(t, app, restEvent{Method: "POST", Resource: "/", Headers: map[string]string{"Content-Type": "application/json"}, Body: str(`{"x":1}`)})
	checkResponse(t, got, 200, `{"seen":true,"x":1}`, nil)
}

func TestRequestFields(t *testing.T) {
	type seen struct {
		Method, Path, URLPath, Source   string
		Query                           chalice.QueryParams
		QueryNil                        bool
		Get, Missing                    string
		List                            []string
		Has                             bool
		HeaderCT, HeaderCustom, Absent  string
		HeaderPresent                   bool
		HeaderValues                    []string
		URIParams, StageVars            map[string]string
		Authorizer                      map[string]any
		ResourcePath, HTTPMethod, Stage string
		AccountID, APIID, SourceIP      string
		RawBody                         []byte
		RawBodyNil                      bool
		ToMap                           map[string]any
	}
	var got seen
	app := newApp()
	view := func(ctx context.Context, req *chalice.Request) (any, error) {
		got = seen{
			Method: req.Method, Path: req.Path, URLPath: req.URLPath, Source: req.Source,
			Query: req.Query, QueryNil: req.Query == nil,
			Get: req.Query.Get("tag"), Missing: req.Query.Get("missing"), List: req.Query.GetList("tag"), Has: req.Query.Has("tag"),
			HeaderCT: req.Headers.Get("CONTENT-TYPE"), HeaderCustom: req.Headers.Get("x-custom-header"), Absent: req.Headers.Get("x-absent"),
			HeaderValues: req.Headers.Values("X-Multi"),
			URIParams:    req.URIParams, StageVars: req.StageVars, Authorizer: req.Context.Authorizer,
			ResourcePath: req.Context.ResourcePath, HTTPMethod: req.Context.HTTPMethod, Stage: req.Context.Stage,
			AccountID: req.Context.AccountID, APIID: req.Context.APIID, SourceIP: req.Context.SourceIP,
			RawBody: req.RawBody, RawBodyNil: req.RawBody == nil, ToMap: req.ToMap(),
		}
		_, got.HeaderPresent = req.Headers.Lookup("X-Custom-Header")
		return "ok", nil
	}
	app.Route("/users/{user}/items/{item}", view, chalice.Methods("GET", "POST"), chalice.ContentTypes("*/*"))

	t.Run("full", func(t *testing.T) {
		call(t, app, restEvent{
			Method: "POST", Resource: "/users/{user}/items/{item}", Path: "/users/bob/items/a%20b",
			Headers:    map[string]string{"Content-Type": "text/plain", "X-Custom-Header": "v1"},
			MultiHdr:   map[string][]string{"X-Multi": {"1", "2"}},
			Query:      map[string][]string{"tag": {"a", "b", "c"}, "single": {"x"}},
			PathParams: map[string]string{"user": "bob", "item": "a%20b"},
			StageVars:  map[string]string{"env": "prod"},
			Authorizer: map[string]any{"principalId": "user-1", "role": "admin", "n": 3.0},
			Body:       str(base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 0xff})), Base64: true,
		})
		want := seen{
			Method: "POST", Path: "/users/{user}/items/{item}", URLPath: "/users/bob/items/a%20b", Source: "rest",
			Query: chalice.QueryParams{"tag": {"a", "b", "c"}, "single": {"x"}},
			Get:   "c", List: []string{"a", "b", "c"}, Has: true,
			HeaderCT: "text/plain", HeaderCustom: "v1", HeaderPresent: true, HeaderValues: []string{"1", "2"},
			URIParams:    map[string]string{"user": "bob", "item": "a%20b"},
			StageVars:    map[string]string{"env": "prod"},
			Authorizer:   map[string]any{"principalId": "user-1", "role": "admin", "n": 3.0},
			ResourcePath: "/users/{user}/items/{item}", HTTPMethod: "POST", Stage: "api",
			AccountID: "123456789012", APIID: "abcd1234ef", SourceIP: "203.0.113.7",
			RawBody: []byte{0, 1, 2, 0xff},
		}
		toMap := got.ToMap
		got.ToMap = nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("request\n got %+v\nwant %+v", got, want)
		}
		if toMap["path"] != "/users/{user}/items/{item}" || toMap["method"] != "POST" {
			t.Errorf("ToMap = %v", toMap)
		}
		if q, _ := toMap["query_params"].(map[string]string); q["tag"] != "c" {
			t.Errorf("ToMap query_params = %v, want last values", toMap["query_params"])
		}
		if h, _ := toMap["headers"].(map[string]string); h["x-custom-header"] != "v1" {
			t.Errorf("ToMap headers = %v, want lower-cased names", toMap["headers"])
		}
		if _, err := json.Marshal(toMap); err != nil {
			t.Errorf("ToMap is not JSON-safe: %v", err)
		}
	})

	t.Run("empty", func(t *testing.T) {
		call(t, app, restEvent{Method: "GET", Resource: "/users/{user}/items/{item}", Path: "/users/x/items/y",
			PathParams: map[string]string{"user": "x", "item": "y"}})
		if !got.QueryNil || got.Query != nil {
			t.Errorf("Query = %v, want nil when absent", got.Query)
		}
		if got.Get != "" || got.List != nil || got.Has {
			t.Errorf("nil query lookups = %q %v %v", got.Get, got.List, got.Has)
		}
		if got.RawBodyNil || len(got.RawBody) != 0 {
			t.Errorf("RawBody = %#v, want empty non-nil", got.RawBody)
		}
		if got.HeaderCT != "" || got.HeaderPresent {
			t.Errorf("headers of a null-headers event: %q %v", got.HeaderCT, got.HeaderPresent)
		}
		if len(got.StageVars) != 0 {
			t.Errorf("StageVars = %v", got.StageVars)
		}
		if q, ok := got.ToMap["query_params"].(map[string]string); !ok || q != nil {
			t.Errorf("ToMap query_params = %#v, want nil", got.ToMap["query_params"])
		}
	})

	t.Run("plain body", func(t *testing.T) {
		call(t, app, restEvent{Method: "POST", Resource: "/users/{user}/items/{item}", Path: "/users/x/items/y",
			PathParams: map[string]string{"user": "x", "item": "y"}, Body: str("plain ✓")})
		if string(got.RawBody) != "plain ✓" {
			t.Errorf("RawBody = %q", got.RawBody)
		}
	})
}

func TestBinaryResponses(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00binary")
	newBinApp := func() *chalice.App {
		app := newApp()
		app.Get("/img", func(ctx context.Context, req *chalice.Request) (any, error) {
			return &chalice.Response{Body: png, Headers: map[string]string{"Content-Type": "image/png"}}, nil
		})
		app.Get("/imgcors", func(ctx context.Context, req *chalice.Request) (any, error) {
			return &chalice.Response{Body: png, Headers: map[string]string{"Content-Type": "image/png"}}, nil
		}, chalice.WithCORS(chalice.DefaultCORS()))
		app.Get("/octet", func(ctx context.Context, req *chalice.Request) (any, error) {
			return &chalice.Response{Body: []byte("foobar"), Headers: map[string]string{"content-type": "application/octet-stream; charset=binary"}}, nil
		})
		app.Get("/json", func(ctx context.Context, req *chalice.Request) (any, error) {
			return map[string]string{"foo": "bar"}, nil
		})
		app.Get("/jsonct", func(ctx context.Context, req *chalice.Request) (any, error) {
			return &chalice.Response{Body: map[string]string{"foo": "bar"}, Headers: map[string]string{"Content-Type": "application/json"}}, nil
		})
		app.Get("/text", func(ctx context.Context, req *chalice.Request) (any, error) {
			return &chalice.Response{Body: "plain", Headers: map[string]string{"Content-Type": "text/plain"}}, nil
		})
		return app
	}
	pngB64 := base64.StdEncoding.EncodeToString(png)
	badAccept := func(ct string) string {
		return `{"Code":"BadRequest","Message":"Request did not specify an Accept header with ` + ct + `, The response has a Content-Type of ` + ct +
			`. If a response has a binary Content-Type then the request must specify an Accept header that matches."}`
	}
	tests := []struct {
		name       string
		jsonBinary bool // add application/json to BinaryTypes
		allBinary  bool // BinaryTypes = */*
		resource   string
		accept     string // "" = no Accept header
		status     int
		body       string
		base64     bool
		cors       bool
	}{
		{"png with accept", false, false, "/img", "image/png", 200, pngB64, true, false},
		{"png with browser accept list", false, false, "/img", "text/html,image/png;q=0.9", 200, pngB64, true, false},
		{"png with other binary accept", false, false, "/img", "image/gif", 200, pngB64, true, false},
		{"png with star accept", false, false, "/img", "*/*", 200, pngB64, true, false},
		{"png without accept", false, false, "/img", "", 400, badAccept("image/png"), false, false},
		{"png with text accept", false, false, "/img", "text/html", 400, badAccept("image/png"), false, false},
		{"400 keeps CORS", false, false, "/imgcors", "", 400, badAccept("image/png"), false, true},
		{"octet with charset", false, false, "/octet", "application/octet-stream", 200, "Zm9vYmFy", true, false},
		{"json not binary", false, false, "/json", "", 200, `{"foo":"bar"}`, false, false},
		{"text not binary", false, false, "/text", "image/png", 200, "plain", false, false},
		{"binary json with content type", true, false, "/jsonct", "application/json", 200, "eyJmb28iOiJiYXIifQ==", true, false},
		{"binary json needs accept", true, false, "/jsonct", "", 400, badAccept("application/json"), false, false},
		// Chalice's to_dict only encodes when the response has a matching
		// Content-Type header; a plain value with no header stays text.
		{"binary json without content type", true, false, "/json", "application/json", 200, `{"foo":"bar"}`, false, false},
		// ... but the Accept check assumes application/json, and the
		// message shows the (missing) header as empty, as in Chalice.
		{"binary json without content type or accept", true, false, "/json", "", 400, badAccept(""), false, false},
		{"all binary, no content type", false, true, "/json", "*/*", 200, "eyJmb28iOiJiYXIifQ==", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newBinApp()
			if tt.jsonBinary {
				app.API.BinaryTypes = append(app.API.BinaryTypes, "application/json")
			}
			if tt.allBinary {
				app.API.BinaryTypes = []string{"*/*"}
			}
			var h map[string]string
			if tt.accept != "" {
				h = map[string]string{"Accept": tt.accept}
			}
			got := call(t, app, restEvent{Resource: tt.resource, Headers: h})
			want := map[string]*string{"Access-Control-Allow-Origin": nil}
			if tt.cors {
				want["Access-Control-Allow-Origin"] = str("*")
			}
			checkResponse(t, got, tt.status, tt.body, want)
			if got.IsBase64Encoded != tt.base64 {
				t.Errorf("isBase64Encoded = %v, want %v", got.IsBase64Encoded, tt.base64)
			}
		})
	}
}

func TestBinaryRequestBody(t *testing.T) {
	app := newApp()
	var body []byte
	app.Post("/upload", func(ctx context.Context, req *chalice.Request) (any, error) {
		body = req.RawBody
		return len(req.RawBody), nil
	}, chalice.ContentTypes("application/octet-stream"))
	raw := []byte{0xde, 0xad, 0xbe, 0xef, 0x00}
	got := call(t, app, restEvent{Method: "POST", Resource: "/upload", Headers: map[string]string{"Content-Type": "application/octet-stream"},
		Body: str(base64.StdEncoding.EncodeToString(raw)), Base64: true})
	checkResponse(t, got, 200, "5", nil)
	if !bytes.Equal(body, raw) {
		t.Errorf("RawBody = %x, want %x", body, raw)
	}
	got = call(t, app, restEvent{Method: "POST", Resource: "/upload", Headers: map[string]string{"Content-Type": "application/octet-stream"},
		Body: str("!!not base64!!"), Base64: true})
	if got.StatusCode != 400 {
		t.Errorf("invalid base64 body: status %d %s, want 400", got.StatusCode, got.Body)
	}
}

func TestCORS(t *testing.T) {
	defaultAllow := "Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key"
	maxAge := 600
	custom := &chalice.CORSConfig{
		AllowOrigin:      "https://foo.example.com",
		AllowHeaders:     []string{"X-Special-Header", "Authorization", "A-First"},
		ExposeHeaders:    []string{"X-Expose-B", "X-Expose-A"},
		MaxAge:           &maxAge,
		AllowCredentials: true,
	}
	ok := func(ctx context.Context, req *chalice.Request) (any, error) { return "ok", nil }
	tests := []struct {
		name  string
		setup func(app *chalice.App)
		ev    restEvent
		want  map[string]*string
		code  int
	}{
		{
			name:  "default config",
			setup: func(app *chalice.App) { app.Get("/r", ok, chalice.WithCORS(chalice.DefaultCORS())) },
			ev:    restEvent{Resource: "/r"},
			want: map[string]*string{"Access-Control-Allow-Origin": str("*"), "Access-Control-Allow-Headers": str(defaultAllow),
				"Access-Control-Expose-Headers": nil, "Access-Control-Max-Age": nil, "Access-Control-Allow-Credentials": nil, "Access-Control-Allow-Methods": nil},
			code: 200,
		},
		{
			name:  "zero config",
			setup: func(app *chalice.App) { app.Get("/r", ok, chalice.WithCORS(&chalice.CORSConfig{})) },
			ev:    restEvent{Resource: "/r"},
			want:  map[string]*string{"Access-Control-Allow-Origin": str("*"), "Access-Control-Allow-Headers": str(defaultAllow)},
			code:  200,
		},
		{
			name:  "custom config",
			setup: func(app *chalice.App) { app.Get("/r", ok, chalice.WithCORS(custom)) },
			ev:    restEvent{Resource: "/r"},
			want: map[string]*string{
				"Access-Control-Allow-Origin":      str("https://foo.example.com"),
				"Access-Control-Allow-Headers":     str("A-First,Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key,X-Special-Header"),
				"Access-Control-Expose-Headers":    str("X-Expose-B,X-Expose-A"),
				"Access-Control-Max-Age":           str("600"),
				"Access-Control-Allow-Credentials": str("true"),
			},
			code: 200,
		},
		{
			name: "view headers not overwritten",
			setup: func(app *chalice.App) {
				app.Get("/r", func(ctx context.Context, req *chalice.Request) (any, error) {
					return &chalice.Response{Body: "mine", Headers: map[string]string{"Access-Control-Allow-Origin": "https://mine.example"}}, nil
				}, chalice.WithCORS(chalice.DefaultCORS()))
			},
			ev:   restEvent{Resource: "/r"},
			want: map[string]*string{"Access-Control-Allow-Origin": str("https://mine.example"), "Access-Control-Allow-Headers": str(defaultAllow)},
			code: 200,
		},
		{
			name:  "no CORS by default",
			setup: func(app *chalice.App) { app.Get("/r", ok) },
			ev:    restEvent{Resource: "/r"},
			want:  map[string]*string{"Access-Control-Allow-Origin": nil, "Access-Control-Allow-Headers": nil},
			code:  200,
		},
		{
			name: "app-wide default",
			setup: func(app *chalice.App) {
				app.API.CORS = chalice.DefaultCORS()
				app.Get("/r", ok)
			},
			ev:   restEvent{Resource: "/r"},
			want: map[string]*string{"Access-Control-Allow-Origin": str("*"), "Access-Control-Allow-Headers": str(defaultAllow)},
			code: 200,
		},
		{
			name: "per-route opt out",
			setup: func(app *chalice.App) {
				app.API.CORS = chalice.DefaultCORS()
				app.Get("/r", ok, chalice.WithCORS(nil))
				app.Get("/other", ok)
			},
			ev:   restEvent{Resource: "/r"},
			want: map[string]*string{"Access-Control-Allow-Origin": nil, "Access-Control-Allow-Headers": nil},
			code: 200,
		},
		{
			name: "per-route override of app default",
			setup: func(app *chalice.App) {
				app.API.CORS = chalice.DefaultCORS()
				app.Get("/r", ok, chalice.WithCORS(&chalice.CORSConfig{AllowOrigin: "https://x.example"}))
			},
			ev:   restEvent{Resource: "/r"},
			want: map[string]*string{"Access-Control-Allow-Origin": str("https://x.example")},
			code: 200,
		},
		{
			name: "on view error",
			setup: func(app *chalice.App) {
				app.Get("/r", func(ctx context.Context, req *chalice.Request) (any, error) {
					return nil, chalice.NotFoundError("gone")
				}, chalice.WithCORS(chalice.DefaultCORS()))
			},
			ev:   restEvent{Resource: "/r"},
			want: map[string]*string{"Access-Control-Allow-Origin": str("*"), "Access-Control-Allow-Headers": str(defaultAllow)},
			code: 404,
		},
		{
			name: "on unhandled error",
			setup: func(app *chalice.App) {
				app.Get("/r", func(ctx context.Context, req *chalice.Request) (any, error) {
					return nil, errors.New("boom")
				}, chalice.WithCORS(chalice.DefaultCORS()))
			},
			ev:   restEvent{Resource: "/r"},
			want: map[string]*string{"Access-Control-Allow-Origin": str("*")},
			code: 500,
		},
		{
			name: "on panic",
			setup: func(app *chalice.App) {
				app.Get("/r", func(ctx context.Context, req *chalice.Request) (any, error) { panic("x") }, chalice.WithCORS(chalice.DefaultCORS()))
			},
			ev:   restEvent{Resource: "/r"},
			want: map[string]*string{"Access-Control-Allow-Origin": str("*")},
			code: 500,
		},
		{
			name: "mixed CORS and non-CORS methods on one path",
			setup: func(app *chalice.App) {
				app.Get("/r", ok, chalice.WithCORS(chalice.DefaultCORS()))
				app.Post("/r", ok)
			},
			ev:   restEvent{Resource: "/r", Method: "POST"},
			want: map[string]*string{"Access-Control-Allow-Origin": nil},
			code: 200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			tt.setup(app)
			got := call(t, app, tt.ev)
			if got.StatusCode != tt.code {
				t.Errorf("status = %d, want %d", got.StatusCode, tt.code)
			}
			checkResponse(t, got, tt.code, got.Body, tt.want)
		})
	}
}

func TestCORSHeadersHelper(t *testing.T) {
	maxAge := 0
	c := &chalice.CORSConfig{AllowHeaders: []string{"Content-Type", "X-B", "X-A"}, MaxAge: &maxAge}
	want := map[string]string{
		"Access-Control-Allow-Origin":  "*",
		"Access-Control-Allow-Headers": "Authorization,Content-Type,X-A,X-Amz-Date,X-Amz-Security-Token,X-Api-Key,X-B",
		"Access-Control-Max-Age":       "0",
	}
	if got := c.Headers(); !reflect.DeepEqual(got, want) {
		t.Errorf("Headers() = %v, want %v", got, want)
	}
	if len(c.AllowHeaders) != 3 || c.AllowHeaders[0] != "Content-Type" {
		t.Errorf("Headers() modified the config: %v", c.AllowHeaders)
	}
}

func TestHeaderValueWithNewline(t *testing.T) {
	for _, tt := range []struct {
		name string
		resp *chalice.Response
	}{
		{"single", &chalice.Response{Body: "x", Headers: map[string]string{"X-Bad": "a\nb"}}},
		{"multi", &chalice.Response{Body: "x", MultiValueHeaders: map[string][]string{"X-Bad": {"ok", "a\nb"}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return tt.resp, nil })
			got := call(t, app, restEvent{Resource: "/"})
			checkResponse(t, got, 500, `{"Code":"InternalServerError","Message":"An internal server error occurred."}`, map[string]*string{"X-Bad": nil})
		})
	}
}

func TestUnknownRequest(t *testing.T) {
	app := newApp()
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return "root", nil })
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil }, chalice.Name("other"))
	unknown := `{"Code":"InternalServerError","Message":"Unknown request."}`
	payloads := map[string][]byte{
		"no resource":      restEvent{Path: "/", NoResource: true}.JSON(),
		"garbage":          []byte(`this is not json`),
		"truncated":        []byte(`{"resource": "/", "requestContext": {`),
		"json array":       []byte(`[1,2,3]`),
		"empty object":     []byte(`{}`),
		"null":             []byte(`null`),
		"empty":            []byte(``),
		"sqs event":        readFixture(t, "sqs_batch.json"),
		"s3 event":         readFixture(t, "s3_put.json"),
		"scheduled event":  readFixture(t, "scheduled.json"),
		"websocket event":  readFixture(t, "ws_message.json"),
		"resource is null": []byte(`{"resource":null,"path":"/","httpMethod":"GET","requestContext":{"resourcePath":null,"httpMethod":"GET"}}`),
	}
	for name, p := range payloads {
		t.Run(name, func(t *testing.T) {
			got := invokeRaw(t, app, "api_handler", p)
			checkResponse(t, got, 500, unknown, nil)
		})
	}
	// resourcePath alone is enough (Chalice reads requestContext.resourcePath).
	got := invokeRaw(t, app, "api_handler", []byte(`{"path":"/","httpMethod":"GET","requestContext":{"resourcePath":"/","httpMethod":"GET"}}`))
	checkResponse(t, got, 200, "root", nil)
}

func TestUnknownFunction(t *testing.T) {
	app := newApp()
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil })
	_, err := app.Invoke(context.Background(), "nope", []byte(`{}`))
	if !errors.Is(err, chalice.ErrFunctionNotFound) || !strings.Contains(err.Error(), "api_handler") {
		t.Errorf("Invoke(nope) error = %v", err)
	}
}

func TestUnknownResourceIs403(t *testing.T) {
	app := newApp()
	app.Get("/known", func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil })
	got := call(t, app, restEvent{Resource: "/unknown"})
	checkResponse(t, got, 403, `{"message":"Missing Authentication Token"}`, nil)
}

// v2 events: API Gateway HTTP API (payload 2.0) and Lambda Function URLs.
func v2Event(routeKey, method, rawPath, rawQuery string, headers map[string]string, cookies []string, body string, functionURL bool, pathParams ...string) []byte {
	domain := "r4nd0m1d.execute-api.us-east-1.amazonaws.com"
	if functionURL {
		domain = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws"
		routeKey = "$default"
	}
	ev := map[string]any{
		"version":        "2.0",
		"routeKey":       routeKey,
		"rawPath":        rawPath,
		"rawQueryString": rawQuery,
		"headers":        headers,
		"requestContext": map[string]any{
			"accountId":  "123456789012",
			"apiId":      "r4nd0m1d",
			"domainName": domain,
			"http":       map[string]any{"method": method, "path": rawPath, "protocol": "HTTP/1.1", "sourceIp": "198.51.100.1", "userAgent": "test"},
			"requestId":  "id",
			"routeKey":   routeKey,
			"stage":      "$default",
			"time":       "09/Apr/2025:12:40:00 +0000",
			"timeEpoch":  1744202400000,
		},
		"body":            body,
		"isBase64Encoded": false,
	}
	if cookies != nil {
		ev["cookies"] = cookies
	}
	if len(pathParams) > 0 {
		pp := map[string]string{}
		for i := 0; i+1 < len(pathParams); i += 2 {
			pp[pathParams[i]] = pathParams[i+1]
		}
		ev["pathParameters"] = pp
	}
	b, _ := json.Marshal(ev)
	return b
}

func TestHTTPAPIAndFunctionURL(t *testing.T) {
	app := newApp()
	type seen struct {
		Path, URLPath, Source, Method, Cookie string
		Params                                map[string]string
		Query                                 chalice.QueryParams
		Body                                  string
	}
	var last seen
	record := func(req *chalice.Request) {
		last = seen{req.Path, req.URLPath, req.Source, req.Method, req.Headers.Get("cookie"), req.URIParams, req.Query, string(req.RawBody)}
	}
	app.Get("/users/{id}", func(ctx context.Context, req *chalice.Request) (any, error) {
		record(req)
		return &chalice.Response{Body: map[string]string{"id": req.URIParams["id"]},
			Headers:           map[string]string{"X-One": "1"},
			MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1; Path=/", "b=2"}, "X-Multi": {"x", "y"}}}, nil
	})
	app.Post("/users", func(ctx context.Context, req *chalice.Request) (any, error) {
		record(req)
		v, err := req.JSONBody()
		if err != nil {
			return nil, err
		}
		return chalice.NewResponse(201, v), nil
	})
	app.Get("/files/{path+}", func(ctx context.Context, req *chalice.Request) (any, error) {
		record(req)
		return req.URIParams["path"], nil
	})
	app.Get("/img", func(ctx context.Context, req *chalice.Request) (any, error) {
		return &chalice.Response{Body: []byte{1, 2, 3}, Headers: map[string]string{"Content-Type": "image/png"}}, nil
	})

	tests := []struct {
		name    string
		payload []byte
		status  int
		body    string
		headers map[string]string
		cookies []string
		want    *seen
		base64  bool
	}{
		{
			name:    "v2 route key",
			payload: v2Event("GET /users/{id}", "GET", "/users/42", "a=1&a=2&b=x", map[string]string{"accept": "application/json"}, []string{"s=1", "t=2"}, "", false, "id", "42"),
			status:  200, body: `{"id":"42"}`,
			headers: map[string]string{"X-One": "1", "X-Multi": "x,y"},
			cookies: []string{"a=1; Path=/", "b=2"},
			want:    &seen{Path: "/users/{id}", URLPath: "/users/42", Source: "http", Method: "GET", Cookie: "s=1; t=2", Params: map[string]string{"id": "42"}, Query: chalice.QueryParams{"a": {"1", "2"}, "b": {"x"}}},
		},
		{
			name:    "v2 $default route",
			payload: v2Event("$default", "GET", "/users/7", "", nil, nil, "", false),
			status:  200, body: `{"id":"7"}`,
			headers: map[string]string{"X-One": "1", "X-Multi": "x,y"},
			cookies: []string{"a=1; Path=/", "b=2"},
			want:    &seen{Path: "/users/{id}", URLPath: "/users/7", Source: "http", Method: "GET", Params: map[string]string{"id": "7"}},
		},
		{
			name:    "function url",
			payload: v2Event("", "GET", "/users/9", "", nil, nil, "", true),
			status:  200, body: `{"id":"9"}`,
			headers: map[string]string{"X-One": "1", "X-Multi": "x,y"},
			cookies: []string{"a=1; Path=/", "b=2"},
			want:    &seen{Path: "/users/{id}", URLPath: "/users/9", Source: "url", Method: "GET", Params: map[string]string{"id": "9"}},
		},
		{
			name:    "function url post json",
			payload: v2Event("", "POST", "/users", "", map[string]string{"content-type": "application/json"}, nil, `{"name":"x"}`, true),
			status:  201, body: `{"name":"x"}`, headers: map[string]string{},
			want: &seen{Path: "/users", URLPath: "/users", Source: "url", Method: "POST", Params: map[string]string{}, Body: `{"name":"x"}`},
		},
		{
			name:    "function url greedy",
			payload: v2Event("", "GET", "/files/a/b/c.txt", "", nil, nil, "", true),
			status:  200, body: "a/b/c.txt", headers: map[string]string{},
			want: &seen{Path: "/files/{path+}", URLPath: "/files/a/b/c.txt", Source: "url", Method: "GET", Params: map[string]string{"path": "a/b/c.txt"}},
		},
		{
			name:    "function url trailing slash",
			payload: v2Event("", "GET", "/users/9/", "", nil, nil, "", true),
			status:  200, body: `{"id":"9"}`,
			headers: map[string]string{"X-One": "1", "X-Multi": "x,y"},
			cookies: []string{"a=1; Path=/", "b=2"},
		},
		{
			name:    "function url not found",
			payload: v2Event("", "GET", "/nowhere", "", nil, nil, "", true),
			status:  404, body: `{"message":"Not Found"}`, headers: map[string]string{"Content-Type": "application/json"},
		},
		{
			name:    "v2 $default not found",
			payload: v2Event("$default", "GET", "/users/1/extra", "", nil, nil, "", false),
			status:  404, body: `{"message":"Not Found"}`, headers: map[string]string{"Content-Type": "application/json"},
		},
		{
			name:    "function url method not allowed",
			payload: v2Event("", "DELETE", "/users/1", "", nil, nil, "", true),
			status:  405, body: `{"Code":"MethodNotAllowedError","Message":"Unsupported method: DELETE"}`, headers: map[string]string{"Allow": "GET"},
		},
		{
			name:    "function url binary without accept is still encoded",
			payload: v2Event("", "GET", "/img", "", nil, nil, "", true),
			status:  200, body: "AQID", headers: map[string]string{"Content-Type": "image/png"}, base64: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			last = seen{}
			got := invokeRaw(t, app, "api_handler", tt.payload)
			if got.StatusCode != tt.status || got.Body != tt.body {
				t.Errorf("got %d %q, want %d %q", got.StatusCode, got.Body, tt.status, tt.body)
			}
			if got.MultiValueHeaders != nil {
				t.Errorf("v2 response has multiValueHeaders: %v", got.MultiValueHeaders)
			}
			if !reflect.DeepEqual(got.Headers, tt.headers) {
				t.Errorf("headers = %v, want %v", got.Headers, tt.headers)
			}
			if !reflect.DeepEqual(got.Cookies, tt.cookies) {
				t.Errorf("cookies = %q, want %q", got.Cookies, tt.cookies)
			}
			if got.IsBase64Encoded != tt.base64 {
				t.Errorf("isBase64Encoded = %v", got.IsBase64Encoded)
			}
			if tt.want != nil && !reflect.DeepEqual(last, *tt.want) {
				t.Errorf("request\n got %+v\nwant %+v", last, *tt.want)
			}
		})
	}
}

func TestGreedyRoutes(t *testing.T) {
	app := newApp()
	app.Get("/files/{path+}", func(ctx context.Context, req *chalice.Request) (any, error) {
		return map[string]string{"route": req.Path, "path": req.URIParams["path"]}, nil
	})
	app.Get("/files/special", func(ctx context.Context, req *chalice.Request) (any, error) { return "special", nil })
	app.Get("/go/{rest...}", func(ctx context.Context, req *chalice.Request) (any, error) { return req.URIParams["rest"], nil })
	tests := []struct {
		ev   restEvent
		want string
	}{
		{restEvent{Resource: "/files/{path+}", Path: "/files/a/b/c", PathParams: map[string]string{"path": "a/b/c"}}, `{"path":"a/b/c","route":"/files/{path+}"}`},
		{restEvent{Resource: "/files/special", Path: "/files/special"}, "special"},
		// API Gateway always names the template as it was deployed ({rest+}).
		{restEvent{Resource: "/go/{rest+}", Path: "/go/x/y", PathParams: map[string]string{"rest": "x/y"}}, "x/y"},
	}
	for _, tt := range tests {
		got := call(t, app, tt.ev)
		checkResponse(t, got, 200, tt.want, nil)
	}
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range m.Routes {
		paths = append(paths, r.Path)
	}
	if want := []string{"/files/special", "/files/{path+}", "/go/{rest+}"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("manifest paths = %v, want %v", paths, want)
	}
}

func TestHeadersView(t *testing.T) {
	h := chalice.NewHeaders(map[string]string{"Content-Type": "a/b", "X-Both": "last"}, map[string][]string{"X-Both": {"first", "last"}, "X-Only-Multi": {"1", "2"}})
	if h.Get("content-type") != "a/b" || h.Get("X-ONLY-MULTI") != "2" || h.Get("nope") != "" {
		t.Errorf("Get: %q %q %q", h.Get("content-type"), h.Get("X-ONLY-MULTI"), h.Get("nope"))
	}
	if v := h.Values("x-both"); !reflect.DeepEqual(v, []string{"first", "last"}) {
		t.Errorf("Values = %v", v)
	}
	if v := h.Values("content-type"); !reflect.DeepEqual(v, []string{"a/b"}) {
		t.Errorf("Values single = %v", v)
	}
	m := h.Map()
	if m["content-type"] != "a/b" || m["x-only-multi"] != "2" || m["x-both"] != "last" {
		t.Errorf("Map = %v", m)
	}
	var zero chalice.Headers
	if zero.Get("x") != "" || zero.Len() != 0 || len(zero.Map()) != 0 {
		t.Error("zero Headers not empty")
	}
}

func TestMatchesContentType(t *testing.T) {
	tests := []struct {
		ct    string
		valid []string
		want  bool
	}{
		{"application/json", []string{"application/json"}, true},
		{"Application/JSON", []string{"application/json"}, true},
		{"application/json; charset=utf-8", []string{"application/json"}, true},
		{"text/html,image/gif", []string{"image/gif"}, true},
		{"text/html ,image/gif", []string{"image/gif"}, true},
		{"text/html;q=0.8, image/gif ;q=0.5", []string{"image/gif"}, true},
		{"text/html,image/png", []string{"image/gif"}, false},
		{"text/html,*/*;q=0.8", []string{"image/gif"}, true},
		{"text/plain", []string{"*/*"}, true},
		{"", []string{"application/json"}, false},
		{"", []string{"*/*"}, true},
		{"application/jsonx", []string{"application/json"}, false},
	}
	for _, tt := range tests {
		if got := chalice.MatchesContentType(tt.ct, tt.valid); got != tt.want {
			t.Errorf("MatchesContentType(%q, %v) = %v, want %v", tt.ct, tt.valid, got, tt.want)
		}
	}
}

func TestLambdaContextAndRouteStatus(t *testing.T) {
	// Views see the request method through Context too, and HEAD is just a method.
	app := newApp()
	app.Route("/", func(ctx context.Context, req *chalice.Request) (any, error) {
		return req.Context.HTTPMethod, nil
	}, chalice.Methods(http.MethodHead, http.MethodGet))
	got := call(t, app, restEvent{Resource: "/", Method: "HEAD"})
	checkResponse(t, got, 200, "HEAD", nil)
}

func TestPreflightForHTTPAPIAndFunctionURL(t *testing.T) {
	app := newApp()
	ok := func(ctx context.Context, req *chalice.Request) (any, error) { return "ok", nil }
	app.Get("/mixed", ok, chalice.WithCORS(&chalice.CORSConfig{AllowOrigin: "https://x.example", MaxAge: intp(60)}))
	app.Post("/mixed", ok)
	app.Put("/mixed", ok, chalice.WithCORS(&chalice.CORSConfig{AllowOrigin: "https://x.example", MaxAge: intp(60)}))
	app.Get("/plain", ok)
	for _, fnURL := range []bool{true, false} {
		routeKey := "OPTIONS /mixed"
		got := invokeRaw(t, app, "api_handler", v2Event(routeKey, "OPTIONS", "/mixed", "", nil, nil, "", fnURL))
		want := map[string]string{
			"Access-Control-Allow-Origin":  "https://x.example",
			"Access-Control-Allow-Headers": "Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key",
			"Access-Control-Max-Age":       "60",
			"Access-Control-Allow-Methods": "GET,PUT,OPTIONS",
		}
		if got.StatusCode != 200 || got.Body != "" || !reflect.DeepEqual(got.Headers, want) {
			t.Errorf("function URL %v: preflight = %d %q %v", fnURL, got.StatusCode, got.Body, got.Headers)
		}
		got = invokeRaw(t, app, "api_handler", v2Event("OPTIONS /plain", "OPTIONS", "/plain", "", nil, nil, "", fnURL))
		if got.StatusCode != 405 || got.Headers["Allow"] != "GET" {
			t.Errorf("function URL %v: OPTIONS without CORS = %d %v", fnURL, got.StatusCode, got.Headers)
		}
		// The non-CORS method of a mixed path gets no CORS headers.
		got = invokeRaw(t, app, "api_handler", v2Event("POST /mixed", "POST", "/mixed", "", nil, nil, "", fnURL))
		if got.StatusCode != 200 || got.Headers["Access-Control-Allow-Origin"] != "" {
			t.Errorf("function URL %v: POST on mixed path = %d %v", fnURL, got.StatusCode, got.Headers)
		}
	}
}

func TestLambdaContextInRequest(t *testing.T) {
	app := newApp()
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) {
		if req.Lambda == nil {
			return "none", nil
		}
		return req.Lambda.AwsRequestID, nil
	})
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-123"})
	out, err := app.Invoke(ctx, "api_handler", restEvent{Resource: "/"}.JSON())
	if err != nil || !strings.Contains(string(out), `"body":"req-123"`) {
		t.Errorf("out %s err %v", out, err)
	}
	got := call(t, app, restEvent{Resource: "/"})
	checkResponse(t, got, 200, "none", nil)
}

func TestConcurrentInvoke(t *testing.T) {
	app := newApp()
	app.Post("/items/{id}", func(ctx context.Context, req *chalice.Request) (any, error) {
		v, err := req.JSONBody()
		if err != nil {
			return nil, err
		}
		return map[string]any{"id": req.URIParams["id"], "q": req.Query.Get("q"), "h": req.Headers.Get("x-n"), "body": v}, nil
	})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Go(func() {
			n := fmt.Sprint(i)
			ev := restEvent{Method: "POST", Resource: "/items/{id}", Path: "/items/" + n, PathParams: map[string]string{"id": n},
				Query: map[string][]string{"q": {n}}, Headers: map[string]string{"Content-Type": "application/json", "X-N": n}, Body: str(`{"n":` + n + `}`)}
			for range 20 {
				out, err := app.Invoke(context.Background(), "api_handler", ev.JSON())
				if err != nil {
					errs <- err
					return
				}
				var r proxyResponse
				json.Unmarshal(out, &r)
				want := `{"body":{"n":` + n + `},"h":"` + n + `","id":"` + n + `","q":"` + n + `"}`
				if r.Body != want {
					errs <- fmt.Errorf("got %s, want %s", r.Body, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
