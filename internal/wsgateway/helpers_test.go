package wsgateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/gochalice/chalice/manifest"
)

const (
	fnConnect    = "websocket_connect"
	fnMessage    = "websocket_message"
	fnDisconnect = "websocket_disconnect"
)

// testManifest returns an app with the given websocket route keys.
func testManifest(routeKeys ...string) *manifest.Manifest {
	fns := map[string]string{manifest.WSConnect: fnConnect, manifest.WSDefault: fnMessage, manifest.WSDisconnect: fnDisconnect}
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "ws"}
	for _, k := range routeKeys {
		m.Websocket = append(m.Websocket, manifest.WSHandler{RouteKey: k, Function: fns[k]})
		m.Functions = append(m.Functions, manifest.Function{Name: fns[k], Kind: manifest.KindWebsocket, Handler: fns[k]})
	}
	return m
}

func allRoutes() *manifest.Manifest {
	return testManifest(manifest.WSConnect, manifest.WSDefault, manifest.WSDisconnect)
}

// invocation is one recorded call of the fake invoker.
type invocation struct {
	function string
	event    events.APIGatewayWebsocketProxyRequest
	raw      []byte
}

// fakeInvoker records events (decoded as the app decodes them) and answers
// with per-function handlers; the default answer is {"statusCode":200}.
type fakeInvoker struct {
	t        testing.TB
	handlers map[string]func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error)

	mu    sync.Mutex
	calls []invocation
	done  int // invocations that returned
}

func newFake(t testing.TB) *fakeInvoker {
	return &fakeInvoker{t: t, handlers: map[string]func(events.APIGatewayWebsocketProxyRequest) ([]byte, error){}}
}

func (f *fakeInvoker) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	var ev events.APIGatewayWebsocketProxyRequest
	if err := json.Unmarshal(payload, &ev); err != nil {
		f.t.Errorf("%s: event does not decode: %v\n%s", function, err, payload)
	}
	f.mu.Lock()
	f.calls = append(f.calls, invocation{function: function, event: ev, raw: payload})
	h := f.handlers[function]
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.done++
		f.mu.Unlock()
	}()
	if h != nil {
		return h(ev)
	}
	return []byte(`{"statusCode":200}`), nil
}

// of returns the recorded invocations of function.
func (f *fakeInvoker) of(function string) []invocation {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []invocation
	for _, c := range f.calls {
		if c.function == function {
			out = append(out, c)
		}
	}
	return out
}

// waitFor waits until function was invoked n times and returns the nth
// invocation.
func (f *fakeInvoker) waitFor(function string, n int) invocation {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := f.of(function); len(got) >= n {
			return got[n-1]
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("%s was invoked %d times, want %d", function, len(f.of(function)), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitDone waits until n invocations (of any function) returned.
func (f *fakeInvoker) waitDone(n int) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mu.Lock()
		done := f.done
		f.mu.Unlock()
		if done >= n {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("%d invocations returned, want %d", done, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// start serves a gateway for m on a loopback httptest server; both are
// closed when the test ends.
func start(t *testing.T, m *manifest.Manifest, inv Invoker, opts Options) (*Gateway, *httptest.Server) {
	t.Helper()
	g, err := New(m, inv, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = g.Close() })
	return g, srv
}

// connect dials and returns the client and its connection id (from the
// CONNECT event, so the manifest must have $connect).
func connect(t *testing.T, srv *httptest.Server, f *fakeInvoker, n int) (*wsClient, string) {
	t.Helper()
	c, resp := dial(t, srv.URL+"/", nil)
	if c == nil {
		t.Fatalf("handshake: status %d", resp.StatusCode)
	}
	return c, f.waitFor(fnConnect, n).event.RequestContext.ConnectionID
}

// waitConnections waits for g.Connections() to reach n.
func waitConnections(t *testing.T, g *Gateway, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for g.Connections() != n {
		if time.Now().After(deadline) {
			t.Fatalf("Connections() = %d, want %d", g.Connections(), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// doRequest sends a management API call. It may run outside the test
// goroutine (from a fake function), so failures are reported with Errorf
// and a zero response.
func doRequest(t *testing.T, client *http.Client, method, url string, body []byte) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return &http.Response{}, ""
	}
	// A SigV4 header, as chalice.WebsocketAPI sends: accepted, not checked.
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250101/mars-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
	req.Header.Set("X-Amz-Date", "20250101T000000Z")
	resp, err := client.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return &http.Response{}, ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("%s %s: reading body: %v", method, url, err)
	}
	return resp, string(b)
}
