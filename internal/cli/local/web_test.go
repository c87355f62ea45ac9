package local

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/newproject"
)

// TestScaffoldedWebSite serves `new-project --project-type web` with
// gochalice local: the page renders, its stylesheet and icons load with
// the right types through the API Gateway emulator (the PNG through the
// binary base64 path), hashed assets are immutable and revalidate with
// 304, and unknown pages and static files get the site's 404.
func TestScaffoldedWebSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	parent := t.TempDir()
	if err := newproject.Run(context.Background(), &newproject.Options{IO: cli.IO{Out: io.Discard, ErrOut: io.Discard}, Dir: parent, Name: "site", ProjectType: "web"}); err != nil {
		t.Fatal(err)
	}
	base, _, stop := startLocal(t, parent+"/site", 2)
	defer stop()
	fetch := func(path string, accept string) (int, http.Header, []byte) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, b
	}
	status, h, page := fetch("/", "text/html")
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(string(page), `<title>Home · site</title>`) {
		t.Fatalf("page: %d %s\n%s", status, h.Get("Content-Type"), page)
	}
	assets := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(string(page), -1)
	if len(assets) != 4 { // icon, touch icon, stylesheet, header logo
		t.Fatalf("assets in page = %v", assets)
	}
	wantType := map[string]string{".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
	for _, a := range assets {
		url := a[1]
		status, h, body := fetch(url, "*/*") // browsers send */* for subresources
		ext := url[strings.LastIndex(url, "."):]
		if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), wantType[ext]) || len(body) == 0 {
			t.Errorf("%s: %d %q (%d bytes)", url, status, h.Get("Content-Type"), len(body))
		}
		if !strings.Contains(h.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable for a hashed asset", url, h.Get("Cache-Control"))
		}
		if ext == ".png" && !strings.HasPrefix(string(body), "\x89PNG") {
			t.Errorf("icon is not a PNG after the base64 round trip")
		}
		etag := h.Get("ETag")
		req, _ := http.NewRequest("GET", base+url, nil)
		req.Header.Set("If-None-Match", etag)
		req.Header.Set("Accept", "*/*")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d, want 304", url, resp.StatusCode)
		}
	}
	for _, p := range []string{"/no/such/page", "/static/img/missing.png"} {
		if status, _, body := fetch(p, "text/html"); status != 404 || !strings.Contains(string(body), "Nothing lives at <code>"+p+"</code>") {
			t.Errorf("%s: %d, want the site's 404 page:\n%s", p, status, body)
		}
	}
	if status, _, _ := fetch("/static/..%2f..%2fmain.go", "*/*"); status != 404 {
		t.Errorf("traversal: %d, want 404", status)
	}
}

// TestScaffoldedWebSiteOwnTests: the tests the web scaffold ships with
// (site_test.go: pages, the contact form, the stage prefix) pass in a
// fresh project.
func TestScaffoldedWebSiteOwnTests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a project")
	}
	parent := t.TempDir()
	if err := newproject.Run(context.Background(), &newproject.Options{IO: cli.IO{Out: io.Discard, ErrOut: io.Discard}, Dir: parent, Name: "site", ProjectType: "web"}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = filepath.Join(parent, "site")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test in the scaffolded site: %v\n%s", err, out)
	}
}
