package wsgateway

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/gochalice/chalice/manifest"
)

type timeoutErr struct{}

func (timeoutErr) Error() string { return "task timed out" }
func (timeoutErr) Timeout() bool { return true }

func TestAcceptKey(t *testing.T) {
	// The example of RFC 6455 §1.3.
	if got, want := acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Errorf("acceptKey = %q, want %q", got, want)
	}
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := newConnectionID()
		if len(id) != 16 || !strings.HasSuffix(id, "=") || strings.ContainsAny(id[:15], "+/=") {
			t.Fatalf("connection id %q: want 15 characters of [A-Za-z0-9] and '='", id)
		}
		if seen[id] {
			t.Fatalf("duplicate connection id %q", id)
		}
		seen[id] = true
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		m       *manifest.Manifest
		inv     Invoker
		wantErr string
	}{
		{"nil manifest", nil, newFake(t), "no websocket handlers"},
		{"no websocket", testManifest(), newFake(t), "no websocket handlers"},
		{"nil invoker", allRoutes(), nil, "nil Invoker"},
		{"unknown route key", &manifest.Manifest{Websocket: []manifest.WSHandler{{RouteKey: "sendmessage", Function: "f"}}}, newFake(t), "unsupported websocket route key"},
		{"duplicate", &manifest.Manifest{Websocket: []manifest.WSHandler{{RouteKey: "$default", Function: "f"}, {RouteKey: "$default", Function: "g"}}}, newFake(t), "duplicate"},
		{"no function", &manifest.Manifest{Websocket: []manifest.WSHandler{{RouteKey: "$default"}}}, newFake(t), "no function"},
		{"ok", testManifest(manifest.WSDefault), newFake(t), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(tt.m, tt.inv, Options{})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if g.opts.Stage != "api" || g.opts.MaxMessageBytes != 128<<10 || g.opts.IdleTimeout != 10*time.Minute {
					t.Errorf("defaults = %+v", g.opts)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestIsWebsocketRequest(t *testing.T) {
	g, err := New(allRoutes(), newFake(t), Options{Stage: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		upgrade      string
		want         bool
	}{
		{"GET", "/", "websocket", true},
		{"GET", "/dev", "WebSocket", true},
		{"GET", "/any/path", "websocket", true},
		{"GET", "/", "", false},
		{"GET", "/", "h2c", false},
		{"POST", "/@connections/abc=", "", true},
		{"GET", "/@connections/abc=", "", true},
		{"DELETE", "/dev/@connections/abc=", "", true},
		{"POST", "/api/@connections/abc=", "", false}, // not this stage
		{"POST", "/@connectionsabc", "", false},
		{"GET", "/users/1", "", false},
		{"GET", "/dev/users", "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.path, nil)
		if tt.upgrade != "" {
			r.Header.Set("Upgrade", tt.upgrade)
			r.Header.Set("Connection", "Upgrade")
		}
		if got := g.IsWebsocketRequest(r); got != tt.want {
			t.Errorf("%s %s (Upgrade %q) = %v, want %v", tt.method, tt.path, tt.upgrade, got, tt.want)
		}
	}
}

func TestHandshake(t *testing.T) {
	tests := []struct {
		name       string
		m          *manifest.Manifest
		connect    func(events.APIGatewayWebsocketProxyRequest) ([]byte, error)
		header     http.Header
		wantStatus int
		wantBody   string
	}{
		{name: "no $connect handler", m: testManifest(manifest.WSDefault), wantStatus: 101},
		{name: "accepted", m: allRoutes(), wantStatus: 101},
		{name: "accepted without statusCode", m: allRoutes(),
			connect: func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) { return []byte("null"), nil }, wantStatus: 101},
		{name: "refused 403", m: allRoutes(),
			connect:    func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) { return []byte(`{"statusCode":403}`), nil },
			wantStatus: 403},
		{name: "refused with body", m: allRoutes(),
			connect: func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
				return []byte(`{"statusCode":401,"headers":{"X-Reason":"token"},"body":"{\"Code\":\"UnauthorizedError\"}"}`), nil
			},
			wantStatus: 401, wantBody: `{"Code":"UnauthorizedError"}`},
		{name: "function error", m: allRoutes(),
			connect:    func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) { return nil, errors.New("boom") },
			wantStatus: 500, wantBody: `{"message": "Internal server error"}`},
		{name: "function timeout", m: allRoutes(),
			connect:    func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) { return nil, timeoutErr{} },
			wantStatus: 504, wantBody: `{"message": "Endpoint request timed out"}`},
		{name: "invalid response", m: allRoutes(),
			connect:    func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) { return []byte("garbage"), nil },
			wantStatus: 500},
		{name: "unsupported version", m: allRoutes(), header: http.Header{"Sec-Websocket-Version": {"8"}}, wantStatus: 426},
		{name: "bad key", m: allRoutes(), header: http.Header{"Sec-Websocket-Key": {"short"}}, wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			if tt.connect != nil {
				f.handlers[fnConnect] = tt.connect
			}
			var warnings []string
			var wmu sync.Mutex
			g, srv := start(t, tt.m, f, Options{Warn: func(s string) { wmu.Lock(); warnings = append(warnings, s); wmu.Unlock() }})
			c, resp := dial(t, srv.URL+"/?token=t", tt.header)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.name == "invalid response" {
				wmu.Lock()
				if len(warnings) != 1 || !strings.Contains(warnings[0], "garbage") {
					t.Errorf("warnings = %q", warnings)
				}
				wmu.Unlock()
			}
			if tt.wantStatus != 101 {
				body := new(bytes.Buffer)
				_, _ = body.ReadFrom(resp.Body)
				if tt.wantBody != "" && body.String() != tt.wantBody {
					t.Errorf("body = %q, want %q", body, tt.wantBody)
				}
				if tt.name == "refused with body" && resp.Header.Get("X-Reason") != "token" {
					t.Errorf("function headers not returned: %v", resp.Header)
				}
				if n := g.Connections(); n != 0 {
					t.Errorf("Connections() = %d after a refused handshake", n)
				}
				_ = g.Close()
				if n := len(f.of(fnDisconnect)); n != 0 {
					t.Errorf("$disconnect invoked %d times for a refused connection", n)
				}
				return
			}
			waitConnections(t, g, 1)
			c.sendText("x") // the connection works
			f.waitFor(fnMessage, 1)
			codes := c.closeAsync()
			_ = g.Close()
			if code := <-codes; code != CloseGoingAway {
				t.Errorf("close code = %d, want 1001", code)
			}
			if tt.m.Websocket[0].RouteKey == manifest.WSConnect {
				f.waitFor(fnDisconnect, 1)
			}
		})
	}
}

func TestConnectEvent(t *testing.T) {
	f := newFake(t)
	_, srv := start(t, allRoutes(), f, Options{Stage: "dev"})
	before := time.Now()
	_, resp := dial(t, srv.URL+"/dev?token=abc&x=1&x=2", http.Header{"X-Custom": {"a", "b"}})
	if resp.StatusCode != 101 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	inv := f.waitFor(fnConnect, 1)
	ev, rc := inv.event, inv.event.RequestContext
	host := strings.TrimPrefix(srv.URL, "http://")
	checks := []struct{ name, got, want string }{
		{"routeKey", rc.RouteKey, "$connect"},
		{"eventType", rc.EventType, "CONNECT"},
		{"messageDirection", rc.MessageDirection, "IN"},
		{"stage", rc.Stage, "dev"},
		{"apiId", rc.APIID, "ymy8tbxw7b"},
		{"domainName", rc.DomainName, host},
		{"sourceIp", rc.Identity.SourceIP, "127.0.0.1"},
		{"userAgent", rc.Identity.UserAgent, "wstest/1.0"},
		{"requestId = extendedRequestId", rc.RequestID, rc.ExtendedRequestID},
		{"Host header", ev.Headers["Host"], host},
		{"Sec-WebSocket-Version header", ev.Headers["Sec-Websocket-Version"], "13"},
		{"X-Custom header", ev.Headers["X-Custom"], "b"},
		{"X-Custom multi", strings.Join(ev.MultiValueHeaders["X-Custom"], ","), "a,b"},
		{"token", ev.QueryStringParameters["token"], "abc"},
		{"x", ev.QueryStringParameters["x"], "2"},
		{"x multi", strings.Join(ev.MultiValueQueryStringParameters["x"], ","), "1,2"},
		{"body", ev.Body, ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if len(rc.ConnectionID) != 16 || rc.RequestID == "" {
		t.Errorf("connectionId %q, requestId %q", rc.ConnectionID, rc.RequestID)
	}
	if rc.ConnectedAt < before.UnixMilli() || rc.RequestTimeEpoch < rc.ConnectedAt || rc.RequestTime == "" {
		t.Errorf("connectedAt %d, requestTimeEpoch %d, requestTime %q", rc.ConnectedAt, rc.RequestTimeEpoch, rc.RequestTime)
	}
	if _, err := time.Parse(requestTimeLayout, rc.RequestTime); err != nil {
		t.Errorf("requestTime: %v", err)
	}
	if ev.IsBase64Encoded || !bytes.Contains(inv.raw, []byte(`"isBase64Encoded":false`)) {
		t.Errorf("isBase64Encoded missing or true: %s", inv.raw)
	}
}

func TestSubprotocol(t *testing.T) {
	f := newFake(t)
	f.handlers[fnConnect] = func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
		return []byte(`{"statusCode":200,"headers":{"Sec-WebSocket-Protocol":"chat"}}`), nil
	}
	_, srv := start(t, allRoutes(), f, Options{})
	_, resp := dial(t, srv.URL, http.Header{"Sec-Websocket-Protocol": {"chat, superchat"}})
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != "chat" {
		t.Errorf("Sec-WebSocket-Protocol = %q, want chat", got)
	}
}

// TestEchoViaManagementAPI: the $default function replies through the
// gateway's own @connections API over HTTP, as an app's ev.API.Send does.
func TestEchoViaManagementAPI(t *testing.T) {
	for _, prefix := range []string{"/api", ""} {
		t.Run("endpoint"+prefix, func(t *testing.T) {
			f := newFake(t)
			client := &http.Client{}
			t.Cleanup(client.CloseIdleConnections)
			f.handlers[fnMessage] = func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
				rc := ev.RequestContext
				u := "http://" + rc.DomainName + prefix + "/@connections/" + rc.ConnectionID
				resp, body := doRequest(t, client, http.MethodPost, u, []byte(strings.ToUpper(ev.Body)))
				if resp.StatusCode != 200 || body != "" {
					t.Errorf("POST: %d %q", resp.StatusCode, body)
				}
				return []byte(`{"statusCode":200}`), nil
			}
			_, srv := start(t, allRoutes(), f, Options{})
			c, _ := connect(t, srv, f, 1)
			for _, msg := range []string{"hello", "héllo wörld"} {
				c.sendText(msg)
				if op, got := c.readMessage(); op != opText || got != strings.ToUpper(msg) {
					t.Errorf("got opcode %d %q, want text %q", op, got, strings.ToUpper(msg))
				}
			}
		})
	}
}

func TestMessageResponses(t *testing.T) {
	tests := []struct {
		name      string
		out       string
		err       error
		wantOp    byte // 0: nothing is sent back
		wantFrame string
	}{
		{name: "body", out: `{"statusCode":200,"body":"pong"}`, wantOp: opText, wantFrame: "pong"},
		{name: "error status with body", out: `{"statusCode":400,"body":"{\"Code\":\"BadRequestError\"}"}`, wantOp: opText, wantFrame: `{"Code":"BadRequestError"}`},
		{name: "base64 body", out: `{"statusCode":200,"body":"AAEC/w==","isBase64Encoded":true}`, wantOp: opBinary, wantFrame: "\x00\x01\x02\xff"},
		{name: "no body", out: `{"statusCode":200}`},
		{name: "empty body", out: `{"statusCode":200,"body":""}`},
		{name: "no statusCode", out: `{"body":"ignored"}`},
		{name: "null", out: `null`},
		{name: "function error", err: errors.New("boom"), wantOp: opText, wantFrame: `{"message": "Internal server error", "connectionId":"CID", "requestId":"RID"}`},
		{name: "timeout", err: timeoutErr{}, wantOp: opText, wantFrame: `{"message": "Endpoint request timed out", "connectionId":"CID", "requestId":"RID"}`},
		{name: "invalid response", out: `garbage`, wantOp: opText, wantFrame: `{"message": "Internal server error", "connectionId":"CID", "requestId":"RID"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.handlers[fnMessage] = func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
				if ev.Body == "second" {
					return []byte(`{"statusCode":200,"body":"second-ack"}`), nil
				}
				if tt.err != nil {
					return nil, tt.err
				}
				return []byte(tt.out), nil
			}
			_, srv := start(t, allRoutes(), f, Options{})
			c, id := connect(t, srv, f, 1)
			c.sendText("first")
			if tt.wantOp != 0 {
				op, got := c.readMessage()
				rid := f.waitFor(fnMessage, 1).event.RequestContext.RequestID
				want := strings.NewReplacer("CID", id, "RID", rid).Replace(tt.wantFrame)
				if op != tt.wantOp || got != want {
					t.Errorf("got opcode %d %q, want %d %q", op, got, tt.wantOp, want)
				}
			} else {
				f.waitDone(2) // $connect and the message
			}
			// The connection is still usable, and nothing else was sent.
			c.sendText("second")
			if _, got := c.readMessage(); got != "second-ack" {
				t.Errorf("second message answered %q, want second-ack", got)
			}
		})
	}
}

func TestNoDefaultRoute(t *testing.T) {
	f := newFake(t)
	_, srv := start(t, testManifest(manifest.WSConnect, manifest.WSDisconnect), f, Options{})
	c, id := connect(t, srv, f, 1)
	c.sendText(`{"action":"sendmessage"}`)
	_, got := c.readMessage()
	var body map[string]string
	if err := json.Unmarshal([]byte(got), &body); err != nil {
		t.Fatalf("%q: %v", got, err)
	}
	if body["message"] != "Forbidden" || body["connectionId"] != id || body["requestId"] == "" {
		t.Errorf("got %q", got)
	}
	if !strings.HasPrefix(got, `{"message": "Forbidden", "connectionId":"`) {
		t.Errorf("not API Gateway's format: %q", got)
	}
}

func TestMessageEvent(t *testing.T) {
	f := newFake(t)
	_, srv := start(t, allRoutes(), f, Options{})
	c, id := connect(t, srv, f, 1)
	connectedAt := f.waitFor(fnConnect, 1).event.RequestContext.ConnectedAt

	c.sendText(`{"action":"x","text":"hi"}`)
	c.frame(true, opBinary, []byte{0, 1, 2, 0xff})
	text, bin := f.waitFor(fnMessage, 1), f.waitFor(fnMessage, 2)
	if text.event.Body != `{"action":"x","text":"hi"}` { // concurrent invocations: order as recorded
		text, bin = bin, text
	}
	for _, inv := range []invocation{text, bin} {
		rc := inv.event.RequestContext
		if rc.RouteKey != "$default" || rc.EventType != "MESSAGE" || rc.ConnectionID != id || rc.MessageDirection != "IN" ||
			rc.ConnectedAt != connectedAt || rc.Stage != "api" || rc.APIID != LocalAPIID || rc.MessageID == nil || rc.RequestID == "" {
			t.Errorf("requestContext = %+v", rc)
		}
	}
	if text.event.Body != `{"action":"x","text":"hi"}` || text.event.IsBase64Encoded {
		t.Errorf("text event: body %q base64 %v", text.event.Body, text.event.IsBase64Encoded)
	}
	if bin.event.Body != base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 0xff}) || !bin.event.IsBase64Encoded {
		t.Errorf("binary event: body %q base64 %v", bin.event.Body, bin.event.IsBase64Encoded)
	}
}

func TestFragmentedMessage(t *testing.T) {
	f := newFake(t)
	_, srv := start(t, allRoutes(), f, Options{})
	c, _ := connect(t, srv, f, 1)
	check := []byte("✓") // split across frames: valid only once reassembled
	c.frame(false, opText, []byte("Hel"))
	c.frame(false, opContinuation, []byte("lo, wor"))
	c.frame(true, opPing, []byte("mid")) // control frames may be interleaved
	c.frame(false, opContinuation, append([]byte("ld "), check[:1]...))
	c.frame(true, opContinuation, check[1:])
	if f := c.mustRead(); f.opcode != opPong || string(f.payload) != "mid" {
		t.Errorf("got opcode %d %q, want pong", f.opcode, f.payload)
	}
	if got := f.waitFor(fnMessage, 1).event.Body; got != "Hello, world ✓" {
		t.Errorf("body = %q", got)
	}
}

func TestPingPong(t *testing.T) {
	f := newFake(t)
	_, srv := start(t, allRoutes(), f, Options{})
	c, _ := connect(t, srv, f, 1)
	for _, p := range []string{"", "hello", strings.Repeat("p", 125)} {
		c.frame(true, opPing, []byte(p))
		if fr := c.mustRead(); fr.opcode != opPong || string(fr.payload) != p || !fr.fin {
			t.Errorf("ping %q: got opcode %d %q", p, fr.opcode, fr.payload)
		}
	}
	c.frame(true, opPong, []byte("unsolicited")) // ignored
	c.frame(true, opPing, []byte("again"))
	if fr := c.mustRead(); fr.opcode != opPong || string(fr.payload) != "again" {
		t.Errorf("got opcode %d %q", fr.opcode, fr.payload)
	}
	if n := len(f.of(fnMessage)); n != 0 {
		t.Errorf("control frames invoked $default %d times", n)
	}
}

func TestProtocolErrors(t *testing.T) {
	closeFrame := func(code int, reason string) []byte {
		return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
	}
	tests := []struct {
		name     string
		send     func(c *wsClient)
		wantCode int
	}{
		{"unmasked frame", func(c *wsClient) { c.rawFrame(0x80|opText, []byte("hi"), false) }, CloseProtocolError},
		{"message too big", func(c *wsClient) { c.frame(true, opBinary, make([]byte, 1025)) }, CloseMessageTooBig},
		{"huge message", func(c *wsClient) { c.frame(true, opBinary, make([]byte, 4<<20)) }, CloseMessageTooBig},
		{"fragments too big", func(c *wsClient) {
			c.frame(false, opText, bytes.Repeat([]byte("a"), 600))
			c.frame(true, opContinuation, bytes.Repeat([]byte("a"), 600))
		}, CloseMessageTooBig},
		{"invalid UTF-8", func(c *wsClient) { c.frame(true, opText, []byte{'a', 0xff, 'b'}) }, CloseInvalidPayload},
		{"truncated UTF-8", func(c *wsClient) { c.frame(true, opText, []byte("✓")[:2]) }, CloseInvalidPayload},
		{"reserved bit", func(c *wsClient) { c.rawFrame(0x80|0x40|opText, []byte("hi"), true) }, CloseProtocolError},
		{"reserved opcode", func(c *wsClient) { c.frame(true, 0x3, []byte("hi")) }, CloseProtocolError},
		{"reserved control opcode", func(c *wsClient) { c.frame(true, 0xB, nil) }, CloseProtocolError},
		{"continuation without message", func(c *wsClient) { c.frame(true, opContinuation, []byte("hi")) }, CloseProtocolError},
		{"new message inside fragmented one", func(c *wsClient) {
			c.frame(false, opText, []byte("a"))
			c.frame(true, opText, []byte("b"))
		}, CloseProtocolError},
		{"fragmented ping", func(c *wsClient) { c.frame(false, opPing, []byte("a")) }, CloseProtocolError},
		{"long ping", func(c *wsClient) { c.frame(true, opPing, make([]byte, 126)) }, CloseProtocolError},
		{"one-byte close", func(c *wsClient) { c.frame(true, opClose, []byte{3}) }, CloseProtocolError},
		{"reserved close code", func(c *wsClient) { c.frame(true, opClose, closeFrame(1005, "")) }, CloseProtocolError},
		{"unassigned close code", func(c *wsClient) { c.frame(true, opClose, closeFrame(2000, "")) }, CloseProtocolError},
		{"invalid UTF-8 close reason", func(c *wsClient) { c.frame(true, opClose, closeFrame(1000, "\xff")) }, CloseInvalidPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			g, srv := start(t, allRoutes(), f, Options{MaxMessageBytes: 1024})
			c, _ := connect(t, srv, f, 1)
			tt.send(c)
			code, reason := c.expectClose()
			if code != tt.wantCode {
				t.Errorf("close code = %d (%q), want %d", code, reason, tt.wantCode)
			}
			rc := f.waitFor(fnDisconnect, 1).event.RequestContext
			if rc.DisconnectStatusCode != int64(tt.wantCode) || rc.DisconnectReason == nil || *rc.DisconnectReason != reason {
				t.Errorf("disconnect %d %v, want %d %q", rc.DisconnectStatusCode, rc.DisconnectReason, tt.wantCode, reason)
			}
			if n := len(f.of(fnMessage)); n != 0 {
				t.Errorf("$default invoked %d times", n)
			}
			waitConnections(t, g, 0)
		})
	}
}

func TestClientClose(t *testing.T) {
	tests := []struct {
		name       string
		payload    []byte // nil: drop the TCP connection instead
		wantEcho   int
		wantCode   int64
		wantReason string
	}{
		{"close 1000 with reason", append([]byte{0x03, 0xe8}, "bye"...), 1000, 1000, "bye"},
		{"close 4001", []byte{0x0f, 0xa1}, 4001, 4001, ""},
		{"close without code", []byte{}, CloseNoStatus, 1005, "Client-side close frame status not set"},
		{"dropped connection", nil, 0, 1006, "Connection was closed abnormally"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			g, srv := start(t, allRoutes(), f, Options{})
			c, id := connect(t, srv, f, 1)
			waitConnections(t, g, 1)
			if tt.payload == nil {
				_ = c.conn.Close()
			} else {
				c.frame(true, opClose, tt.payload)
				fr := c.mustRead()
				code := CloseNoStatus
				if len(fr.payload) >= 2 {
					code = int(binary.BigEndian.Uint16(fr.payload))
				}
				if fr.opcode != opClose || code != tt.wantEcho {
					t.Errorf("got opcode %d code %d, want close %d", fr.opcode, code, tt.wantEcho)
				}
				if _, err := c.read(); err == nil {
					t.Error("the server did not close the TCP connection after the closing handshake")
				}
			}
			rc := f.waitFor(fnDisconnect, 1).event.RequestContext
			if rc.RouteKey != "$disconnect" || rc.EventType != "DISCONNECT" || rc.ConnectionID != id {
				t.Errorf("requestContext = %+v", rc)
			}
			if rc.DisconnectStatusCode != tt.wantCode || rc.DisconnectReason == nil || *rc.DisconnectReason != tt.wantReason {
				t.Errorf("disconnect %d %v, want %d %q", rc.DisconnectStatusCode, rc.DisconnectReason, tt.wantCode, tt.wantReason)
			}
			waitConnections(t, g, 0)
			_ = g.Close()
			if n := len(f.of(fnDisconnect)); n != 1 {
				t.Errorf("$disconnect invoked %d times, want 1", n)
			}
		})
	}
}

func TestIdleTimeout(t *testing.T) {
	f := newFake(t)
	_, srv := start(t, allRoutes(), f, Options{IdleTimeout: 200 * time.Millisecond})
	c, _ := connect(t, srv, f, 1)
	start := time.Now()
	code, reason := c.expectClose()
	if code != CloseGoingAway || reason != "Going away" {
		t.Errorf("close %d %q, want 1001 Going away", code, reason)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("closed after %v, before the idle timeout", d)
	}
	rc := f.waitFor(fnDisconnect, 1).event.RequestContext
	if rc.DisconnectStatusCode != CloseGoingAway || *rc.DisconnectReason != "Going away" {
		t.Errorf("disconnect %d %q", rc.DisconnectStatusCode, *rc.DisconnectReason)
	}
}

func TestIdleTimeoutResetByActivity(t *testing.T) {
	f := newFake(t)
	_, srv := start(t, allRoutes(), f, Options{IdleTimeout: 300 * time.Millisecond})
	c, _ := connect(t, srv, f, 1)
	for range 5 {
		time.Sleep(100 * time.Millisecond)
		c.frame(true, opPing, nil)
		if fr := c.mustRead(); fr.opcode != opPong {
			t.Fatalf("got opcode %d, want pong (closed while active?)", fr.opcode)
		}
	}
}

func TestManagementGetInfo(t *testing.T) {
	f := newFake(t)
	_, srv := start(t, allRoutes(), f, Options{})
	c, id := connect(t, srv, f, 1)
	c.sendText("activity")
	f.waitFor(fnMessage, 1)
	for _, path := range []string{"/@connections/" + id, "/api/@connections/" + id} {
		resp, body := doRequest(t, srv.Client(), http.MethodGet, srv.URL+path, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		// Decoded as chalice.ConnectionInfo decodes it.
		var info struct {
			ConnectedAt  time.Time `json:"connectedAt"`
			LastActiveAt time.Time `json:"lastActiveAt"`
			Identity     struct {
				SourceIP  string `json:"sourceIp"`
				UserAgent string `json:"userAgent"`
			} `json:"identity"`
		}
		if err := json.Unmarshal([]byte(body), &info); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		connectedAt := f.waitFor(fnConnect, 1).event.RequestContext.ConnectedAt
		if info.ConnectedAt.UnixMilli() != connectedAt {
			t.Errorf("connectedAt %v, want %d ms", info.ConnectedAt, connectedAt)
		}
		if info.LastActiveAt.Before(info.ConnectedAt) || time.Since(info.LastActiveAt) > time.Minute {
			t.Errorf("lastActiveAt %v", info.LastActiveAt)
		}
		if info.Identity.SourceIP != "127.0.0.1" || info.Identity.UserAgent != "wstest/1.0" {
			t.Errorf("identity %+v", info.Identity)
		}
	}
}

func TestManagementDelete(t *testing.T) {
	f := newFake(t)
	g, srv := start(t, allRoutes(), f, Options{})
	c, id := connect(t, srv, f, 1)
	waitConnections(t, g, 1)
	u := srv.URL + "/api/@connections/" + id
	resp, body := doRequest(t, srv.Client(), http.MethodDelete, u, nil)
	if resp.StatusCode != http.StatusNoContent || body != "" {
		t.Fatalf("DELETE: %d %q", resp.StatusCode, body)
	}
	if code, _ := c.expectClose(); code != CloseNormal {
		t.Errorf("close code %d, want 1000", code)
	}
	rc := f.waitFor(fnDisconnect, 1).event.RequestContext
	if rc.DisconnectStatusCode != CloseNormal || rc.ConnectionID != id {
		t.Errorf("disconnect %+v", rc)
	}
	waitConnections(t, g, 0)
	for _, method := range []string{http.MethodPost, http.MethodGet, http.MethodDelete} {
		if resp, _ := doRequest(t, srv.Client(), method, u, []byte("x")); resp.StatusCode != http.StatusGone {
			t.Errorf("%s after DELETE: %d, want 410", method, resp.StatusCode)
		}
	}
	_ = g.Close()
	if n := len(f.of(fnDisconnect)); n != 1 {
		t.Errorf("$disconnect invoked %d times, want 1", n)
	}
}

func TestManagementGone(t *testing.T) {
	_, srv := start(t, allRoutes(), newFake(t), Options{})
	for _, method := range []string{http.MethodPost, http.MethodGet, http.MethodDelete} {
		for _, path := range []string{"/@connections/L0SM9cOFvHcCIhw=", "/api/@connections/L0SM9cOFvHcCIhw="} {
			resp, body := doRequest(t, srv.Client(), method, srv.URL+path, []byte("hi"))
			if resp.StatusCode != http.StatusGone || body != `{"message": "Gone"}` || resp.Header.Get("x-amzn-ErrorType") != "GoneException" {
				t.Errorf("%s %s: %d %q", method, path, resp.StatusCode, body)
			}
		}
	}
	for _, tt := range []struct{ method, path string }{{"PUT", "/@connections/abc="}, {"GET", "/@connections/"}, {"GET", "/@connections/a/b"}} {
		if resp, body := doRequest(t, srv.Client(), tt.method, srv.URL+tt.path, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s: %d %q, want 403", tt.method, tt.path, resp.StatusCode, body)
		}
	}
}

func TestManagementPost(t *testing.T) {
	f := newFake(t)
	_, srv := start(t, allRoutes(), f, Options{MaxMessageBytes: 1024})
	c, id := connect(t, srv, f, 1)
	u := srv.URL + "/@connections/" + id
	tests := []struct {
		body   []byte
		wantOp byte
	}{
		{[]byte(`{"text":"hi ✓"}`), opText},
		{[]byte{0xde, 0xad, 0xbe, 0xef}, opBinary},
		{bytes.Repeat([]byte("x"), 1024), opText},
	}
	for _, tt := range tests {
		if resp, body := doRequest(t, srv.Client(), http.MethodPost, u, tt.body); resp.StatusCode != 200 {
			t.Fatalf("POST: %d %s", resp.StatusCode, body)
		}
		if op, got := c.readMessage(); op != tt.wantOp || got != string(tt.body) {
			t.Errorf("got opcode %d %q, want %d %q", op, got, tt.wantOp, tt.body)
		}
	}
	if resp, body := doRequest(t, srv.Client(), http.MethodPost, u, make([]byte, 1025)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized POST: %d %s, want 413", resp.StatusCode, body)
	}
}

// TestConcurrentWrites: management API sends, message responses and pongs
// racing on one connection arrive as intact frames.
func TestConcurrentWrites(t *testing.T) {
	f := newFake(t)
	f.handlers[fnMessage] = func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
		return json.Marshal(map[string]any{"statusCode": 200, "body": "re:" + ev.Body})
	}
	_, srv := start(t, allRoutes(), f, Options{})
	c, id := connect(t, srv, f, 1)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf("post-%d|%s", i, strings.Repeat("x", i*100))
			if resp, out := doRequest(t, srv.Client(), http.MethodPost, srv.URL+"/@connections/"+id, []byte(body)); resp.StatusCode != 200 {
				t.Errorf("POST: %d %s", resp.StatusCode, out)
			}
		})
	}
	for i := range n {
		c.sendText(fmt.Sprintf("msg-%d", i))
		c.frame(true, opPing, []byte(fmt.Sprint(i)))
	}
	var got, want []string
	for i := range n {
		want = append(want, fmt.Sprintf("re:msg-%d", i), fmt.Sprintf("post-%d", i))
	}
	pongs := 0
	for len(got) < len(want) || pongs < n {
		fr := c.mustRead()
		switch fr.opcode {
		case opPong:
			pongs++
		case opText:
			msg, pad, isPost := strings.Cut(string(fr.payload), "|")
			if isPost && len(pad)%100 != 0 || strings.Trim(pad, "x") != "" {
				t.Errorf("corrupted message %q", fr.payload)
			}
			got = append(got, msg)
		default:
			t.Fatalf("unexpected opcode %d", fr.opcode)
		}
	}
	wg.Wait()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestCloseDisconnectsAll(t *testing.T) {
	f := newFake(t)
	g, srv := start(t, allRoutes(), f, Options{})
	const n = 3
	var clients []*wsClient
	for i := range n {
		c, _ := connect(t, srv, f, i+1)
		clients = append(clients, c)
	}
	waitConnections(t, g, n)
	var codes []<-chan int
	for _, c := range clients {
		codes = append(codes, c.closeAsync())
	}
	start := time.Now()
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > closeGrace {
		t.Errorf("Close took %v with cooperative clients", d)
	}
	if got := len(f.of(fnDisconnect)); got != n { // Close waited for them
		t.Errorf("$disconnect invoked %d times, want %d", got, n)
	}
	for _, ch := range codes {
		if code := <-ch; code != CloseGoingAway {
			t.Errorf("close code %d, want 1001", code)
		}
	}
	if g.Connections() != 0 {
		t.Errorf("Connections() = %d after Close", g.Connections())
	}
	ids := map[string]bool{}
	for _, inv := range f.of(fnDisconnect) {
		rc := inv.event.RequestContext
		ids[rc.ConnectionID] = true
		if rc.DisconnectStatusCode != CloseGoingAway {
			t.Errorf("disconnect code %d", rc.DisconnectStatusCode)
		}
	}
	if len(ids) != n {
		t.Errorf("$disconnect for %d distinct connections, want %d", len(ids), n)
	}
	if _, resp := dial(t, srv.URL, nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("upgrade after Close: %d, want 503", resp.StatusCode)
	}
	if err := g.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
}

// TestCloseWaitsForInflight: Close waits for message invocations, then
// sends $disconnect.
func TestCloseWaitsForInflight(t *testing.T) {
	f := newFake(t)
	release := make(chan struct{})
	f.handlers[fnMessage] = func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
		<-release
		return []byte(`{"statusCode":200,"body":"late"}`), nil
	}
	g, srv := start(t, allRoutes(), f, Options{})
	c, _ := connect(t, srv, f, 1)
	c.sendText("slow")
	f.waitFor(fnMessage, 1)
	c.closeAsync()
	closed := make(chan struct{})
	go func() { _ = g.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned with an invocation in flight")
	case <-time.After(100 * time.Millisecond):
	}
	if n := len(f.of(fnDisconnect)); n != 0 {
		t.Errorf("$disconnect before the in-flight message finished")
	}
	close(release)
	<-closed
	if n := len(f.of(fnDisconnect)); n != 1 {
		t.Errorf("$disconnect invoked %d times, want 1", n)
	}
}

func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		f := newFake(t)
		client := &http.Client{Transport: &http.Transport{}}
		defer client.CloseIdleConnections()
		f.handlers[fnMessage] = func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
			rc := ev.RequestContext
			doRequest(t, client, http.MethodPost, "http://"+rc.DomainName+"/api/@connections/"+rc.ConnectionID, []byte("echo"))
			return []byte(`{"statusCode":200,"body":"re"}`), nil
		}
		g, err := New(allRoutes(), f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(g)
		defer srv.Close()
		c1, _ := connect(t, srv, f, 1)
		c2, id2 := connect(t, srv, f, 2)
		c1.sendText("a")
		c1.readMessage()
		c1.readMessage()
		doRequest(t, client, http.MethodDelete, srv.URL+"/@connections/"+id2, nil)
		c2.expectClose()
		f.waitFor(fnDisconnect, 1)
		c1.closeAsync()
		_ = g.Close()
		srv.CloseClientConnections()
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		after := runtime.NumGoroutine()
		if after <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
