package chalice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
)

// A view's response header with an invalid name or value is Chalice's 500
// on Lambda (as _validate_response does for "\n"), with the reason logged;
// the rule is the one the local gateway applies (internal/proxyevent).
func TestResponseHeaderValidation(t *testing.T) {
	const internal = `{"Code":"InternalServerError","Message":"An internal server error occurred."}`
	tests := []struct {
		name    string
		resp    *chalice.Response
		status  int
		logWant string // substring of the logged error; "" when nothing is logged
	}{
		{"valid", chalice.NewResponse(200, "ok").SetHeader("X-Ok", "a\tb caf\u00e9"), 200, ""},
		{"LF in value", chalice.NewResponse(200, "ok").SetHeader("X-Bad", "a\nb"), 500, `bad value for header "X-Bad"`},
		{"CR in value", chalice.NewResponse(200, "ok").SetHeader("X-Bad", "a\rb"), 500, `bad value for header "X-Bad"`},
		{"NUL in value", chalice.NewResponse(200, "ok").SetHeader("X-Bad", "a\x00b"), 500, `bad value for header "X-Bad"`},
		{"DEL in multi value", chalice.NewResponse(200, "ok").AddHeader("X-Bad", "ok").AddHeader("X-Bad", "\x7f"), 500, `bad value for header "X-Bad"`},
		{"space in name", chalice.NewResponse(200, "ok").SetHeader("X Bad", "v"), 500, `invalid header name "X Bad"`},
		{"colon in name", chalice.NewResponse(200, "ok").AddHeader("X:Bad", "v"), 500, `invalid header name "X:Bad"`},
		{"empty name", chalice.NewResponse(200, "ok").SetHeader("", "v"), 500, `invalid header name ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			app := chalice.New("testapp", chalice.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
			app.Get("/", func(ctx context.Context, r *chalice.Request) (any, error) { return tt.resp, nil })
			got := call(t, app, restEvent{Resource: "/"})
			if got.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d (body %s)", got.StatusCode, tt.status, got.Body)
			}
			if tt.status == 500 && got.Body != internal {
				t.Errorf("body = %s, want %s", got.Body, internal)
			}
			var rec struct {
				Error string `json:"error"`
			}
			_ = json.Unmarshal(logs.Bytes(), &rec)
			if !strings.Contains(rec.Error, tt.logWant) || (tt.logWant == "") != (logs.Len() == 0) {
				t.Errorf("logged %q, want an error mentioning %q", logs.String(), tt.logWant)
			}
		})
	}
}

// A mounted http.Handler's headers are checked the same way.
func TestMountedHandlerHeaderValidation(t *testing.T) {
	tests := []struct {
		name   string
		set    func(http.Header)
		status int
	}{
		{"valid", func(h http.Header) { h.Set("X-Ok", "1") }, 200},
		{"invalid name", func(h http.Header) { h["Bad Name"] = []string{"v"} }, 500},
		{"NUL in value", func(h http.Header) { h["X-Nul"] = []string{"a\x00"} }, 500},
		{"CRLF in repeated value", func(h http.Header) { h["X-Two"] = []string{"a", "b\r\nX-Injected: 1"} }, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			app.Mount("/m", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tt.set(w.Header())
				_, _ = w.Write([]byte("body"))
			}))
			got := call(t, app, restEvent{Resource: "/m", Path: "/m"})
			if got.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d (body %s)", got.StatusCode, tt.status, got.Body)
			}
		})
	}
}
