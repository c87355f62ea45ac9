package newproject

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/appbuild"
	"github.com/gochalice/chalice/internal/cli"
)

func TestNewProjectBuildsEveryType(t *testing.T) {
	if testing.Short() {
		t.Skip("builds projects")
	}
	for _, pt := range ProjectTypes {
		if pt == cdkType {
			continue // TestNewProjectCDK; the cdk module's tests build and synth it
		}
		t.Run(pt, func(t *testing.T) {
			dir := t.TempDir()
			var out bytes.Buffer
			opts := &Options{IO: cli.IO{Out: &out, ErrOut: &out}, Dir: dir, Name: "hello-" + pt, ProjectType: pt}
			if err := Run(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			if got, want := out.String(), "Your project has been generated in ./hello-"+pt+"\n"; got != want {
				t.Errorf("output %q, want %q", got, want)
			}
			proj := filepath.Join(dir, opts.Name)
			var cfg map[string]any
			raw, err := os.ReadFile(filepath.Join(proj, ".chalice", "config.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &cfg); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"version": "2.0", "app_name": opts.Name, "stages": map[string]any{"dev": map[string]any{"api_gateway_stage": "api"}}}
			if g, w := mustJSON(cfg), mustJSON(want); g != w {
				t.Errorf("config.json = %s, want %s", g, w)
			}
			for _, f := range []string{".gitignore", "README.md", "go.mod", "go.sum", "main.go"} {
				if _, err := os.Stat(filepath.Join(proj, f)); err != nil {
					t.Errorf("missing %s: %v", f, err)
				}
			}
			bin, err := appbuild.Build(context.Background(), appbuild.Options{ProjectDir: proj, Output: filepath.Join(t.TempDir(), "bootstrap")})
			if err != nil {
				t.Fatal(err)
			}
			m, err := appbuild.ReadManifest(context.Background(), bin)
			if err != nil {
				t.Fatal(err)
			}
			if m.App != opts.Name {
				t.Errorf("manifest app = %q", m.App)
			}
			wantRoutes, ok := map[string]int{"lambda-only": 0, "web": 7, "dynamodb": 5}[pt]
			if !ok {
				wantRoutes = 1
			}
			first, ok := map[string]string{"dynamodb": "GET /items"}[pt]
			if !ok {
				first = "GET /"
			}
			if len(m.Routes) != wantRoutes || (wantRoutes > 0 && m.Routes[0].Method+" "+m.Routes[0].Path != first) {
				t.Errorf("routes = %+v, want %d starting with %s", m.Routes, wantRoutes, first)
			}
		})
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestNewProjectRefusesExistingDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "taken"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "taken", "keep.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := Run(context.Background(), &Options{IO: cli.IO{Out: &out}, Dir: dir, Name: "taken", ProjectType: "rest-api", SkipTidy: true})
	if err == nil || err.Error() != "Directory already exists: taken" {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "taken", "keep.txt")); string(b) != "mine" {
		t.Fatalf("existing file was touched")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestNewProjectBadInput(t *testing.T) {
	tests := []struct{ name, typ, want string }{
		{"bad name!", "rest-api", `invalid project name "bad name!"`},
		{"ok", "nope", `unknown --project-type "nope" (valid: rest-api, lambda-only, s3-event, websocket, web, cdk-ddb, dynamodb)`},
	}
	for _, tt := range tests {
		err := Run(context.Background(), &Options{Dir: t.TempDir(), Name: tt.name, ProjectType: tt.typ, SkipTidy: true})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s/%s: err = %v, want %q", tt.name, tt.typ, err, tt.want)
		}
	}
}

// TestNewProjectCDK checks the cdk-ddb layout: a runtime module (the app)
// and an infrastructure module (the CDK app using the construct), both
// pointing at this library checkout. cdk/template_test.go builds and
// synthesizes the same files.
func TestNewProjectCDK(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := Run(context.Background(), &Options{IO: cli.IO{Out: &out, ErrOut: &out}, Dir: dir, Name: "users", ProjectType: cdkType, LibraryDir: "/lib", SkipTidy: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"README.md", "runtime/main.go", "runtime/go.mod", "runtime/.chalice/config.json", "runtime/.gitignore",
		"infrastructure/main.go", "infrastructure/go.mod", "infrastructure/cdk.json", "infrastructure/stacks/chaliceapp.go", "infrastructure/.gitignore"} {
		b, err := os.ReadFile(filepath.Join(dir, "users", f))
		if err != nil {
			t.Errorf("missing %s", f)
			continue
		}
		if strings.Contains(string(b), "{{") {
			t.Errorf("%s still has template placeholders", f)
		}
	}
	mod, _ := os.ReadFile(filepath.Join(dir, "users", "infrastructure", "go.mod"))
	if !strings.Contains(string(mod), "github.com/gochalice/chalice/cdk => /lib/cdk") {
		t.Errorf("infrastructure/go.mod does not use the library checkout:\n%s", mod)
	}
	if _, err := os.Stat(filepath.Join(dir, "users", "go.mod")); err == nil {
		t.Errorf("cdk-ddb must not have a root go.mod")
	}
}

// TestNewProjectDynamoDB: the dynamodb scaffold renders with its own
// go.mod (the SDK pinned to the library's versions, the library from
// this checkout) and README, and go vet passes in it.
// TestScaffoldedDynamoDBOwnTests (internal/cli/local) runs its tests.
func TestNewProjectDynamoDB(t *testing.T) {
	if testing.Short() {
		t.Skip("resolves and vets a project")
	}
	dir := t.TempDir()
	var out bytes.Buffer
	if err := Run(context.Background(), &Options{IO: cli.IO{Out: &out, ErrOut: &out}, Dir: dir, Name: "shop", ProjectType: "dynamodb"}); err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(dir, "shop")
	for _, f := range []string{"main.go", "items.go", "stream.go", "items_test.go", "stream_test.go", "README.md", "go.mod", "go.sum", ".chalice/config.json"} {
		b, err := os.ReadFile(filepath.Join(proj, f))
		if err != nil {
			t.Errorf("missing %s", f)
			continue
		}
		if strings.Contains(string(b), "{{") && !strings.HasSuffix(f, "_test.go") {
			t.Errorf("%s still has template placeholders", f)
		}
	}
	mod, _ := os.ReadFile(filepath.Join(proj, "go.mod"))
	lib, err := libraryDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"module shop\n", "github.com/aws/aws-sdk-go-v2/service/dynamodb v1.73.1", "replace github.com/gochalice/chalice => " + lib} {
		if !strings.Contains(string(mod), want) {
			t.Errorf("go.mod lacks %q:\n%s", want, mod)
		}
	}
	if readme, _ := os.ReadFile(filepath.Join(proj, "README.md")); !strings.Contains(string(readme), "shop-<stage>-items") {
		t.Errorf("README is not the template's own:\n%s", readme)
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = proj
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet in the scaffolded project: %v\n%s", err, out)
	}
}
