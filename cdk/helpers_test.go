package cdk_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The jsii kernel (node) starts while Go packages initialise, before any
// test code runs, so JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 must
// be in the environment of `go test` itself to silence the Node 20
// end-of-life banner; it is cosmetic (and only shown with -v or on failure).

// requireTool skips the test when a tool is missing, or fails it when
// GOCHALICE_REQUIRE_TOOLS=1 (CI).
func requireTool(t *testing.T, name, why string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		msg := fmt.Sprintf("%s is not on PATH (%s)", name, why)
		if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg + "; GOCHALICE_REQUIRE_TOOLS=1 requires it")
		}
		t.Skip(msg + "; skipping (set GOCHALICE_REQUIRE_TOOLS=1 to make this a failure)")
	}
	return p
}

func requireNode(t *testing.T) {
	requireTool(t, "node", "aws-cdk-go runs the CDK through jsii on Node.js")
}

// repoRoot is the gochalice checkout (the parent of cdk/).
func repoRoot(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// copyApp copies testdata/<name> into a temporary directory, pointing its
// go.mod replace at this checkout, and returns the copy's path.
func copyApp(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("testdata", name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == "build" || d.Name() == "deployments" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if rel == "go.mod" {
			b = []byte(strings.Replace(string(b), "=> ../../..", "=> "+repoRoot(t), 1))
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// get walks a JSON value along keys (strings for objects, ints for arrays).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// cfnLint runs cfn-lint on templates and fails on any error (warnings and
// informational findings are logged).
func cfnLint(t *testing.T, templates ...string) {
	t.Helper()
	bin := requireTool(t, "cfn-lint", "the real, Python cfn-lint validates the synthesized templates")
	cmd := exec.Command(bin, append([]string{"--format", "json"}, templates...)...)
	out, err := cmd.Output()
	var findings []struct {
		Level    string
		Message  string
		Filename string
		Rule     struct{ Id string }
	}
	if jerr := json.Unmarshal(out, &findings); jerr != nil {
		t.Fatalf("cfn-lint: %v (output: %s)", err, out)
	}
	errs := 0
	for _, f := range findings {
		t.Logf("cfn-lint %s %s %s: %s", f.Level, f.Rule.Id, filepath.Base(f.Filename), f.Message)
		if f.Level == "Error" {
			errs++
		}
	}
	if errs > 0 {
		t.Fatalf("cfn-lint found %d errors", errs)
	}
	t.Logf("cfn-lint: 0 errors in %d templates (%d findings)", len(templates), len(findings))
}
