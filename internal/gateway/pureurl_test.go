package gateway

import (
	"errors"
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gochalice/chalice/manifest"
)

// pureManifest is an app whose routes a Function URL could not serve (an
// authorizer, CORS) beside two pure Lambdas: their URLs do not care.
func pureManifest() *manifest.Manifest {
	m := urlManifest()
	m.Routes = append(m.Routes, manifest.Route{Path: "/private", Method: "GET", Authorizer: "auth"})
	m.Functions = []manifest.Function{
		{Name: manifest.APIHandlerName, Kind: manifest.KindAPIHandler},
		{Name: "echo", Kind: manifest.KindPureLambda},
		{Name: "other", Kind: manifest.KindPureLambda},
	}
	return m
}

// A pure Lambda's Function URL answers by Lambda's Function URL response
// rules: a JSON object with statusCode is a response (payload 2.0);
// any other valid JSON is the body of a 200 application/json response (a
// JSON string is its text, as for the API handler's URL and HTTP APIs);
// anything else, and any failure, is 502 Internal Server Error.
func TestPureLambdaURLResponses(t *testing.T) {
	tests := []struct {
		name   string
		answer func([]byte) ([]byte, error)
		status int
		body   string
		ctype  string // "" = not checked
		logged string // substring of the logged reason; "" = nothing logged
	}{
		{"object with statusCode is a response", answer(`{"statusCode":201,"headers":{"content-type":"text/plain","x-one":"1"},"cookies":["a=1"],"body":"made"}`),
			201, "made", "text/plain", ""},
		{"statusCode without body", answer(`{"statusCode":204}`), 204, "", "", ""},
		{"base64 body", answer(`{"statusCode":200,"headers":{"content-type":"image/png"},"body":"iVBORw==","isBase64Encoded":true}`), 200, "\x89PNG", "image/png", ""},
		{"object without statusCode is the body", answer(`{"hello":"world","body":"not a field here"}`), 200, `{"hello":"world","body":"not a field here"}`, "application/json", ""},
		{"array is the body", answer(`[1,2,3]`), 200, `[1,2,3]`, "application/json", ""},
		{"number is the body", answer(`42`), 200, `42`, "application/json", ""},
		{"boolean is the body", answer(`true`), 200, `true`, "application/json", ""},
		{"null is the body", answer(`null`), 200, `null`, "application/json", ""},
		{"string is its text", answer(`"hi there"`), 200, `hi there`, "application/json", ""},
		{"whitespace around JSON", answer(" \n{\"a\":1}\n"), 200, " \n{\"a\":1}\n", "application/json", ""},
		{"bad statusCode", answer(`{"statusCode":"201"}`), 502, bodyURLInternal, "application/json", "statusCode must be an integer"},
		{"status out of range", answer(`{"statusCode":99}`), 502, bodyURLInternal, "", "99"},
		{"not JSON", answer(`hello`), 502, bodyURLInternal, "", "not valid JSON"},
		{"empty answer", answer(``), 502, bodyURLInternal, "", "not valid JSON"},
		{"function error", fail(errors.New("the disk is on fire")), 502, bodyURLInternal, "application/json", "the disk is on fire"},
		{"timeout", fail(timeoutErr{}), 502, bodyURLInternal, "", "timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){"echo": tt.answer}}
			var logs logRecords
			g := newTestGateway(t, pureManifest(), app, Options{API: APIURL, URL: URLOptions{Function: "echo"}, Logger: logs.logger()})
			w := g.do(request{method: "GET", target: "/anything"})
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.body)
			}
			if tt.ctype != "" && w.Header().Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", w.Header().Get("Content-Type"), tt.ctype)
			}
			if w.Header().Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
			if n := len(app.called(manifest.APIHandlerName)); n != 0 {
				t.Errorf("api_handler invoked %d times; the URL is echo's", n)
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

// A pure Lambda's URL: the event is the Function URL event with the URL's
// own ID, every path and method (OPTIONS too: no CORS configuration)
// reaches the function, the routes' authorizers and CORS do not matter,
// and AWS_IAM warns once, naming the function.
func TestPureLambdaURLEvent(t *testing.T) {
	app := &fakeApp{}
	var warnings []string
	g := newTestGateway(t, pureManifest(), app, Options{API: APIURL, URL: URLOptions{Function: "echo", AuthType: AuthIAM},
		Warn: func(m string) { warnings = append(warnings, m) }})
	for _, rq := range []request{
		{method: "OPTIONS", target: "/items/1", headers: [][2]string{{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "PUT"}}},
		{method: "POST", target: "/no/such/route?q=1", body: `{"k":"v"}`},
	} {
		w := g.do(rq)
		if w.Code != 200 || w.Body.String() != "ok" || w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s %s = %d %q %v, want the function's answer without CORS headers", rq.method, rq.target, w.Code, w.Body.String(), w.Header())
		}
	}
	if n := len(app.called("echo")); n != 2 {
		t.Fatalf("echo invoked %d times, want 2", n)
	}
	id := LocalURLIDFor("echo")
	ev := app.lastEvent(t, "echo")
	for _, tt := range []struct {
		path []string
		want string
	}{
		{[]string{"version"}, `"2.0"`},
		{[]string{"routeKey"}, `"$default"`},
		{[]string{"rawPath"}, `"/no/such/route"`},
		{[]string{"rawQueryString"}, `"q=1"`},
		{[]string{"body"}, `"{\"k\":\"v\"}"`},
		{[]string{"requestContext", "apiId"}, `"` + id + `"`},
		{[]string{"requestContext", "domainName"}, `"` + id + `.lambda-url.` + LocalRegion + `.on.aws"`},
		{[]string{"requestContext", "domainPrefix"}, `"` + id + `"`},
		{[]string{"requestContext", "stage"}, `"$default"`},
		{[]string{"requestContext", "accountId"}, `"` + LocalAccountID + `"`},
		{[]string{"requestContext", "authorizer", "iam", "userArn"}, `"arn:aws:iam::` + LocalAccountID + `:user/local"`},
	} {
		if got := compact(jsonPath(ev, tt.path...)); got != tt.want {
			t.Errorf("%s = %s, want %s", strings.Join(tt.path, "."), got, tt.want)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "SigV4") || !strings.Contains(warnings[0], "echo") {
		t.Errorf("warnings = %q, want one naming echo and SigV4", warnings)
	}
}

// URL IDs look like real ones, differ between functions, and depend only
// on the name.
func TestLocalURLIDFor(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9]{32}$`)
	seen := map[string]string{}
	for _, fn := range []string{"", manifest.APIHandlerName, "echo", "other", "a", "a-much-longer-function-name_with_underscores"} {
		id := LocalURLIDFor(fn)
		if !valid.MatchString(id) {
			t.Errorf("LocalURLIDFor(%q) = %q, want 32 lowercase letters and digits", fn, id)
		}
		if id != LocalURLIDFor(fn) {
			t.Errorf("LocalURLIDFor(%q) is not stable", fn)
		}
		if prev, ok := seen[id]; ok && !(fn == manifest.APIHandlerName && prev == "") {
			t.Errorf("LocalURLIDFor(%q) = LocalURLIDFor(%q) = %q", fn, prev, id)
		}
		seen[id] = fn
	}
	if LocalURLIDFor(manifest.APIHandlerName) != LocalURLID {
		t.Errorf("api_handler's URL ID %q, want LocalURLID", LocalURLIDFor(manifest.APIHandlerName))
	}
}

// In RESPONSE_STREAM mode a pure Lambda is invoked through the stream
// invoker; what it answers is one whole (not streamed) JSON payload, read
// by the same rules as in BUFFERED mode.
func TestPureLambdaURLStreamMode(t *testing.T) {
	tests := []struct {
		name   string
		out    string
		status int
		body   string
	}{
		{"response object", `{"statusCode":202,"body":"queued"}`, 202, "queued"},
		{"any JSON", `{"n":1}`, 200, `{"n":1}`},
		{"not JSON", `nope`, 502, bodyURLInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			go func() { _, _ = io.WriteString(pw, tt.out); pw.Close() }()
			app := &streamApp{contentType: "application/json", body: pr}
			g, err := New(pureManifest(), app, Options{API: APIURL, URL: URLOptions{Function: "echo", InvokeMode: InvokeModeStream}})
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			g.ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.body)
			}
			if n := len(app.called("echo")); n != 1 {
				t.Errorf("echo invoked %d times, want once", n)
			}
		})
	}
}

func TestPureLambdaURLUnknownFunction(t *testing.T) {
	_, err := New(pureManifest(), &fakeApp{}, Options{API: APIURL, URL: URLOptions{Function: "nope"}})
	if err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "api_handler, echo, other") {
		t.Fatalf("New error = %v, want it to name nope and the app's functions", err)
	}
}
