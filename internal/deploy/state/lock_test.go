package state

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary act as a second process holding a lock.
func TestMain(m *testing.M) {
	if path := os.Getenv("STATE_TEST_HOLD_LOCK"); path != "" {
		if _, err := (&File{Path: path}).Lock(context.Background(), "deploy"); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestFileLock(t *testing.T) {
	ctx := context.Background()
	f := &File{Path: filepath.Join(t.TempDir(), "deployed", "dev.json")}
	l, err := f.Lock(ctx, "deploy")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Lock(ctx, "delete")
	var le *LockedError
	if !errors.As(err, &le) || !le.Known || le.Holder.PID != os.Getpid() || le.Holder.Operation != "deploy" {
		t.Fatalf("second lock: %v (%+v)", err, le)
	}
	if msg := err.Error(); !strings.Contains(msg, "another gochalice deploy of this stage is running") || !strings.Contains(msg, LockPath(f.Path)) || !strings.Contains(msg, "wait for it to finish") {
		t.Errorf("message = %q", msg)
	}
	if err := l.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(LockPath(f.Path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after release: %v", err)
	}
	l, err = f.Lock(ctx, "delete")
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	l.Release(ctx)
}

// TestFileLockOfAKilledProcess: the OS drops a killed holder's lock.
func TestFileLockOfAKilledProcess(t *testing.T) {
	ctx := context.Background()
	f := &File{Path: filepath.Join(t.TempDir(), "dev.json")}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STATE_TEST_HOLD_LOCK="+f.Path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("holder: %q %v", buf, err)
	}
	_, err = f.Lock(ctx, "deploy")
	var le *LockedError
	if !errors.As(err, &le) || le.Holder.PID != cmd.Process.Pid {
		t.Fatalf("lock held by pid %d: %v", cmd.Process.Pid, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := f.Lock(ctx, "deploy")
	if err != nil {
		t.Fatalf("lock after the holder was killed: %v", err)
	}
	l.Release(ctx)
}
