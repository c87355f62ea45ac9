package runtimeapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// signaller lets a streaming test function go on: the function dials it
// and waits for one byte before each chunk but the first.
type signaller struct {
	ln   net.Listener
	conn chan net.Conn
}

func newSignaller(t *testing.T) *signaller {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &signaller{ln: ln, conn: make(chan net.Conn, 1)}
	go func() {
		c, err := ln.Accept()
		if err == nil {
			s.conn <- c
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		select {
		case c := <-s.conn:
			c.Close()
		default:
		}
	})
	return s
}

// next lets the function write its next chunk.
func (s *signaller) next(t *testing.T) {
	t.Helper()
	select {
	case c := <-s.conn:
		if _, err := c.Write([]byte{1}); err != nil {
			t.Fatal(err)
		}
		s.conn <- c
	case <-time.After(30 * time.Second):
		t.Fatal("the function never dialled the signal listener")
	}
}

func streamPayload(t *testing.T, v map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func invokeStream(t *testing.T, p *Pool, payload []byte) *Stream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := p.InvokeStream(ctx, payload)
	if err != nil {
		t.Fatalf("InvokeStream: %v", err)
	}
	t.Cleanup(func() { s.Body.Close() })
	return s
}

// TestInvokeStreamDeliversEachChunkBeforeTheNextIsWritten proves the body
// is passed on as it is written: each chunk is read while the function is
// still blocked before writing the next one.
func TestInvokeStreamDeliversEachChunkBeforeTheNextIsWritten(t *testing.T) {
	p := testPool(t, Config{Env: []string{"ECHO_MODE=stream"}})
	sig := newSignaller(t)
	chunks := []string{"one|", "two|", "three"}
	s := invokeStream(t, p, streamPayload(t, map[string]any{"chunks": chunks, "signal": sig.ln.Addr().String()}))
	if s.ContentType != "application/vnd.awslambda.http-integration-response" {
		t.Errorf("ContentType = %q", s.ContentType)
	}
	for i, want := range chunks {
		if i > 0 {
			sig.next(t) // only now may the function write chunk i
		}
		got := make([]byte, len(want))
		if _, err := io.ReadFull(s.Body, got); err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		if string(got) != want {
			t.Fatalf("chunk %d = %q, want %q", i, got, want)
		}
	}
	if rest, err := io.ReadAll(s.Body); err != nil || len(rest) != 0 {
		t.Fatalf("after the chunks: %q, %v; want a clean end", rest, err)
	}
	// The worker is idle again and serves the next invocation.
	s2 := invokeStream(t, p, streamPayload(t, map[string]any{"chunks": []string{"again"}}))
	if b, err := io.ReadAll(s2.Body); err != nil || string(b) != "again" {
		t.Fatalf("second invocation: %q, %v", b, err)
	}
	if st := p.Stats(); st.Started != 1 {
		t.Errorf("workers started = %d, want 1 (reused)", st.Started)
	}
}

func TestInvokeStreamEndings(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		payload  map[string]any
		wantBody string // prefix of what is read before the error
		wantErr  func(error) bool
		wantMsg  string
	}{
		{
			name:     "error in the trailers",
			payload:  map[string]any{"chunks": []string{"partial"}, "fail": "disk on fire"},
			wantBody: "partial",
			wantErr: func(err error) bool {
				var fe *FunctionError
				return errors.As(err, &fe) && fe.Message == "disk on fire"
			},
			wantMsg: "disk on fire",
		},
		{
			name:    "over the streaming limit",
			cfg:     Config{MaxStreamBytes: 100 << 10},
			payload: map[string]any{"bytes": 1 << 20},
			wantErr: func(err error) bool {
				var fe *FunctionError
				return errors.As(err, &fe) && fe.Type == "Function.ResponseSizeTooLarge"
			},
			wantMsg: "102400 bytes",
		},
		{
			name:     "function timeout",
			cfg:      Config{Timeout: 500 * time.Millisecond},
			payload:  map[string]any{"chunks": []string{"started"}, "hang": true},
			wantBody: "started",
			wantErr:  func(err error) bool { var te *TimeoutError; return errors.As(err, &te) },
			wantMsg:  "Task timed out after 0.50 seconds",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Env = []string{"ECHO_MODE=stream"}
			p := testPool(t, cfg)
			s := invokeStream(t, p, streamPayload(t, tt.payload))
			b, err := io.ReadAll(s.Body)
			if !strings.HasPrefix(string(b), tt.wantBody) {
				t.Errorf("body = %.40q, want it to start with %q", b, tt.wantBody)
			}
			if cfg.MaxStreamBytes > 0 && int64(len(b)) > cfg.MaxStreamBytes {
				t.Errorf("read %d bytes, over the %d-byte limit", len(b), cfg.MaxStreamBytes)
			}
			if err == nil || !tt.wantErr(err) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("body ended with %v, want %s", err, tt.wantMsg)
			}
			// The pool serves the next invocation (a replaced worker after
			// a timeout).
			s2 := invokeStream(t, p, streamPayload(t, map[string]any{"chunks": []string{"next"}}))
			if b, err := io.ReadAll(s2.Body); err != nil || string(b) != "next" {
				t.Fatalf("next invocation: %q, %v", b, err)
			}
		})
	}
}

func TestInvokeStreamCallerGoesAway(t *testing.T) {
	p := testPool(t, Config{Env: []string{"ECHO_MODE=stream"}})
	s := invokeStream(t, p, streamPayload(t, map[string]any{"chunks": []string{"first"}, "bytes": 4 << 20}))
	if _, err := io.ReadFull(s.Body, make([]byte, 5)); err != nil {
		t.Fatal(err)
	}
	s.Body.Close() // the rest is dropped; the function finishes
	s2 := invokeStream(t, p, streamPayload(t, map[string]any{"chunks": []string{"next"}}))
	if b, err := io.ReadAll(s2.Body); err != nil || string(b) != "next" {
		t.Fatalf("next invocation: %q, %v", b, err)
	}
}

func TestInvokeStreamAndInvokeOnEachOthersFunctions(t *testing.T) {
	t.Run("buffered function through InvokeStream", func(t *testing.T) {
		p := testPool(t, Config{})
		s := invokeStream(t, p, []byte(`{"hello":"world"}`))
		b, err := io.ReadAll(s.Body)
		if err != nil || string(b) != `{"hello":"world"}` {
			t.Fatalf("body %q, %v", b, err)
		}
		// echo is a lambda.Handler answering bytes: aws-lambda-go posts
		// them whole, as application/octet-stream.
		if s.ContentType != "application/octet-stream" {
			t.Errorf("ContentType = %q, want application/octet-stream", s.ContentType)
		}
	})
	t.Run("streaming function through Invoke", func(t *testing.T) {
		p := testPool(t, Config{Env: []string{"ECHO_MODE=stream"}})
		got := mustInvoke(t, p, `{"chunks":["a","b","c"]}`)
		if string(got) != "abc" {
			t.Fatalf("Invoke = %q, want the whole body", got)
		}
	})
}
