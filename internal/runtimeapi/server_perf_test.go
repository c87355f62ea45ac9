package runtimeapi

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// selfWorker returns a worker whose "process" is this test process, so
// that connections the test dials pass the peer check, serving its Runtime
// API on a loopback listener; its address is returned.
func selfWorker(t *testing.T) (*worker, string) {
	t.Helper()
	self, _ := os.FindProcess(os.Getpid())
	return workerOf(t, self)
}

// workerOf is selfWorker for a worker whose process is proc.
func workerOf(t *testing.T, proc *os.Process) (*worker, string) {
	t.Helper()
	p, err := NewPool(Config{Binary: bin.echo, Function: "self", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &worker{pool: p, ln: ln, open: map[*apiConn]struct{}{}, cmd: &exec.Cmd{Process: proc},
		tail: newTailBuffer(stderrTailSize), ready: make(chan struct{}), stop: make(chan struct{}), exited: make(chan struct{})}
	w.conns.Add(1)
	go w.accept(ln)
	t.Cleanup(func() {
		w.mu.Lock()
		w.dead = true
		if w.timer != nil {
			w.timer.Stop()
		}
		w.mu.Unlock()
		w.closeStop()
		w.closeConns()
	})
	return w, ln.Addr().String()
}

func dialAPI(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	return c, bufio.NewReader(c)
}

const nextRequest = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\nUser-Agent: aws-lambda-go/test\r\n\r\n"

// waitPolling waits until a connection of w waits in /next.
func waitPolling(t *testing.T, w *worker) {
	t.Helper()
	eventually(t, 5*time.Second, "the /next poll to wait", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.poller != nil
	})
}

// An invocation assigned while the runtime waits in /next is written into
// that poll's answer with every header aws-lambda-go reads, in one
// well-formed HTTP/1.1 response; the response POST (chunked, with
// aws-lambda-go's trailers) completes it with 202.
func TestWaitingPollAnsweredDirectly(t *testing.T) {
	w, addr := selfWorker(t)
	c, br := dialAPI(t, addr)
	if _, err := io.WriteString(c, nextRequest); err != nil {
		t.Fatal(err)
	}
	waitPolling(t, w)
	inv := newInvocation([]byte(`{"hello":"world"}`), Metadata{TraceID: "Root=1-abc\r\nX-Injected: 1", ClientContext: json.RawMessage(`{"custom": {"a": 1}}`), CognitoIdentity: json.RawMessage(`{"cognitoIdentityId":"id"}`)})
	before := time.Now()
	if !w.assign(inv) {
		t.Fatal("assign refused")
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"hello":"world"}` || resp.ContentLength != int64(len(body)) {
		t.Fatalf("next = %d %q (length %d)", resp.StatusCode, body, resp.ContentLength)
	}
	deadline, _ := strconv.ParseInt(resp.Header.Get(headerDeadlineMS), 10, 64)
	want := map[string]string{
		headerRequestID:       inv.id,
		headerFunctionARN:     w.pool.cfg.FunctionARN,
		headerTraceID:         "Root=1-abc  X-Injected: 1",
		headerClientContext:   `{"custom":{"a":1}}`,
		headerCognitoIdentity: `{"cognitoIdentityId":"id"}`,
		"Content-Type":        "application/json",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, err := http.ParseTime(resp.Header.Get("Date")); err != nil {
		t.Errorf("Date header %q: %v", resp.Header.Get("Date"), err)
	}
	if resp.Header.Get("X-Injected") != "" {
		t.Error("a trace ID with CR LF injected a header")
	}
	if d := time.UnixMilli(deadline).Sub(before); d < 4*time.Second || d > 6*time.Second {
		t.Errorf("deadline %v after assign, want the 5 s timeout", d)
	}

	post := "POST /2018-06-01/runtime/invocation/" + inv.id + "/response HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
		"Transfer-Encoding: chunked\r\nTrailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n" +
		"5\r\n\"done\r\n1\r\n\"\r\n0\r\n\r\n"
	if _, err := io.WriteString(c, post); err != nil {
		t.Fatal(err)
	}
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || resp.Close {
		t.Fatalf("response POST = %d (close %v), want 202 on a kept-alive connection", resp.StatusCode, resp.Close)
	}
	out := <-inv.done
	if out.err != nil || string(out.body) != `"done"` {
		t.Fatalf("outcome = %q, %v", out.body, out.err)
	}

	// The next poll, then the worker stops: 410 Gone.
	if _, err := io.WriteString(c, nextRequest); err != nil {
		t.Fatal(err)
	}
	waitPolling(t, w)
	w.closeStop()
	w.releasePoller()
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Fatalf("next while stopping = %d, want 410", resp.StatusCode)
	}
}

// A request sent on a connection whose /next is still unanswered cannot be
// answered in order: the connection is closed, and the invocation assigned
// later waits for a proper poll instead of being lost.
func TestPipelinedRequestClosesConnection(t *testing.T) {
	w, addr := selfWorker(t)
	c, br := dialAPI(t, addr)
	if _, err := io.WriteString(c, nextRequest); err != nil {
		t.Fatal(err)
	}
	waitPolling(t, w)
	if _, err := io.WriteString(c, nextRequest); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(br); err != nil || len(b) != 0 {
		t.Fatalf("pipelined connection answered %q (%v), want it closed", b, err)
	}
	eventually(t, 5*time.Second, "the poll to be forgotten", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.poller == nil
	})
	inv := newInvocation([]byte(`{}`), Metadata{})
	if !w.assign(inv) {
		t.Fatal("assign refused")
	}
	c2, br2 := dialAPI(t, addr)
	if _, err := io.WriteString(c2, nextRequest); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br2, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get(headerRequestID) != inv.id {
		t.Fatalf("next = %d %s, want the pending invocation", resp.StatusCode, resp.Header.Get(headerRequestID))
	}
}

// A header block over the limit is refused without being buffered whole.
func TestHeaderTooLarge(t *testing.T) {
	_, addr := selfWorker(t)
	c, br := dialAPI(t, addr)
	go io.WriteString(c, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nX-Big: "+strings.Repeat("a", maxHeaderBytes+64<<10)+"\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !resp.Close {
		t.Fatalf("status %d close %v, want 400 and the connection closed", resp.StatusCode, resp.Close)
	}
}

func TestWorkerGOMAXPROCS(t *testing.T) {
	query := `{"env":["GOMAXPROCS"]}`
	get := func(cfg Config) string {
		var got map[string]string
		if err := json.Unmarshal(mustInvoke(t, testPool(t, cfg), query), &got); err != nil {
			t.Fatal(err)
		}
		return got["GOMAXPROCS"]
	}
	t.Setenv("GOMAXPROCS", "")
	os.Unsetenv("GOMAXPROCS")
	if got := get(Config{}); got != "1" {
		t.Errorf("default GOMAXPROCS = %q, want 1 (128 MB)", got)
	}
	if got := get(Config{Env: []string{"GOMAXPROCS=3"}}); got != "3" {
		t.Errorf("configured GOMAXPROCS = %q, want 3", got)
	}
	for _, tt := range []struct{ mem, cpus, want int }{{128, 8, 1}, {1769, 8, 1}, {1770, 8, 2}, {10240, 8, 6}, {10240, 2, 2}} {
		if got := workerProcs(tt.mem, tt.cpus); got != tt.want {
			t.Errorf("workerProcs(%d MB, %d CPUs) = %d, want %d", tt.mem, tt.cpus, got, tt.want)
		}
	}
}

// Invocations beyond the concurrency are served in arrival order, each
// woken only when a worker is handed to it.
func TestWaitersServedInOrder(t *testing.T) {
	p := testPool(t, Config{MaxWorkers: 1})
	mustInvoke(t, p, `{}`) // warm
	busy := make(chan error, 1)
	go func() {
		_, err := invoke(t, p, `{"sleep_ms":300}`)
		busy <- err
	}()
	eventually(t, 5*time.Second, "the first invocation to start", func() bool { return p.Stats().Invocations == 2 })
	const n = 5
	order := make(chan int, n)
	for i := range n {
		go func() {
			if _, err := invoke(t, p, `{}`); err != nil {
				t.Error(err)
			}
			order <- i
		}()
		eventually(t, 5*time.Second, "the waiter to queue", func() bool {
			p.mu.Lock()
			defer p.mu.Unlock()
			return len(p.waitq) == i+1
		})
	}
	if err := <-busy; err != nil {
		t.Fatal(err)
	}
	for want := range n {
		if got := <-order; got != want {
			t.Fatalf("waiter %d served in place %d", got, want)
		}
	}
}

// A refused request with a large body still gets its 403, read after the
// connection is closed under the client while it is sending.
func TestRefusalSurvivesLargeBody(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the peer check is Linux only")
	}
	other, _ := os.FindProcess(1)
	_, addr := workerOf(t, other)
	c, br := dialAPI(t, addr)
	const size = 4 << 20
	go func() {
		_, _ = io.WriteString(c, "POST /2018-06-01/runtime/invocation/x/response HTTP/1.1\r\nHost: x\r\nContent-Length: "+strconv.Itoa(size)+"\r\n\r\n")
		_, _ = c.Write(make([]byte, size))
	}()
	time.Sleep(200 * time.Millisecond) // the answer waits unread while the body is refused
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !resp.Close {
		t.Fatalf("status %d close %v, want 403 and the connection closed", resp.StatusCode, resp.Close)
	}
}
