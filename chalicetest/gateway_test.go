package chalicetest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
)

// headerApp has a view returning an invalid header (the app's own check
// answers Chalice's 500) and a route whose middleware adds one after the
// view (the emulated API Gateway refuses the response, as deployed).
func headerApp() *chalice.App {
	app := chalice.New("headers", chalice.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	app.Get("/view", func(ctx context.Context, r *chalice.Request) (any, error) {
		return chalice.NewResponse(200, "x").SetHeader("X-Bad", "a\x00b"), nil
	})
	app.Get("/middleware", func(ctx context.Context, r *chalice.Request) (any, error) {
		return chalice.NewResponse(200, "x"), nil
	})
	app.UseHTTP(func(next chalice.Handler) chalice.Handler {
		return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
			resp, err := next(ctx, req)
			if err == nil && req.Path == "/middleware" {
				resp.SetHeader("X-Injected", "1\r\nSet-Cookie: evil=1")
			}
			return resp, err
		}
	})
	return app
}

func TestInvalidHeadersThroughTheClient(t *testing.T) {
	tests := []struct {
		api, path string
		status    int
		body      string
		logged    string // substring of the logged reason; "" when nothing is logged
	}{
		{"rest", "/view", 500, `{"Code":"InternalServerError","Message":"An internal server error occurred."}`, ""},
		{"http", "/view", 500, `{"Code":"InternalServerError","Message":"An internal server error occurred."}`, ""},
		{"rest", "/middleware", 502, `{"message": "Internal server error"}`, `bad value for header "X-Injected"`},
		{"http", "/middleware", 500, `{"message":"Internal Server Error"}`, `bad value for header "X-Injected"`},
	}
	for _, tt := range tests {
		t.Run(tt.api+tt.path, func(t *testing.T) {
			var logs bytes.Buffer
			c := chalicetest.New(t, headerApp(), chalicetest.API(tt.api), chalicetest.ProjectDir(t.TempDir()),
				chalicetest.Logger(slog.New(slog.NewJSONHandler(&logs, nil))))
			resp := c.Get(tt.path)
			if resp.StatusCode != tt.status || string(resp.Body) != tt.body {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, resp.Body, tt.status, tt.body)
			}
			for k := range resp.Header {
				if strings.EqualFold(k, "Set-Cookie") || strings.EqualFold(k, "X-Injected") {
					t.Fatalf("header %s reached the client: %v", k, resp.Header)
				}
			}
			var rec struct {
				Status int    `json:"status"`
				Reason string `json:"reason"`
			}
			_ = json.Unmarshal(logs.Bytes(), &rec)
			if tt.logged == "" {
				if logs.Len() != 0 {
					t.Fatalf("logged %s", logs.String())
				}
				return
			}
			if rec.Status != tt.status || !strings.Contains(rec.Reason, tt.logged) {
				t.Fatalf("logged %s, want status %d and a reason with %q", logs.String(), tt.status, tt.logged)
			}
		})
	}
}

// The client serves HTTP API responses the same way over a real listener.
func TestHTTPAPIPreflightThroughHandler(t *testing.T) {
	c := newClient(t, chalicetest.API("http"))
	req, _ := http.NewRequest("OPTIONS", "/items/1", nil)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	w := &recorder{header: http.Header{}}
	c.Handler().ServeHTTP(w, req)
	if w.status != 204 || w.header.Get("Access-Control-Allow-Origin") != "*" || w.header.Get("Access-Control-Allow-Methods") != "GET,OPTIONS,PUT" {
		t.Fatalf("got %d %v", w.status, w.header)
	}
}
