package appgraph

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/newproject"
)

// TestAppgraphCustomDomainsAndUnlistedStage: `dev appgraph` shows the
// custom domains as nodes of the graph with their mappings, for a stage
// config.json does not list (which takes the top-level settings).
func TestAppgraphCustomDomainsAndUnlistedStage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app")
	}
	_, file, _, _ := runtime.Caller(0)
	lib := filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
	parent := t.TempDir()
	var out, errOut bytes.Buffer
	if err := newproject.Run(context.Background(), &newproject.Options{IO: cli.IO{Out: &out, ErrOut: &out}, Dir: parent, Name: "site",
		ProjectType: "rest-api", LibraryDir: lib, SkipTidy: true}); err != nil {
		t.Fatalf("new-project: %v\n%s", err, out.String())
	}
	dir := filepath.Join(parent, "site")
	cfg := `{"version": "2.0", "app_name": "site", "api_gateway_endpoint_type": "REGIONAL",
	  "api_gateway_custom_domain": {"domain_name": "api.example.com", "certificate_arn": "arn:aws:acm:us-west-2:123456789012:certificate/abc", "url_prefix": "v1"},
	  "stages": {"dev": {"api_gateway_stage": "api"}}}`
	if err := os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	f := &cli.Factory{IO: cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, ProjectDir: dir}
	if err := Run(context.Background(), &Options{IO: f.IO, Report: f.Reporter(), ProjectDir: dir, Stage: "qa"}); err != nil {
		t.Fatalf("dev appgraph --stage qa: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{
		"Application (app site, stage qa)\n",
		"lambda_function api_handler\n│       function_name: site-qa\n",
		"├── rest_api rest_api\n",
		"└── domain_name api_gateway_custom_domain\n        domain_name: api.example.com\n        http API, endpoint REGIONAL, certificate arn:aws:acm:us-west-2:123456789012:certificate/abc, TLS_1_2\n        api_mapping: v1 -> rest_api stage api\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), `Stage "qa" has no entry under "stages"`) {
		t.Errorf("stderr lacks the note: %q", errOut.String())
	}
}
