package runtimeapi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The Runtime API is served by a small HTTP/1.1 server of its own rather
// than net/http's: its one client is aws-lambda-go's runtime loop, which
// keeps one connection alive and makes one request at a time on it
// (GET /next, then POST .../response, then GET /next...). Each connection
// has one goroutine that reads its requests in order; answers are written
// with a single write each, by whichever goroutine has the answer: an
// invocation assigned to a worker whose runtime is already waiting in
// /next is written into that connection by the invoking goroutine itself,
// with no hand-off. There is no per-request goroutine, no background read
// and no per-request context, which net/http needs for a general server.

// headerTimeout bounds reading a request's headers once its first byte has
// arrived (net/http's ReadHeaderTimeout).
const headerTimeout = 10 * time.Second

// maxHeaderBytes bounds a request's header block.
const maxHeaderBytes = 1 << 20

// apiConn is one connection to a worker's Runtime API.
type apiConn struct {
	w      *worker
	nc     net.Conn
	src    limitedConn // what br reads: nc, bounded while headers are read
	br     *bufio.Reader
	closed chan struct{} // closed by close
	once   sync.Once

	wmu sync.Mutex // held while an answer is written; after w.mu when both are held
	out []byte     // the answer being written, reused; guarded by wmu
}

// accept serves the connections of ln until it is closed.
func (w *worker) accept(ln net.Listener) {
	defer w.conns.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return // closed by wait
		}
		c := &apiConn{w: w, nc: nc, src: limitedConn{nc: nc, left: noLimit}, closed: make(chan struct{})}
		c.br = bufio.NewReaderSize(&c.src, 16<<10)
		w.mu.Lock()
		if w.dead {
			w.mu.Unlock()
			nc.Close()
			continue
		}
		w.open[c] = struct{}{}
		w.conns.Add(1)
		w.mu.Unlock()
		go c.serve()
	}
}

func (c *apiConn) close() {
	c.once.Do(func() {
		close(c.closed)
		c.nc.Close()
	})
}

// serve reads the connection's requests in order and answers them; the
// first one is answered only if the connection comes from the worker's
// own process (see checkPeer).
func (c *apiConn) serve() {
	w := c.w
	defer w.conns.Done()
	defer func() {
		w.mu.Lock()
		if w.poller == c {
			w.poller = nil // the runtime hung up while polling /next
		}
		delete(w.open, c)
		w.mu.Unlock()
		c.close()
	}()
	admitted := false
	for {
		// Wait for a request without a deadline (the runtime sends the next
		// one whenever its function finishes), then read its headers
		// promptly.
		if _, err := c.br.Peek(1); err != nil {
			return
		}
		_ = c.nc.SetReadDeadline(time.Now().Add(headerTimeout))
		c.src.left = maxHeaderBytes
		req, err := http.ReadRequest(c.br)
		c.src.left = noLimit
		_ = c.nc.SetReadDeadline(time.Time{})
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, net.ErrClosed) {
				_ = c.writeError(http.StatusBadRequest, "InvalidRequest", "malformed request: "+err.Error(), true)
			}
			return
		}
		if !admitted {
			if err := checkPeer(addrPort(c.nc.LocalAddr()), addrPort(c.nc.RemoteAddr()), w.cmd.Process.Pid); err != nil {
				_ = c.writeError(http.StatusForbidden, "AccessDenied", "the runtime API serves only its worker process: "+err.Error(), true)
				return
			}
			admitted = true
		}
		w.mu.Lock()
		pipelined := w.poller == c
		w.mu.Unlock()
		if pipelined {
			// A request sent before /next was answered: the answers could
			// not be given in order. aws-lambda-go never does this.
			return
		}
		keep := w.serveRequest(c, req)
		// What the handler left of the body is skipped, up to a limit.
		if n, _ := io.Copy(io.Discard, io.LimitReader(req.Body, MaxPayloadSize+1)); n > MaxPayloadSize {
			return
		}
		if !keep || req.Close {
			return
		}
	}
}

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort()
	}
	return netip.AddrPort{}
}

// serveRequest routes one request; it reports whether the connection may
// carry more.
func (w *worker) serveRequest(c *apiConn, req *http.Request) bool {
	const invocation = "/2018-06-01/runtime/invocation/"
	path := req.URL.Path
	switch {
	case req.Method == http.MethodGet && path == invocation+"next":
		return w.handleNext(c)
	case req.Method == http.MethodPost && strings.HasPrefix(path, invocation):
		id, action, ok := strings.Cut(path[len(invocation):], "/")
		if ok && id != "" && !strings.Contains(action, "/") {
			switch action {
			case "response":
				return w.handleResponse(c, req, id)
			case "error":
				return w.handleError(c, req, id)
			}
		}
	case req.Method == http.MethodPost && path == "/2018-06-01/runtime/init/error":
		return w.handleInitError(c, req)
	case req.Method == http.MethodPost && path == "/2020-01-01/extension/register":
		return w.handleExtensionRegister(c, req)
	case req.Method == http.MethodGet && path == "/2020-01-01/extension/event/next":
		return w.handleExtensionNext(c)
	}
	return c.writeError(http.StatusNotFound, "NotFound", fmt.Sprintf("no such runtime API endpoint: %s %s", req.Method, path), false) == nil
}

// writeAnswer writes one answer: status, headers (each "Name: value\r\n"
// lines, already formatted), a JSON body. It holds c.wmu unless locked is
// set (the caller holds it).
func (c *apiConn) writeAnswer(status int, headers func([]byte) []byte, body []byte, closeConn, locked bool) error {
	if !locked {
		c.wmu.Lock()
		defer c.wmu.Unlock()
	}
	b := c.out[:0]
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(status)...)
	b = append(b, "\r\nDate: "...)
	b = time.Now().UTC().AppendFormat(b, http.TimeFormat)
	b = append(b, "\r\nContent-Type: application/json\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n"...)
	if headers != nil {
		b = headers(b)
	}
	if closeConn {
		b = append(b, "Connection: close\r\n"...)
	}
	b = append(b, "\r\n"...)
	var err error
	if len(body) <= 64<<10 {
		b = append(b, body...)
		_, err = c.nc.Write(b)
	} else {
		bufs := net.Buffers{b, body} // one writev
		_, err = bufs.WriteTo(c.nc)
	}
	if cap(b) <= 64<<10+4<<10 {
		c.out = b[:0]
	}
	if err != nil {
		c.close()
		return fmt.Errorf("runtime API answer: %w", err)
	}
	if closeConn {
		c.close()
	}
	return nil
}

// appendHeader appends "name: value\r\n", with CR and LF in value turned
// into spaces as net/http does.
func appendHeader(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	for i := 0; i < len(value); i++ {
		ch := value[i]
		if ch == '\r' || ch == '\n' {
			ch = ' '
		}
		b = append(b, ch)
	}
	return append(b, "\r\n"...)
}

// limitedConn reads from a connection, failing once more than left bytes
// have been read: it bounds a request's header block, as net/http does.
type limitedConn struct {
	nc   net.Conn
	left int64
}

const noLimit = 1<<63 - 1

func (l *limitedConn) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errHeaderTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.nc.Read(p)
	l.left -= int64(n)
	return n, err
}

var errHeaderTooLarge = errors.New("request header too large")
