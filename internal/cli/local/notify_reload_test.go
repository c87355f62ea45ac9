//go:build linux

package local

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A save is reported at once, in the project's directories and in those
// created after the watch began.
func TestWatchChangesReportsSaves(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changed, err := watchChanges(ctx, dir)
	if err != nil {
		t.Skipf("no inotify here: %v", err)
	}
	expect := func(what string) {
		t.Helper()
		select {
		case <-changed:
		case <-time.After(time.Second):
			t.Fatalf("%s: no change reported within 1s", what)
		}
		settle(ctx, changed) // drain the rest of the burst
	}
	start := time.Now()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc f() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	expect("saving main.go")
	if d := time.Since(start); d > pollInterval {
		t.Errorf("the save was reported after %v, later than a poll would", d)
	}
	sub := filepath.Join(dir, "internal", "views")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	expect("creating a package directory")
	time.Sleep(50 * time.Millisecond) // the new directory's watch is added on the event
	if err := os.WriteFile(filepath.Join(sub, "views.go"), []byte("package views\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	expect("saving a file in a new directory")
	cancel()
}
