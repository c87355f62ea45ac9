package bench

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/gochalice/chalice"
)

// answer is the handler of every start-up route: what it does does not
// matter, only what the app builds for it.
func answer[I, O any](ctx context.Context, in *I) (*O, error) { return new(O), nil }

// startupEvent is a request to the first start-up route, which the
// first Invoke serves.
const startupEvent = `{"resource":"/r001/{id}","path":"/r001/abc","httpMethod":"POST",` +
	`"headers":{"Content-Type":"application/json"},"pathParameters":{"id":"abc"},` +
	`"requestContext":{"resourcePath":"/r001/{id}","httpMethod":"POST"},` +
	`"body":"{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"address\":{\"zip\":\"12345\"}}"}`

// startupManifest is what manifest mode does: New, 100 typed route
// registrations, then the manifest with every binder and schema.
func startupManifest(tb testing.TB) {
	app := chalice.New("startup")
	registerStartup(app)
	m, err := app.Manifest()
	if err != nil {
		tb.Fatal(err)
	}
	if len(m.Routes) != 100 || len(m.Schemas) != 400 {
		tb.Fatalf("%d routes and %d schemas, want 100 and 400", len(m.Routes), len(m.Schemas))
	}
}

// startupInvoke is a Lambda cold start: New, 100 registrations, and the
// first request.
func startupInvoke(tb testing.TB) {
	app := chalice.New("startup")
	registerStartup(app)
	out, err := app.Invoke(context.Background(), "api_handler", []byte(startupEvent))
	if err != nil {
		tb.Fatal(err)
	}
	if want := `"statusCode":200`; !bytes.Contains(out, []byte(want)) {
		tb.Fatalf("first invoke answered %s", out)
	}
}

// BenchmarkStartup100Manifest: New + 100 typed routes + Manifest().
func BenchmarkStartup100Manifest(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		startupManifest(b)
	}
}

// BenchmarkStartup100FirstInvoke: New + 100 typed routes + the first
// Invoke, as a Lambda cold start.
func BenchmarkStartup100FirstInvoke(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		startupInvoke(b)
	}
}

// TestStartupCold times the first start-up in the process (nothing of
// the types known yet), the closest in-process figure to a Lambda cold
// start. Run it alone: go test -run TestStartupCold -count=1 -v .
// It fails only on a pathological cost; docs/PERFORMANCE.md records the
// figures.
func TestStartupCold(t *testing.T) {
	which := os.Getenv("STARTUP")
	start := time.Now()
	if which == "manifest" {
		startupManifest(t)
	} else {
		startupInvoke(t)
	}
	d := time.Since(start)
	t.Logf("cold start-up of 100 typed routes (%s): %v", map[bool]string{true: "New + registrations + Manifest", false: "New + registrations + first Invoke"}[which == "manifest"], d)
	if d > time.Second {
		t.Errorf("cold start-up took %v", d)
	}
}
