// Package report is how long work tells a person what it is doing:
// progress lines, warnings and timed steps, written to one stream
// (the CLI's stderr), never mixed with a command's result (stdout).
//
// It is Chalice's UI object for Go. The packager and the deployer take a
// Reporter instead of writers, so the CLI, the CDK construct and tests
// each choose what a person sees: plain lines, nothing at all, or a
// recording.
package report

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Reporter receives what long work has to say.
//
// Implementations are safe for concurrent use.
type Reporter interface {
	// Info reports progress: what is being done now
	// ("Creating deployment package.").
	Info(msg string)
	// Warn reports something the person should know that does not stop
	// the work. The message has no "Warning:" prefix; the Reporter adds
	// what its medium needs.
	Warn(msg string)
	// Step begins a timed step ("Creating lambda function: app-dev") and
	// returns the function that ends it; err is the step's outcome.
	Step(msg string) (done func(err error))
}

// Option configures a Writer reporter.
type Option func(*writer)

// Quiet keeps warnings and drops progress and steps.
func Quiet() Option { return func(w *writer) { w.quiet = true } }

// WithClock sets the clock steps are timed with (tests).
func WithClock(now func() time.Time) Option { return func(w *writer) { w.now = now } }

// New returns a Reporter writing plain lines to w: progress as it is,
// warnings as "Warning: msg", a step as "msg" when it begins and
// "msg (1.2s)" or "msg failed (1.2s): err" when it ends. The output has
// no colour or cursor movement, so it reads the same in a terminal, a
// CI log or a file.
func New(w io.Writer, opts ...Option) Reporter {
	r := &writer{w: w, now: time.Now}
	for _, o := range opts {
		o(r)
	}
	return r
}

type writer struct {
	mu    sync.Mutex
	w     io.Writer
	now   func() time.Time
	quiet bool
}

func (r *writer) line(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(r.w, s)
}

func (r *writer) Info(msg string) {
	if !r.quiet {
		r.line(msg)
	}
}

func (r *writer) Warn(msg string) { r.line("Warning: " + msg) }

func (r *writer) Step(msg string) func(error) {
	start := r.now()
	r.Info(msg)
	var once sync.Once
	return func(err error) {
		once.Do(func() {
			d := Elapsed(r.now().Sub(start))
			if err != nil {
				r.line(fmt.Sprintf("%s failed (%s): %v", msg, d, err))
				return
			}
			if !r.quiet {
				r.line(fmt.Sprintf("%s done (%s)", msg, d))
			}
		})
	}
}

// Elapsed formats a duration as a person reads it: "0.4s", "12.3s",
// "2m05s".
func Elapsed(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
}

// Discard is a Reporter that says nothing.
func Discard() Reporter { return discard{} }

type discard struct{}

func (discard) Info(string)             {}
func (discard) Warn(string)             {}
func (discard) Step(string) func(error) { return func(error) {} }

// Or returns r, or Discard when r is nil.
func Or(r Reporter) Reporter {
	if r == nil {
		return Discard()
	}
	return r
}

// Event is one thing a Recorder received.
type Event struct {
	Kind string // "info", "warn", "step", "done"
	Msg  string
	Err  error // for "done"
}

// Recorder is a Reporter that keeps what it receives (tests, and
// callers such as the CDK construct that report in their own way).
type Recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *Recorder) add(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *Recorder) Info(msg string) { r.add(Event{Kind: "info", Msg: msg}) }
func (r *Recorder) Warn(msg string) { r.add(Event{Kind: "warn", Msg: msg}) }
func (r *Recorder) Step(msg string) func(error) {
	r.add(Event{Kind: "step", Msg: msg})
	return func(err error) { r.add(Event{Kind: "done", Msg: msg, Err: err}) }
}

// Events returns a copy of what was received, in order.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Warnings returns the warnings received, in order.
func (r *Recorder) Warnings() []string {
	var out []string
	for _, e := range r.Events() {
		if e.Kind == "warn" {
			out = append(out, e.Msg)
		}
	}
	return out
}
