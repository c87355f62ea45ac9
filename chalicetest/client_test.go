package chalicetest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
)

func testApp() *chalice.App {
	app := chalice.New("testapp")
	auth := app.Authorizer(func(ctx context.Context, r *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		switch r.Token {
		case "allow":
			return &chalice.AuthResponse{Routes: chalice.AllowRoutes("/secret"), PrincipalID: "alice", Context: map[string]any{"team": "blue"}}, nil
		case "other-route":
			return &chalice.AuthResponse{Routes: chalice.AllowRoutes("/elsewhere"), PrincipalID: "bob"}, nil
		case "wildcard":
			return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "carol"}, nil
		case "none":
			return nil, nil
		case "bad":
			return nil, errors.New("boom")
		}
		return nil, chalice.ErrUnauthorized
	}, chalice.Name("myauth"))
	cognito := chalice.NewCognitoUserPoolAuthorizer("pool", []string{"arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_x"})
	app.Get("/", func(ctx context.Context, r *chalice.Request) (any, error) {
		return map[string]string{"hello": "world"}, nil
	})
	app.Route("/items/{id}", func(ctx context.Context, r *chalice.Request) (any, error) {
		return map[string]any{"id": r.URIParams["id"], "method": r.Method, "path": r.Path, "q": r.Query.GetList("q")}, nil
	}, chalice.Methods("GET", "PUT"), chalice.WithCORS(chalice.DefaultCORS()))
	app.Get("/secret", func(ctx context.Context, r *chalice.Request) (any, error) {
		return r.Context.Authorizer, nil
	}, chalice.WithAuthorizer(auth))
	app.Get("/claims", func(ctx context.Context, r *chalice.Request) (any, error) {
		return r.Context.Authorizer, nil
	}, chalice.WithAuthorizer(cognito))
	app.Post("/png", func(ctx context.Context, r *chalice.Request) (any, error) {
		return &chalice.Response{Headers: map[string]string{"Content-Type": "image/png"}, Body: r.RawBody}, nil
	}, chalice.ContentTypes("image/png"))
	app.Get("/multi", func(ctx context.Context, r *chalice.Request) (any, error) {
		return &chalice.Response{MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1", "b=2"}}, Body: "ok",
			Headers: map[string]string{"Content-Type": "text/plain"}}, nil
	})
	app.Get("/env", func(ctx context.Context, r *chalice.Request) (any, error) {
		return map[string]string{"LEVEL": os.Getenv("LEVEL"), "SHARED": os.Getenv("SHARED"), "HANDLER_ONLY": os.Getenv("HANDLER_ONLY"), "FN_TOP": os.Getenv("FN_TOP")}, nil
	})
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) {
		return map[string]any{"event": ev, "FN_TOP": os.Getenv("FN_TOP"), "HANDLER_ONLY": os.Getenv("HANDLER_ONLY")}, nil
	}, chalice.Name("purefn"))
	app.OnSQSMessage("jobs", func(ctx context.Context, ev *chalice.SQSEvent) error {
		for _, r := range ev.Records {
			if r.Body == "fail" {
				ev.Fail(r.MessageId)
			}
		}
		return nil
	}, chalice.Name("worker"), chalice.ReportBatchItemFailures())
	return app
}

func newClient(t *testing.T, opts ...chalicetest.Option) *chalicetest.Client {
	t.Helper()
	opts = append([]chalicetest.Option{chalicetest.ProjectDir("testdata/project"), chalicetest.Warnings(func(string) {})}, opts...)
	return chalicetest.New(t, testApp(), opts...)
}

func TestHTTPThroughGateway(t *testing.T) {
	c := newClient(t)
	tests := []struct {
		name       string
		method     string
		path       string
		opts       []chalicetest.RequestOption
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{name: "root", method: "GET", path: "/", wantStatus: 200, wantBody: `{"hello":"world"}`,
			wantHeader: map[string]string{"Content-Type": "application/json"}},
		{name: "trailing slash", method: "GET", path: "/items/7/", wantStatus: 200, wantBody: `{"id":"7","method":"GET","path":"/items/{id}","q":null}`},
		{name: "raw segment not decoded", method: "GET", path: "/items/a%20b?q=1&q=2", wantStatus: 200,
			wantBody: `{"id":"a%20b","method":"GET","path":"/items/{id}","q":["1","2"]}`},
		{name: "unknown route", method: "GET", path: "/nope", wantStatus: 403, wantBody: `{"message": "Missing Authentication Token"}`,
			wantHeader: map[string]string{"x-amzn-ErrorType": "UnauthorizedException", "Content-Type": "application/json"}},
		{name: "unknown route with Authorization", method: "GET", path: "/nope", opts: []chalicetest.RequestOption{chalicetest.WithHeader("Authorization", "abc")},
			wantStatus: 403, wantBody: `{"message": "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=abc"}`},
		{name: "method not allowed", method: "DELETE", path: "/items/1", wantStatus: 405,
			wantBody: `{"Code":"MethodNotAllowedError","Message":"Unsupported method: DELETE"}`, wantHeader: map[string]string{"Allow": "GET, PUT"}},
		{name: "head on GET-only route", method: "HEAD", path: "/", wantStatus: 405, wantHeader: map[string]string{"Allow": "GET"}},
		{name: "options without cors", method: "OPTIONS", path: "/", wantStatus: 200, wantBody: "",
			wantHeader: map[string]string{"Access-Control-Allow-Methods": "OPTIONS", "Content-Length": "0"}},
		{name: "options with cors", method: "OPTIONS", path: "/items/1", wantStatus: 200, wantBody: "",
			wantHeader: map[string]string{"Access-Control-Allow-Methods": "GET,PUT,OPTIONS", "Access-Control-Allow-Origin": "*",
				"Access-Control-Allow-Headers": "Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key"}},
		{name: "cors on response", method: "GET", path: "/items/1", wantStatus: 200, wantHeader: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{name: "unsupported media type", method: "PUT", path: "/items/1", opts: []chalicetest.RequestOption{chalicetest.WithHeader("Content-Type", "text/plain"), chalicetest.WithBody([]byte("x"))},
			wantStatus: 415, wantBody: `{"Code":"UnsupportedMediaType","Message":"Unsupported media type: text/plain"}`, wantHeader: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{name: "authorizer no token", method: "GET", path: "/secret", wantStatus: 401, wantBody: `{"message":"Unauthorized"}`,
			wantHeader: map[string]string{"x-amzn-ErrorType": "UnauthorizedException"}},
		{name: "authorizer unauthorized error", method: "GET", path: "/secret", opts: []chalicetest.RequestOption{chalicetest.WithHeader("Authorization", "who")},
			wantStatus: 401, wantBody: `{"message":"Unauthorized"}`},
		{name: "authorizer allows", method: "GET", path: "/secret", opts: []chalicetest.RequestOption{chalicetest.WithHeader("Authorization", "allow")},
			wantStatus: 200, wantBody: `{"principalId":"alice","team":"blue"}`},
		{name: "authorizer wildcard", method: "GET", path: "/secret", opts: []chalicetest.RequestOption{chalicetest.WithHeader("Authorization", "wildcard")},
			wantStatus: 200, wantBody: `{"principalId":"carol"}`},
		{name: "authorizer denies", method: "GET", path: "/secret", opts: []chalicetest.RequestOption{chalicetest.WithHeader("Authorization", "other-route")},
			wantStatus: 403, wantBody: `{"Message": "User is not authorized to access this resource"}`, wantHeader: map[string]string{"x-amzn-ErrorType": "AccessDeniedException"}},
		{name: "authorizer returns nil", method: "GET", path: "/secret", opts: []chalicetest.RequestOption{chalicetest.WithHeader("Authorization", "none")},
			wantStatus: 500, wantBody: `{"message":null}`, wantHeader: map[string]string{"x-amzn-ErrorType": "AuthorizerConfigurationException"}},
		{name: "authorizer fails", method: "GET", path: "/secret", opts: []chalicetest.RequestOption{chalicetest.WithHeader("Authorization", "bad")},
			wantStatus: 500, wantBody: `{"message":null}`},
		{name: "cognito without token allowed", method: "GET", path: "/claims", wantStatus: 200, wantBody: `null`},
		{name: "multi-value headers", method: "GET", path: "/multi", wantStatus: 200, wantBody: "ok", wantHeader: map[string]string{"Content-Type": "text/plain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := c.Request(tt.method, tt.path, tt.opts...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", resp.StatusCode, tt.wantStatus, resp.Body)
			}
			if tt.wantBody != "" || tt.method == "OPTIONS" {
				if string(resp.Body) != tt.wantBody {
					t.Errorf("body = %s, want %s", resp.Body, tt.wantBody)
				}
			}
			for k, v := range tt.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if resp.Header.Get("x-amzn-RequestId") == "" {
				t.Errorf("missing x-amzn-RequestId")
			}
		})
	}
}

func TestMultiValueHeadersRepeated(t *testing.T) {
	resp := newClient(t).Get("/multi")
	if got := resp.Header.Values("Set-Cookie"); !reflect.DeepEqual(got, []string{"a=1", "b=2"}) {
		t.Fatalf("Set-Cookie = %q, want both values", got)
	}
}

func TestCognitoClaims(t *testing.T) {
	claims := `{"cognito:username":"dana","email":"d@example.com"}`
	token := "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".sig"
	resp := newClient(t).Get("/claims", chalicetest.WithHeader("Authorization", token))
	want := `{"claims":{"cognito:username":"dana","email":"d@example.com"},"principalId":"dana"}`
	if resp.StatusCode != 200 || string(resp.Body) != want {
		t.Fatalf("got %d %s, want 200 %s", resp.StatusCode, resp.Body, want)
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff, 0xfe}
	c := newClient(t)
	resp := c.Post("/png", chalicetest.WithBody(png), chalicetest.WithHeader("Content-Type", "image/png"), chalicetest.WithHeader("Accept", "image/png"))
	if resp.StatusCode != 200 || string(resp.Body) != string(png) || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("got %d %q %q", resp.StatusCode, resp.Body, resp.Header.Get("Content-Type"))
	}
	resp = c.Post("/png", chalicetest.WithBody(png), chalicetest.WithHeader("Content-Type", "image/png"))
	want := `{"Code":"BadRequest","Message":"Request did not specify an Accept header with image/png, The response has a Content-Type of image/png. If a response has a binary Content-Type then the request must specify an Accept header that matches."}`
	if resp.StatusCode != 400 || string(resp.Body) != want {
		t.Fatalf("without Accept: got %d %s", resp.StatusCode, resp.Body)
	}
}

func TestStageEnvironment(t *testing.T) {
	tests := []struct {
		stage, fn string
		want      map[string]string
	}{
		{"dev", "api_handler", map[string]string{"LEVEL": "dev", "SHARED": "top", "HANDLER_ONLY": "api", "FN_TOP": ""}},
		{"prod", "api_handler", map[string]string{"LEVEL": "prod", "SHARED": "top", "HANDLER_ONLY": "", "FN_TOP": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.stage, func(t *testing.T) {
			var got map[string]string
			if err := newClient(t, chalicetest.Stage(tt.stage)).Get("/env").JSON(&got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("env = %v, want %v", got, tt.want)
			}
			if v, ok := os.LookupEnv("LEVEL"); ok {
				t.Fatalf("LEVEL leaked into the test process: %q", v)
			}
		})
	}
	// Top-level lambda_functions.<fn>.environment_variables apply (Chalice ignores them).
	out, err := newClient(t).Invoke("purefn", map[string]int{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"FN_TOP":"yes","HANDLER_ONLY":"","event":{"n":1}}`; string(out.Payload) != want {
		t.Fatalf("purefn = %s, want %s", out.Payload, want)
	}
}

// TestUnknownStage: a stage not in config.json inherits the top-level
// settings, as in Chalice.
func TestUnknownStage(t *testing.T) {
	var got map[string]string
	if err := newClient(t, chalicetest.Stage("qa")).Get("/env").JSON(&got); err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"LEVEL": "top", "SHARED": "top", "HANDLER_ONLY": "", "FN_TOP": ""}; !reflect.DeepEqual(got, want) {
		t.Fatalf("env = %v, want %v", got, want)
	}
}

func TestInvoke(t *testing.T) {
	c := newClient(t)
	out, err := c.Invoke("worker", chalicetest.SQSEvent([]string{"ok", "fail", "ok"}, "jobs"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"batchItemFailures":[{"itemIdentifier":"00000000-0000-4000-8000-000000000002"}]}`
	if string(out.Payload) != want {
		t.Fatalf("payload = %s, want %s", out.Payload, want)
	}
	if _, err := c.Invoke("nope", nil); !errors.Is(err, chalice.ErrFunctionNotFound) {
		t.Fatalf("unknown function: err = %v", err)
	}
}

func TestHandlerServesHTTP(t *testing.T) {
	h := newClient(t).Handler()
	req, _ := http.NewRequest("GET", "/", nil)
	w := &recorder{header: http.Header{}}
	h.ServeHTTP(w, req)
	if w.status != 200 || w.body.String() != `{"hello":"world"}` {
		t.Fatalf("got %d %s", w.status, w.body.String())
	}
}

type recorder struct {
	header http.Header
	status int
	body   strings.Builder
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(s int)           { r.status = s }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
