package local

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/newproject"
)

// executeAPIHost is the Host a request to a deployed REST API's own URL
// carries; behind it the stage is the first segment of every path.
const executeAPIHost = "abc123.execute-api.us-east-1.amazonaws.com"

// TestBrowserScaffoldedSite: a real browser (headless Chromium, driven
// over the DevTools protocol) uses the site `new-project -t web`
// scaffolds, served by gochalice local, and checks what a person would
// see: the title, a navigation that leads to every page, the stylesheet
// applied, the contact form's errors and its thank-you note, the styled
// 404 page. It does so at the root (as gochalice local and a custom
// domain serve it) and under the stage prefix of API Gateway's own URL
// (/api/..., presented by a proxy that strips the stage and sends the
// execute-api Host, as API Gateway does). Screenshots are kept in
// $GOCHALICE_ARTIFACTS (else the test's temp dir).
func TestBrowserScaffoldedSite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	browser := requireChromium(t)
	parent := t.TempDir()
	if err := newproject.Run(context.Background(), &newproject.Options{IO: cli.IO{Out: io.Discard, ErrOut: io.Discard}, Dir: parent, Name: "site", ProjectType: "web"}); err != nil {
		t.Fatal(err)
	}
	base, _, stop := startLocal(t, filepath.Join(parent, "site"), 2)
	defer stop()
	artifacts := os.Getenv("GOCHALICE_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	t.Run("root", func(t *testing.T) {
		checkSite(t, browser, base, "", filepath.Join(artifacts, "web-scaffold"))
	})
	t.Run("stage", func(t *testing.T) {
		stage := stageProxy(t, base, "/api")
		checkSite(t, browser, stage.URL, "/api", filepath.Join(artifacts, "web-scaffold-stage"))
	})
}

// stageProxy serves base under prefix, as API Gateway's execute-api URL
// serves a stage: the prefix is stripped, the Host is the execute-api
// domain, and a path outside the stage is API Gateway's 403.
func stageProxy(t *testing.T, base, prefix string) *httptest.Server {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.Out.URL.Path = strings.TrimPrefix(pr.In.URL.Path, prefix)
		pr.Out.URL.RawPath = ""
		pr.Out.Host = executeAPIHost
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"message":"Forbidden"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// checkSite walks the site at origin+prefix in one browser tab and saves
// screenshots as shots-*.png.
func checkSite(t *testing.T, browser, origin, prefix, shots string) {
	b := startBrowser(t, browser)
	home := origin + prefix + "/"
	b.navigate(home)

	// The home page, as it looks.
	if got := b.evalString("document.title"); got != "Home · site" {
		t.Errorf("title = %q, want %q", got, "Home · site")
	}
	if got := b.evalString("document.querySelector('h1').textContent"); !strings.Contains(got, "ready to make your own") {
		t.Errorf("heading = %q", got)
	}
	// The stylesheet applied: the primary button has the accent colour and
	// the page is not in the browser's default serif font.
	if got := b.evalString("getComputedStyle(document.querySelector('.hero .button')).backgroundColor"); got != "rgb(79, 70, 229)" {
		t.Errorf("button background = %q, want the stylesheet's accent rgb(79, 70, 229)", got)
	}
	if got := b.evalString("getComputedStyle(document.body).fontFamily"); !strings.Contains(got, "system-ui") {
		t.Errorf("body font = %q, want the stylesheet's system-ui stack", got)
	}
	// The logo in the header is an image that decoded.
	if got := b.evalString("String(document.querySelector('.brand img').naturalWidth)"); got == "0" {
		t.Errorf("header logo did not load")
	}
	// Every link and asset stays under the prefix, and every navigation
	// link leads to a page (fetched by the browser itself).
	if got := b.evalString(`[...document.querySelectorAll('a[href], link[href], img[src]')]
		.map(e => e.getAttribute('href') || e.getAttribute('src'))
		.filter(u => !u.startsWith('` + prefix + `/')).join(' ')`); got != "" {
		t.Errorf("URLs outside %s/: %s", prefix, got)
	}
	got := b.evalString(`Promise.all([...document.querySelectorAll('nav a')].map(a =>
		fetch(a.href).then(r => a.textContent.trim() + '=' + r.status))).then(s => s.join(' '))`)
	if got != "Home=200 About=200 Contact=200" {
		t.Errorf("navigation links: %s, want Home=200 About=200 Contact=200", got)
	}
	b.screenshot(shots+"-home.png", 1280, 800, false)
	b.screenshot(shots+"-home-mobile.png", 390, 844, true)

	// Following a link marks it as the current page.
	b.act("document.querySelector('nav a[href$=\"/about\"]').click()")
	if got := b.evalString("location.pathname + ' ' + document.querySelector('nav a[aria-current=page]').textContent"); got != prefix+"/about About" {
		t.Errorf("after clicking About: %q, want %q", got, prefix+"/about About")
	}

	// The contact form: errors under the fields, then the thank-you note.
	b.navigate(origin + prefix + "/contact")
	b.act(`document.querySelector('#name').value = 'Ana';
		document.querySelector('#email').value = 'not-an-address';
		document.querySelector('form').requestSubmit()`)
	if got := b.evalString("[...document.querySelectorAll('.field-error')].map(e => e.textContent).join(' | ')"); got !=
		"That does not look like an email address (name@example.com). | Please write at least 10 characters." {
		t.Errorf("form errors shown: %q", got)
	}
	if got := b.evalString("document.querySelector('#name').value + ' ' + getComputedStyle(document.querySelector('.field-error')).color"); got != "Ana rgb(185, 28, 28)" {
		t.Errorf("after the error: name field and error colour = %q, want %q", got, "Ana rgb(185, 28, 28)")
	}
	b.screenshot(shots+"-contact-errors.png", 1280, 800, false)
	b.act(`document.querySelector('#email').value = 'ana@example.com';
		document.querySelector('#message').value = 'Hello from a headless browser.';
		document.querySelector('form').requestSubmit()`)
	if got := b.evalString("location.pathname + location.search + ' ' + document.querySelector('[role=status] strong').textContent"); got !=
		prefix+"/contact?sent=1 Thanks, your message has been sent." {
		t.Errorf("after sending: %q", got)
	}

	// The 404 page, styled, with the way home.
	b.navigate(origin + prefix + "/no/such/page")
	if got := b.evalString("document.title + ' | ' + document.querySelector('.lead code').textContent"); got != "Page not found · site | /no/such/page" {
		t.Errorf("404 page: %q", got)
	}
	if got := b.evalString("getComputedStyle(document.querySelector('.not-found')).textAlign + ' ' + document.querySelector('.not-found .button').getAttribute('href')"); got != "center "+prefix+"/" {
		t.Errorf("404 page style and link: %q", got)
	}
	b.screenshot(shots+"-404.png", 1280, 800, false)
}

// requireChromium is the path of chromium: missing, the test is skipped,
// or fails under GOCHALICE_REQUIRE_TOOLS=1 (make test and CI).
func requireChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
		t.Fatal("chromium is required: apt-get install chromium")
	}
	t.Skip("chromium not installed (apt-get install chromium)")
	return ""
}

// screenshot saves the tab at width x height as a PNG at path.
func (b *browser) screenshot(path string, width, height int, mobile bool) {
	b.t.Helper()
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
	var shot struct {
		Data string `json:"data"`
	}
	b.result(b.call("Page.captureScreenshot", map[string]any{"format": "png"}), &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || len(png) == 0 {
		b.t.Fatalf("screenshot %s: %v (%d bytes)", path, err, len(png))
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
	b.call("Emulation.clearDeviceMetricsOverride", nil)
}
