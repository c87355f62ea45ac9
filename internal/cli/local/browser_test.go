package local

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/newproject"
)

// chromiumFlags keep headless Chromium off the network and quiet.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"}

// TestBrowserLoadsScaffoldedSite: a real browser (headless Chromium) loads
// the scaffolded web site from gochalice local; the page's script reports
// that it ran, that the image decoded (64 px wide) and that the stylesheet
// applied (the heading's colour), and a screenshot is kept as an artefact
// (GOCHALICE_ARTIFACTS directory, else the test's temp dir).
func TestBrowserLoadsScaffoldedSite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
			t.Fatal("chromium is required (Debian package chromium; .ci/run installs it)")
		}
		t.Skip("chromium not installed")
	}
	parent := t.TempDir()
	if err := newproject.Run(context.Background(), &newproject.Options{IO: cli.IO{Out: io.Discard, ErrOut: io.Discard}, Dir: parent, Name: "site", ProjectType: "web"}); err != nil {
		t.Fatal(err)
	}
	base, _, stop := startLocal(t, filepath.Join(parent, "site"), 2)
	defer stop()

	run := func(args ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		profile := t.TempDir()
		cmd := exec.CommandContext(ctx, browser, append(append(chromiumFlags, "--user-data-dir="+profile), args...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium %v: %v", args, err)
		}
		return string(out)
	}
	dom := run("--virtual-time-budget=5000", "--dump-dom", base+"/")
	want := "JavaScript ran. logo=64 color=rgb(122, 59, 18)"
	if !strings.Contains(dom, want) {
		t.Fatalf("page after load lacks %q:\n%s", want, dom)
	}
	dir := os.Getenv("GOCHALICE_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "scaffolded-site.png")
	run("--virtual-time-budget=5000", "--window-size=800,600", "--screenshot="+shot, base+"/")
	if st, err := os.Stat(shot); err != nil || st.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot: %s", shot)
}
