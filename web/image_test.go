package web_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
	"github.com/gochalice/chalice/web"
	xwebp "golang.org/x/image/webp"
)

func decodeAs(t *testing.T, typ string, b []byte) image.Image {
	t.Helper()
	var img image.Image
	var err error
	switch typ {
	case web.TypeWebP:
		if !bytes.HasPrefix(b, []byte("RIFF")) || !bytes.Equal(b[8:12], []byte("WEBP")) {
			t.Fatalf("not a RIFF/WEBP file: % x", b[:min(16, len(b))])
		}
		img, err = xwebp.Decode(bytes.NewReader(b))
	case web.TypePNG:
		img, err = png.Decode(bytes.NewReader(b))
	case web.TypeJPEG:
		img, err = jpeg.Decode(bytes.NewReader(b))
	}
	if err != nil {
		t.Fatalf("decoding %s: %v", typ, err)
	}
	if sz := img.Bounds().Size(); sz.X != 64 || sz.Y != 48 {
		t.Fatalf("%s is %v, want 64x48", typ, sz)
	}
	return img
}

func TestImageNegotiation(t *testing.T) {
	t.Logf("WebP backend: %s", web.WebPBackend())
	srv := web.NewImageServer(imageFS(t), "img")
	app := chalice.New("img")
	web.Configure(app)
	app.Get("/img/{path+}", srv.Handle, chalice.Name("images"))
	c := chalicetest.New(t, app)
	const chrome = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
	const safariOld = "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5"
	tests := []struct {
		name, path, accept, want string
	}{
		{"chrome prefers webp", "/img/photo.png", chrome, web.TypeWebP},
		{"any type: webp first", "/img/photo.png", "*/*", web.TypeWebP},
		{"explicit webp", "/img/photo.jpg", "image/webp", web.TypeWebP},
		{"old safari: png over webp", "/img/photo.png", safariOld, web.TypePNG},
		{"jpeg only", "/img/photo.png", "image/jpeg", web.TypeJPEG},
		{"png only from a jpeg", "/img/photo.jpg", "image/png", web.TypePNG},
		{"q-values: jpeg > png", "/img/photo.png", "image/png;q=0.5, image/jpeg;q=0.9, image/webp;q=0.1", web.TypeJPEG},
		{"webp refused", "/img/photo.jpg", "image/webp;q=0, image/*", web.TypeJPEG},
		{"image wildcard keeps source", "/img/photo.jpg", "image/*, image/webp;q=0", web.TypeJPEG},
	}
	etags := map[string]string{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := c.Get(tc.path, chalicetest.WithHeader("Accept", tc.accept))
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, res.Body)
			}
			if ct := res.Header.Get("Content-Type"); ct != tc.want {
				t.Fatalf("Content-Type = %q, want %q", ct, tc.want)
			}
			if v := res.Header.Get("Vary"); v != "Accept" {
				t.Errorf("Vary = %q", v)
			}
			decodeAs(t, tc.want, res.Body)
			etag := res.Header.Get("ETag")
			key := tc.path + " " + tc.want
			if prev, ok := etags[key]; ok && prev != etag {
				t.Errorf("ETag of %s changed: %s then %s", key, prev, etag)
			}
			etags[key] = etag
			// 304 for the same variant, without converting.
			nm := c.Get(tc.path, chalicetest.WithHeader("Accept", tc.accept), chalicetest.WithHeader("If-None-Match", etag))
			if nm.StatusCode != 304 || nm.Header.Get("Vary") != "Accept" || len(nm.Body) != 0 {
				t.Errorf("revalidation: %d Vary=%q body %d bytes", nm.StatusCode, nm.Header.Get("Vary"), len(nm.Body))
			}
		})
	}
	seen := map[string]string{}
	for k, e := range etags {
		if other, dup := seen[e]; dup {
			t.Errorf("variants %s and %s share the ETag %s", k, other, e)
		}
		seen[e] = k
	}
	// The JPEG variant of a transparent PNG is flattened onto white.
	res := c.Get("/img/photo.png", chalicetest.WithHeader("Accept", "image/jpeg"))
	r, g, b, _ := decodeAs(t, web.TypeJPEG, res.Body).At(2, 2).RGBA()
	if r>>8 < 230 || g>>8 < 230 || b>>8 < 230 {
		t.Errorf("transparent corner became (%d,%d,%d), want white", r>>8, g>>8, b>>8)
	}
	// Conversions were cached: the repeated variants above were hits.
	entries, size, hits, misses := srv.CacheStats()
	if entries == 0 || size == 0 || hits == 0 {
		t.Errorf("cache: %d entries, %d bytes, %d hits, %d misses", entries, size, hits, misses)
	}
	t.Logf("cache: %d entries, %d bytes, %d hits, %d misses", entries, size, hits, misses)

	for _, tc := range []struct {
		path, accept string
		status       int
	}{
		{"/img/photo.png", "text/html, application/json", 406},
		{"/img/notes.txt", "*/*", 404},
		{"/img/../secret.txt", "*/*", 404},
		{"/img/..%2Fsecret.txt", "*/*", 404},
		{"/img/missing.png", "*/*", 404},
	} {
		res := c.Get(tc.path, chalicetest.WithHeader("Accept", tc.accept))
		if res.StatusCode != tc.status || bytes.Contains(res.Body, []byte("SECRET")) {
			t.Errorf("%s (%s): %d %q, want %d", tc.path, tc.accept, res.StatusCode, res.Body, tc.status)
		}
	}
}

func TestImageCacheBounded(t *testing.T) {
	srv := web.NewImageServer(imageFS(t), "img", web.ImageCacheBytes(1))
	app := chalice.New("img")
	web.Configure(app)
	app.Get("/img/{path+}", srv.Handle, chalice.Name("images"))
	c := chalicetest.New(t, app)
	for range 2 {
		if res := c.Get("/img/photo.png", chalicetest.WithHeader("Accept", "image/webp")); res.StatusCode != 200 {
			t.Fatal(res.StatusCode)
		}
	}
	if entries, size, hits, _ := srv.CacheStats(); entries != 0 || size != 0 || hits != 0 {
		t.Errorf("a 1-byte cache holds %d entries / %d bytes, %d hits", entries, size, hits)
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept string
		offers []string
		want   string
	}{
		{"", []string{"a/b", "c/d"}, "a/b"},
		{"c/d", []string{"a/b", "c/d"}, "c/d"},
		{"c/*;q=0.5, a/b;q=0.4", []string{"a/b", "c/d"}, "c/d"},
		{"*/*;q=0.1, a/b;q=0", []string{"a/b", "c/d"}, "c/d"},
		{"a/b;q=0", []string{"a/b"}, ""},
		{"A/B", []string{"a/b"}, "a/b"},
		{"a/b;level=1;q=0.7, c/d;q=0.6", []string{"c/d", "a/b"}, "a/b"},
		{"garbage, ,;q=1", []string{"a/b"}, ""},
	}
	for _, tc := range tests {
		if got := web.Negotiate(tc.accept, tc.offers...); got != tc.want {
			t.Errorf("Negotiate(%q, %v) = %q, want %q", tc.accept, tc.offers, got, tc.want)
		}
	}
}
