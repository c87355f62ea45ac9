package runtimeapi

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRuntimeAPIOnlyServesItsWorker: another local process (here, the test
// process itself) can neither poll the worker's /next nor post a forged
// response for an invocation in progress; the real worker keeps serving.
func TestRuntimeAPIOnlyServesItsWorker(t *testing.T) {
	p := testPool(t, Config{MaxWorkers: 1})
	var env map[string]string
	if err := json.Unmarshal(mustInvoke(t, p, `{"env":["AWS_LAMBDA_RUNTIME_API"]}`), &env); err != nil {
		t.Fatal(err)
	}
	api := "http://" + env["AWS_LAMBDA_RUNTIME_API"]
	client := &http.Client{Timeout: 3 * time.Second}

	// A slow invocation in progress, whose request ID the intruder knows.
	result := make(chan string, 1)
	go func() {
		out, err := invoke(t, p, `{"sleep_ms":1500}`)
		if err != nil {
			result <- err.Error()
			return
		}
		result <- string(out)
	}()
	var id string
	eventually(t, 10*time.Second, "the invocation to be taken", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		for w := range p.workers {
			w.mu.Lock()
			if w.inv != nil && w.inv.taken {
				id = w.inv.id
			}
			w.mu.Unlock()
		}
		return id != ""
	})

	tests := []struct{ name, method, path, body string }{
		{"poll for the next invocation", "GET", "/2018-06-01/runtime/invocation/next", ""},
		{"forge the response", "POST", "/2018-06-01/runtime/invocation/" + id + "/response", `"forged"`},
		{"forge an error", "POST", "/2018-06-01/runtime/invocation/" + id + "/error", `{"errorMessage":"forged","errorType":"Forged"}`},
		{"report an init error", "POST", "/2018-06-01/runtime/init/error", `{"errorMessage":"forged"}`},
		{"register an extension", "POST", "/2020-01-01/extension/register", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, api+tt.path, strings.NewReader(tt.body))
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v (want a prompt 403)", tt.method, tt.path, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var e struct {
				Type    string `json:"errorType"`
				Message string `json:"errorMessage"`
			}
			_ = json.Unmarshal(body, &e)
			if resp.StatusCode != http.StatusForbidden || e.Type != "AccessDenied" || !resp.Close {
				t.Errorf("%s %s = %d %s (close %v), want 403 AccessDenied and the connection closed", tt.method, tt.path, resp.StatusCode, body, resp.Close)
			}
			if !strings.Contains(e.Message, "not opened by the worker process") {
				t.Errorf("refusal message %q does not say why", e.Message)
			}
		})
	}

	if got := <-result; got != `{"sleep_ms":1500}` {
		t.Fatalf("the real invocation returned %q, want its own echo", got)
	}
	if got := mustInvoke(t, p, `"still serving"`); string(got) != `"still serving"` {
		t.Fatalf("Invoke = %s", got)
	}
	if s := p.Stats(); s.Started != 1 || s.Crashed != 0 {
		t.Errorf("Stats = %+v, want the one worker, never crashed", s)
	}
}

// loopbackPair returns both ends of a loopback TCP connection to a
// 127.0.0.1 listener, whose client socket is IPv4, or, with dualStack, an
// AF_INET6 socket connected to ::ffff:127.0.0.1 (which the kernel lists in
// /proc/net/tcp6; Go's net.Dial never makes one).
func loopbackPair(tb testing.TB, dualStack bool) (server, client net.Conn) {
	tb.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	port := ln.Addr().(*net.TCPAddr).Port
	if dualStack {
		client, err = dialDualStack(port)
	} else {
		client, err = net.Dial("tcp4", "127.0.0.1:"+strconv.Itoa(port))
	}
	if err != nil {
		tb.Skipf("dial (dual stack %v): %v", dualStack, err)
	}
	tb.Cleanup(func() { client.Close() })
	server, err = ln.Accept()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { server.Close() })
	return server, client
}

func dialDualStack(port int) (net.Conn, error) {
	fd, err := syscall.Socket(syscall.AF_INET6, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "dual-stack socket")
	defer f.Close()
	sa := &syscall.SockaddrInet6{Port: port, Addr: netip.MustParseAddr("::ffff:127.0.0.1").As16()}
	if err := syscall.Connect(fd, sa); err != nil {
		return nil, err
	}
	return net.FileConn(f)
}

func addrs(c net.Conn) (local, remote netip.AddrPort) {
	return c.LocalAddr().(*net.TCPAddr).AddrPort(), c.RemoteAddr().(*net.TCPAddr).AddrPort()
}

func TestCheckPeer(t *testing.T) {
	other := workerPID(t, testPool(t, Config{}))
	tests := []struct {
		name      string
		dualStack bool
		pid       int
		ok        bool
	}{
		{"own IPv4 socket", false, os.Getpid(), true},
		{"own dual-stack socket", true, os.Getpid(), true},
		{"another process", false, other, false},
		{"another process, dual stack", true, other, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server, _ := loopbackPair(t, tt.dualStack)
			local, remote := addrs(server)
			err := checkPeer(local, remote, tt.pid)
			if (err == nil) != tt.ok {
				t.Fatalf("checkPeer(%v → %v, pid %d) = %v, want ok %v", remote, local, tt.pid, err, tt.ok)
			}
		})
	}
	if err := checkPeer(netip.AddrPort{}, netip.AddrPort{}, os.Getpid()); err == nil {
		t.Error("checkPeer admitted a connection without addresses")
	}
}

// TestSocketLookups: both ways of finding the client socket's inode (the
// sock_diag fast path and the /proc/self/net/tcp{,6} scan it falls back on)
// find the inode the client's own descriptor links to.
func TestSocketLookups(t *testing.T) {
	lookups := []struct {
		name string
		find func(src, dst netip.AddrPort) ([]byte, error)
	}{
		{"sock_diag", diagInode},
		{"proc scan", socketInode},
	}
	for _, dualStack := range []bool{false, true} {
		for _, l := range lookups {
			t.Run(l.name+" dual stack "+strconv.FormatBool(dualStack), func(t *testing.T) {
				server, client := loopbackPair(t, dualStack)
				want := clientInode(t, client)
				local, remote := addrs(server)
				got, err := l.find(remote, local)
				if err != nil || "socket:["+string(got)+"]" != want {
					t.Fatalf("inode = %q, %v; the client's descriptor links to %s", got, err, want)
				}
			})
		}
	}
}

// clientInode returns what c's file descriptor links to: socket:[inode].
func clientInode(t *testing.T, c net.Conn) string {
	t.Helper()
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var link string
	if err := rc.Control(func(fd uintptr) { link, err = os.Readlink("/proc/self/fd/" + strconv.Itoa(int(fd))) }); err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// BenchmarkSocketLookup compares the two ways checkPeer finds a client
// socket's inode (see BenchmarkPeerCheck for the whole check).
func BenchmarkSocketLookup(b *testing.B) {
	server, _ := loopbackPair(b, false)
	local, remote := addrs(server)
	for _, l := range []struct {
		name string
		find func(src, dst netip.AddrPort) ([]byte, error)
	}{{"sock_diag", diagInode}, {"proc_scan", socketInode}} {
		b.Run(l.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.find(remote, local); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
