package chalice_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gochalice/chalice"
)

func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Add("X-Multi", "1")
		w.Header().Add("X-Multi", "2")
		fmt.Fprintf(w, "hello %s path=%s q=%s ua=%s", r.PathValue("name"), r.URL.Path, r.URL.Query()["q"], r.Header.Get("User-Agent"))
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "%s|%d|%s", b, r.ContentLength, r.Method)
	})
	mux.HandleFunc("GET /static/raw/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("rest=" + r.PathValue("rest")))
	})
	return mux
}

var staticFS = fstest.MapFS{
	"index.html":    {Data: []byte("<html>home</html>")},
	"css/site.css":  {Data: []byte("body{color:red}")},
	"img/logo.png":  {Data: []byte("\x89PNG\r\n\x1a\n\x00\x01\x02")},
	"data/doc.json": {Data: []byte(`{"k":"v"}`)},
}

func TestMountServeMuxAtRoot(t *testing.T) {
	app := newApp()
	app.Mount("/", newMux())
	tests := []struct {
		name    string
		ev      restEvent
		status  int
		body    string
		headers map[string]string
		multi   map[string][]string
	}{
		{
			name: "path value and query",
			ev: restEvent{Resource: "/{proxy+}", Path: "/hello/bob", PathParams: map[string]string{"proxy": "hello/bob"},
				Query: map[string][]string{"q": {"a", "b"}}, Headers: map[string]string{"User-Agent": "ua/1"}},
			status: 200, body: "hello bob path=/hello/bob q=[a b] ua=ua/1",
			headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
			multi:   map[string][]string{"X-Multi": {"1", "2"}},
		},
		{
			name: "post body",
			ev: restEvent{Method: "POST", Resource: "/{proxy+}", Path: "/echo", PathParams: map[string]string{"proxy": "echo"},
				Headers: map[string]string{"Content-Type": "text/csv"}, Body: str("a,b\n1,2")},
			status: 201, body: "a,b\n1,2|7|POST",
			headers: map[string]string{"Content-Type": "text/csv"},
		},
		{
			name:   "mux 404",
			ev:     restEvent{Resource: "/{proxy+}", Path: "/missing", PathParams: map[string]string{"proxy": "missing"}},
			status: 404, body: "404 page not found\n",
			headers: map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"},
		},
		{
			name:   "mux 405",
			ev:     restEvent{Method: "PUT", Resource: "/{proxy+}", Path: "/echo", PathParams: map[string]string{"proxy": "echo"}},
			status: 405, body: "Method Not Allowed\n",
			headers: map[string]string{"Allow": "POST", "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"},
		},
		{
			name:   "root resource",
			ev:     restEvent{Resource: "/", Path: "/"},
			status: 404, body: "404 page not found\n",
			headers: map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"},
		},
		{
			name:   "not a mount method",
			ev:     restEvent{Method: "OPTIONS", Resource: "/{proxy+}", Path: "/echo", PathParams: map[string]string{"proxy": "echo"}},
			status: 405, body: `{"Code":"MethodNotAllowedError","Message":"Unsupported method: OPTIONS"}`,
			headers: map[string]string{"Allow": "GET, POST, PUT, PATCH, DELETE, HEAD"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, app, tt.ev)
			if got.StatusCode != tt.status || got.Body != tt.body {
				t.Errorf("got %d %q, want %d %q", got.StatusCode, got.Body, tt.status, tt.body)
			}
			if !reflect.DeepEqual(got.Headers, tt.headers) {
				t.Errorf("headers = %v, want %v", got.Headers, tt.headers)
			}
			wantMulti := tt.multi
			if wantMulti == nil {
				wantMulti = map[string][]string{}
			}
			if !reflect.DeepEqual(got.MultiValueHeaders, wantMulti) {
				t.Errorf("multiValueHeaders = %v, want %v", got.MultiValueHeaders, wantMulti)
			}
		})
	}

	// The same handler behind a Function URL.
	got := invokeRaw(t, app, "api_handler", v2Event("", "GET", "/hello/ann", "q=z", nil, nil, "", true))
	if got.StatusCode != 200 || got.Body != "hello ann path=/hello/ann q=[z] ua=" || got.Headers["X-Multi"] != "1,2" {
		t.Errorf("function URL: %+v", got)
	}
}

func TestMountFileServer(t *testing.T) {
	app := newApp()
	app.Mount("/static", http.StripPrefix("/static", http.FileServer(http.FS(staticFS))))
	app.Mount("/", newMux())
	app.Get("/api/ping", func(ctx context.Context, req *chalice.Request) (any, error) { return "pong", nil })
	png := base64.StdEncoding.EncodeToString(staticFS["img/logo.png"].Data)
	tests := []struct {
		name    string
		ev      restEvent
		status  int
		body    string
		base64  bool
		headers map[string]string
	}{
		{
			name:   "css",
			ev:     restEvent{Resource: "/static/{proxy+}", Path: "/static/css/site.css", PathParams: map[string]string{"proxy": "css/site.css"}},
			status: 200, body: "body{color:red}",
			headers: map[string]string{"Content-Type": "text/css; charset=utf-8", "Content-Length": "15", "Accept-Ranges": "bytes"},
		},
		{
			name:    "png needs accept on REST",
			ev:      restEvent{Resource: "/static/{proxy+}", Path: "/static/img/logo.png", PathParams: map[string]string{"proxy": "img/logo.png"}},
			status:  400,
			body:    `{"Code":"BadRequest","Message":"Request did not specify an Accept header with image/png, The response has a Content-Type of image/png. If a response has a binary Content-Type then the request must specify an Accept header that matches."}`,
			headers: map[string]string{},
		},
		{
			name: "png with accept",
			ev: restEvent{Resource: "/static/{proxy+}", Path: "/static/img/logo.png", PathParams: map[string]string{"proxy": "img/logo.png"},
				Headers: map[string]string{"Accept": "image/png"}},
			status: 200, body: png, base64: true,
			headers: map[string]string{"Content-Type": "image/png", "Content-Length": "11", "Accept-Ranges": "bytes"},
		},
		{
			name:   "index at mount root",
			ev:     restEvent{Resource: "/static", Path: "/static"},
			status: 200, body: "<html>home</html>",
			headers: map[string]string{"Content-Type": "text/html; charset=utf-8", "Content-Length": "17", "Accept-Ranges": "bytes"},
		},
		{
			name:   "missing file",
			ev:     restEvent{Resource: "/static/{proxy+}", Path: "/static/nope.txt", PathParams: map[string]string{"proxy": "nope.txt"}},
			status: 404, body: "404 page not found\n",
			headers: map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"},
		},
		{
			name:   "index.html redirects",
			ev:     restEvent{Resource: "/static/{proxy+}", Path: "/static/index.html", PathParams: map[string]string{"proxy": "index.html"}},
			status: 301, body: "",
			headers: map[string]string{"Location": "./"},
		},
		{
			name:   "head has no body",
			ev:     restEvent{Method: "HEAD", Resource: "/static/{proxy+}", Path: "/static/data/doc.json", PathParams: map[string]string{"proxy": "data/doc.json"}},
			status: 200, body: "",
			headers: map[string]string{"Content-Type": "application/json", "Content-Length": "9", "Accept-Ranges": "bytes"},
		},
		{
			name:   "explicit route wins over root mount",
			ev:     restEvent{Resource: "/api/ping", Path: "/api/ping"},
			status: 200, body: "pong", headers: map[string]string{},
		},
		{
			name:   "root mount still serves the rest",
			ev:     restEvent{Resource: "/{proxy+}", Path: "/static/raw/x/y", PathParams: map[string]string{"proxy": "static/raw/x/y"}},
			status: 200, body: "rest=x/y", headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, app, tt.ev)
			if got.StatusCode != tt.status || got.Body != tt.body || got.IsBase64Encoded != tt.base64 {
				t.Errorf("got %d %q base64=%v, want %d %q base64=%v", got.StatusCode, got.Body, got.IsBase64Encoded, tt.status, tt.body, tt.base64)
			}
			if !reflect.DeepEqual(got.Headers, tt.headers) {
				t.Errorf("headers = %v, want %v", got.Headers, tt.headers)
			}
		})
	}

	// Function URLs route on rawPath; /static/x goes to the file server.
	got := invokeRaw(t, app, "api_handler", v2Event("", "GET", "/static/css/site.css", "", nil, nil, "", true))
	if got.StatusCode != 200 || got.Body != "body{color:red}" {
		t.Errorf("function URL static: %d %q", got.StatusCode, got.Body)
	}
	got = invokeRaw(t, app, "api_handler", v2Event("", "GET", "/static/img/logo.png", "", nil, nil, "", true))
	if got.StatusCode != 200 || got.Body != png || !got.IsBase64Encoded {
		t.Errorf("function URL png: %d %q %v", got.StatusCode, got.Body, got.IsBase64Encoded)
	}

	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var mounted []string
	for _, r := range m.Routes {
		if r.Mounted {
			mounted = append(mounted, r.Method+" "+r.Path)
			if !reflect.DeepEqual(r.ContentTypes, []string{"*/*"}) {
				t.Errorf("mounted route %s content types = %v", r.Path, r.ContentTypes)
			}
		}
	}
	if len(mounted) != 24 || !strings.Contains(strings.Join(mounted, ","), "GET /static/{proxy+}") {
		t.Errorf("mounted routes = %v", mounted)
	}
}

func TestRequestHTTPRequest(t *testing.T) {
	app := newApp()
	var hr *http.Request
	app.Post("/p/{id}", func(ctx context.Context, req *chalice.Request) (any, error) {
		var err error
		hr, err = req.HTTPRequest(ctx)
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(hr.Body)
		return string(body), nil
	})
	got := call(t, app, restEvent{Method: "POST", Resource: "/p/{id}", Path: "/p/a%2Fb", PathParams: map[string]string{"id": "a%2Fb"},
		Headers: map[string]string{"Host": "api.example.com", "Content-Type": "application/json"}, MultiHdr: map[string][]string{"X-Rep": {"1", "2"}},
		Query: map[string][]string{"x": {"1", "2"}}, Body: str(`{"a":1}`)})
	checkResponse(t, got, 200, `{"a":1}`, nil)
	if hr.Method != "POST" || hr.URL.Path != "/p/a/b" || hr.URL.RawPath != "/p/a%2Fb" || hr.URL.RawQuery != "x=1&x=2" {
		t.Errorf("URL = %#v", hr.URL)
	}
	if hr.Host != "api.example.com" || hr.Header.Get("Content-Type") != "application/json" || !reflect.DeepEqual(hr.Header.Values("X-Rep"), []string{"1", "2"}) {
		t.Errorf("headers = %v host %q", hr.Header, hr.Host)
	}
	if hr.PathValue("id") != "a%2Fb" || hr.RemoteAddr != "203.0.113.7" || hr.ContentLength != 7 {
		t.Errorf("path value %q remote %q length %d", hr.PathValue("id"), hr.RemoteAddr, hr.ContentLength)
	}
}
