package report

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWriter(t *testing.T) {
	clock := time.Unix(0, 0)
	now := func() time.Time { clock = clock.Add(1500 * time.Millisecond); return clock }
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"plain", nil, "Building.\nWarning: slow\nCreating x\nCreating x done (1.5s)\nUpdating y\nUpdating y failed (1.5s): boom\n"},
		{"quiet", []Option{Quiet()}, "Warning: slow\nUpdating y failed (1.5s): boom\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			r := New(&b, append(tt.opts, WithClock(now))...)
			r.Info("Building.")
			r.Warn("slow")
			done := r.Step("Creating x")
			done(nil)
			done(nil) // a second call says nothing
			r.Step("Updating y")(errors.New("boom"))
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

func TestElapsed(t *testing.T) {
	for d, want := range map[time.Duration]string{
		400 * time.Millisecond:   "0.4s",
		12340 * time.Millisecond: "12.3s",
		125 * time.Second:        "2m05s",
	} {
		if got := Elapsed(d); got != want {
			t.Errorf("Elapsed(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestRecorderAndDiscard(t *testing.T) {
	var r Recorder
	r.Info("a")
	r.Warn("b")
	r.Step("c")(nil)
	if got := len(r.Events()); got != 4 {
		t.Fatalf("%d events, want 4", got)
	}
	if w := r.Warnings(); len(w) != 1 || w[0] != "b" {
		t.Errorf("warnings = %q", w)
	}
	d := Or(nil)
	d.Info("x")
	d.Step("y")(nil)
}
