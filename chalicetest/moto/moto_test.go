//go:build unix

package moto

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// processGone reports whether no process with pid (and no process in its
// group) exists any more. The server itself must be gone at once (Stop
// reaps it); children in its group, killed by Stop, are given a moment to
// be reaped by init.
func processGone(pid int) error {
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("process %d still exists (kill 0: %v)", pid, err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		err := syscall.Kill(-pid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("process group %d still exists (kill 0: %v)", pid, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// dynamo sends one DynamoDB JSON API call to the server.
func dynamo(t *testing.T, s *Server, op, body string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.Endpoint+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+AccessKeyID+"/20260101/"+Region+"/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading body: %v", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s: %s", op, resp.Status, b)
	}
	return string(b)
}

func TestStartProcessAnswersResetsAndStops(t *testing.T) {
	if err := Available(); err != nil {
		Start(t) // applies the skip/fail policy
	}
	began := time.Now()
	s, stop, err := StartProcess(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("moto server started in %v", time.Since(began).Round(time.Millisecond))
	pid := s.Pid()
	t.Cleanup(func() { _ = stop() })

	if want := fmt.Sprintf("http://127.0.0.1:%d", s.Port); s.Endpoint != want {
		t.Errorf("Endpoint = %q, want %q", s.Endpoint, want)
	}
	resp, err := http.Get(s.Endpoint + "/moto-api/")
	if err != nil {
		t.Fatalf("GET /moto-api/: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /moto-api/: %s, want 200", resp.Status)
	}

	const noTables = `{"TableNames": []}`
	dynamo(t, s, "CreateTable", `{"TableName":"t","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],`+
		`"AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`)
	if got := dynamo(t, s, "ListTables", `{}`); got != `{"TableNames": ["t"]}` {
		t.Fatalf("ListTables after CreateTable = %s", got)
	}
	if err := s.Reset(t.Context()); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if got := dynamo(t, s, "ListTables", `{}`); got != noTables {
		t.Fatalf("ListTables after Reset = %s, want %s", got, noTables)
	}

	began = time.Now()
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	t.Logf("moto server stopped in %v", time.Since(began).Round(time.Millisecond))
	if err := stop(); err != nil {
		t.Fatalf("second stop: %v", err)
	}
	if err := processGone(pid); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(t.Context()); err == nil {
		t.Fatal("Reset after stop succeeded; the server is still answering")
	}
}

func TestStartStopsServerAtCleanup(t *testing.T) {
	var pid int
	var endpoint string
	t.Run("test using moto", func(t *testing.T) {
		s := Start(t)
		pid, endpoint = s.Pid(), s.Endpoint
		if err := s.Reset(t.Context()); err != nil {
			t.Fatalf("Reset: %v", err)
		}
	})
	if pid == 0 {
		t.Skip("subtest was skipped")
	}
	if err := processGone(pid); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: time.Second}
	if resp, err := c.Get(endpoint + "/moto-api/"); err == nil {
		resp.Body.Close()
		t.Fatalf("%s still answers after cleanup: %s", endpoint, resp.Status)
	}
}

func TestEnv(t *testing.T) {
	s := &Server{Endpoint: "http://127.0.0.1:4566"}
	want := map[string]string{
		"AWS_ENDPOINT_URL":      "http://127.0.0.1:4566",
		"AWS_ACCESS_KEY_ID":     "testing",
		"AWS_SECRET_ACCESS_KEY": "testing",
		"AWS_REGION":            "us-east-1",
		"AWS_DEFAULT_REGION":    "us-east-1",
	}
	env := s.Env()
	if len(env) != len(want) {
		t.Errorf("Env() has %d entries, want %d: %q", len(env), len(want), env)
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if w, ok := want[k]; !ok || v != w {
			t.Errorf("Env() has %s=%q, want %q", k, v, w)
		}
	}
	s.SetEnv(t)
	for k, w := range want {
		if got := os.Getenv(k); got != w {
			t.Errorf("after SetEnv, $%s = %q, want %q", k, got, w)
		}
	}
}

// fakeTB records how Start ends the test when moto is missing.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestMissingMotoPolicy(t *testing.T) {
	old := pythonCmd
	pythonCmd = "/nonexistent/python3"
	t.Cleanup(func() { pythonCmd = old })

	tests := []struct {
		require  string
		wantFail bool
	}{
		{require: "1", wantFail: true},
		{require: "", wantFail: false},
		{require: "0", wantFail: false},
		{require: "true", wantFail: false}, // only "1" requires the tools
	}
	for _, tt := range tests {
		t.Run("GOCHALICE_REQUIRE_TOOLS="+tt.require, func(t *testing.T) {
			t.Setenv(RequireToolsEnv, tt.require)
			f := &fakeTB{}
			done := make(chan *Server)
			go func() {
				defer close(done)
				done <- Start(f)
			}()
			if s := <-done; s != nil {
				t.Fatalf("Start returned a server with moto missing")
			}
			msg := f.skipped
			if tt.wantFail {
				msg = f.failed
				if f.skipped != "" {
					t.Errorf("skipped (%q), want a failure", f.skipped)
				}
			} else if f.failed != "" {
				t.Errorf("failed (%q), want a skip", f.failed)
			}
			for _, want := range []string{"moto server is required", "python3 with moto 5", RequireToolsEnv} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not mention %q", msg, want)
				}
			}
		})
	}
	if err := Available(); err == nil || !strings.Contains(err.Error(), "moto server is required") {
		t.Errorf("Available() = %v, want the moto-missing error", err)
	}
	if _, _, err := StartProcess(t.Context()); err == nil {
		t.Errorf("StartProcess succeeded with moto missing")
	}
}

func TestStartProcessRetriesWhenPortIsTaken(t *testing.T) {
	if err := Available(); err != nil {
		Start(t) // applies the skip/fail policy
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port

	var picked []int
	old := pickPort
	pickPort = func() (int, error) {
		p := takenPort
		if len(picked) > 0 {
			var err error
			if p, err = freePort(); err != nil {
				return 0, err
			}
		}
		picked = append(picked, p)
		return p, nil
	}
	t.Cleanup(func() { pickPort = old })

	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()
	s, stop, err := StartProcess(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if len(picked) != 2 || s.Port != picked[1] || s.Port == takenPort {
		t.Fatalf("ports tried %v, server on %d; want a retry on a new port after %d", picked, s.Port, takenPort)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatalf("Reset: %v", err)
	}
}

// fakePython installs a stand-in for python3 that passes the availability
// probe and then runs script in place of the moto server.
func fakePython(t *testing.T, script string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "python3")
	body := "#!/bin/sh\nif [ \"$1\" = -c ]; then exit 0; fi\n" + script + "\n"
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	old := pythonCmd
	pythonCmd = path
	t.Cleanup(func() { pythonCmd = old })
}

func TestStartProcessReportsEarlyExit(t *testing.T) {
	fakePython(t, `echo "ModuleNotFoundError: No module named 'flask'" >&2; exit 3`)
	_, _, err := StartProcess(t.Context())
	if err == nil {
		t.Fatal("StartProcess succeeded with a server that exits at once")
	}
	for _, want := range []string{"exited before answering", "exit status 3", "No module named 'flask'"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestStartProcessTimesOutAndKillsAHungServer(t *testing.T) {
	// A server that never listens and ignores SIGTERM, with a child.
	fakePython(t, `trap '' TERM; echo "$$" >&2; sleep 300 & wait`)
	old := stopGrace
	stopGrace = 200 * time.Millisecond
	t.Cleanup(func() { stopGrace = old })

	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, _, err := StartProcess(ctx)
	if err == nil {
		t.Fatal("StartProcess succeeded with a server that never answers")
	}
	if !strings.Contains(err.Error(), "did not answer") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %q does not report the time-out", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Fatalf("StartProcess took %v to give up", d)
	}
	t.Logf("gave up and killed the server in %v", time.Since(began).Round(time.Millisecond))
	// The fake printed its pid; it and its sleep child must be gone.
	fields := strings.Fields(err.Error())
	pid, convErr := strconv.Atoi(fields[len(fields)-1])
	if convErr != nil {
		t.Fatalf("no pid at the end of %q: %v", err, convErr)
	}
	if err := processGone(pid); err != nil {
		t.Fatal(err)
	}
}
