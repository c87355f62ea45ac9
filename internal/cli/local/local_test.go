package local

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/cli"
)

// syncBuffer collects output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func libraryRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// newProject writes the test app into a temporary Go module.
func newProject(t testing.TB, greeting string) string {
	t.Helper()
	src, err := os.ReadFile("testdata/app/main.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	return newProjectSource(t, strings.ReplaceAll(string(src), "GREETING", greeting),
		`{"version": "2.0", "app_name": "localtest", "stages": {"dev": {"api_gateway_stage": "api", "lambda_timeout": 2, "environment_variables": {"STAGE_VAR": "dev-value"}}}}`)
}

// newProjectFrom writes the app source in file into a temporary Go module.
func newProjectFrom(t testing.TB, file, configJSON string) string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return newProjectSource(t, string(src), configJSON)
}

func newProjectSource(t testing.TB, mainGo, configJSON string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.go", mainGo)
	write("go.mod", "module localtest\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\nreplace github.com/gochalice/chalice => "+libraryRoot(t)+"\n")
	write(".chalice/config.json", configJSON)
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	return dir
}

func get(t testing.TB, url string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestLocalEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	dir := newProject(t, "world")
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, &Options{IO: cli.IO{Out: out, ErrOut: out}, ProjectDir: dir, Host: "127.0.0.1", Port: 0,
			Stage: "dev", Autoreload: true, Workers: 2, Ready: func(a string) { ready <- a }})
	}()
	var base string
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("local exited: %v\n%s", err, out.String())
	case <-time.After(120 * time.Second):
		t.Fatalf("server not ready\n%s", out.String())
	}
	if !strings.Contains(out.String(), "Serving on "+base+"\n") {
		t.Errorf("banner missing: %s", out.String())
	}

	tests := []struct {
		name   string
		path   string
		header []string
		status int
		body   string
	}{
		{"hello", "/", nil, 200, `{"hello":"world"}`},
		{"unknown", "/nope", nil, 403, `{"message": "Missing Authentication Token"}`},
		{"stage env", "/env", nil, 200, `{"STAGE_VAR":"dev-value","fn":"arn:aws:lambda:us-east-1:123456789012:function:api_handler"}`},
		{"auth missing", "/private", nil, 401, `{"message":"Unauthorized"}`},
		{"auth denied", "/private", []string{"Authorization", "nope"}, 403, `{"Message": "User is not authorized to access this resource"}`},
		{"auth allowed", "/private", []string{"Authorization", "letmein"}, 200, `{"principalId":"u1"}`},
		{"crash", "/crash", nil, 502, `{"message": "Internal server error"}`},
		{"after crash", "/", nil, 200, `{"hello":"world"}`},
		{"function timeout", "/slow", nil, 502, `{"message": "Internal server error"}`},
		{"after timeout", "/", nil, 200, `{"hello":"world"}`},
	}
	for _, tt := range tests {
		status, body := get(t, base+tt.path, tt.header...)
		if status != tt.status || body != tt.body {
			t.Errorf("%s: GET %s = %d %s, want %d %s", tt.name, tt.path, status, body, tt.status, tt.body)
		}
	}
	if !strings.Contains(out.String(), `"GET / HTTP/1.1" 200 -`) {
		t.Errorf("access log line missing:\n%s", out.String())
	}

	// Autoreload: a compile error keeps the last good build serving...
	mainGo := filepath.Join(dir, "main.go")
	src, _ := os.ReadFile(mainGo)
	if err := os.WriteFile(mainGo, append(src, []byte("\nfunc broken() { undefinedThing() }\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, out, "Reload failed, still serving the last good build")
	if status, body := get(t, base+"/"); status != 200 || body != `{"hello":"world"}` {
		t.Errorf("after compile error: %d %s", status, body)
	}
	// ...and a good change is picked up.
	if err := os.WriteFile(mainGo, bytes.ReplaceAll(src, []byte(`"world"`), []byte(`"again"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, out, "Reloaded: serving the new build")
	if status, body := get(t, base+"/"); status != 200 || body != `{"hello":"again"}` {
		t.Errorf("after reload: %d %s", status, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("local did not stop")
	}
	// No worker process of the test app is left.
	if pids := appProcesses(t, dir); len(pids) > 0 {
		t.Fatalf("worker processes left running: %v", pids)
	}
}

func waitFor(t *testing.T, out *syncBuffer, text string) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(out.String(), text) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %q in output:\n%s", text, out.String())
}

// appProcesses lists live processes whose executable is in dir.
func appProcesses(t testing.TB, dir string) []string {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc")
	}
	var pids []string
	for _, e := range entries {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err == nil && strings.HasPrefix(exe, dir) {
			pids = append(pids, e.Name()+":"+exe)
		}
	}
	return pids
}
