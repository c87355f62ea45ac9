package local

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// countingWriter records each write it receives.
type countingWriter struct {
	mu     sync.Mutex
	writes []string
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, string(p))
	return len(p), nil
}

func (c *countingWriter) get() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.writes...)
}

// The access log writes a line after a quiet moment at once, the lines
// that follow it within accessLogDelay in one batch at most accessLogDelay
// late, a full batch at once, and everything on Flush.
func TestAccessLogBatches(t *testing.T) {
	cw := &countingWriter{}
	b := newBatchWriter(cw)
	write := func(s string) {
		t.Helper()
		if _, err := b.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	write("first\n")
	if w := cw.get(); len(w) != 1 || w[0] != "first\n" {
		t.Fatalf("the first line was not written at once: %q", w)
	}
	for _, l := range []string{"a\n", "b\n", "c\n"} {
		write(l)
	}
	if w := cw.get(); len(w) != 1 {
		t.Fatalf("lines right after a write were not batched: %q", w)
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(cw.get()) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if w := cw.get(); len(w) != 2 || w[1] != "a\nb\nc\n" {
		t.Fatalf("writes = %q, want the three lines in one write", w)
	}

	// A full batch is written without waiting; Flush writes the rest.
	big := strings.Repeat("x", accessLogFlushSize)
	write(big)
	if w := cw.get(); len(w) != 3 || w[2] != big {
		t.Fatalf("a full batch was not written at once (%d writes)", len(w))
	}
	write("last\n")
	if w := cw.get(); len(w) != 3 {
		t.Fatalf("a line right after a write was not held: %q", w[3:])
	}
	b.Flush()
	if w := cw.get(); len(w) != 4 || w[3] != "last\n" {
		t.Fatalf("Flush did not write the waiting line: %q", w)
	}
	time.Sleep(2 * accessLogDelay)
	if w := cw.get(); len(w) != 4 {
		t.Fatalf("the timer wrote again after Flush: %q", w[4:])
	}
	write("after a quiet moment\n")
	if w := cw.get(); len(w) != 5 {
		t.Fatalf("a line after a quiet moment was not written at once: %q", w)
	}
}
