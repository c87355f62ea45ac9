package sam

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// requireTool returns the path of an external tool, or skips the test
// (fails it when GOCHALICE_REQUIRE_TOOLS=1).
func requireTool(t *testing.T, name, why string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := fmt.Sprintf("%s is not installed (%s); install it (pip install cfn-lint) to run this test", name, why)
	if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg + " — GOCHALICE_REQUIRE_TOOLS=1")
	}
	t.Skip(msg)
	return ""
}

type lintMatch struct {
	Filename string
	Level    string
	Message  string
	Rule     struct {
		ID string `json:"Id"`
	}
	Location struct{ Path []any }
}

// TestCfnLint runs the real cfn-lint (which expands the SAM transform with
// aws-sam-translator) over every golden variant as JSON, and the full
// sample as YAML too, and requires zero errors. Warnings and informational
// findings are logged. (TestYAMLReadsBackAsJSON shows every variant's YAML
// is the same document as its JSON.)
func TestCfnLint(t *testing.T) {
	cfnLint := requireTool(t, "cfn-lint", "it validates the generated SAM templates")
	dir := t.TempDir()
	var files []string
	for name, tpl := range variants(t) {
		js, err := Marshal(tpl)
		if err != nil {
			t.Fatal(err)
		}
		y, err := MarshalYAML(tpl)
		if err != nil {
			t.Fatal(err)
		}
		for ext, data := range map[string][]byte{".json": js, ".yaml": y} {
			if ext == ".yaml" && name != "sam" {
				continue
			}
			f := filepath.Join(dir, name+ext)
			if err := os.WriteFile(f, data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	slices.Sort(files)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cfnLint, append([]string{"--format", "json"}, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	// cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 info.
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("running cfn-lint: %v\n%s", err, stderr.String())
	}
	var matches []lintMatch
	if err := json.Unmarshal(stdout.Bytes(), &matches); err != nil {
		t.Fatalf("cfn-lint output is not JSON (%v): %s\n%s", err, stdout.String(), stderr.String())
	}
	for _, m := range matches {
		line := fmt.Sprintf("%s: %s %s: %s (at %v)", filepath.Base(m.Filename), m.Level, m.Rule.ID, m.Message, m.Location.Path)
		if m.Level == "Error" {
			t.Error(line)
		} else {
			t.Log(line)
		}
	}
	if code := cmd.ProcessState.ExitCode(); code&2 != 0 && !t.Failed() {
		t.Errorf("cfn-lint exited %d (errors) but reported none: %s", code, stderr.String())
	}
	t.Logf("cfn-lint checked %d templates: %d findings", len(files), len(matches))
}

// TestYAMLReadsBackAsJSON checks that a YAML reader (PyYAML, as used by
// cfn-lint and the AWS CLI) reads MarshalYAML's output as the same value as
// Marshal's JSON.
func TestYAMLReadsBackAsJSON(t *testing.T) {
	python := requireTool(t, "python3", "PyYAML reads the YAML templates back")
	if err := exec.Command(python, "-c", "import yaml").Run(); err != nil {
		if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
			t.Fatal("python3 has no yaml module (PyYAML)")
		}
		t.Skip("python3 has no yaml module (PyYAML)")
	}
	const script = `
import json, sys, yaml
for path in sys.argv[1:]:
    with open(path) as f:
        doc = yaml.safe_load(f)
    with open(path[:-5] + ".json") as f:
        want = json.load(f)
    if doc != want:
        print("%s differs from its JSON" % path)
`
	dir := t.TempDir()
	var files []string
	for name, tpl := range variants(t) {
		js, _ := Marshal(tpl)
		y, err := MarshalYAML(tpl)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Join(dir, name)
		if err := os.WriteFile(base+".json", js, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(base+".yaml", y, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, base+".yaml")
	}
	// Strings that need quoting, as values and keys.
	tricky := []string{"", "yes", "No", "on", "null", "~", "true", "1.5", "0x1F", "1:30", "2010-09-09", "-x", "- x", "a: b",
		"a #b", "#c", "x:", " lead", "trail ", "tab\there", "line\nbreak", `back\slash`, `quo"te`, "'single'", "@at", "`tick",
		"%p", "!bang", "&amp", "*star", "./x", "-.5", "--", "+x", ".x", "-", "key: v", "Fn::Sub", "${AWS::Region}", "[x]", "{y}", "|", ">", "?", ",", "é", "😀", "\x01", "=", "<<", ".inf", ".5", "+1", "0o17"}
	m := map[string]any{}
	for i, s := range tricky {
		m[s+"k"+fmt.Sprint(i)] = s
		m[s] = []any{s, map[string]any{s: s}, []any{}, map[string]any{}, []any{[]any{s, 1}}, 2.5, 10, true, nil}
	}
	js, _ := Marshal(m)
	y, err := MarshalYAML(m)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "tricky")
	if err := os.WriteFile(base+".json", js, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".yaml", y, 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, base+".yaml")
	out, err := exec.Command(python, append([]string{"-c", script}, files...)...).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("PyYAML: %v\n%s", err, out)
		if strings.Contains(string(out), "tricky") {
			t.Logf("tricky YAML:\n%s", y)
		}
	}
}
