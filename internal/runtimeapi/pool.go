package runtimeapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// Pool runs warm worker processes of one Lambda function and dispatches
// invocations to them. It is safe for concurrent use.
type Pool struct {
	cfg    settings
	stdout io.Writer // shared by all workers; an *os.File is handed to them directly
	stderr io.Writer

	mu      sync.Mutex
	closed  bool
	live    int       // workers starting, idle or busy: counts against MaxWorkers
	idle    []*worker // LIFO, so the most recently used (warmest) worker goes first
	workers map[*worker]struct{}
	// waitq holds the Invoke calls waiting for a worker, oldest first. A
	// worker that becomes idle is handed to the oldest one directly, and a
	// slot that frees up wakes one (with nil: it may start a worker), so
	// each release wakes one goroutine, not every waiter.
	waitq []chan *worker

	wg sync.WaitGroup // one per live worker, released when its process is reaped

	started, crashed, timedOut, replaced, invocations atomic.Int64
}

// Stats are counters describing a pool's workers and invocations.
type Stats struct {
	Started     int64 // worker processes started
	Crashed     int64 // worker processes that exited on their own (crash, init failure, init error)
	TimedOut    int64 // invocations that exceeded the timeout (their worker was killed)
	Replaced    int64 // workers started at once in the slot of one that crashed or timed out
	Invocations int64 // invocations taken by a function from /next
	Live        int   // worker processes currently starting, idle or busy
	Idle        int   // live workers not running an invocation (possibly still starting)
}

// NewPool validates cfg and returns a pool with no workers yet; they are
// started on demand by Invoke or ahead of time by Warm. The app binary must
// exist and be executable.
func NewPool(cfg Config) (*Pool, error) {
	s, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	p := &Pool{
		cfg:     s,
		workers: make(map[*worker]struct{}),
	}
	p.stdout, p.stderr = outputWriters(s.Stdout, s.Stderr)
	return p, nil
}

// outputWriters wraps the configured writers so that concurrent workers
// can share them; one lock is used when both are the same writer.
func outputWriters(stdout, stderr io.Writer) (io.Writer, io.Writer) {
	var outMu, errMu sync.Mutex
	wrap := func(w io.Writer, mu *sync.Mutex) io.Writer {
		if _, ok := w.(*os.File); ok {
			return w
		}
		return syncWriter{mu: mu, w: w}
	}
	if stdout == stderr {
		w := wrap(stdout, &outMu)
		return w, w
	}
	return wrap(stdout, &outMu), wrap(stderr, &errMu)
}

// Invoke runs one invocation of the function with payload (at most
// [MaxPayloadSize] bytes) and returns the function's response. Optional
// client context, Cognito identity and trace ID are taken from ctx (see
// [WithMetadata]).
//
// It returns a [*FunctionError], [*TimeoutError], [*CrashError] or
// [*InitError] for the corresponding failures, an [*IntegrationTimeoutError]
// once [Config.IntegrationTimeout] has passed, an error wrapping [ErrClosed]
// once the pool is closed, and an error wrapping ctx.Err() if ctx is done
// first. In the last two timeout cases an invocation the function already
// took keeps running, and its worker becomes idle only when it finishes or
// times out.
func (p *Pool) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, err := p.invoke(ctx, payload, false)
	if err != nil {
		return nil, err
	}
	return out.body, nil
}

// Stream is a response as [Pool.InvokeStream] returns it.
type Stream struct {
	// ContentType is the Content-Type the runtime posted the response
	// with: application/vnd.awslambda.http-integration-response for a
	// Function URL's streamed HTTP response (a JSON prelude, eight NUL
	// bytes, then the body).
	ContentType string
	// Body yields the response as the function writes it. It ends with
	// io.EOF once the function's response is complete, or with the error
	// that cut it short: a [*FunctionError] (the runtime reported one in
	// the trailers, or Function.ResponseSizeTooLarge past
	// [Config.MaxStreamBytes]), a [*TimeoutError], a [*CrashError], or an
	// error wrapping [ErrClosed]. Close it when done; closing it early
	// drops the rest of the response (the function runs on).
	Body io.ReadCloser
}

// InvokeStream is Invoke for a function that streams its response
// (aws-lambda-go posts an io.Reader answer chunked): it returns as soon as
// the response starts, and the body carries each chunk as it arrives, the
// function's timeout running until the end. A response posted whole is
// returned as a Stream over its bytes. Errors before the response starts
// are Invoke's.
func (p *Pool) InvokeStream(ctx context.Context, payload []byte) (*Stream, error) {
	out, err := p.invoke(ctx, payload, true)
	if err != nil {
		return nil, err
	}
	if out.stream != nil {
		return out.stream, nil
	}
	return &Stream{ContentType: out.contentType, Body: io.NopCloser(bytes.NewReader(out.body))}, nil
}

// invoke runs one invocation; stream asks for a streamed response as it
// starts (outcome.stream) instead of the whole body.
func (p *Pool) invoke(ctx context.Context, payload []byte, stream bool) (outcome, error) {
	if len(payload) > MaxPayloadSize {
		return outcome{}, fmt.Errorf("runtimeapi: invoke %s: request payload of %d bytes exceeds Lambda's %d byte limit", p.cfg.Function, len(payload), MaxPayloadSize)
	}
	if d := p.cfg.IntegrationTimeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, d, &IntegrationTimeoutError{Function: p.cfg.Function, Limit: d, FunctionTimeout: p.cfg.Timeout})
		defer cancel()
	}
	if ctx.Err() != nil {
		return outcome{}, p.ctxError(ctx)
	}
	md := metadataFrom(ctx)
	payload = slices.Clone(payload) // the worker may read it after we return
	if payload == nil {
		payload = []byte{}
	}
	for attempt := 0; ; attempt++ {
		w, fresh, err := p.acquire(ctx)
		if err != nil {
			return outcome{}, err
		}
		inv := newInvocation(payload, md)
		inv.stream = stream
		if !w.assign(inv) {
			if !fresh {
				continue // an idle worker that is stopping or gone; it is not reused
			}
			// A new worker that failed at once (e.g. exited during init).
			select {
			case <-w.exited:
			case <-ctx.Done():
				return outcome{}, p.ctxError(ctx)
			}
			if err := w.startupError(); err != nil {
				return outcome{}, err
			}
			continue
		}
		select {
		case out := <-inv.done:
			if out.redeliver && attempt < maxRedeliveries {
				continue
			}
			return out, out.err
		case <-ctx.Done():
			w.withdraw(inv)
			select {
			case out := <-inv.done:
				if out.stream != nil {
					out.stream.Body.Close() // started as we gave up: nobody reads it
				}
			default:
			}
			return outcome{}, p.ctxError(ctx)
		}
	}
}

// ctxError is Invoke's error once ctx is done: the integration timeout, or
// the caller's context error.
func (p *Pool) ctxError(ctx context.Context) error {
	var ite *IntegrationTimeoutError
	if errors.As(context.Cause(ctx), &ite) {
		return ite
	}
	return fmt.Errorf("runtimeapi: invoke %s: %w", p.cfg.Function, ctx.Err())
}

// acquire returns an idle worker, a newly started one (fresh) if fewer
// than MaxWorkers are live, or waits for one of those to become possible
// (invocations beyond the concurrency queue here).
func (p *Pool) acquire(ctx context.Context) (w *worker, fresh bool, err error) {
	p.mu.Lock()
	for {
		if p.closed {
			p.mu.Unlock()
			return nil, false, p.closedError()
		}
		if n := len(p.idle); n > 0 {
			w := p.idle[n-1]
			p.idle[n-1] = nil
			p.idle = p.idle[:n-1]
			p.mu.Unlock()
			return w, false, nil
		}
		if p.reserveLocked() {
			p.mu.Unlock()
			w, err := p.start()
			if err != nil {
				return nil, false, fmt.Errorf("runtimeapi: invoke %s: %w", p.cfg.Function, err)
			}
			return w, true, nil
		}
		ch := make(chan *worker, 1)
		p.waitq = append(p.waitq, ch)
		p.mu.Unlock()
		select {
		case w := <-ch:
			if w != nil {
				return w, false, nil
			}
		case <-ctx.Done():
			p.mu.Lock()
			if i := slices.Index(p.waitq, ch); i >= 0 {
				p.waitq = slices.Delete(p.waitq, i, i+1)
				p.mu.Unlock()
			} else {
				// Handed a worker or a slot meanwhile: pass it on.
				w := <-ch
				if w == nil {
					p.wakeLocked(nil)
				}
				p.mu.Unlock()
				if w != nil {
					p.release(w)
				}
			}
			return nil, false, p.ctxError(ctx)
		}
		p.mu.Lock()
	}
}

// reserveLocked claims a worker slot; p.mu must be held and p not closed.
// The slot is released by discard (after the process exits) or unreserve.
func (p *Pool) reserveLocked() bool {
	if p.live >= p.cfg.MaxWorkers {
		return false
	}
	p.live++
	p.wg.Add(1)
	return true
}

// unreserve releases a slot whose worker failed to start.
func (p *Pool) unreserve() {
	p.mu.Lock()
	p.live--
	p.wakeLocked(nil)
	p.mu.Unlock()
	p.wg.Done()
}

// wakeLocked hands w to the oldest waiting Invoke call or, with w nil,
// tells it to try again (a slot is free, or the pool closed); p.mu must be
// held. It reports whether anyone was waiting.
func (p *Pool) wakeLocked(w *worker) bool {
	if len(p.waitq) == 0 {
		return false
	}
	ch := p.waitq[0]
	p.waitq[0] = nil
	p.waitq = p.waitq[1:]
	ch <- w // capacity 1, and each channel is handed one value
	return true
}

// start starts a worker in a slot already reserved.
func (p *Pool) start() (*worker, error) {
	w, err := startWorker(p)
	if err != nil {
		p.unreserve()
		return nil, err
	}
	p.started.Add(1)
	p.mu.Lock()
	p.workers[w] = struct{}{}
	closed := p.closed
	p.mu.Unlock()
	go w.wait()
	if closed {
		w.shutdown()
	}
	return w, nil
}

// release makes w idle again unless it is stopping or the pool is closed.
func (p *Pool) release(w *worker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || !w.usable() {
		return
	}
	if !p.wakeLocked(w) {
		p.idle = append(p.idle, w)
	}
}

// discard forgets a worker whose process has exited. Its slot is freed or,
// when replace is set and the pool is open, handed straight to a new
// worker, as Lambda resets a failed execution environment.
func (p *Pool) discard(w *worker, crashed, replace bool) {
	if crashed {
		p.crashed.Add(1)
	}
	p.mu.Lock()
	delete(p.workers, w)
	if i := slices.Index(p.idle, w); i >= 0 {
		p.idle = slices.Delete(p.idle, i, i+1)
	}
	if replace && !p.closed {
		p.wg.Add(1) // the slot (p.live) passes to the replacement
		p.mu.Unlock()
		p.replace()
		return
	}
	p.live--
	p.wakeLocked(nil)
	p.mu.Unlock()
}

// replace starts a worker in a slot handed over by discard and makes it
// idle; it warms up on its own. If it cannot start, the slot is freed and
// the next Invoke tries again and reports why.
func (p *Pool) replace() {
	w, err := p.start()
	if err != nil {
		return
	}
	p.replaced.Add(1)
	p.release(w)
}

// Warm starts up to n more workers now (never more than MaxWorkers live in
// total) and waits until each one polls /next, so that the next
// invocations do not pay a cold start. It returns the [*CrashError] or
// [*InitError] of a worker that fails to start, or ctx.Err().
func (p *Pool) Warm(ctx context.Context, n int) error {
	var started []*worker
	for range n {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return fmt.Errorf("runtimeapi: warm %s: %w", p.cfg.Function, ErrClosed)
		}
		ok := p.reserveLocked()
		p.mu.Unlock()
		if !ok {
			break
		}
		w, err := p.start()
		if err != nil {
			return fmt.Errorf("runtimeapi: warm %s: %w", p.cfg.Function, err)
		}
		p.release(w)
		started = append(started, w)
	}
	for _, w := range started {
		select {
		case <-w.ready:
		case <-w.exited:
			if err := w.startupError(); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Close stops every worker process (SIGTERM, then SIGKILL after 2 s),
// closes their listeners and waits for them to exit. Invocations in flight
// fail with an error wrapping [ErrClosed]. Close is idempotent; later
// Invoke calls return an error wrapping ErrClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.wg.Wait()
		return nil
	}
	p.closed = true
	p.idle = nil
	ws := make([]*worker, 0, len(p.workers))
	for w := range p.workers {
		ws = append(ws, w)
	}
	for p.wakeLocked(nil) {
	}
	p.mu.Unlock()

	for _, w := range ws {
		w.shutdown()
	}
	p.wg.Wait()
	return nil
}

// Stats returns a snapshot of the pool's counters.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	live, idle := p.live, len(p.idle)
	p.mu.Unlock()
	return Stats{
		Started:     p.started.Load(),
		Crashed:     p.crashed.Load(),
		TimedOut:    p.timedOut.Load(),
		Replaced:    p.replaced.Load(),
		Invocations: p.invocations.Load(),
		Live:        live,
		Idle:        idle,
	}
}
