package gateway

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/gateway/check"
	"github.com/gochalice/chalice/internal/proxyevent"
	"github.com/gochalice/chalice/manifest"
)

func restManifest() *manifest.Manifest {
	return &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "t",
		Routes: []manifest.Route{{Path: "/", Method: "GET"}}}
}

// Every 5xx the gateway answers itself is logged with its reason, method,
// path and request id; successes and client errors are not.
func TestFailuresAreLogged(t *testing.T) {
	big := `{"statusCode":200,"body":"` + strings.Repeat("x", 200) + `"}`
	tests := []struct {
		name   string
		api    string
		fn     func([]byte) ([]byte, error)
		status int
		reason string // substring of the logged reason; "" means nothing is logged
	}{
		{"ok", APIRest, answer(`{"statusCode":200,"body":"hi"}`), 200, ""},
		{"function error", APIRest, fail(errors.New("worker exited: signal: killed")), 502, "worker exited: signal: killed"},
		{"timeout", APIRest, fail(timeoutErr{}), 504, "timed out"},
		{"malformed JSON", APIRest, answer(`{"statusCode":200,`), 502, "not a Lambda proxy response object"},
		{"missing statusCode", APIRest, answer(`{"body":"x"}`), 502, "no statusCode"},
		{"bad status", APIRest, answer(`{"statusCode":42}`), 502, "statusCode 42 is not an HTTP status"},
		{"invalid header", APIRest, answer(`{"statusCode":200,"headers":{"X-A":"1\r\nX-B: 2"}}`), 502, `bad value for header "X-A"`},
		{"bad base64", APIRest, answer(`{"statusCode":200,"body":"!!","isBase64Encoded":true}`), 502, "not base64"},
		{"too large", APIRest, answer(big), 502, "over Lambda's 100-byte limit"},
		{"http ok", APIHTTP, answer(`"hi"`), 200, ""},
		{"http function error", APIHTTP, fail(errors.New("boom")), 500, "boom"},
		{"http timeout", APIHTTP, fail(timeoutErr{}), 503, "timed out"},
		{"http not JSON", APIHTTP, answer(`nope`), 500, "not valid JSON"},
		{"http bad cookie", APIHTTP, answer(`{"statusCode":200,"cookies":["a=1\n"]}`), 500, `bad value for header "Set-Cookie"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs logRecords
			app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){manifest.APIHandlerName: tt.fn}}
			g := newTestGateway(t, restManifest(), app, Options{API: tt.api, Logger: logs.logger(), MaxResponseBytes: 100})
			w := g.do(request{target: "/?q=1"})
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d (%s)", w.Code, tt.status, w.Body.String())
			}
			recs := logs.records(t)
			if tt.reason == "" {
				if len(recs) != 0 {
					t.Fatalf("logged %v, want nothing", recs)
				}
				return
			}
			if len(recs) != 1 {
				t.Fatalf("logged %d records, want 1: %v", len(recs), recs)
			}
			rec := recs[0]
			reqID := w.Header().Get("X-Amzn-Requestid")
			if tt.api == APIHTTP {
				reqID = w.Header().Get(httpRequestIDHeader)
			}
			if rec["level"] != "ERROR" || rec["status"] != float64(tt.status) || rec["method"] != "GET" || rec["path"] != "/" ||
				rec["requestId"] != reqID || reqID == "" || !strings.Contains(rec["reason"].(string), tt.reason) {
				t.Fatalf("record %v, want status %d, GET /, request id %q, reason containing %q", rec, tt.status, reqID, tt.reason)
			}
		})
	}
}

// A REST authorizer that fails is a 500 with the reason logged.
func TestAuthorizerFailureLogged(t *testing.T) {
	var logs logRecords
	app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){"auth": fail(errors.New("authorizer crashed"))}}
	g := newTestGateway(t, testManifest(), app, Options{Logger: logs.logger()})
	w := g.do(request{target: "/secret", headers: [][2]string{{"Authorization", "tok"}}})
	recs := logs.records(t)
	if w.Code != 500 || len(recs) != 1 || !strings.Contains(recs[0]["reason"].(string), "authorizer auth failed: authorizer crashed") {
		t.Fatalf("got %d, logs %v", w.Code, recs)
	}
}

// invalidHeaderResponses are proxy responses whose headers net/http would
// drop, rewrite or refuse.
var invalidHeaderResponses = []struct{ name, out string }{
	{"CRLF in value", `{"statusCode":200,"headers":{"X-A":"1\r\nSet-Cookie: evil=1"},"body":"x"}`},
	{"LF in value", `{"statusCode":200,"headers":{"X-A":"1\n2"},"body":"x"}`},
	{"NUL in value", `{"statusCode":200,"headers":{"X-A":"a\u0000b"},"body":"x"}`},
	{"DEL in multi value", `{"statusCode":200,"multiValueHeaders":{"X-A":["ok","\u007f"]},"body":"x"}`},
	{"space in name", `{"statusCode":200,"headers":{"X Bad":"1"},"body":"x"}`},
	{"colon in name", `{"statusCode":200,"multiValueHeaders":{"X:Bad":["1"]},"body":"x"}`},
	{"CRLF in name", `{"statusCode":200,"headers":{"X-A\r\nX-B":"1"},"body":"x"}`},
	{"empty name", `{"statusCode":200,"headers":{"":"1"},"body":"x"}`},
	{"non-ASCII name", `{"statusCode":200,"headers":{"X-Caf\u00e9":"1"},"body":"x"}`},
}

// A proxy response with an invalid header name or value is refused as API
// Gateway refuses a malformed one (REST 502, HTTP API 500), in the
// emulator and therefore in local and chalicetest, instead of reaching
// net/http.
func TestInvalidResponseHeadersRejected(t *testing.T) {
	for _, api := range []string{APIRest, APIHTTP} {
		for _, tt := range invalidHeaderResponses {
			t.Run(api+"/"+tt.name, func(t *testing.T) {
				out := tt.out
				if api == APIHTTP {
					// multiValueHeaders is not part of payload 2.0; use headers.
					out = strings.Replace(out, `"multiValueHeaders":{"X-A":["ok","\u007f"]}`, `"headers":{"X-A":"\u007f"}`, 1)
					out = strings.Replace(out, `"multiValueHeaders":{"X:Bad":["1"]}`, `"headers":{"X:Bad":"1"}`, 1)
				}
				app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){manifest.APIHandlerName: answer(out)}}
				g := newTestGateway(t, restManifest(), app, Options{API: api})
				w := g.do(request{target: "/"})
				want, body := 502, `{"message": "Internal server error"}`
				if api == APIHTTP {
					want, body = 500, bodyInternal
				}
				if w.Code != want || w.Body.String() != body {
					t.Fatalf("got %d %s, want %d %s", w.Code, w.Body.String(), want, body)
				}
				for k, vs := range w.Header() {
					for _, v := range vs {
						if !proxyevent.ValidHeaderName(k) || !proxyevent.ValidHeaderValue(v) {
							t.Fatalf("invalid header %q: %q written", k, v)
						}
					}
				}
			})
		}
	}
}

// Through a real server: valid headers arrive intact (tab, non-ASCII
// bytes), and invalid ones give the gateway's error rather than a
// connection error, a dropped header or a rewritten value.
func TestResponseHeadersOverTheWire(t *testing.T) {
	tests := []struct {
		name   string
		out    string
		status int
		header string
		want   string
	}{
		{"tab and UTF-8 kept", `{"statusCode":200,"headers":{"X-V":"a\tb caf\u00e9"},"body":"x"}`, 200, "X-V", "a\tb café"},
		{"multi-value", `{"statusCode":200,"multiValueHeaders":{"X-M":["1","2"]},"body":"x"}`, 200, "X-M", "1"},
		{"CRLF refused", invalidHeaderResponses[0].out, 502, "Set-Cookie", ""},
		{"bad name refused", invalidHeaderResponses[4].out, 502, "X Bad", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){manifest.APIHandlerName: answer(tt.out)}}
			srv := httptest.NewServer(newTestGateway(t, restManifest(), app, Options{}))
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			_, _ = io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || resp.Header.Get(tt.header) != tt.want {
				t.Fatalf("got %d %s=%q, want %d %q", resp.StatusCode, tt.header, resp.Header.Get(tt.header), tt.status, tt.want)
			}
		})
	}
}

// check.CanonicalKey agrees with net/http on valid names.
func TestCanonicalKeyMatchesNetHTTP(t *testing.T) {
	names := []string{"content-type", "CONTENT-TYPE", "x-amzn-requestid", "X-AMZN-REQUESTID", "a", "A-", "-a", "a--b", "x_y-z",
		"Www-Authenticate", "set-cookie", "9-lives", "~x-y", "ETag", "x-amz-cf-id"}
	for _, n := range names {
		if got, want := check.CanonicalKey(n), http.CanonicalHeaderKey(n); got != want {
			t.Errorf("CanonicalKey(%q) = %q, net/http says %q", n, got, want)
		}
	}
}

// Responses the checks accept can be written by net/http as they are: a
// recorder (which panics on a status net/http refuses) keeps every header.
func TestCheckedResponsesAreWritable(t *testing.T) {
	outs := []string{
		`{"statusCode":200,"headers":{"x-a":"1","Content-Type":"text/plain"},"multiValueHeaders":{"X-B":["1","2"]},"body":"x"}`,
		`{"statusCode":599,"headers":{"X-Tab":"a\tb","X-Obs":"\u00e9"}}`,
		`{"statusCode":200,"body":"AAE=","isBase64Encoded":true}`,
	}
	for _, out := range outs {
		resp, err := check.RESTResponse([]byte(out), DefaultMaxResponseBytes)
		if err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		w := httptest.NewRecorder()
		writeResponse(w, resp, "X-Amzn-Requestid", "id")
		for k, vs := range resp.Header {
			if got := w.Result().Header[k]; strings.Join(got, "|") != strings.Join(vs, "|") {
				t.Errorf("%s: header %s = %q, want %q", out, k, got, vs)
			}
		}
	}
}
