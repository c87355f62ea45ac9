package appgraph

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestPrintDeclared: `gochalice dev appgraph` of the root golden app
// declaring every kind of resource shows each declaration (kind, declared
// and deployed name, retained or adopted, key settings), each function's
// uses and the declared resource each event source is on.
func TestPrintDeclared(t *testing.T) {
	app, err := buildDeclared(t, resourcesManifest(t), `{"app_name": "shop", "stages": {"dev": {"resources": {
		"users": {"retain": true}, "news": {"name": "old-news"}}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	app.Print(&out)
	const golden = "testdata/print_resources.golden.txt"
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestPrintDeclared -update)", err)
	}
	if out.String() != string(want) {
		t.Errorf("Print differs from %s (go test -run TestPrintDeclared -update rewrites it):\n%s", golden, out.String())
	}
}
