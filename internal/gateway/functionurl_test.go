package gateway

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gochalice/chalice/internal/proxyevent"
	"github.com/gochalice/chalice/manifest"
)

func urlManifest() *manifest.Manifest {
	cors := &manifest.CORS{AllowOrigin: "https://app.example", AllowHeaders: []string{"Authorization", "Content-Type"},
		ExposeHeaders: []string{"X-Total"}, MaxAge: new(600), AllowCredentials: true}
	return &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "t",
		Routes: []manifest.Route{
			{Path: "/", Method: "GET"},
			{Path: "/items/{id}", Method: "PUT", CORS: cors},
			{Path: "/items/{id}", Method: "GET", CORS: cors},
		}}
}

// The event a Function URL sends: payload 2.0 with routeKey and stage
// "$default", no stage in the path, the URL's domain in the request
// context (which is how the app tells a Function URL event apart).
func TestFunctionURLEvent(t *testing.T) {
	app := &fakeApp{}
	g := newTestGateway(t, urlManifest(), app, Options{API: APIURL, Stage: "api"})
	w := g.do(request{method: "POST", target: "/items/a%2Fb?x=1&x=2&y=3",
		headers: [][2]string{{"Content-Type", "application/json"}, {"Cookie", "a=1; b=2"}, {"X-Multi", "1"}, {"X-Multi", "2"}, {"User-Agent", "curl/8"}},
		body:    `{"k":"v"}`})
	if w.Code != 200 || w.Body.String() != "ok" {
		t.Fatalf("got %d %q", w.Code, w.Body.String())
	}
	ev := app.lastEvent(t, manifest.APIHandlerName)
	tests := []struct {
		path []string
		want string
	}{
		{[]string{"version"}, `"2.0"`},
		{[]string{"routeKey"}, `"$default"`},
		{[]string{"rawPath"}, `"/items/a%2Fb"`},
		{[]string{"rawQueryString"}, `"x=1\u0026x=2\u0026y=3"`},
		{[]string{"cookies"}, `["a=1","b=2"]`},
		{[]string{"headers", "x-multi"}, `"1,2"`},
		{[]string{"headers", "cookie"}, `null`},
		{[]string{"queryStringParameters", "x"}, `"1,2"`},
		{[]string{"pathParameters"}, `null`},
		{[]string{"stageVariables"}, `null`},
		{[]string{"body"}, `"{\"k\":\"v\"}"`},
		{[]string{"isBase64Encoded"}, `false`},
		{[]string{"requestContext", "accountId"}, `"anonymous"`},
		{[]string{"requestContext", "apiId"}, `"` + LocalURLID + `"`},
		{[]string{"requestContext", "domainName"}, `"` + LocalURLID + `.lambda-url.` + LocalRegion + `.on.aws"`},
		{[]string{"requestContext", "domainPrefix"}, `"` + LocalURLID + `"`},
		{[]string{"requestContext", "routeKey"}, `"$default"`},
		{[]string{"requestContext", "stage"}, `"$default"`},
		{[]string{"requestContext", "http", "method"}, `"POST"`},
		{[]string{"requestContext", "http", "path"}, `"/items/a%2Fb"`},
		{[]string{"requestContext", "http", "userAgent"}, `"curl/8"`},
		{[]string{"requestContext", "http", "sourceIp"}, `"127.0.0.1"`},
		{[]string{"requestContext", "time"}, `"09/Apr/2025:12:34:56 +0000"`},
		{[]string{"requestContext", "timeEpoch"}, `1744202096000`},
		{[]string{"requestContext", "authorizer"}, `null`},
	}
	for _, tt := range tests {
		if got := compact(jsonPath(ev, tt.path...)); got != tt.want {
			t.Errorf("%s = %s, want %s", strings.Join(tt.path, "."), got, tt.want)
		}
	}
	// The app's decoder sees a Function URL event.
	req, err := proxyevent.Decode(app.called(manifest.APIHandlerName)[0])
	if err != nil {
		t.Fatal(err)
	}
	if req.Kind != proxyevent.KindFunctionURL {
		t.Errorf("decoded kind = %v, want KindFunctionURL", req.Kind)
	}
}

func TestFunctionURLBinaryBodyAndIAM(t *testing.T) {
	app := &fakeApp{}
	var warnings []string
	g := newTestGateway(t, urlManifest(), app, Options{API: APIURL, URL: URLOptions{AuthType: AuthIAM}, Warn: func(m string) { warnings = append(warnings, m) }})
	for range 2 {
		g.do(request{method: "PUT", target: "/items/1", headers: [][2]string{{"Content-Type", "image/png"},
			{"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20250409/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc"}},
			body: "\x89PNG"})
	}
	ev := app.lastEvent(t, manifest.APIHandlerName)
	if ev["isBase64Encoded"] != true || ev["body"] != "iVBORw==" {
		t.Errorf("binary body: isBase64Encoded %v body %v", ev["isBase64Encoded"], ev["body"])
	}
	if got := compact(jsonPath(ev, "requestContext", "authorizer", "iam", "accessKey")); got != `"AKIDLOCAL"` {
		t.Errorf("iam accessKey = %s", got)
	}
	if got := compact(jsonPath(ev, "requestContext", "accountId")); got != `"`+LocalAccountID+`"` {
		t.Errorf("accountId with AWS_IAM = %s", got)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "SigV4") {
		t.Errorf("warnings = %q, want one notice that SigV4 is not verified", warnings)
	}
}

// A Function URL has no routes: every path and method reaches the
// function; failures of any kind are 502 Internal Server Error.
func TestFunctionURLResponses(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		target  string
		answer  func([]byte) ([]byte, error)
		status  int
		body    string
		headers map[string]string
		logged  string // substring of the logged reason; "" = nothing logged
	}{
		{"unknown path reaches the function", "GET", "/nope", answer(`{"statusCode":404,"body":"app 404"}`), 404, "app 404", nil, ""},
		{"any method reaches the function", "PURGE", "/", nil, 200, "ok", nil, ""},
		{"bare JSON is a 200 body", "GET", "/", answer(`{"hello":"world"}`), 200, `{"hello":"world"}`, map[string]string{"Content-Type": "application/json"}, ""},
		{"cookies become Set-Cookie", "GET", "/", answer(`{"statusCode":201,"cookies":["a=1","b=2"],"headers":{"x-one":"1"},"body":"c"}`), 201, "c",
			map[string]string{"Set-Cookie": "a=1", "X-One": "1"}, ""},
		{"function error", "GET", "/", fail(errors.New("boom")), 502, bodyURLInternal, nil, "boom"},
		{"timeout", "GET", "/", fail(timeoutErr{}), 502, bodyURLInternal, nil, "timed out"},
		{"malformed response", "GET", "/", answer(`{"statusCode":"x"}`), 502, bodyURLInternal, nil, "statusCode"},
		{"not JSON", "GET", "/", answer(`<html>`), 502, bodyURLInternal, nil, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){}}
			if tt.answer != nil {
				app.fns[manifest.APIHandlerName] = tt.answer
			}
			var logs logRecords
			g := newTestGateway(t, urlManifest(), app, Options{API: APIURL, Logger: logs.logger()})
			w := g.do(request{method: tt.method, target: tt.target})
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.body)
			}
			for k, v := range tt.headers {
				if got := w.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if w.Header().Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
			recs := logs.records(t)
			if tt.logged == "" {
				if len(recs) != 0 {
					t.Errorf("logged %v", recs)
				}
				return
			}
			if len(recs) != 1 || !strings.Contains(recs[0]["reason"].(string), tt.logged) {
				t.Errorf("log records %v, want one with a reason containing %q", recs, tt.logged)
			}
		})
	}
}

func TestFunctionURLCORS(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		headers [][2]string
		status  int
		want    map[string]string // "" = absent
		invoked bool
	}{
		{"preflight answered by the URL", "OPTIONS", [][2]string{{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "PUT"}}, 200,
			map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Access-Control-Allow-Methods": "GET,PUT",
				"Access-Control-Allow-Headers": "Authorization,Content-Type", "Access-Control-Max-Age": "600", "Access-Control-Allow-Credentials": "true"}, false},
		{"preflight from another origin", "OPTIONS", [][2]string{{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "PUT"}}, 200,
			map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": ""}, false},
		{"CORS request gets the configured headers", "GET", [][2]string{{"Origin", "https://app.example"}}, 200,
			map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Access-Control-Expose-Headers": "X-Total", "Access-Control-Allow-Credentials": "true", "Access-Control-Allow-Methods": ""}, true},
		{"the function's own CORS headers are replaced", "GET", nil, 200, map[string]string{"Access-Control-Allow-Origin": ""}, true},
		{"plain OPTIONS reaches the function", "OPTIONS", nil, 200, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){
				manifest.APIHandlerName: answer(`{"statusCode":200,"headers":{"Access-Control-Allow-Origin":"*"},"body":"ok"}`)}}
			g := newTestGateway(t, urlManifest(), app, Options{API: APIURL})
			w := g.do(request{method: tt.method, target: "/items/1", headers: tt.headers})
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			for k, v := range tt.want {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if invoked := len(app.called(manifest.APIHandlerName)) > 0; invoked != tt.invoked {
				t.Errorf("invoked = %v, want %v", invoked, tt.invoked)
			}
		})
	}
}

func TestFunctionURLRefusesWhatAURLLacks(t *testing.T) {
	other := &manifest.CORS{AllowOrigin: "*"}
	tests := []struct {
		name   string
		routes []manifest.Route
		opts   URLOptions
		want   string
	}{
		{"authorizer", []manifest.Route{{Path: "/", Method: "GET", Authorizer: "auth"}}, URLOptions{}, `uses authorizer "auth"`},
		{"api key", []manifest.Route{{Path: "/", Method: "GET", APIKeyRequired: true}}, URLOptions{}, "requires an API key"},
		{"different CORS", []manifest.Route{{Path: "/a", Method: "GET", CORS: &manifest.CORS{AllowOrigin: "https://a"}}, {Path: "/b", Method: "GET", CORS: other}},
			URLOptions{}, "GET /a and GET /b have different CORS settings"},
		{"auth type", nil, URLOptions{AuthType: "JWT"}, `auth type "JWT" (valid: NONE, AWS_IAM)`},
		{"invoke mode", nil, URLOptions{InvokeMode: "STREAM"}, `invoke mode "STREAM" (valid: BUFFERED, RESPONSE_STREAM)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "t", Routes: tt.routes}
			_, err := New(m, &fakeApp{}, Options{API: APIURL, URL: tt.opts})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// streamApp is an Invoker whose api_handler streams: each chunk is sent
// on the pipe by the test itself.
type streamApp struct {
	fakeApp
	contentType string
	body        *io.PipeReader
}

func (s *streamApp) InvokeStream(ctx context.Context, function string, payload []byte) (*Stream, error) {
	if _, err := s.Invoke(ctx, function, payload); err != nil {
		return nil, err
	}
	return &Stream{ContentType: s.contentType, Body: s.body}, nil
}

func prelude(json string) string { return json + strings.Repeat("\x00", 8) }

// A streamed response reaches the client chunk by chunk over a real
// connection; an error mid-stream cuts the chunked body short.
func TestFunctionURLStreaming(t *testing.T) {
	tests := []struct {
		name     string
		prelude  string
		chunks   []string
		endErr   error
		status   int
		headers  map[string]string
		wantBody string
		wantCut  bool
	}{
		{"status, headers, cookies, then the chunks", prelude(`{"statusCode":201,"headers":{"content-type":"text/plain"},"cookies":["a=1","b=2"]}`),
			[]string{"one\n", "two\n", "three\n"}, nil, 201, map[string]string{"Content-Type": "text/plain"}, "one\ntwo\nthree\n", false},
		{"empty prelude object", prelude(`{}`), []string{"x"}, nil, 200, nil, "x", false},
		{"error mid-stream", prelude(`{"statusCode":200}`), []string{"partial"}, errors.New("Function.ResponseSizeTooLarge"), 200, nil, "partial", true},
		{"bad prelude", `{"statusCode":99}` + strings.Repeat("\x00", 8), nil, nil, 502, nil, bodyURLInternal, false},
		{"no end of prelude", `{"statusCode":200}`, nil, nil, 502, nil, bodyURLInternal, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			app := &streamApp{contentType: StreamContentType, body: pr}
			var logs syncLog
			g, err := New(urlManifest(), app, Options{API: APIURL, URL: URLOptions{InvokeMode: InvokeModeStream}, Logger: logs.logger()})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(g)
			defer srv.Close()
			go func() {
				_, _ = io.WriteString(pw, tt.prelude)
				if tt.chunks == nil {
					pw.Close()
				}
			}()
			resp, err := http.Get(srv.URL + "/stream")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for k, v := range tt.headers {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if tt.chunks == nil {
				b, _ := io.ReadAll(resp.Body)
				if string(b) != tt.wantBody {
					t.Fatalf("body %q, want %q", b, tt.wantBody)
				}
				return
			}
			if resp.TransferEncoding == nil || resp.TransferEncoding[0] != "chunked" {
				t.Errorf("transfer encoding %v, want chunked", resp.TransferEncoding)
			}
			if tt.status == 201 {
				if got := resp.Header.Values("Set-Cookie"); strings.Join(got, "|") != "a=1|b=2" {
					t.Errorf("Set-Cookie %q", got)
				}
			}
			br := bufio.NewReader(resp.Body)
			var got strings.Builder
			for _, c := range tt.chunks {
				// Chunk i is written only now: the client has read every
				// chunk before it.
				go func() { _, _ = io.WriteString(pw, c) }()
				b := make([]byte, len(c))
				if _, err := io.ReadFull(br, b); err != nil {
					t.Fatalf("reading chunk %q: %v", c, err)
				}
				got.Write(b)
			}
			pw.CloseWithError(tt.endErr)
			rest, err := io.ReadAll(br)
			got.Write(rest)
			if got.String() != tt.wantBody {
				t.Errorf("body %q, want %q", got.String(), tt.wantBody)
			}
			if tt.wantCut {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("end of body: %v, want io.ErrUnexpectedEOF (cut short)", err)
				}
				if !strings.Contains(logs.String(), "streamed response cut short") {
					t.Errorf("not logged: %s", logs.String())
				}
			} else if err != nil {
				t.Errorf("end of body: %v", err)
			}
		})
	}
}

// syncLog is a log destination safe for the server's goroutines.
type syncLog struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *syncLog) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// A Function URL takes request bodies up to Lambda's 6 MB invocation
// payload; a larger one is 413 without invoking the function.
func TestFunctionURLBodyLimit(t *testing.T) {
	app := &fakeApp{}
	g := newTestGateway(t, urlManifest(), app, Options{API: APIURL})
	if w := g.do(request{method: "POST", target: "/", body: strings.Repeat("x", MaxURLBodyBytes)}); w.Code != 200 {
		t.Errorf("6 MB body: status %d", w.Code)
	}
	if w := g.do(request{method: "POST", target: "/", body: strings.Repeat("x", MaxURLBodyBytes+1)}); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("over 6 MB: status %d, want 413", w.Code)
	}
	if n := len(app.called(manifest.APIHandlerName)); n != 1 {
		t.Errorf("invoked %d times, want once", n)
	}
}
