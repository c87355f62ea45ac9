package commands

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
)

// run executes the CLI in process and returns exit code, stdout, stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cli.Factory{IO: cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}}
	code := mainWith(f, args)
	return code, out.String(), errOut.String()
}

func exampleDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "examples", "users-service", "web-api")
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, _ := run(t, args...)
		if code != 0 || !strings.HasPrefix(out, "gochalice 0.") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("%v: code %d out %q", args, code, out)
		}
	}
}

func TestProjectCommandsOutsideAProject(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := run(t, "--project-dir", dir, "local")
	if code != cli.ExitFail || !strings.HasPrefix(errOut, "Error: Unable to load the project config file. Are you sure this is a chalice project?") {
		t.Errorf("code %d stderr %q", code, errOut)
	}
}

func TestNewProjectExistingDirectory(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "taken"), 0o755)
	code, _, errOut := run(t, "--project-dir", dir, "new-project", "taken")
	if code != 1 || errOut != "Error: Directory already exists: taken\n" {
		t.Errorf("code %d stderr %q", code, errOut)
	}
}

// TestNoRegion: every verb that talks to AWS says so before any call,
// exit 2, printed as every error is.
func TestNoRegion(t *testing.T) {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
	for _, verb := range [][]string{{"deploy"}, {"delete"}, {"dev", "plan"}} {
		code, stdout, stderr := run(t, append([]string{"--project-dir", t.TempDir()}, verb...)...)
		if code != 2 || stdout != "" || stderr != "Error: No region configured. Either export the AWS_DEFAULT_REGION environment variable or set the region value in our ~/.aws/config file.\n" {
			t.Errorf("%v: code %d stdout %q stderr %q", verb, code, stdout, stderr)
		}
	}
}

func TestGenerateModelsAndGenPolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example")
	}
	code, out, errOut := run(t, "--project-dir", exampleDir(), "generate-models")
	if code != 0 {
		t.Fatalf("generate-models: %d %s", code, errOut)
	}
	var doc struct {
		Swagger string                    `json:"swagger"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("generate-models output is not JSON: %v\n%s", err, out)
	}
	if doc.Swagger != "2.0" || doc.Paths["/users/{username}"]["get"] == nil || doc.Paths["/users"]["post"] == nil {
		t.Errorf("unexpected document: %s", out)
	}
	code, out, _ = run(t, "--project-dir", exampleDir(), "generate-models", "--format", "openapi3")
	if code != 0 || !strings.Contains(out, `"openapi": "3.1.0"`) {
		t.Errorf("openapi3: code %d, out %.200s", code, out)
	}
	code, out, errOut = run(t, "--project-dir", exampleDir(), "gen-policy")
	if code != 0 {
		t.Fatalf("gen-policy: %d %s", code, errOut)
	}
	for _, action := range []string{"logs:PutLogEvents", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"} {
		if !strings.Contains(out, `"`+action+`"`) {
			t.Errorf("gen-policy lacks %s:\n%s", action, out)
		}
	}
}

func TestDebugFlagLogsTheBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example")
	}
	prev := slog.Default()
	defer slog.SetDefault(prev)
	code, _, errOut := run(t, "--debug", "--project-dir", exampleDir(), "generate-models")
	if code != 0 || !strings.Contains(errOut, "building the app") || !strings.Contains(errOut, "reading the manifest") {
		t.Fatalf("--debug: code %d, stderr %q", code, errOut)
	}
}
