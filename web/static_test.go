package web_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
	"github.com/gochalice/chalice/web"
)

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func TestStaticHeadersAndConditional(t *testing.T) {
	app, _ := siteApp(t)
	c := chalicetest.New(t, app)
	res := c.Get("/static/js/app.js")
	if res.StatusCode != 200 || string(res.Body) != "console.log(\"app\");\n" {
		t.Fatalf("%d %q", res.StatusCode, res.Body)
	}
	etag, lm := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || len(etag) != 34 {
		t.Errorf("ETag = %q, want a strong 32-hex tag", etag)
	}
	if lm != buildTime.Format(http.TimeFormat) {
		t.Errorf("Last-Modified = %q, want the BuildTime (embed.FS has no ModTime)", lm)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	before := buildTime.Add(-time.Hour).Format(http.TimeFormat)
	after := buildTime.Add(time.Hour).Format(http.TimeFormat)
	tests := []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"If-None-Match exact", map[string]string{"If-None-Match": etag}, 304},
		{"If-None-Match list", map[string]string{"If-None-Match": `"abc", ` + etag + `, "def"`}, 304},
		{"If-None-Match weak", map[string]string{"If-None-Match": "W/" + etag}, 304},
		{"If-None-Match star", map[string]string{"If-None-Match": "*"}, 304},
		{"If-None-Match other", map[string]string{"If-None-Match": `"abc", W/"def"`}, 200},
		{"If-Modified-Since equal", map[string]string{"If-Modified-Since": lm}, 304},
		{"If-Modified-Since later", map[string]string{"If-Modified-Since": after}, 304},
		{"If-Modified-Since earlier", map[string]string{"If-Modified-Since": before}, 200},
		{"If-Modified-Since garbage", map[string]string{"If-Modified-Since": "yesterday"}, 200},
		{"If-None-Match wins over If-Modified-Since", map[string]string{"If-None-Match": `"other"`, "If-Modified-Since": after}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts []chalicetest.RequestOption
			for k, v := range tc.headers {
				opts = append(opts, chalicetest.WithHeader(k, v))
			}
			res := c.Get("/static/js/app.js", opts...)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if res.Header.Get("ETag") != etag || res.Header.Get("Cache-Control") == "" {
				t.Errorf("ETag %q Cache-Control %q", res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
			}
			if tc.status == 304 && len(res.Body) != 0 {
				t.Errorf("304 with body %q", res.Body)
			}
		})
	}
}

func TestStaticModTimeFromFileInfo(t *testing.T) {
	mod := time.Date(2025, 12, 24, 18, 30, 15, 500, time.UTC)
	fsys := fstest.MapFS{"a.txt": {Data: []byte("hi"), ModTime: mod}}
	app := chalice.New("s")
	app.Get("/f/{path+}", web.Static(fsys, ".", web.BuildTime(buildTime)), chalice.Name("files"))
	c := chalicetest.New(t, app)
	res := c.Get("/f/a.txt")
	if got := res.Header.Get("Last-Modified"); got != mod.Format(http.TimeFormat) {
		t.Errorf("Last-Modified = %q, want the file's ModTime", got)
	}
	res = c.Get("/f/a.txt", chalicetest.WithHeader("If-Modified-Since", mod.Truncate(time.Second).Format(http.TimeFormat)))
	if res.StatusCode != 304 {
		t.Errorf("sub-second ModTime vs If-Modified-Since: status %d", res.StatusCode)
	}
}

func TestStaticTraversal(t *testing.T) {
	// The catch-all 404 page of siteApp would hide the static handler's
	// own 404: use an app with only the static route.
	app := chalice.New("traversal")
	app.Get("/static/{path+}", web.Static(site(t), "static"), chalice.Name("static"))
	app.Mount("/m", web.NewFileServer(site(t), "static"))
	c := chalicetest.New(t, app)
	paths := []string{
		"/static/../secret.txt",
		"/static/css/../../secret.txt",
		"/static/..%2Fsecret.txt",
		"/static/..%2fsecret.txt",
		"/static/%2e%2e/secret.txt",
		"/static/%2E%2E%2Fsecret.txt",
		"/static/css/..%2F..%2Fsecret.txt",
		"/static/%2Fsecret.txt",
		"/static/%2Fetc%2Fpasswd",
		"/static/..%5Csecret.txt",
		"/static/css%5C..%5C..%5Csecret.txt",
		"/static/js/app.js%00.png",
		"/static/%252e%252e/secret.txt",
		"/static/./js/app.js",
		"/static/.hidden",
		"/static/css",
		"/static/nothing.txt",
		"/m/../secret.txt",
		"/m/..%2Fsecret.txt",
		"/m/%2Fetc%2Fpasswd",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			res := c.Get(p, chalicetest.WithHeader("Accept", "*/*"))
			if res.StatusCode != 404 {
				t.Errorf("status %d, want 404: %q", res.StatusCode, res.Body)
			}
			if bytes.Contains(res.Body, []byte("SECRET")) || bytes.Contains(res.Body, []byte("root:")) || bytes.Contains(res.Body, []byte("hidden")) {
				t.Errorf("served forbidden content: %q", res.Body)
			}
		})
	}
	// Empty segments ("//etc/passwd") never match a greedy route: API
	// Gateway answers 403 itself and nothing reaches the handler.
	if res := c.Get("/static//etc/passwd"); res.StatusCode != 403 || bytes.Contains(res.Body, []byte("root:")) {
		t.Errorf("//: %d %q", res.StatusCode, res.Body)
	}
	// The mounted server serves a good path.
	if res := c.Get("/m/js/app.js"); res.StatusCode != 200 || !bytes.Contains(res.Body, []byte("console.log")) {
		t.Errorf("mounted: %d %q", res.StatusCode, res.Body)
	}
}

func TestStaticDirect(t *testing.T) {
	// Absolute paths, backslashes and NUL reach the handler unencoded when
	// it is used as a plain http.Handler.
	fs := web.NewFileServer(site(t), "static")
	for _, p := range []string{"/../secret.txt", "//etc/passwd", `/..\secret.txt`, "/js/app.js\x00", "/"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.Path, r.URL.RawPath = p, ""
		w := httptest.NewRecorder()
		fs.ServeHTTP(w, r)
		if w.Code != 404 || strings.Contains(w.Body.String(), "SECRET") {
			t.Errorf("%q: %d %q", p, w.Code, w.Body.String())
		}
	}
	if err := web.NewFileServer(site(t), "../x").Err(); err == nil {
		t.Error("root outside the FS accepted")
	}
	// Non-GET through a mount gets 405.
	r := httptest.NewRequest(http.MethodPost, "/js/app.js", nil)
	w := httptest.NewRecorder()
	fs.ServeHTTP(w, r)
	if w.Code != 405 || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d Allow=%q", w.Code, w.Header().Get("Allow"))
	}
}

func TestStaticBinaryRoundTrip(t *testing.T) {
	font, err := site(t).(interface {
		ReadFile(string) ([]byte, error)
	}).ReadFile("static/fonts/f.woff2")
	if err != nil {
		t.Fatal(err)
	}
	app := chalice.New("bin")
	web.Configure(app)
	app.Route("/static/{path+}", web.Static(site(t), "static"), chalice.Name("static"), chalice.Methods("GET", "HEAD"))
	c := chalicetest.New(t, app)
	// A browser's font request: Accept */* matches the binary types.
	res := c.Get("/static/fonts/f.woff2", chalicetest.WithHeader("Accept", "*/*"))
	if res.StatusCode != 200 || !bytes.Equal(res.Body, font) || res.Header.Get("Content-Type") != "font/woff2" {
		t.Fatalf("%d %s: body intact=%v", res.StatusCode, res.Header.Get("Content-Type"), bytes.Equal(res.Body, font))
	}
	// A REST request without a matching Accept gets API Gateway's 400.
	res = c.Get("/static/fonts/f.woff2", chalicetest.WithHeader("Accept", "text/html"))
	if res.StatusCode != 400 {
		t.Errorf("binary response to Accept text/html: %d", res.StatusCode)
	}
	// HEAD (API Gateway only routes it when registered): no body.
	res = c.Head("/static/fonts/f.woff2", chalicetest.WithHeader("Accept", "*/*"))
	if res.StatusCode != 200 || len(res.Body) != 0 {
		t.Errorf("HEAD: %d %d bytes", res.StatusCode, len(res.Body))
	}
}

func TestStaticTooLarge(t *testing.T) {
	fsys := fstest.MapFS{"big.bin": {Data: make([]byte, 2048)}}
	app := chalice.New("big")
	web.Configure(app)
	app.Get("/f/{path+}", web.Static(fsys, ".", web.MaxFileSize(1024)), chalice.Name("files"))
	res := chalicetest.New(t, app).Get("/f/big.bin", chalicetest.WithHeader("Accept", "*/*"))
	if res.StatusCode != 500 || !strings.Contains(string(res.Body), "S3") {
		t.Errorf("%d %q", res.StatusCode, res.Body)
	}
	if web.DefaultMaxFileSize*4/3 > web.LambdaPayloadLimit {
		t.Error("DefaultMaxFileSize does not fit a Lambda response once base64-encoded")
	}
}

func TestContentType(t *testing.T) {
	tests := map[string]string{
		"a.woff2": "font/woff2", "a.CSS": "text/css; charset=utf-8", "a.svg": "image/svg+xml",
		"a.webp": "image/webp", "a.ico": "image/x-icon", "a.map": "application/json",
	}
	for name, want := range tests {
		if got := web.ContentType(name, nil); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if got := web.ContentType("noext", []byte("<html><body>x")); got != "text/html; charset=utf-8" {
		t.Errorf("sniffed: %q", got)
	}
	if got := web.ContentType("noext", nil); got != "application/octet-stream" {
		t.Errorf("fallback: %q", got)
	}
}
