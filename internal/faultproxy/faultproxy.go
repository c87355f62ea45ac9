// Package faultproxy is a reverse proxy for tests that sits between an AWS
// client (the real gochalice process, through AWS_ENDPOINT_URL) and an AWS
// emulator (moto), classifies every request as an AWS operation, and
// injects the faults the network and the operating system inject: a
// failed call, a response that never arrives (the call happened), a
// response that arrives after the client gave up, and the client process
// killed right before or right after a mutating call reached the service.
//
// Faults are armed for the k-th mutating request (counted from the moment
// they are armed); every request is recorded, so a test can also count the
// mutating calls of a clean run.
package faultproxy

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Mode is a kind of fault.
type Mode string

// The faults.
const (
	// Fail answers 500 InternalFailure without forwarding (the service saw
	// nothing; the SDK retries it).
	Fail Mode = "fail"
	// Reject answers 400 with a non-retryable error without forwarding.
	Reject Mode = "reject"
	// Drop forwards the call, then closes the client's connection without
	// an answer: the call happened, its response is lost.
	Drop Mode = "drop"
	// Delay forwards the call and holds the answer for Fault.Delay (set it
	// past the client's timeout): the call happened, the answer comes too
	// late.
	Delay Mode = "delay"
	// KillBefore kills the client (Fault.Kill) when the call arrives; the
	// call is not forwarded.
	KillBefore Mode = "kill-before"
	// KillAfter forwards the call, then kills the client before it can
	// read the answer (and record what it created).
	KillAfter Mode = "kill-after"
)

// Modes lists every mode.
var Modes = []Mode{Fail, Reject, Drop, Delay, KillBefore, KillAfter}

// Fault is armed for one request.
type Fault struct {
	Mode  Mode
	K     int           // the k-th mutating request after Arm (1-based)
	Delay time.Duration // Delay mode
	Kill  func()        // KillBefore/KillAfter: kill the client process
}

// Call is one request seen by the proxy.
type Call struct {
	Service   string // from the SigV4 credential scope: lambda, iam, apigateway, ...
	Operation string // the operation name, or "METHOD /path" for REST services
	Mutating  bool
	Faulted   Mode // the fault injected on it, if any
}

func (c Call) String() string { return c.Service + ":" + c.Operation }

// Proxy is a running fault-injecting reverse proxy.
type Proxy struct {
	URL string // where clients send requests (AWS_ENDPOINT_URL)

	srv     *http.Server
	ln      net.Listener
	forward *httputil.ReverseProxy

	mu       sync.Mutex
	calls    []Call
	fault    *Fault
	mutating int // mutating requests since the fault was armed
	fired    bool
}

// Start starts a proxy on loopback in front of target (e.g. moto's
// endpoint).
func Start(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("faultproxy: target %q: %w", target, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	p := &Proxy{URL: "http://" + ln.Addr().String(), ln: ln}
	p.forward = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host // SigV4 signed the client's Host
		},
		// Keep the proxy's own retries out of the picture.
		Transport: &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 16},
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(ln)
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() error { return p.srv.Close() }

// Arm sets the fault for the f.K-th mutating request from now on and
// restarts the count.
func (p *Proxy) Arm(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault, p.mutating, p.fired = &f, 0, false
}

// Disarm removes the fault; Fired reports whether it was injected.
func (p *Proxy) Disarm() (fired bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fired, p.fault = p.fired, nil
	return fired
}

// Reset forgets the recorded calls.
func (p *Proxy) Reset() {
	p.mu.Lock()
	p.calls = nil
	p.mu.Unlock()
}

// Calls returns the requests seen since the last Reset.
func (p *Proxy) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Call(nil), p.calls...)
}

// Mutating returns the mutating requests seen since the last Reset.
func (p *Proxy) Mutating() []Call {
	var out []Call
	for _, c := range p.Calls() {
		if c.Mutating {
			out = append(out, c)
		}
	}
	return out
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	c := Classify(r, body)
	var mode Mode
	var f Fault
	p.mu.Lock()
	if c.Mutating && p.fault != nil && !p.fired {
		p.mutating++
		if p.mutating == p.fault.K {
			f, mode, p.fired = *p.fault, p.fault.Mode, true
			c.Faulted = mode
		}
	}
	p.calls = append(p.calls, c)
	p.mu.Unlock()

	switch mode {
	case "":
		p.forward.ServeHTTP(w, r)
	case Fail:
		writeError(w, http.StatusInternalServerError, "InternalFailure", "injected failure of "+c.String())
	case Reject:
		writeError(w, http.StatusBadRequest, "InjectedFault", "injected rejection of "+c.String())
	case KillBefore:
		f.Kill()
		hangUp(w)
	case Drop, Delay, KillAfter:
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		p.forward.ServeHTTP(rec, r)
		switch mode {
		case Drop:
			hangUp(w)
		case KillAfter:
			f.Kill()
			hangUp(w)
		case Delay:
			time.Sleep(f.Delay)
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
			w.Write(rec.body.Bytes())
		}
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"__type": %q, "message": %q}`, code, msg)
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
	}
}

// recorder buffers a forwarded response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }

var credentialScope = regexp.MustCompile(`Credential=[^/]+/[0-9]{8}/[^/]+/([^/]+)/aws4_request`)

// Classify names the AWS operation of a request: the service from the
// SigV4 credential scope, the operation from X-Amz-Target (JSON
// protocols), the Action parameter (query protocols) or, for REST
// protocols (Lambda, API Gateway, S3), the method and path. Reads are
// operations named Get*/List*/Describe*/Head* and REST GET/HEAD requests;
// everything else mutates.
func Classify(r *http.Request, body []byte) Call {
	c := Call{Service: "unknown"}
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		c.Service = m[1]
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		c.Operation = t[strings.LastIndex(t, ".")+1:]
	} else if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if v, err := url.ParseQuery(string(body)); err == nil {
			c.Operation = v.Get("Action")
		}
	}
	if c.Operation != "" {
		c.Mutating = !hasAnyPrefix(c.Operation, "Get", "List", "Describe", "Head")
		return c
	}
	c.Operation = r.Method + " " + r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		c.Operation += "?" + r.URL.RawQuery
	}
	c.Mutating = r.Method != http.MethodGet && r.Method != http.MethodHead
	return c
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
