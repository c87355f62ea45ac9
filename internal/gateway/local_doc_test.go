package gateway

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/manifest"
)

// docRow ties a row of docs/LOCAL.md (by its first cell, verbatim) to the
// test that shows gochalice local behaving as the row says.
type docRow struct {
	behaviour string
	test      func(*testing.T)
}

// restDocRows are the rows of the REST API table: where local answers as
// deployed API Gateway rather than as chalice local.
var restDocRows = []docRow{
	{"Request context", testRESTRequestContext},
	{"Repeated request headers", testRESTRepeatedHeaders},
	{"Repeated query string parameters", testRESTRepeatedQuery},
	{"Stage variables", testRESTStageVariables},
	{"Empty authorizer token", testRESTEmptyToken},
	{"Authorizer token header", testRESTTokenHeader},
	{"Request ID header", testRESTRequestIDHeader},
	{"Function error, timeout or malformed response", TestInvokeFailures},
	{"Response header with an invalid name or value", TestInvalidResponseHeadersRejected},
	{"Request body over 10 MB", TestPayloadTooLarge},
	{"Function response over 6 MB", testRESTResponseTooLarge},
	{"Authorizer result caching", TestAuthorizerCache},
}

// httpDocRows are the rows of the HTTP API table.
var httpDocRows = []docRow{
	{"Unknown path or method", TestHTTPAPIRouting},
	{"`ANY` routes and route selection", TestHTTPAPIRoutePrecedenceByMethod},
	{"CORS preflight", TestHTTPAPICORS},
	{"CORS headers on responses", TestHTTPAPICORS},
	{"Request event", TestHTTPAPIEvent},
	{"Response without `statusCode`", TestHTTPAPIResponseFormat},
	{"`isBase64Encoded` and `cookies` in responses", TestHTTPAPIResponseFormat},
	{"Malformed response, function error", TestFailuresAreLogged},
	{"Lambda authorizer payload", TestHTTPAPILambdaAuthorizer},
	{"Simple responses", TestHTTPAPILambdaAuthorizer},
	{"Identity sources", TestHTTPAPILambdaAuthorizer},
	{"Authorizer caching", TestHTTPAPIAuthorizerCache},
	{"JWT authorizers", TestHTTPAPIJWTAuthorizer},
	{"Request ID header (HTTP API)", TestHTTPAPIErrorsCarryRequestID},
}

// urlDocRows are the rows of the Function URL table.
var urlDocRows = []docRow{
	{"Routing", TestFunctionURLResponses},
	{"Request event (Function URL)", TestFunctionURLEvent},
	{"CORS", TestFunctionURLCORS},
	{"Function error, timeout, crash or malformed response", TestFunctionURLResponses},
	{"Response streaming", TestFunctionURLStreaming},
	{"`AWS_IAM` auth type", TestFunctionURLBinaryBodyAndIAM},
	{"Authorizers and API keys", TestFunctionURLRefusesWhatAURLLacks},
	{"Request body over 6 MB", TestFunctionURLBodyLimit},
	{"A pure Lambda's URL (`function_url: true`)", testPureLambdaURL},
}

func testPureLambdaURL(t *testing.T) {
	t.Run("responses", TestPureLambdaURLResponses)
	t.Run("event", TestPureLambdaURLEvent)
	t.Run("stream mode", TestPureLambdaURLStreamMode)
}

// TestLocalDocRows checks that docs/LOCAL.md's tables list exactly
// these rows, and runs each row's test.
func TestLocalDocRows(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "LOCAL.md"))
	if err != nil {
		t.Fatal(err)
	}
	tables := docTables(string(doc))
	for _, tt := range []struct {
		heading string
		rows    []docRow
	}{
		{"## REST API", restDocRows},
		{"## HTTP API", httpDocRows},
		{"## Function URL", urlDocRows},
	} {
		got := tables[tt.heading]
		var want []string
		for _, r := range tt.rows {
			want = append(want, r.behaviour)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s table rows:\n got %q\nwant %q", tt.heading, got, want)
		}
		for _, r := range tt.rows {
			t.Run(r.behaviour, r.test)
		}
	}
}

// docTables returns the first cells of the body rows of the first table
// under each "## " heading.
func docTables(doc string) map[string][]string {
	out := map[string][]string{}
	heading, inTable, done := "", false, false
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			heading, inTable, done = strings.TrimSpace(line), false, false
		case strings.HasPrefix(line, "|") && heading != "" && !done:
			cells := strings.Split(strings.Trim(line, "|"), "|")
			first := strings.TrimSpace(cells[0])
			if !inTable { // header row
				inTable = true
				continue
			}
			if strings.Trim(first, "-: ") == "" { // separator row
				continue
			}
			out[heading] = append(out[heading], first)
		case inTable:
			inTable, done = false, true
		}
	}
	return out
}

func restEventFor(t *testing.T, rq request, opts Options) map[string]any {
	t.Helper()
	app := &fakeApp{}
	g := newTestGateway(t, testManifest(), app, opts)
	if w := g.do(rq); w.Code != 200 {
		t.Fatalf("status %d %s", w.Code, w.Body.String())
	}
	return app.lastEvent(t, manifest.APIHandlerName)
}

func testRESTRequestContext(t *testing.T) {
	ev := restEventFor(t, request{target: "/?a=1", headers: [][2]string{{"User-Agent", "curl/8"}}}, Options{Stage: "dev"})
	rc := ev["requestContext"].(map[string]any)
	want := map[string]string{
		"accountId": `"123456789012"`, "apiId": `"ymy8tbxw7b"`, "stage": `"dev"`, "path": `"/dev/"`, "resourcePath": `"/"`,
		"httpMethod": `"GET"`, "protocol": `"HTTP/1.1"`, "domainName": `"example.com"`, "resourceId": `"local"`,
		"requestTime": `"09/Apr/2025:12:34:56 +0000"`, "requestTimeEpoch": `1744202096000`,
		"identity": `{"sourceIp":"127.0.0.1","userAgent":"curl/8"}`,
	}
	for k, v := range want {
		if got := compact(rc[k]); got != v {
			t.Errorf("requestContext.%s = %s, want %s", k, got, v)
		}
	}
	if id, _ := rc["requestId"].(string); len(id) != 36 {
		t.Errorf("requestId = %q, want a UUID", id)
	}
}

func testRESTRepeatedHeaders(t *testing.T) {
	ev := restEventFor(t, request{target: "/", headers: [][2]string{{"X-Dup", "first"}, {"X-Dup", "second"}}}, Options{})
	if got := compact(jsonPath(ev, "headers", "x-dup")); got != `"second"` {
		t.Errorf("headers.x-dup = %s, want the last value", got)
	}
	if got := compact(jsonPath(ev, "multiValueHeaders", "x-dup")); got != `["first","second"]` {
		t.Errorf("multiValueHeaders.x-dup = %s, want both", got)
	}
}

func testRESTRepeatedQuery(t *testing.T) {
	ev := restEventFor(t, request{target: "/?q=1&q=2"}, Options{})
	if got := compact(ev["queryStringParameters"]); got != `{"q":"2"}` {
		t.Errorf("queryStringParameters = %s", got)
	}
	if got := compact(ev["multiValueQueryStringParameters"]); got != `{"q":["1","2"]}` {
		t.Errorf("multiValueQueryStringParameters = %s", got)
	}
}

func testRESTStageVariables(t *testing.T) {
	if got := compact(restEventFor(t, request{target: "/"}, Options{})["stageVariables"]); got != "null" {
		t.Errorf("stageVariables without any = %s, want null", got)
	}
	ev := restEventFor(t, request{target: "/"}, Options{StageVariables: map[string]string{"k": "v"}})
	if got := compact(ev["stageVariables"]); got != `{"k":"v"}` {
		t.Errorf("stageVariables = %s", got)
	}
}

func testRESTEmptyToken(t *testing.T) {
	app := &fakeApp{}
	g := newTestGateway(t, testManifest(), app, Options{})
	w := g.do(request{target: "/secret", headers: [][2]string{{"Authorization", ""}}})
	if w.Code != 401 || w.Body.String() != `{"message":"Unauthorized"}` || len(app.called("auth")) != 0 {
		t.Fatalf("got %d %s with %d authorizer calls", w.Code, w.Body.String(), len(app.called("auth")))
	}
}

func testRESTTokenHeader(t *testing.T) {
	m := testManifest()
	m.Authorizers[0].Header = "X-Token"
	app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){"auth": answer(allowPolicy("*"))}}
	g := newTestGateway(t, m, app, Options{})
	if w := g.do(request{target: "/secret", headers: [][2]string{{"Authorization", "ignored"}}}); w.Code != 401 {
		t.Fatalf("token in Authorization only: %d, want 401", w.Code)
	}
	if w := g.do(request{target: "/secret", headers: [][2]string{{"X-Token", "tok"}}}); w.Code != 200 {
		t.Fatalf("token in X-Token: %d, want 200", w.Code)
	}
	if got := compact(jsonPath(app.lastEvent(t, "auth"), "authorizationToken")); got != `"tok"` {
		t.Fatalf("authorizationToken = %s", got)
	}
}

func testRESTRequestIDHeader(t *testing.T) {
	app := &fakeApp{}
	g := newTestGateway(t, testManifest(), app, Options{})
	w := g.do(request{target: "/"})
	id := w.Header().Get("X-Amzn-Requestid")
	if w.Code != 200 || id == "" || jsonPath(app.lastEvent(t, manifest.APIHandlerName), "requestContext", "requestId") != id {
		t.Fatalf("got %d, x-amzn-RequestId %q", w.Code, id)
	}
	if g.do(request{target: "/nope"}).Header().Get("X-Amzn-Requestid") == "" {
		t.Fatal("no request id on a gateway error")
	}
}

func testRESTResponseTooLarge(t *testing.T) {
	big := `{"statusCode":200,"body":"` + strings.Repeat("x", DefaultMaxResponseBytes) + `"}`
	app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){manifest.APIHandlerName: answer(big)}}
	g := newTestGateway(t, testManifest(), app, Options{})
	if w := g.do(request{target: "/"}); w.Code != 502 {
		t.Fatalf("status %d, want 502", w.Code)
	}
}

// The authorizer cache honours the TTL of HTTP API authorizers too, and a
// failing invoker is not cached.
func TestAuthorizerCacheSkipsFailures(t *testing.T) {
	calls := 0
	app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){"auth": func([]byte) ([]byte, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("cold start failed")
		}
		return []byte(allowPolicy("*")), nil
	}}}
	g := newTestGateway(t, testManifest(), app, Options{CacheAuthorizers: true})
	now := time.Unix(0, 0)
	g.now = func() time.Time { return now }
	rq := request{target: "/secret", headers: [][2]string{{"Authorization", "t"}}}
	if w := g.do(rq); w.Code != 500 {
		t.Fatalf("first: %d", w.Code)
	}
	for range 2 {
		if w := g.do(rq); w.Code != 200 {
			t.Fatalf("retry: %d", w.Code)
		}
	}
	if calls != 2 {
		t.Fatalf("authorizer calls = %d, want 2", calls)
	}
}
