package cdk_test

import (
	"bytes"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"
)

// templateDir holds the `gochalice new-project --project-type cdk-ddb`
// layout; the CLI embeds it from there.
const templateDir = "../internal/cli/newproject/templates/cdk-ddb"

// renderTemplate renders the cdk-ddb template (the `gochalice new-project
// --project-type cdk-ddb` layout) into dst the way new-project is to:
// every file is a text/template executed with {AppName, LibraryDir}; the
// ".tmpl" suffix is dropped and a "dot-" prefix of a path element becomes
// "." (go:embed skips dot files, so they are stored without the dot).
func renderTemplate(t *testing.T, dst string, data map[string]string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(templateDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(templateDir, path)
		if !strings.HasSuffix(rel, ".tmpl") {
			t.Errorf("%s: every template file ends in .tmpl", rel)
		}
		parts := strings.Split(strings.TrimSuffix(rel, ".tmpl"), string(filepath.Separator))
		for i, p := range parts {
			if strings.HasPrefix(p, "dot-") {
				parts[i] = "." + strings.TrimPrefix(p, "dot-")
			}
		}
		out := filepath.Join(parts...)
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		tpl, err := template.New(rel).Option("missingkey=error").Parse(string(raw))
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := tpl.Execute(&buf, data); err != nil {
			return err
		}
		if strings.HasSuffix(out, ".go") {
			if formatted, err := format.Source(buf.Bytes()); err != nil {
				t.Errorf("%s: rendered Go does not parse: %v", rel, err)
			} else if !bytes.Equal(formatted, buf.Bytes()) {
				t.Errorf("%s: rendered Go is not gofmt-ed", rel)
			}
		}
		names = append(names, out)
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, out)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, out), buf.Bytes(), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestTemplateRenders(t *testing.T) {
	dst := t.TempDir()
	names := renderTemplate(t, dst, map[string]string{"AppName": "myapp", "LibraryDir": "/lib"})
	slices.Sort(names)
	want := []string{
		"README.md",
		"infrastructure/.gitignore", "infrastructure/cdk.json", "infrastructure/go.mod", "infrastructure/main.go", "infrastructure/stacks/chaliceapp.go",
		"runtime/.chalice/config.json", "runtime/.gitignore", "runtime/go.mod", "runtime/main.go",
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("files %v\nwant  %v", names, want)
	}
	cfg := readJSON(t, filepath.Join(dst, "runtime", ".chalice", "config.json"))
	if cfg["app_name"] != "myapp" {
		t.Errorf("config.json app_name = %v", cfg["app_name"])
	}
}

// TestTemplateSynth renders the cdk-ddb project, builds both halves and
// synthesizes the infrastructure app as `cdk synth` would (a separate
// process with CDK_OUTDIR), then checks and lints the template.
func TestTemplateSynth(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and synthesizes a generated project (-short)")
	}
	requireNode(t)
	dst := filepath.Join(t.TempDir(), "ddb_app")
	renderTemplate(t, dst, map[string]string{"AppName": "ddb_app", "LibraryDir": repoRoot(t)})

	gocmd := func(dir string, env []string, args ...string) {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
		}
	}
	for _, half := range []string{"runtime", "infrastructure"} {
		dir := filepath.Join(dst, half)
		// Offline first (the module cache has everything), as new-project does.
		cmd := exec.Command("go", "mod", "tidy")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Logf("offline go mod tidy in %s failed, retrying online: %s", half, out)
			gocmd(dir, nil, "mod", "tidy")
		}
		gocmd(dir, nil, "vet", "./...")
	}
	bin := filepath.Join(t.TempDir(), "infrastructure")
	gocmd(filepath.Join(dst, "infrastructure"), nil, "build", "-o", bin, ".")

	out := t.TempDir()
	start := time.Now()
	cmd := exec.Command(bin)
	cmd.Dir = filepath.Join(dst, "infrastructure")
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+out, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("synth: %v\n%s", err, b)
	}
	t.Logf("synth of the generated project (separate process, packaging included): %v", time.Since(start))

	tplPath := filepath.Join(out, "ddb-app.template.json")
	tpl := readJSON(t, tplPath)
	res := get(tpl, "Resources").(map[string]any)
	var table, policy string
	for id, r := range res {
		switch get(r, "Type") {
		case "AWS::DynamoDB::Table":
			table = id
		case "AWS::IAM::Policy":
			if strings.Contains(asJSON(r), "DefaultRole") {
				policy = id
			}
		}
	}
	if table == "" || policy == "" {
		t.Fatalf("table %q, policy on DefaultRole %q", table, policy)
	}
	if got := asJSON(get(res, table, "Properties", "KeySchema")); got != `[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}]` {
		t.Errorf("key schema %s", got)
	}
	if got := asJSON(get(res, "APIHandler", "Properties", "Environment", "Variables", "APP_TABLE_NAME")); got != `{"Ref":"`+table+`"}` {
		t.Errorf("APP_TABLE_NAME = %s", got)
	}
	if !strings.Contains(asJSON(get(res, policy)), `"Fn::GetAtt":["`+table+`","Arn"]`) {
		t.Errorf("the DefaultRole policy does not grant the table: %s", asJSON(get(res, policy)))
	}
	if get(tpl, "Outputs", "AppTableName") == nil || get(tpl, "Outputs", "EndpointURL") == nil {
		t.Errorf("outputs %s", asJSON(get(tpl, "Outputs")))
	}
	cfnLint(t, tplPath)
}
