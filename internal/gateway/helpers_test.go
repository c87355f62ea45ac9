package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gochalice/chalice/manifest"
)

// fakeApp is an Invoker that records every invocation and answers with
// a function per Lambda function name.
type fakeApp struct {
	mu    sync.Mutex
	calls []fakeCall
	fns   map[string]func(payload []byte) ([]byte, error)
}

type fakeCall struct {
	function string
	payload  []byte
}

func (f *fakeApp) Invoke(_ context.Context, function string, payload []byte) ([]byte, error) {
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{function, append([]byte(nil), payload...)})
	fn := f.fns[function]
	f.mu.Unlock()
	if fn == nil {
		return []byte(`{"statusCode":200,"body":"ok"}`), nil
	}
	return fn(payload)
}

// called returns the payloads function received.
func (f *fakeApp) called(function string) [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out [][]byte
	for _, c := range f.calls {
		if c.function == function {
			out = append(out, c.payload)
		}
	}
	return out
}

// lastEvent decodes the last event function received.
func (f *fakeApp) lastEvent(t *testing.T, function string) map[string]any {
	t.Helper()
	calls := f.called(function)
	if len(calls) == 0 {
		t.Fatalf("%s was not invoked", function)
	}
	var ev map[string]any
	if err := json.Unmarshal(calls[len(calls)-1], &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func answer(out string) func([]byte) ([]byte, error) {
	return func([]byte) ([]byte, error) { return []byte(out), nil }
}

func fail(err error) func([]byte) ([]byte, error) {
	return func([]byte) ([]byte, error) { return nil, err }
}

// newTestGateway builds a gateway at a fixed clock.
func newTestGateway(t *testing.T, m *manifest.Manifest, app *fakeApp, opts Options) *Gateway {
	t.Helper()
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	g, err := New(m, app, opts)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 4, 9, 12, 34, 56, 0, time.UTC)
	g.now = func() time.Time { return now }
	return g
}

// request describes one test request.
type request struct {
	method  string
	target  string
	headers [][2]string // in order; repeated names allowed
	body    string
}

func (g *Gateway) do(rq request) *httptest.ResponseRecorder {
	method := rq.method
	if method == "" {
		method = "GET"
	}
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	r := httptest.NewRequest(method, rq.target, body)
	for _, h := range rq.headers {
		r.Header.Add(h[0], h[1])
	}
	w := httptest.NewRecorder()
	g.ServeHTTP(w, r)
	return w
}

// jsonPath walks decoded JSON by object keys.
func jsonPath(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// logRecords captures a gateway's log records.
type logRecords struct{ buf bytes.Buffer }

func (l *logRecords) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(&l.buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (l *logRecords) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(&l.buf)
	for dec.More() {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}
