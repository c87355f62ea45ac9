package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
	"github.com/gochalice/chalice/web"
)

func TestCachePolicyString(t *testing.T) {
	tests := []struct {
		p    web.CachePolicy
		want string
	}{
		{web.CachePolicy{}, "no-cache"},
		{web.Revalidate, "public, no-cache"},
		{web.ShortLived, "public, max-age=3600"},
		{web.ImmutableAsset, "public, max-age=31536000, immutable"},
		{web.CachePolicy{Public: true, MaxAge: time.Minute, SMaxAge: time.Hour, StaleWhileRevalidate: 30 * time.Second}, "public, max-age=60, s-maxage=3600, stale-while-revalidate=30"},
		{web.CachePolicy{Private: true, MaxAge: time.Minute}, "private, max-age=60"},
		{web.CachePolicy{NoStore: true, Public: true}, "no-store"},
	}
	for _, tc := range tests {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestCacheByModTime(t *testing.T) {
	updated := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	produced := 0
	app := chalice.New("mod")
	app.Get("/post", func(ctx context.Context, req *chalice.Request) (any, error) {
		return web.CacheByModTime(req, updated, web.CachePolicy{Public: true, SMaxAge: time.Minute}, func() (*chalice.Response, error) {
			produced++
			return web.JSON(200, map[string]string{"title": "post"})
		})
	}, chalice.Name("post"))
	c := chalicetest.New(t, app)
	res := c.Get("/post")
	if res.StatusCode != 200 || res.Header.Get("Last-Modified") != updated.Format(http.TimeFormat) || res.Header.Get("ETag") == "" {
		t.Fatalf("%d %v", res.StatusCode, res.Header)
	}
	for _, h := range [][2]string{{"If-Modified-Since", updated.Format(http.TimeFormat)}, {"If-None-Match", res.Header.Get("ETag")}} {
		if r := c.Get("/post", chalicetest.WithHeader(h[0], h[1])); r.StatusCode != 304 {
			t.Errorf("%s: %d", h[0], r.StatusCode)
		}
	}
	if produced != 1 {
		t.Errorf("produced %d times, want 1 (304s skip the work)", produced)
	}
}

func TestStaticUsesSite404Page(t *testing.T) {
	_, m := siteApp(t)
	app := chalice.New("s404")
	app.Get("/static/{path+}", m.Static(), chalice.Name("static"))
	res := chalicetest.New(t, app).Get("/static/../secret.txt")
	if res.StatusCode != 404 || !strings.Contains(string(res.Body), "Page not found") {
		t.Errorf("%d %q", res.StatusCode, res.Body)
	}
}
