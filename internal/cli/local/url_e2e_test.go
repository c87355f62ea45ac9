package local

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/gateway"
)

// localServer is a `gochalice local` running in process for a test.
type localServer struct {
	base string
	out  *syncBuffer
	// stop cancels Run and waits for it to return (also at the end of the
	// test); calling it again does nothing.
	stop func()
}

// startURLLocal runs local on dir until the test ends.
func startURLLocal(tb testing.TB, dir string, o Options) *localServer {
	tb.Helper()
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	o.IO, o.ProjectDir, o.Host, o.Stage = cli.IO{Out: out, ErrOut: out}, dir, "127.0.0.1", "dev"
	o.MaxConcurrency = max(o.MaxConcurrency, 1)
	o.Ready = func(a string) { ready <- a }
	go func() { done <- Run(ctx, &o) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					tb.Errorf("Run: %v", err)
				}
			case <-time.After(30 * time.Second):
				tb.Error("local did not stop")
			}
		})
	}
	tb.Cleanup(stop)
	select {
	case a := <-ready:
		return &localServer{base: "http://" + a, out: out, stop: stop}
	case err := <-done:
		tb.Fatalf("local exited: %v\n%s", err, out.String())
	case <-time.After(180 * time.Second):
		tb.Fatalf("server not ready\n%s", out.String())
	}
	return nil
}

// signalListener is what the streaming test app dials: each byte the test
// sends lets the handler write its next chunk.
type signalListener struct {
	ln    net.Listener
	conns chan net.Conn
}

func newSignalListener(tb testing.TB) *signalListener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &signalListener{ln: ln, conns: make(chan net.Conn, 8)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns <- c
		}
	}()
	tb.Cleanup(func() { ln.Close() })
	return s
}

// TestLocalFunctionURLStreaming is the end-to-end check of response
// streaming: the real app binary, the Runtime API emulator and the
// Function URL front end, with api_type "url" and RESPONSE_STREAM taken
// from config.json (no --api flag). Each chunk reaches the client while
// the handler is still blocked before writing the next one: the handler
// waits for a signal the test sends only after reading the chunk before.
func TestLocalFunctionURLStreaming(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	sig := newSignalListener(t)
	dir := newProjectFrom(t, "testdata/stream/main.go.txt", fmt.Sprintf(
		`{"version": "2.0", "app_name": "streamtest", "stages": {"dev": {"api_type": "url", "function_url_invoke_mode": "RESPONSE_STREAM", "lambda_timeout": 20,
		  "environment_variables": {"SIGNAL_ADDR": %q}}}}`, sig.ln.Addr().String()))
	srv := startURLLocal(t, dir, Options{Workers: 1})
	if !strings.Contains(srv.out.String(), "Serving the Function URL on "+srv.base+"\n") {
		t.Errorf("banner missing: %s", srv.out.String())
	}

	t.Run("chunks arrive as they are written", func(t *testing.T) {
		req, _ := http.NewRequest("GET", srv.base+"/chunks", nil)
		req.Header.Set("Origin", "https://site.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain" || resp.Header.Get("Set-Cookie") != "flavour=streamed" {
			t.Errorf("start: %d %v", resp.StatusCode, resp.Header)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("CORS header missing: %v", resp.Header)
		}
		if len(resp.TransferEncoding) == 0 || resp.TransferEncoding[0] != "chunked" {
			t.Errorf("transfer encoding %v, want chunked", resp.TransferEncoding)
		}
		var conn net.Conn
		select {
		case conn = <-sig.conns:
		case <-time.After(60 * time.Second):
			t.Fatal("the handler never dialled the signal listener")
		}
		defer conn.Close()
		br := bufio.NewReader(resp.Body)
		for i, want := range []string{"chunk one\n", "chunk two\n", "chunk three\n"} {
			if i > 0 {
				// The handler is blocked until now: chunk i cannot have
				// been written before the client read chunk i-1.
				if _, err := conn.Write([]byte{1}); err != nil {
					t.Fatal(err)
				}
			}
			line, err := br.ReadString('\n')
			if err != nil || line != want {
				t.Fatalf("chunk %d: %q, %v; want %q", i, line, err, want)
			}
		}
		if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
			t.Fatalf("after the chunks: %q, %v", rest, err)
		}
	})

	t.Run("buffered handler and paths without a stage", func(t *testing.T) {
		status, body := get(t, srv.base+"/plain")
		if status != 200 || body != `{"hello":"url","path":"/plain"}` {
			t.Errorf("GET /plain = %d %s", status, body)
		}
	})

	t.Run("preflight answered by the URL", func(t *testing.T) {
		req, _ := http.NewRequest("OPTIONS", srv.base+"/plain", nil)
		req.Header.Set("Origin", "https://site.example")
		req.Header.Set("Access-Control-Request-Method", "GET")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Methods") != "GET" {
			t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
	})

	t.Run("error mid-stream cuts the body short", func(t *testing.T) {
		resp, err := http.Get(srv.base + "/fail")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(b) != "partial" || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("GET /fail = %d %q, %v; want 200 \"partial\" cut short", resp.StatusCode, b, err)
		}
		waitFor(t, srv.out, "streamed response cut short")
		waitFor(t, srv.out, "the disk is on fire")
	})

	t.Run("crash before the response is a 502", func(t *testing.T) {
		status, body := get(t, srv.base+"/error")
		if status != 502 || body != "Internal Server Error" {
			t.Errorf("GET /error = %d %q", status, body)
		}
		if status, _ := get(t, srv.base+"/plain"); status != 200 {
			t.Errorf("after the crash: %d", status)
		}
	})
}

// The front end follows the stage's api_type unless --api says otherwise.
func TestFrontEnd(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		flag    string
		want    string
		wantErr string
	}{
		{"default", `{"app_name": "a"}`, "", gateway.APIRest, ""},
		{"stage api_type url", `{"app_name": "a", "stages": {"dev": {"api_type": "url"}}}`, "", gateway.APIURL, ""},
		{"top-level api_type http", `{"app_name": "a", "api_type": "http"}`, "", gateway.APIHTTP, ""},
		{"flag wins", `{"app_name": "a", "stages": {"dev": {"api_type": "url"}}}`, "rest", gateway.APIRest, ""},
		{"flag url over rest", `{"app_name": "a"}`, "url", gateway.APIURL, ""},
		{"bad api_type", `{"app_name": "a", "api_type": "grpc"}`, "", "", `api_type "grpc"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, ".chalice"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(tt.config), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			got, err := frontEnd(cfg, &Options{API: tt.flag, Stage: "dev"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to name %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("frontEnd = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
