package chalicetest_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
)

func urlApp() *chalice.App {
	app := chalice.New("urlapp")
	app.Get("/where", func(ctx context.Context, r *chalice.Request) (any, error) {
		return map[string]any{"source": r.Source, "path": r.URLPath, "q": r.Query.Get("q"), "stage": r.Context.Stage,
			"domain": r.Context.DomainName}, nil
	}, chalice.WithCORS(chalice.DefaultCORS()))
	app.Get("/count", func(ctx context.Context, r *chalice.Request) (any, error) {
		return chalice.StreamResponse(201, map[string]string{"Content-Type": "text/plain"}, func(ctx context.Context, w io.Writer) error {
			for i := range 3 {
				if _, err := fmt.Fprintf(w, "chunk %d\n", i); err != nil {
					return err
				}
			}
			return nil
		}), nil
	}, chalice.WithCORS(chalice.DefaultCORS()))
	return app
}

// projectWith writes config.json into a fresh project directory.
func projectWith(t *testing.T, configJSON string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".chalice"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(configJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// chalicetest.API("url"), or api_type "url" in config.json, sends
// Function URL events: no stage in the path, routeKey and stage $default,
// the URL's domain; the app sees r.Source "url". A StreamResponse handler
// answers whole in process.
func TestFunctionURLMode(t *testing.T) {
	clients := []struct {
		name string
		opts []chalicetest.Option
	}{
		{"API option", []chalicetest.Option{chalicetest.API("url"), chalicetest.ProjectDir(t.TempDir())}},
		{"api_type in config", []chalicetest.Option{chalicetest.ProjectDir(projectWith(t,
			`{"app_name": "urlapp", "stages": {"dev": {"api_type": "url", "function_url_invoke_mode": "RESPONSE_STREAM"}}}`))}},
	}
	tests := []struct {
		name       string
		method     string
		path       string
		opts       []chalicetest.RequestOption
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{"function URL event", "GET", "/where?q=1", nil, 200,
			`{"domain":"l0ca1ymy8tbxw7bfunctionur1000000.lambda-url.mars-west-1.on.aws","path":"/where","q":"1","source":"url","stage":"$default"}`, nil},
		{"stream response, buffered", "GET", "/count", nil, 201, "chunk 0\nchunk 1\nchunk 2\n", map[string]string{"Content-Type": "text/plain"}},
		{"unknown path answered by the app", "GET", "/nope", nil, 404, "", nil},
		{"preflight answered by the URL", "OPTIONS", "/where", []chalicetest.RequestOption{chalicetest.WithHeader("Origin", "https://a.example"),
			chalicetest.WithHeader("Access-Control-Request-Method", "GET")}, 200, "", map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET"}},
	}
	for _, cl := range clients {
		t.Run(cl.name, func(t *testing.T) {
			c := chalicetest.New(t, urlApp(), cl.opts...)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					resp := c.Request(tt.method, tt.path, tt.opts...)
					if resp.StatusCode != tt.wantStatus || (tt.wantBody != "" && string(resp.Body) != tt.wantBody) {
						t.Fatalf("got %d %s, want %d %s", resp.StatusCode, resp.Body, tt.wantStatus, tt.wantBody)
					}
					for k, v := range tt.wantHeader {
						if got := resp.Header.Get(k); got != v {
							t.Errorf("%s = %q, want %q", k, got, v)
						}
					}
				})
			}
		})
	}
}

// The API option wins over the stage's api_type.
func TestAPIOptionWinsOverConfig(t *testing.T) {
	dir := projectWith(t, `{"app_name": "urlapp", "stages": {"dev": {"api_type": "url"}}}`)
	c := chalicetest.New(t, urlApp(), chalicetest.ProjectDir(dir), chalicetest.API("rest"))
	resp := c.Get("/where")
	if resp.StatusCode != 200 || string(resp.Body) != `{"domain":"example.com","path":"/where","q":"","source":"rest","stage":"api"}` {
		t.Fatalf("got %d %s", resp.StatusCode, resp.Body)
	}
}
