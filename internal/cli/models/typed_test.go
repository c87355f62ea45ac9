package models

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/swagger"
	"github.com/gochalice/chalice/manifest"
)

// typedApp is an app of typed routes (testdata/typed.manifest.json), with
// api_gateway_request_validation on for the stage.
func typedApp(t *testing.T) *appgraph.Application {
	t.Helper()
	f, err := os.Open("testdata/typed.manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := manifest.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, ".chalice", "config.json"),
		[]byte(`{"version": "2.0", "app_name": "typedapp", "stages": {"dev": {"api_gateway_request_validation": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestTypedModels: generate-models writes the typed routes' models,
// parameters, bodies and responses (OpenAPI 3.1 with the JSON Schema
// 2020-12 schemas as they are; Swagger 2.0 with Chalice's Empty and the
// schemas in draft 4 form), and every document passes
// openapi-spec-validator.
func TestTypedModels(t *testing.T) {
	a := typedApp(t)
	var files []string
	for name, ft := range map[string]swagger.Format{
		"typed_swagger2.json":   swagger.Swagger2,
		"typed_openapi3.json":   swagger.OpenAPI31,
		"typed_openapi3.0.json": swagger.OpenAPI30,
	} {
		out, err := Document(a, ft)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name, out)
		files = append(files, filepath.Join("testdata", name))
		for _, want := range []string{`"NewItem"`, `"Empty"`, `"201"`, `"x-amazon-apigateway-request-validator": "all"`} {
			if !strings.Contains(string(out), want) {
				t.Errorf("%s lacks %s", name, want)
			}
		}
	}
	files = append(files, filepath.Join("testdata", "swagger2.json"), filepath.Join("testdata", "openapi3.json"))
	validate(t, files)
}

// validate runs openapi-spec-validator (Swagger 2.0, OpenAPI 3.0 and
// 3.1) over the files, or skips (fails with GOCHALICE_REQUIRE_TOOLS=1)
// when it is not installed.
func validate(t *testing.T, files []string) {
	t.Helper()
	skip := func(msg string) {
		if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg + " (GOCHALICE_REQUIRE_TOOLS=1)")
		}
		t.Skip(msg)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		skip("python3 is not installed; the openapi-spec-validator check needs it")
	}
	if err := exec.Command(python, "-c", "import openapi_spec_validator").Run(); err != nil {
		skip("python3 has no openapi_spec_validator module (pip install openapi-spec-validator)")
	}
	const script = `
import json, sys
from openapi_spec_validator import validate
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    try:
        validate(doc)
    except Exception as e:
        print("%s: %s" % (path, str(e).splitlines()[0]))
`
	out, err := exec.Command(python, append([]string{"-c", script}, files...)...).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("openapi-spec-validator: %v\n%s", err, out)
	}
}
