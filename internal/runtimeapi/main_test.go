package runtimeapi

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test binaries built by TestMain from ./testdata.
var bin struct{ echo, initfail, raw string }

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "runtimeapi-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "runtimeapi test:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	// go test puts $GOROOT/bin first on the test binary's PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(os.Stderr, "runtimeapi test: go tool not found:", err)
		return 1
	}
	// testdata packages are outside ./..., so they are named explicitly;
	// with -o naming a directory each main package lands in it.
	cmd := exec.Command(goTool, "build", "-tags", "lambda.norpc", "-o", dir+string(filepath.Separator),
		"./testdata/echo", "./testdata/initfail", "./testdata/raw")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "runtimeapi test: building test binaries:", err)
		return 1
	}
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	bin.echo = filepath.Join(dir, "echo"+exe)
	bin.initfail = filepath.Join(dir, "initfail"+exe)
	bin.raw = filepath.Join(dir, "raw"+exe)
	return m.Run()
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testPool returns a pool for cfg (echo binary and function "echo" unless
// set) that is closed when the test ends; the workers' output is logged if
// the test fails.
func testPool(tb testing.TB, cfg Config) *Pool {
	tb.Helper()
	if cfg.Binary == "" {
		cfg.Binary = bin.echo
	}
	if cfg.Function == "" {
		cfg.Function = "echo"
	}
	out := &syncBuffer{}
	if cfg.Stdout == nil {
		cfg.Stdout = out
	}
	if cfg.Stderr == nil {
		cfg.Stderr = out
	}
	p, err := NewPool(cfg)
	if err != nil {
		tb.Fatalf("NewPool: %v", err)
	}
	tb.Cleanup(func() {
		if err := p.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
		if tb.Failed() {
			tb.Logf("worker output:\n%s", out.String())
		}
	})
	return p
}

// invoke calls p.Invoke with a generous deadline.
func invoke(tb testing.TB, p *Pool, payload string) ([]byte, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return p.Invoke(ctx, []byte(payload))
}

// mustInvoke is invoke that fails the test on error.
func mustInvoke(tb testing.TB, p *Pool, payload string) []byte {
	tb.Helper()
	out, err := invoke(tb, p, payload)
	if err != nil {
		tb.Fatalf("Invoke(%s): %v", payload, err)
	}
	return out
}

// eventually polls cond until it holds or the timeout passes.
func eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// contains reports whether s contains every one of subs.
func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
