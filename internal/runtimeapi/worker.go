package runtimeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"sync"
	"time"
)

// invocation is one request travelling through a worker.
type invocation struct {
	id              string
	traceID         string
	clientContext   string
	cognitoIdentity string
	payload         []byte
	done            chan outcome // capacity 1; receives exactly one outcome
	stream          bool         // the caller takes a streamed response as it arrives (InvokeStream)

	// Guarded by the mu of the worker it is assigned to.
	// pipe carries a streamed response's body once the caller has its
	// start: from then on the invocation is settled by closing it (with
	// the error, if any) instead of by a second outcome.
	pipe *io.PipeWriter

	taken    bool      // the runtime has taken it from /next
	deadline time.Time // set when taken
}

// outcome is how an invocation ended.
type outcome struct {
	body        []byte
	contentType string  // of a response (the runtime's Content-Type)
	stream      *Stream // a streamed response, delivered as it starts
	err         error
	redeliver   bool // the worker exited before taking it: safe to retry elsewhere
}

// settle ends inv with out: through its done channel or, for a streamed
// response already handed to the caller, by closing the body with out.err.
// Only the goroutine that took inv off its worker (w.inv) calls it.
func (inv *invocation) settle(out outcome) {
	if inv.pipe != nil {
		inv.pipe.CloseWithError(out.err)
		return
	}
	inv.done <- out
}

func newInvocation(payload []byte, md Metadata) *invocation {
	inv := &invocation{
		id:              newRequestID(),
		traceID:         md.TraceID,
		clientContext:   headerJSON(md.ClientContext),
		cognitoIdentity: headerJSON(md.CognitoIdentity),
		payload:         payload,
		done:            make(chan outcome, 1),
	}
	if inv.traceID == "" {
		inv.traceID = newTraceID(time.Now())
	}
	return inv
}

// headerJSON returns raw compacted onto one line for an HTTP header; invalid
// JSON is passed on unchanged for the runtime to reject, as Lambda would.
func headerJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// stopReason records why the pool stopped a worker, if it did.
type stopReason uint8

const (
	notStopping   stopReason = iota
	stopTimeout              // an invocation timed out; the worker was killed
	stopInitError            // the runtime posted /runtime/init/error
	stopClose                // the pool is closing
)

// worker is one process of the app binary and the Runtime API endpoint it
// talks to. It runs at most one invocation at a time.
type worker struct {
	pool  *Pool
	cmd   *exec.Cmd
	ln    net.Listener   // the Runtime API's
	conns sync.WaitGroup // the accept loop and one per open connection
	tail  *tailBuffer    // last bytes of stderr, for CrashError
	pipes []*outputPipe  // stdout/stderr copiers, drained after exit

	ready     chan struct{} // closed on the first /next poll
	stop      chan struct{} // closed when the worker is stopping or has exited
	exited    chan struct{} // closed once the process has been reaped
	readyOnce sync.Once
	stopOnce  sync.Once

	mu        sync.Mutex
	inv       *invocation // assigned (pending or taken); nil when idle
	poller    *apiConn    // a connection whose /next awaits an invocation
	open      map[*apiConn]struct{}
	timer     *time.Timer // timeout of inv
	polled    bool        // the runtime has polled /next at least once
	invoked   bool        // the runtime has taken at least one invocation
	reason    stopReason
	dead      bool // the process has been reaped
	exitErr   error
	initErr   *InitError
	killTimer *time.Timer // SIGKILL after SIGTERM
}

// startWorker starts a process of the app binary with its own Runtime API
// listener.
func startWorker(p *Pool) (*worker, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the runtime API: %w", err)
	}
	w := &worker{
		pool:   p,
		ln:     ln,
		open:   make(map[*apiConn]struct{}),
		tail:   newTailBuffer(stderrTailSize),
		ready:  make(chan struct{}),
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	cmd := exec.Command(p.cfg.Binary)
	cmd.Dir = p.cfg.Dir
	cmd.Env = append(slices.Clip(p.cfg.env), "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String())
	setProcAttr(cmd)

	fail := func(err error) (*worker, error) {
		for _, o := range w.pipes {
			o.abandon()
		}
		ln.Close()
		return nil, err
	}
	if f, ok := p.stdout.(*os.File); ok {
		cmd.Stdout = f
	} else {
		o, err := newOutputPipe(p.stdout)
		if err != nil {
			return fail(fmt.Errorf("stdout pipe: %w", err))
		}
		w.pipes = append(w.pipes, o)
		cmd.Stdout = o.w
	}
	o, err := newOutputPipe(io.MultiWriter(p.stderr, w.tail))
	if err != nil {
		return fail(fmt.Errorf("stderr pipe: %w", err))
	}
	w.pipes = append(w.pipes, o)
	cmd.Stderr = o.w

	if err := cmd.Start(); err != nil {
		return fail(fmt.Errorf("start %s: %w", p.cfg.Binary, err))
	}
	for _, o := range w.pipes {
		o.w.Close() // the child has its own copy
	}
	w.cmd = cmd
	// Only the worker process is served (checkPeer). Headers must arrive
	// promptly; bodies have no deadline: /next is a long poll answered
	// whenever an invocation comes, maybe hours later, and a streamed
	// response (aws-lambda-go posts an io.Reader chunked) lasts as long as
	// the function writes it, which the function timeout bounds.
	w.conns.Add(1)
	go w.accept(ln)
	return w, nil
}

// wait reaps the process, cleans up after it and settles the invocation it
// held, if any. It runs once per worker.
func (w *worker) wait() {
	p := w.pool
	defer p.wg.Done()

	err := w.cmd.Wait()
	_ = signalGroup(w.cmd.Process, false) // anything it left behind in its group
	for _, o := range w.pipes {
		o.drain(outputDrainTimeout)
	}

	w.mu.Lock()
	w.dead = true
	w.exitErr = err
	inv := w.inv
	w.inv = nil
	if w.timer != nil {
		w.timer.Stop()
	}
	if w.killTimer != nil {
		w.killTimer.Stop()
	}
	reason, polled, invoked := w.reason, w.polled, w.invoked
	taken := inv != nil && inv.taken
	w.mu.Unlock()

	w.closeStop()
	w.closeConns()
	// A worker that served invocations and then crashed or timed out is
	// replaced at once; one that never took an invocation (it failed in
	// init, or died before its first) is not, so a broken build cannot
	// restart in a loop.
	replace := invoked && (reason == notStopping || reason == stopTimeout)
	p.discard(w, reason == notStopping || reason == stopInitError, replace)
	close(w.exited)

	if inv == nil {
		return
	}
	crash := &CrashError{Function: p.cfg.Function, ExitErr: err, StderrTail: w.tail.String(), DuringInit: !polled}
	switch {
	case reason == stopClose:
		inv.settle(outcome{err: p.closedError()})
	case polled && !taken:
		inv.settle(outcome{err: crash, redeliver: true})
	default:
		inv.settle(outcome{err: crash})
	}
}

// assign hands inv to the worker and starts its timeout. If the runtime
// is already waiting in /next, the invocation is written into that poll's
// answer at once, by the calling goroutine; otherwise the runtime takes it
// from its next poll. It fails if the worker is stopping, dead or busy.
func (w *worker) assign(inv *invocation) bool {
	w.mu.Lock()
	if w.dead || w.reason != notStopping || w.inv != nil {
		w.mu.Unlock()
		return false
	}
	w.inv = inv
	w.timer = time.AfterFunc(w.pool.cfg.Timeout, func() { w.expire(inv) })
	c := w.poller
	if c == nil {
		w.mu.Unlock()
		return true
	}
	w.poller = nil
	w.takeLocked(inv) // cannot fail: the timer was just started
	c.wmu.Lock()
	w.mu.Unlock()
	err := c.writeInvocation(inv)
	c.wmu.Unlock()
	if err != nil {
		w.undeliver(inv)
	}
	return true
}

// undeliver puts back an invocation whose /next answer could not be
// written (the runtime's connection was gone): it is pending again, for a
// later poll, or for wait to redeliver elsewhere once the process exits.
func (w *worker) undeliver(inv *invocation) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.inv == inv && inv.taken {
		inv.taken = false
		w.pool.invocations.Add(-1)
	}
}

// withdraw takes back an invocation the runtime has not taken yet (its
// caller gave up) and makes the worker idle again.
func (w *worker) withdraw(inv *invocation) {
	w.mu.Lock()
	if w.inv != inv || inv.taken {
		w.mu.Unlock()
		return
	}
	w.inv = nil
	w.timer.Stop()
	w.mu.Unlock()
	w.pool.release(w)
}

// takeLocked marks inv as taken by the runtime from /next, sets its
// deadline and restarts its timeout; w.mu must be held. It fails for an
// invocation that expire is already failing.
func (w *worker) takeLocked(inv *invocation) bool {
	if w.inv != inv || inv.taken || !w.timer.Stop() {
		return false
	}
	timeout := w.pool.cfg.Timeout
	inv.taken = true
	w.invoked = true
	inv.deadline = time.Now().Add(timeout)
	w.timer.Reset(timeout)
	w.pool.invocations.Add(1)
	return true
}

// running returns the taken invocation with the given request ID.
func (w *worker) running(id string) *invocation {
	w.mu.Lock()
	defer w.mu.Unlock()
	if inv := w.inv; inv != nil && inv.taken && inv.id == id {
		return inv
	}
	return nil
}

// finish completes inv with out and makes the worker idle again. It
// reports false if inv was already completed (e.g. it timed out).
func (w *worker) finish(inv *invocation, out outcome) bool {
	if !w.complete(inv) {
		return false
	}
	inv.done <- out
	return true
}

// complete detaches inv from the worker and makes the worker idle again,
// before the caller hears the outcome, so that a caller invoking again
// right after this one finds the warm worker instead of starting another.
// It reports false if inv was already completed.
func (w *worker) complete(inv *invocation) bool {
	w.mu.Lock()
	if w.inv != inv {
		w.mu.Unlock()
		return false
	}
	w.inv = nil
	w.timer.Stop()
	w.mu.Unlock()
	w.pool.release(w)
	return true
}

// startStream hands the caller of a streaming invocation its response as
// it starts; the body follows through the pipe. It reports false if inv
// was already completed (e.g. it timed out).
func (w *worker) startStream(inv *invocation, s *Stream, pw *io.PipeWriter) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.inv != inv {
		return false
	}
	inv.pipe = pw
	inv.done <- outcome{stream: s} // the first and only outcome sent: never blocks
	return true
}

// finishStream completes a streamed invocation whose body has been read
// to its end: the worker is idle again, then the body ends with err (nil:
// a clean end). It reports false if inv was already completed.
func (w *worker) finishStream(inv *invocation, err error) bool {
	if !w.complete(inv) {
		return false
	}
	inv.pipe.CloseWithError(err)
	return true
}

// expire fails inv with a TimeoutError and kills the worker.
func (w *worker) expire(inv *invocation) {
	w.mu.Lock()
	if w.inv != inv || w.reason != notStopping {
		w.mu.Unlock()
		return
	}
	w.inv = nil
	w.reason = stopTimeout
	w.mu.Unlock()
	w.pool.timedOut.Add(1)
	w.kill()
	inv.settle(outcome{err: &TimeoutError{Function: w.pool.cfg.Function, Duration: w.pool.cfg.Timeout}})
}

// kill stops the worker's process group with SIGKILL.
func (w *worker) kill() {
	w.closeStop()
	w.releasePoller()
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.dead {
		_ = signalGroup(w.cmd.Process, false)
	}
}

// shutdown stops the worker for Close.
func (w *worker) shutdown() { w.terminate(stopClose, w.pool.closedError()) }

// terminate stops the worker gracefully: its pending invocation fails with
// invErr, /next answers 410, the process group gets SIGTERM and, if still
// alive after shutdownGrace, SIGKILL.
func (w *worker) terminate(reason stopReason, invErr error) {
	w.mu.Lock()
	if w.dead {
		w.mu.Unlock()
		return
	}
	// The reason is recorded before /next answers 410, at which point
	// aws-lambda-go exits: that exit must not count as a crash.
	if w.reason == notStopping {
		w.reason = reason
	}
	inv := w.inv
	w.inv = nil
	if w.timer != nil {
		w.timer.Stop()
	}
	w.closeStop()
	_ = signalGroup(w.cmd.Process, true)
	if w.killTimer == nil {
		w.killTimer = time.AfterFunc(shutdownGrace, w.kill)
	}
	w.mu.Unlock()
	w.releasePoller()
	if inv != nil {
		inv.settle(outcome{err: invErr})
	}
}

func (w *worker) closeStop() { w.stopOnce.Do(func() { close(w.stop) }) }

// releasePoller answers 410 Gone to the /next poll waiting on a worker that
// is stopping; w.mu must not be held.
func (w *worker) releasePoller() {
	w.mu.Lock()
	c := w.poller
	w.poller = nil
	if c == nil {
		w.mu.Unlock()
		return
	}
	c.wmu.Lock()
	w.mu.Unlock()
	_ = c.writeGone(true)
	c.wmu.Unlock()
}

// closeConns closes the Runtime API's listener and connections and waits
// for their goroutines.
func (w *worker) closeConns() {
	w.ln.Close()
	w.mu.Lock()
	open := make([]*apiConn, 0, len(w.open))
	for c := range w.open {
		open = append(open, c)
	}
	w.mu.Unlock()
	for _, c := range open {
		c.close()
	}
	w.conns.Wait()
}

// usable reports whether the worker can take invocations.
func (w *worker) usable() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.dead && w.reason == notStopping
}

// startupError returns why a worker that has exited never became ready,
// or nil if it did poll /next.
func (w *worker) startupError() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.polled:
		return nil
	case w.initErr != nil:
		return w.initErr
	case w.reason == stopClose:
		return w.pool.closedError()
	}
	return &CrashError{Function: w.pool.cfg.Function, ExitErr: w.exitErr, StderrTail: w.tail.String(), DuringInit: true}
}

func (p *Pool) closedError() error {
	return fmt.Errorf("runtimeapi: invoke %s: %w", p.cfg.Function, ErrClosed)
}

// outputPipe copies what a worker writes to one of its output streams.
type outputPipe struct {
	r, w *os.File // w is handed to the child and closed in the parent after Start
	done chan struct{}
}

func newOutputPipe(dst io.Writer) (*outputPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	o := &outputPipe{r: r, w: w, done: make(chan struct{})}
	go func() {
		defer close(o.done)
		_, _ = io.Copy(ignoreErrors{dst}, r)
	}()
	return o, nil
}

// drain waits up to d for every holder of the write end to close it (the
// copy to reach EOF), then stops copying.
func (o *outputPipe) drain(d time.Duration) {
	t := time.NewTimer(d)
	select {
	case <-o.done:
	case <-t.C:
	}
	t.Stop()
	o.r.Close()
	<-o.done
}

// abandon releases a pipe that was never handed to a process.
func (o *outputPipe) abandon() {
	o.w.Close()
	o.r.Close()
	<-o.done
}

// ignoreErrors keeps a copy loop reading even if its destination fails, so
// a worker never blocks on a full pipe.
type ignoreErrors struct{ w io.Writer }

func (i ignoreErrors) Write(p []byte) (int, error) {
	_, _ = i.w.Write(p)
	return len(p), nil
}
