package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
	"github.com/gochalice/chalice/web"
)

type navItem struct{ Href, Label string }

type page struct {
	Title string
	Body  string
	Nav   []navItem
}

func siteApp(t *testing.T, opts ...web.Option) (*chalice.App, *web.Manager) {
	t.Helper()
	m, err := web.New(site(t), append([]web.Option{web.BuildTime(buildTime)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	app := chalice.New("site")
	web.Configure(app)
	data := page{Title: "Hello <Go>", Body: "Rendered & escaped", Nav: []navItem{{"/", "Home"}, {"/about", "About"}}}
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) {
		return m.Render(ctx, "index.html", data)
	}, chalice.Name("index"))
	app.Get("/cached", func(ctx context.Context, req *chalice.Request) (any, error) {
		d := data
		d.Body = req.Query.Get("body")
		return m.RenderCached(ctx, req, "index.html", d, web.CachePolicy{Public: true, SMaxAge: 300e9})
	}, chalice.Name("cached"))
	app.Get("/static/{path+}", m.Static(), chalice.Name("static"))
	app.Get("/old", func(ctx context.Context, req *chalice.Request) (any, error) {
		return web.Redirect("/", http.StatusMovedPermanently), nil
	}, chalice.Name("old"))
	app.Get("/go", func(ctx context.Context, req *chalice.Request) (any, error) {
		return web.Redirect("https://example.com/x?y=1", 0), nil
	}, chalice.Name("go_elsewhere"))
	app.Get("/api/info", func(ctx context.Context, req *chalice.Request) (any, error) {
		return web.JSON(http.StatusCreated, map[string]any{"name": "site", "html": "<b>"})
	}, chalice.Name("info"))
	app.Route("/{path+}", m.NotFoundHandler(), chalice.Name("not_found"))
	return app, m
}

func TestRenderLayoutAndPartial(t *testing.T) {
	app, m := siteApp(t)
	c := chalicetest.New(t, app)
	res := c.Get("/", chalicetest.WithHeader("Accept", "text/html"))
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	body := string(res.Body)
	for _, want := range []string{
		"<!doctype html>",                                // layout
		"<title>Hello &lt;Go&gt; | Site</title>",         // block overridden by the page, data escaped
		`<a href="/">Home</a><a href="/about">About</a>`, // partial with range and the url func
		"<h1>Hello &lt;Go&gt;</h1>",                      // page content block
		"<p>Rendered &amp; escaped</p>",
		`href="` + m.AssetURL("css/site.css") + `"`, // asset func in the layout
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if got := m.Pages(); strings.Join(got, ",") != "404.html,about.html,index.html" {
		t.Errorf("Pages() = %v (layouts and partials are not pages)", got)
	}
	if _, err := m.Render(context.Background(), "layouts/base.html", nil); !errors.Is(err, web.ErrNoTemplate) {
		t.Errorf("rendering a layout directly: err = %v, want ErrNoTemplate", err)
	}
}

func TestTemplateParseErrorAtNew(t *testing.T) {
	bad := mapFS(map[string]string{"templates/index.html": "{{if}}"})
	if _, err := web.New(bad); err == nil || !strings.Contains(err.Error(), "index.html") {
		t.Fatalf("New with a broken template: err = %v", err)
	}
}

func TestRenderCachedETagWithoutRendering(t *testing.T) {
	app, m := siteApp(t)
	c := chalicetest.New(t, app)
	first := c.Get("/cached?body=one")
	etag := first.Header.Get("ETag")
	if first.StatusCode != 200 || etag == "" {
		t.Fatalf("status %d, ETag %q", first.StatusCode, etag)
	}
	if cc := first.Header.Get("Cache-Control"); cc != "public, max-age=0, s-maxage=300" {
		t.Errorf("Cache-Control = %q", cc)
	}
	// The ETag is computable without rendering and is what RenderCached sent.
	want, err := m.TemplateETag("index.html", page{Title: "Hello <Go>", Body: "one", Nav: []navItem{{"/", "Home"}, {"/about", "About"}}})
	if err != nil || want != etag {
		t.Errorf("TemplateETag = %q, %v; response ETag %q", want, err, etag)
	}
	tests := []struct {
		name, path, inm string
		status          int
	}{
		{"same data", "/cached?body=one", etag, 304},
		{"weak form", "/cached?body=one", "W/" + etag, 304},
		{"other data", "/cached?body=two", etag, 200},
		{"no validator", "/cached?body=one", "", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts []chalicetest.RequestOption
			if tc.inm != "" {
				opts = append(opts, chalicetest.WithHeader("If-None-Match", tc.inm))
			}
			res := c.Get(tc.path, opts...)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if tc.status == 304 && len(res.Body) != 0 {
				t.Errorf("304 with a body: %q", res.Body)
			}
		})
	}
	// A different Version invalidates every page.
	_, m2 := siteApp(t, web.Version("v2"))
	other, _ := m2.TemplateETag("index.html", page{Title: "Hello <Go>", Body: "one", Nav: []navItem{{"/", "Home"}, {"/about", "About"}}})
	if other == etag {
		t.Error("Version did not change the template ETag")
	}
}

func TestRedirectJSONAndNotFound(t *testing.T) {
	app, _ := siteApp(t)
	c := chalicetest.New(t, app)
	tests := []struct {
		path         string
		status       int
		header, want string
		body         string
	}{
		{"/old", 301, "Location", "/", ""},
		{"/go", 302, "Location", "https://example.com/x?y=1", ""},
		{"/api/info", 201, "Content-Type", "application/json", `{"html":"\u003cb\u003e","name":"site"}`},
		{"/nope/deeper", 404, "Content-Type", "text/html; charset=utf-8", "No page at /nope/deeper"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res := c.Get(tc.path)
			if res.StatusCode != tc.status || res.Header.Get(tc.header) != tc.want {
				t.Fatalf("status %d %s=%q, want %d %q", res.StatusCode, tc.header, res.Header.Get(tc.header), tc.status, tc.want)
			}
			if tc.body != "" && !strings.Contains(string(res.Body), tc.body) {
				t.Errorf("body %q lacks %q", res.Body, tc.body)
			}
		})
	}
}

func TestAssetURL(t *testing.T) {
	app, m := siteApp(t)
	c := chalicetest.New(t, app)
	sum := sha256.Sum256([]byte("body { color: #333; }\n"))
	want := "/static/css/site." + hex.EncodeToString(sum[:4]) + ".css"
	if got := m.AssetURL("css/site.css"); got != want {
		t.Fatalf("AssetURL = %q, want %q", got, want)
	}
	res := c.Get(want, chalicetest.WithHeader("Accept", "text/css,*/*;q=0.1"))
	if res.StatusCode != 200 || string(res.Body) != "body { color: #333; }\n" {
		t.Fatalf("hashed URL: %d %q", res.StatusCode, res.Body)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", cc)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/css; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	// The unhashed URL is short-lived; a wrong hash is a 404.
	if res := c.Get("/static/css/site.css"); res.Header.Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("unhashed Cache-Control = %q", res.Header.Get("Cache-Control"))
	}
	if res := c.Get("/static/css/site.00000000.css"); res.StatusCode != 404 {
		t.Errorf("wrong hash: status %d", res.StatusCode)
	}
	// A missing asset yields the plain URL (a visible 404), BasePath prefixes.
	if got := m.AssetURL("css/missing.css"); got != "/static/css/missing.css" {
		t.Errorf("missing asset URL = %q", got)
	}
	_, mb := siteApp(t, web.BasePath("/api"))
	if got := mb.AssetURL("css/site.css"); got != "/api"+want {
		t.Errorf("with BasePath: %q", got)
	}
}
