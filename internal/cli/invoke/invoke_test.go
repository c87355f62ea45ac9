package invoke

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
)

const app = `package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("inv")
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) {
		return map[string]any{"got": ev, "env": os.Getenv("GREETING")}, nil
	}, chalice.Name("echo"))
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) {
		return nil, errors.New("no luck")
	}, chalice.Name("fail"))
	app.Run()
}
`

func project(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	lib := filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
	dir := t.TempDir()
	files := map[string]string{
		"main.go":              app,
		"go.mod":               "module inv\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\nreplace github.com/gochalice/chalice => " + lib + "\n",
		".chalice/config.json": `{"version": "2.0", "app_name": "inv", "stages": {"dev": {"lambda_functions": {"echo": {"environment_variables": {"GREETING": "hi"}}}}}}`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	return dir
}

func TestInvokeLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app")
	}
	dir := project(t)
	tests := []struct {
		name, payload string
		wantOut       string
		wantCode      int
		wantErr       string
	}{
		{name: "echo", payload: `{"a":1}`, wantOut: `{"env":"hi","got":{"a":1}}` + "\n"},
		{name: "echo", payload: ``, wantOut: `{"env":"hi","got":{}}` + "\n"},
		{name: "fail", payload: `{}`, wantCode: cli.ExitAbort, wantErr: "no luck"},
		{name: "nope", payload: `{}`, wantCode: cli.ExitFail, wantErr: "could not find a lambda function named nope"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		err := Run(context.Background(), &Options{IO: cli.IO{In: strings.NewReader(tt.payload), Out: &out, ErrOut: &errOut},
			ProjectDir: dir, Name: tt.name, Stage: "dev", Local: true})
		if tt.wantCode == 0 {
			if err != nil || out.String() != tt.wantOut {
				t.Errorf("%s: out %q err %v, want %q", tt.name, out.String(), err, tt.wantOut)
			}
			continue
		}
		if cli.ExitCode(err) != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: err %v, want exit %d with %q", tt.name, err, tt.wantCode, tt.wantErr)
		}
	}
}
