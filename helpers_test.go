package chalice_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
)

// restEvent describes an API Gateway REST (payload 1.0) proxy event as
// Lambda delivers it to api_handler.
type restEvent struct {
	Method     string
	Resource   string // route template; "" with NoResource leaves it out
	Path       string // concrete path; defaults to Resource
	Headers    map[string]string
	MultiHdr   map[string][]string // overrides the multiValueHeaders derived from Headers
	Query      map[string][]string
	PathParams map[string]string
	StageVars  map[string]string
	Body       *string // nil is JSON null
	Base64     bool
	Authorizer map[string]any
	NoResource bool // no resource and no requestContext.resourcePath
}

func str(s string) *string { return &s }

// JSON renders the event the way API Gateway sends it: single- and
// multi-value headers and query parameters, and a full requestContext.
func (e restEvent) JSON() []byte {
	method := e.Method
	if method == "" {
		method = "GET"
	}
	path := e.Path
	if path == "" {
		path = e.Resource
	}
	ev := map[string]any{
		"path":            path,
		"httpMethod":      method,
		"isBase64Encoded": e.Base64,
	}
	if !e.NoResource {
		ev["resource"] = e.Resource
	}
	if e.Headers != nil || e.MultiHdr != nil {
		single := map[string]string{}
		multi := map[string][]string{}
		for k, v := range e.Headers {
			single[k] = v
			multi[k] = []string{v}
		}
		for k, vs := range e.MultiHdr {
			multi[k] = vs
			single[k] = vs[len(vs)-1]
		}
		ev["headers"] = single
		ev["multiValueHeaders"] = multi
	} else {
		ev["headers"] = nil
		ev["multiValueHeaders"] = nil
	}
	if e.Query != nil {
		single := map[string]string{}
		for k, vs := range e.Query {
			single[k] = vs[len(vs)-1]
		}
		ev["queryStringParameters"] = single
		ev["multiValueQueryStringParameters"] = e.Query
	} else {
		ev["queryStringParameters"] = nil
		ev["multiValueQueryStringParameters"] = nil
	}
	if e.PathParams != nil {
		ev["pathParameters"] = e.PathParams
	} else {
		ev["pathParameters"] = nil
	}
	if e.StageVars != nil {
		ev["stageVariables"] = e.StageVars
	} else {
		ev["stageVariables"] = nil
	}
	if e.Body != nil {
		ev["body"] = *e.Body
	} else {
		ev["body"] = nil
	}
	rc := map[string]any{
		"accountId":        "123456789012",
		"apiId":            "abcd1234ef",
		"resourceId":       "r3s0urc3",
		"stage":            "api",
		"requestId":        "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		"domainName":       "abcd1234ef.execute-api.us-west-2.amazonaws.com",
		"domainPrefix":     "abcd1234ef",
		"httpMethod":       method,
		"path":             "/api" + path,
		"protocol":         "HTTP/1.1",
		"requestTime":      "09/Apr/2025:12:34:56 +0000",
		"requestTimeEpoch": 1744202096000,
		"identity": map[string]any{
			"sourceIp":  "203.0.113.7",
			"userAgent": "curl/8.5.0",
		},
	}
	if !e.NoResource {
		rc["resourcePath"] = e.Resource
	}
	if e.Authorizer != nil {
		rc["authorizer"] = e.Authorizer
	}
	ev["requestContext"] = rc
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

// proxyResponse is what api_handler returns (v1 and v2 shapes).
type proxyResponse struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
	Cookies           []string            `json:"cookies"`
}

// invokeRaw invokes function with payload and decodes the proxy response.
func invokeRaw(t *testing.T, app *chalice.App, function string, payload []byte) proxyResponse {
	t.Helper()
	out, err := app.Invoke(context.Background(), function, payload)
	if err != nil {
		t.Fatalf("Invoke(%s): %v", function, err)
	}
	var r proxyResponse
	dec := json.NewDecoder(strings.NewReader(string(out)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("decoding response %s: %v", out, err)
	}
	return r
}

// call sends a REST event to api_handler.
func call(t *testing.T, app *chalice.App, ev restEvent) proxyResponse {
	t.Helper()
	return invokeRaw(t, app, "api_handler", ev.JSON())
}

// newApp returns an app whose logger discards output.
func newApp(opts ...chalice.AppOption) *chalice.App {
	opts = append([]chalice.AppOption{chalice.WithLogger(discardLogger())}, opts...)
	return chalice.New("testapp", opts...)
}

// checkResponse compares status, body and the given headers (nil value
// means "must be absent"; single-value headers only).
func checkResponse(t *testing.T, got proxyResponse, status int, body string, headers map[string]*string) {
	t.Helper()
	if got.StatusCode != status {
		t.Errorf("status = %d, want %d (body %s)", got.StatusCode, status, got.Body)
	}
	if got.Body != body {
		t.Errorf("body = %q, want %q", got.Body, body)
	}
	for k, want := range headers {
		v, ok := got.Headers[k]
		switch {
		case want == nil && ok:
			t.Errorf("header %s = %q, want it absent", k, v)
		case want != nil && !ok:
			t.Errorf("header %s missing, want %q (headers %v)", k, *want, got.Headers)
		case want != nil && v != *want:
			t.Errorf("header %s = %q, want %q", k, v, *want)
		}
	}
}

// readFixture reads testdata/events/name.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonEqual compares two JSON documents semantically.
func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Errorf("got is not JSON: %v: %s", err, got)
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v: %s", err, want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	return string(gb) == string(wb)
}

// discardLogger returns a logger that drops everything.
func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
