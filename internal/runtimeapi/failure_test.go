package runtimeapi

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readyWorkers counts p's workers that have polled /next.
func readyWorkers(p *Pool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for w := range p.workers {
		select {
		case <-w.ready:
			n++
		default:
		}
	}
	return n
}

// TestReplacement: a worker that crashes or times out after serving is
// replaced in its slot at once, without waiting for the next invocation;
// one that never served (a failing or hanging init) is not.
func TestReplacement(t *testing.T) {
	killIdle := func(t *testing.T, p *Pool) {
		proc, err := os.FindProcess(workerPID(t, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := proc.Kill(); err != nil {
			t.Fatal(err)
		}
	}
	failWith := func(payload string) func(*testing.T, *Pool) {
		return func(t *testing.T, p *Pool) {
			workerPID(t, p) // serve one invocation first
			if _, err := invoke(t, p, payload); err == nil {
				t.Fatalf("Invoke(%s) succeeded", payload)
			}
		}
	}
	tests := []struct {
		name     string
		cfg      Config
		fail     func(*testing.T, *Pool)
		replaced bool
	}{
		{"crash", Config{}, failWith(`{"crash":true}`), true},
		{"timeout", Config{Timeout: 300 * time.Millisecond}, failWith(`{"sleep_ms":20000}`), true},
		{"killed while idle", Config{}, killIdle, true},
		{"init failure", Config{Binary: bin.initfail, Function: "broken"}, func(t *testing.T, p *Pool) { _, _ = invoke(t, p, `{}`) }, false},
		{"init hangs past the timeout", Config{Timeout: 300 * time.Millisecond, Env: []string{"ECHO_INIT_SLEEP_MS=20000"}},
			func(t *testing.T, p *Pool) { _, _ = invoke(t, p, `{}`) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "killed while idle" && runtime.GOOS == "windows" {
				t.Skip("needs a signal")
			}
			tt.cfg.MaxWorkers = 1
			p := testPool(t, tt.cfg)
			tt.fail(t, p)
			started := p.Stats().Started
			if !tt.replaced {
				eventually(t, 5*time.Second, "the failed worker to be discarded", func() bool { return p.Stats().Live == 0 })
				if s := p.Stats(); s.Replaced != 0 || s.Started != started {
					t.Fatalf("Stats = %+v, want no replacement", s)
				}
				return
			}
			// No further invocation: the slot is refilled and warm on its own.
			eventually(t, 10*time.Second, "a replacement worker to poll /next", func() bool {
				s := p.Stats()
				return s.Replaced == 1 && s.Live == 1 && s.Idle == 1 && readyWorkers(p) == 1
			})
			s := p.Stats()
			workerPID(t, p)
			if after := p.Stats(); after.Started != s.Started {
				t.Errorf("the next invocation started a worker (%+v, then %+v); want it served by the replacement", s, after)
			}
		})
	}
}

// TestIntegrationTimeout: only the integration limit (API Gateway's 29 s,
// counting the wait for a worker) is a gateway timeout; a function that
// exceeds its own, shorter timeout is a TimeoutError without Timeout().
func TestIntegrationTimeout(t *testing.T) {
	const short, long = 300 * time.Millisecond, 10 * time.Second
	tests := []struct {
		name        string
		timeout     time.Duration // the function's
		integration time.Duration
		busy        bool // the only worker is busy, so the invocation queues
		payload     string
		gateway     bool // want an IntegrationTimeoutError with Timeout() true
	}{
		{"function outlives the integration limit", long, short, false, `{"sleep_ms":3000}`, true},
		{"function timeout first", short, long, false, `{"sleep_ms":20000}`, false},
		{"queued past the integration limit", long, short, true, `{}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPool(t, Config{MaxWorkers: 1, Timeout: tt.timeout, IntegrationTimeout: tt.integration})
			if tt.busy {
				go func() { _, _ = p.Invoke(context.Background(), []byte(`{"sleep_ms":3000}`)) }()
				eventually(t, 10*time.Second, "the worker to be busy", func() bool { return p.Stats().Invocations == 1 })
			}
			start := time.Now()
			_, err := invoke(t, p, tt.payload)
			var gw interface{ Timeout() bool }
			isGateway := errors.As(err, &gw) && gw.Timeout()
			if isGateway != tt.gateway {
				t.Fatalf("Invoke error = %T %v; gateway timeout %v, want %v", err, err, isGateway, tt.gateway)
			}
			if !tt.gateway {
				var te *TimeoutError
				if !errors.As(err, &te) {
					t.Fatalf("Invoke error = %T %v, want *TimeoutError", err, err)
				}
				return
			}
			var ite *IntegrationTimeoutError
			if !errors.As(err, &ite) || ite.Limit != tt.integration || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Invoke error = %T %v, want *IntegrationTimeoutError wrapping context.DeadlineExceeded", err, err)
			}
			if elapsed := time.Since(start); elapsed >= 3*time.Second {
				t.Errorf("Invoke returned after %v, after the function itself finished", elapsed)
			}
		})
	}
}

// TestErrorMessages: every failed invocation says why, in the words a
// developer reading local's log needs.
func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		payload string
		want    []string
	}{
		{"function error", Config{}, `{"fail":true}`, []string{"runtimeapi: function echo returned an error: EchoError: requested failure"}},
		{"panic", Config{}, `{"panic":true}`, []string{"runtimeapi: function echo returned an error: string: boom"}},
		{"response too large", Config{}, `{"big":7000000}`, []string{
			"function echo returned an error: Function.ResponseSizeTooLarge: Response payload size (7000000 bytes) exceeded maximum allowed payload size (6291556 bytes)."}},
		{"crash", Config{}, `{"crash":true}`, []string{
			"runtimeapi: function echo: process exited during the invocation (exit status 7); last lines of stderr:\n", "echo: crashing as requested"}},
		{"killed", Config{}, `{"kill":true}`, []string{"runtimeapi: function echo: process exited during the invocation (", "killed"}},
		{"function timeout", Config{Timeout: 300 * time.Millisecond}, `{"sleep_ms":20000}`, []string{"runtimeapi: function echo: Task timed out after 0.30 seconds"}},
		{"integration timeout", Config{Timeout: 10 * time.Second, IntegrationTimeout: 250 * time.Millisecond}, `{"sleep_ms":2000}`, []string{
			"runtimeapi: function echo: no response within the 0.25 s integration timeout (the function's own timeout is 10.00 s)"}},
		{"init failure", Config{Binary: bin.initfail, Function: "broken"}, `{}`, []string{
			"runtimeapi: function broken: process exited during init, before polling for an invocation (exit status 3); last lines of stderr:\n" +
				"initfail: required setting TABLE_NAME is not set"}},
		{"request too large", Config{}, `"` + strings.Repeat("x", MaxPayloadSize) + `"`, []string{
			"runtimeapi: invoke echo: request payload of " + strconv.Itoa(MaxPayloadSize+2) + " bytes exceeds Lambda's 6291556 byte limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPool(t, tt.cfg)
			_, err := invoke(t, p, tt.payload)
			if err == nil {
				t.Fatal("Invoke succeeded")
			}
			if !contains(err.Error(), tt.want...) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLastLines(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 5, ""},
		{"one", 5, "one"},
		{"a\nb\nc", 2, "b\nc"},
		{"a\nb\nc", 3, "a\nb\nc"},
		{"a\nb\nc", 9, "a\nb\nc"},
	}
	for _, tt := range tests {
		if got := lastLines(tt.in, tt.n); got != tt.want {
			t.Errorf("lastLines(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
