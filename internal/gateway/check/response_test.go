package check

import (
	"errors"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/proxyevent"
)

func TestRESTResponse(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		status  int
		body    string
		headers map[string]string // joined with ","
		err     string
	}{
		{name: "minimal", out: `{"statusCode":204}`, status: 204},
		{name: "body gets application/json", out: `{"statusCode":200,"body":"{}"}`, status: 200, body: "{}", headers: map[string]string{"Content-Type": "application/json"}},
		{name: "names canonical, multi wins over single", out: `{"statusCode":200,"headers":{"x-a":"1","x-single":"s"},"multiValueHeaders":{"X-A":["2","3"]}}`,
			status: 200, headers: map[string]string{"X-A": "2,3", "X-Single": "s"}},
		{name: "base64", out: `{"statusCode":200,"headers":{"Content-Type":"image/png"},"body":"AAE=","isBase64Encoded":true}`, status: 200, body: "\x00\x01"},
		{name: "null body", out: `{"statusCode":200,"body":null}`, status: 200},
		{name: "status 100", out: `{"statusCode":100}`, err: "not an HTTP status"},
		{name: "status 600", out: `{"statusCode":600}`, err: "not an HTTP status"},
		{name: "null", out: `null`, err: "no statusCode"},
		{name: "not JSON", out: `{"statusCode":`, err: "not a Lambda proxy response object"},
		{name: "body not a string", out: `{"statusCode":200,"body":{"a":1}}`, err: "not a Lambda proxy response object"},
		{name: "header not a string", out: `{"statusCode":200,"headers":{"X-N":5}}`, err: "not a Lambda proxy response object"},
		{name: "bad base64", out: `{"statusCode":200,"body":"!","isBase64Encoded":true}`, err: "not base64"},
		{name: "bad header value", out: `{"statusCode":200,"headers":{"X-A":"a\nb"}}`, err: `bad value for header "X-A"`},
		{name: "bad header name", out: `{"statusCode":200,"multiValueHeaders":{"X A":["1"]}}`, err: `invalid header name "X A"`},
		{name: "too large", out: `{"statusCode":200,"body":"` + strings.Repeat("x", 100) + `"}`, err: "over Lambda's 64-byte limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := DefaultMaxResponseBytes
			if tt.name == "too large" {
				limit = 64
			}
			resp, err := RESTResponse([]byte(tt.out), limit)
			checkResult(t, resp, err, tt.status, tt.body, tt.headers, tt.err)
		})
	}
}

func TestHTTPAPIResponse(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		status  int
		body    string
		headers map[string]string
		err     string
	}{
		{name: "string", out: ` "hi\u00e9" `, status: 200, body: "hié", headers: map[string]string{"Content-Type": "application/json"}},
		{name: "object", out: `{"message":"hi"}`, status: 200, body: `{"message":"hi"}`, headers: map[string]string{"Content-Type": "application/json"}},
		{name: "StatusCode in another case is not a status", out: `{"StatusCode":201}`, status: 200, body: `{"StatusCode":201}`},
		{name: "false", out: `false`, status: 200, body: `false`},
		{name: "full", out: `{"statusCode":201,"headers":{"content-type":"text/plain","set-cookie":"z=0"},"cookies":["a=1","b=2"],"body":"made"}`,
			status: 201, body: "made", headers: map[string]string{"Content-Type": "text/plain", "Set-Cookie": "z=0,a=1,b=2"}},
		{name: "base64", out: `{"statusCode":200,"body":"AAE=","isBase64Encoded":true}`, status: 200, body: "\x00\x01"},
		{name: "all null", out: `{"statusCode":200,"headers":null,"cookies":null,"body":null,"isBase64Encoded":null}`, status: 200},
		{name: "statusCode string", out: `{"statusCode":"200"}`, err: "statusCode must be an integer"},
		{name: "statusCode float", out: `{"statusCode":200.5}`, err: "statusCode must be an integer"},
		{name: "statusCode null", out: `{"statusCode":null}`, err: "no statusCode"},
		{name: "cookies not strings", out: `{"statusCode":200,"cookies":[1]}`, err: "cookies must be a list of strings"},
		{name: "isBase64Encoded string", out: `{"statusCode":200,"isBase64Encoded":"true"}`, err: "isBase64Encoded must be a boolean"},
		{name: "bad cookie", out: `{"statusCode":200,"cookies":["a=1\r\nX: y"]}`, err: `bad value for header "Set-Cookie"`},
		{name: "bad header", out: `{"statusCode":200,"headers":{"X\u0000":"1"}}`, err: "invalid header name"},
		{name: "not JSON", out: `hello`, err: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := HTTPAPIResponse([]byte(tt.out), DefaultMaxResponseBytes)
			checkResult(t, resp, err, tt.status, tt.body, tt.headers, tt.err)
		})
	}
}

func checkResult(t *testing.T, resp *Response, err error, status int, body string, headers map[string]string, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("err = %v, want %q", err, wantErr)
		}
		if strings.Contains(wantErr, "limit") && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err %v does not wrap ErrTooLarge", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status || string(resp.Body) != body {
		t.Fatalf("got %d %q, want %d %q", resp.StatusCode, resp.Body, status, body)
	}
	for k, v := range headers {
		if got := strings.Join(resp.Header[k], ","); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	checkInvariants(t, resp)
}

func TestCanonicalKey(t *testing.T) {
	tests := map[string]string{
		"content-type": "Content-Type", "CONTENT-TYPE": "Content-Type", "Content-Type": "Content-Type",
		"x-amzn-requestid": "X-Amzn-Requestid", "a--b": "A--B", "-a": "-A", "9x": "9x", "x_y": "X_y",
	}
	for in, want := range tests {
		if got := CanonicalKey(in); got != want {
			t.Errorf("CanonicalKey(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = CanonicalKey("Content-Type") }); n != 0 {
		t.Errorf("canonical name: %.0f allocs, want 0", n)
	}
}

// checkInvariants is what every accepted response satisfies: a final
// status, canonical valid names, valid values.
func checkInvariants(t *testing.T, resp *Response) {
	t.Helper()
	if resp.StatusCode < 200 || resp.StatusCode > 599 {
		t.Fatalf("accepted status %d", resp.StatusCode)
	}
	for k, vs := range resp.Header {
		if !proxyevent.ValidHeaderName(k) || CanonicalKey(k) != k {
			t.Fatalf("accepted header name %q", k)
		}
		for _, v := range vs {
			if !proxyevent.ValidHeaderValue(v) {
				t.Fatalf("accepted value %q for %s", v, k)
			}
		}
	}
}

// maxFuzzResponse bounds fuzzed outputs: the checks are linear, and long
// inputs only slow Go's minimiser, whose work grows with the square of an
// input's length.
const maxFuzzResponse = 256

var fuzzResponses = []string{
	`{"statusCode":200,"headers":{"A":"1"},"multiValueHeaders":{"B":["1","2"]},"body":"x"}`,
	`{"statusCode":200,"body":"AAE=","isBase64Encoded":true}`, `{"statusCode":99}`, `null`, `[]`, `"s"`, `42`,
	`{"statusCode":201,"headers":{"a":"1"},"cookies":["a=1","b=2"],"body":"x","isBase64Encoded":false}`,
	`{"statusCode":"200"}`, `{"statusCode":200,"headers":{"X":"a\r\nb"}}`, `{"statusCode":200,"cookies":["\n"]}`,
}

// FuzzRESTResponse: any function output is accepted as a well-formed
// response or refused with an error, never a panic.
func FuzzRESTResponse(f *testing.F) {
	for _, s := range fuzzResponses {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		if len(out) > maxFuzzResponse {
			return
		}
		if resp, err := RESTResponse(out, DefaultMaxResponseBytes); err == nil {
			checkInvariants(t, resp)
		}
	})
}

// FuzzHTTPAPIResponse does the same for payload format 2.0, including the
// format inference.
func FuzzHTTPAPIResponse(f *testing.F) {
	for _, s := range fuzzResponses {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		if len(out) > maxFuzzResponse {
			return
		}
		if resp, err := HTTPAPIResponse(out, DefaultMaxResponseBytes); err == nil {
			checkInvariants(t, resp)
		}
	})
}
