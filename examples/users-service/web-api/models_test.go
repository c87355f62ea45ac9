package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// generateModels builds the gochalice CLI from this repository and runs
// `gochalice generate-models --format openapi3` on this project, as a
// user would.
func generateModels(t *testing.T) []byte {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the CLI and the app; skipped in -short mode")
	}
	dir := t.TempDir()
	cli := filepath.Join(dir, "gochalice")
	build := exec.Command("go", "build", "-o", cli, "./cmd/gochalice")
	build.Dir = filepath.Join("..", "..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the gochalice CLI: %v\n%s", err, out)
	}
	cmd := exec.Command(cli, "--project-dir", ".", "generate-models", "--format", "openapi3")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gochalice generate-models: %v\n%s", err, stderr.String())
	}
	return out
}

// requireTool skips the test, or fails it with GOCHALICE_REQUIRE_TOOLS=1.
func requireTool(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg + " (GOCHALICE_REQUIRE_TOOLS=1)")
	}
	t.Skip(msg)
}

// TestOpenAPIDocument: the service's OpenAPI 3.1 document passes
// openapi-spec-validator, describes each route's typed request and
// response, and its components.schemas say what the Go types say:
// property names, types and required fields, closed to other fields.
func TestOpenAPIDocument(t *testing.T) {
	doc := generateModels(t)

	python, err := exec.LookPath("python3")
	if err != nil {
		requireTool(t, "python3 is not installed; the openapi-spec-validator check needs it")
	}
	if err := exec.Command(python, "-c", "import openapi_spec_validator").Run(); err != nil {
		requireTool(t, "python3 has no openapi_spec_validator module (pip install openapi-spec-validator)")
	}
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `
import json, sys
from openapi_spec_validator import validate
with open(sys.argv[1]) as f:
    validate(json.load(f))
`
	if out, err := exec.Command(python, "-c", script, file).CombinedOutput(); err != nil {
		t.Fatalf("openapi-spec-validator refuses the document: %v\n%s", err, out)
	}

	var d struct {
		OpenAPI    string `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas map[string]struct {
				Type                 string                     `json:"type"`
				Properties           map[string]json.RawMessage `json:"properties"`
				Required             []string                   `json:"required"`
				AdditionalProperties *bool                      `json:"additionalProperties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1", d.OpenAPI)
	}
	types := map[string]reflect.Type{
		"User":        reflect.TypeFor[User](),
		"UserUpdate":  reflect.TypeFor[UserUpdate](),
		"CreatedUser": reflect.TypeFor[CreatedUser](),
	}
	for name, typ := range types {
		s, ok := d.Components.Schemas[name]
		if !ok {
			t.Errorf("components.schemas has no %s (it has %v)", name, keys(d.Components.Schemas))
			continue
		}
		props, required := jsonProperties(typ)
		var got []string
		for p, raw := range s.Properties {
			var ps struct {
				Type string `json:"type"`
			}
			_ = json.Unmarshal(raw, &ps)
			if ps.Type == "" {
				ps.Type = anyOfType(raw)
			}
			got = append(got, p+":"+ps.Type)
		}
		slices.Sort(got)
		if strings.Join(got, " ") != strings.Join(props, " ") {
			t.Errorf("%s properties %v, want %v (from the Go type)", name, got, props)
		}
		slices.Sort(s.Required)
		if strings.Join(s.Required, " ") != strings.Join(required, " ") {
			t.Errorf("%s required %v, want %v", name, s.Required, required)
		}
		if s.Type != "object" || s.AdditionalProperties == nil || *s.AdditionalProperties {
			t.Errorf("%s: type %q additionalProperties %v, want a closed object", name, s.Type, s.AdditionalProperties)
		}
	}
	for _, want := range []struct{ path, method, fragment string }{
		{"/users", "post", `"$ref":"#/components/schemas/User"`},
		{"/users", "post", `"201"`},
		{"/users", "post", `"required":true`},
		{"/users", "post", `"$ref":"#/components/schemas/CreatedUser"`},
		{"/users/{username}", "get", `"$ref":"#/components/schemas/User"`},
		{"/users/{username}", "get", `"pattern":"^[A-Za-z0-9._-]+$"`},
		{"/users/{username}", "put", `"$ref":"#/components/schemas/UserUpdate"`},
	} {
		op := compact(t, d.Paths[want.path][want.method])
		if !strings.Contains(op, want.fragment) {
			t.Errorf("%s %s lacks %s: %s", want.method, want.path, want.fragment, op)
		}
	}
}

// jsonProperties lists a struct's JSON properties as "name:type" and its
// required ones, from its fields and tags (embedded structs promoted).
func jsonProperties(t reflect.Type) (props, required []string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			p, r := jsonProperties(f.Type)
			props, required = append(props, p...), append(required, r...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		kind := map[reflect.Kind]string{reflect.String: "string", reflect.Int: "integer", reflect.Bool: "boolean"}[f.Type.Kind()]
		props = append(props, name+":"+kind)
		if slices.Contains(strings.Split(f.Tag.Get("validate"), ","), "required") {
			required = append(required, name)
		}
	}
	slices.Sort(props)
	slices.Sort(required)
	return props, required
}

// anyOfType is the type of the non-const branch of an omitempty
// property's anyOf.
func anyOfType(raw json.RawMessage) string {
	var s struct {
		AnyOf []struct {
			Type string `json:"type"`
		} `json:"anyOf"`
	}
	_ = json.Unmarshal(raw, &s)
	for _, b := range s.AnyOf {
		if b.Type != "" {
			return b.Type
		}
	}
	return ""
}

func compact(t *testing.T, raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("operation %s: %v", raw, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
