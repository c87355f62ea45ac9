//go:build unix

package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// processGone reports whether pid no longer runs. A killed orphan can
// linger as a zombie until its new parent reaps it, which counts as gone.
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false // no procfs: trust kill(2)
	}
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] == 'Z' || stat[i+2] == 'X'
	}
	return false
}

func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()

	var out syncBuffer
	p, err := NewPool(Config{Binary: bin.echo, Function: "echo", MaxWorkers: 4, Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Warm(context.Background(), 4); err != nil {
		t.Fatalf("Warm: %v", err)
	}
	// A grandchild in the worker's process group must go too.
	var spawned struct{ PID int }
	if err := json.Unmarshal(mustInvoke(t, p, `{"spawn":true}`), &spawned); err != nil || spawned.PID == 0 {
		t.Fatalf("spawn: %v", err)
	}
	// An invocation in flight at Close fails with ErrClosed.
	inflight := make(chan error, 1)
	go func() {
		_, err := p.Invoke(context.Background(), []byte(`{"sleep_ms":30000}`))
		inflight <- err
	}()
	eventually(t, 5*time.Second, "the long invocation to start", func() bool { return p.Stats().Invocations == 2 })

	var pids []int
	p.mu.Lock()
	for w := range p.workers {
		pids = append(pids, w.cmd.Process.Pid)
	}
	p.mu.Unlock()
	if len(pids) != 4 {
		t.Fatalf("%d workers, want 4", len(pids))
	}
	pids = append(pids, spawned.PID)

	start := time.Now()
	if err := p.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if d := time.Since(start); d > shutdownGrace+2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := <-inflight; !errors.Is(err, ErrClosed) {
		t.Errorf("in-flight Invoke = %v, want ErrClosed", err)
	}
	for _, pid := range pids {
		eventually(t, 3*time.Second, fmt.Sprintf("process %d to be gone", pid), func() bool { return processGone(pid) })
	}
	if s := p.Stats(); s.Live != 0 || s.Crashed != 0 {
		t.Errorf("Stats after Close = %+v, want 0 live, 0 crashed", s)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := p.Invoke(context.Background(), []byte(`{}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("Invoke after Close = %v, want ErrClosed", err)
	}

	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after Close\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func TestCloseEscalatesToSIGKILL(t *testing.T) {
	p, err := NewPool(Config{Binary: bin.echo, Function: "echo", Env: []string{"ECHO_IGNORE_SIGTERM=1"}, Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	pid := workerPID(t, p)
	inflight := make(chan error, 1)
	go func() {
		_, err := p.Invoke(context.Background(), []byte(`{"sleep_ms":30000}`))
		inflight <- err
	}()
	eventually(t, 5*time.Second, "the long invocation to start", func() bool { return p.Stats().Invocations == 2 })
	start := time.Now()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < shutdownGrace || d > shutdownGrace+2*time.Second {
		t.Errorf("Close took %v, want about %v (SIGTERM ignored, then SIGKILL)", d, shutdownGrace)
	}
	if !processGone(pid) {
		t.Errorf("worker %d survived Close", pid)
	}
	if err := <-inflight; !errors.Is(err, ErrClosed) {
		t.Errorf("in-flight Invoke = %v, want ErrClosed", err)
	}
}

func TestCloseDuringStartup(t *testing.T) {
	p, err := NewPool(Config{Binary: bin.echo, Function: "echo", Env: []string{"ECHO_INIT_SLEEP_MS=20000"}, Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- p.Warm(context.Background(), 2) }()
	eventually(t, 5*time.Second, "workers to start", func() bool { return p.Stats().Started == 2 })
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("Warm = %v, want ErrClosed", err)
	}
}

func TestIdleWorkerDies(t *testing.T) {
	p := testPool(t, Config{MaxWorkers: 1})
	for i := range 3 {
		pid := workerPID(t, p)
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// Discarded once noticed and replaced at once in its slot; the
		// next invocation runs in the replacement.
		eventually(t, 5*time.Second, "the dead worker to be replaced", func() bool {
			s := p.Stats()
			return s.Crashed == int64(i+1) && s.Replaced == int64(i+1) && s.Live == 1
		})
		if got := mustInvoke(t, p, `"still here"`); string(got) != `"still here"` {
			t.Fatalf("Invoke = %s", got)
		}
	}
	if s := p.Stats(); s.Crashed != 3 || s.Started != 4 || s.Replaced != 3 {
		t.Errorf("Stats = %+v, want 3 crashed, 4 started, 3 replaced", s)
	}

	// An invocation racing with the death either lands on a fresh worker
	// or, if the dying one took it, fails as a crash; the pool recovers.
	for range 5 {
		pid := workerPID(t, p)
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		out, err := invoke(t, p, `"racing"`)
		var ce *CrashError
		if err != nil && (!errors.As(err, &ce) || ce.DuringInit) {
			t.Fatalf("racing Invoke = %v, want success or a mid-invocation crash", err)
		}
		if err == nil && string(out) != `"racing"` {
			t.Fatalf("racing Invoke = %s", out)
		}
	}
	mustInvoke(t, p, `{}`)
}
