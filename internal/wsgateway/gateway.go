package wsgateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gochalice/chalice/manifest"
)

// LocalAPIID is the API id in every event, as the REST gateway emulator
// uses.
const LocalAPIID = "ymy8tbxw7b"

// Defaults, as API Gateway.
const (
	DefaultMaxMessageBytes = 128 << 10
	DefaultIdleTimeout     = 10 * time.Minute
)

// Invoker runs one invocation of a function of the app. It has the shape
// of gateway.Invoker, so the same implementation serves both gateways.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) ([]byte, error)
}

// InvokerFunc adapts a function to Invoker.
type InvokerFunc func(ctx context.Context, function string, payload []byte) ([]byte, error)

// Invoke calls f.
func (f InvokerFunc) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	return f(ctx, function, payload)
}

// TimeoutError is what an Invoker returns when the function ran past its
// timeout.
type TimeoutError interface{ Timeout() bool }

// Options configure a Gateway.
type Options struct {
	// Stage is the API Gateway stage name (default "api"). It appears in
	// events and in the /{stage}/@connections/{id} form of the
	// management API.
	Stage string
	// Warn receives warnings: unreadable function responses and failed
	// $disconnect invocations, which would otherwise go unnoticed.
	Warn func(string)
	// MaxMessageBytes bounds a client message, all fragments together
	// (default DefaultMaxMessageBytes); larger ones close the connection
	// with 1009. It also bounds management API POST bodies (413).
	MaxMessageBytes int64
	// IdleTimeout closes a connection (1001 Going away) when the client
	// sent nothing for this long (default DefaultIdleTimeout).
	IdleTimeout time.Duration
}

// Gateway is an http.Handler emulating an API Gateway websocket API for
// one app. Create it with New and release it with Close.
type Gateway struct {
	opts   Options
	inv    Invoker
	routes map[string]string // route key → function name

	mu     sync.Mutex
	closed bool
	conns  map[string]*conn
	wg     sync.WaitGroup // upgrades in progress and live connections
}

// New returns a gateway for the websocket handlers of the app described
// by m. It fails if the app has none.
func New(m *manifest.Manifest, inv Invoker, opts Options) (*Gateway, error) {
	if m == nil || len(m.Websocket) == 0 {
		return nil, errors.New("wsgateway: the app has no websocket handlers")
	}
	if inv == nil {
		return nil, errors.New("wsgateway: nil Invoker")
	}
	if opts.Stage == "" {
		opts.Stage = manifest.DefaultAPIStage
	}
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	g := &Gateway{opts: opts, inv: inv, routes: map[string]string{}, conns: map[string]*conn{}}
	for _, h := range m.Websocket {
		switch h.RouteKey {
		case manifest.WSConnect, manifest.WSDefault, manifest.WSDisconnect:
		default:
			return nil, fmt.Errorf("wsgateway: unsupported websocket route key %q (valid: $connect, $default, $disconnect)", h.RouteKey)
		}
		if h.Function == "" {
			return nil, fmt.Errorf("wsgateway: websocket route %s has no function", h.RouteKey)
		}
		if _, dup := g.routes[h.RouteKey]; dup {
			return nil, fmt.Errorf("wsgateway: duplicate websocket route %s", h.RouteKey)
		}
		g.routes[h.RouteKey] = h.Function
	}
	return g, nil
}

// IsWebsocketRequest reports whether r is for this gateway: a websocket
// upgrade (any path) or a management API call (/@connections/… or
// /{stage}/@connections/…). gochalice local uses it to share one port with
// the REST gateway.
func (g *Gateway) IsWebsocketRequest(r *http.Request) bool {
	if headerHasToken(r.Header, "Upgrade", "websocket") {
		return true
	}
	_, ok := g.managementPath(r.URL.Path)
	return ok
}

// ServeHTTP answers a websocket upgrade or a management API call.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := g.managementPath(r.URL.Path); ok {
		g.serveManagement(w, r, rest)
		return
	}
	if !headerHasToken(r.Header, "Upgrade", "websocket") {
		writeJSON(w, http.StatusBadRequest, "", `{"message": "Expected a websocket upgrade request"}`)
		return
	}
	g.serveUpgrade(w, r)
}

// Connections returns the number of open connections.
func (g *Gateway) Connections() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.conns)
}

// Close closes every connection with 1001 (Going away), invokes
// $disconnect for each and waits for them and for in-flight invocations.
// Later upgrades are answered 503. Connections are hijacked from the
// http.Server, so its Shutdown does not close them: call Close.
func (g *Gateway) Close() error {
	g.mu.Lock()
	g.closed = true
	conns := make([]*conn, 0, len(g.conns))
	for _, c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.sendClose(CloseGoingAway, "Going away")
	}
	g.wg.Wait()
	return nil
}

func (g *Gateway) lookup(id string) *conn {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.conns[id]
}

func (g *Gateway) remove(c *conn) {
	g.mu.Lock()
	delete(g.conns, c.id)
	g.mu.Unlock()
}

// serveUpgrade runs one connection from handshake to $disconnect.
func (g *Gateway) serveUpgrade(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	key := strings.TrimSpace(r.Header.Get("Sec-WebSocket-Key"))
	if k, err := base64.StdEncoding.DecodeString(key); err != nil || len(k) != handshakeKeyBytes ||
		r.Method != http.MethodGet || !headerHasToken(r.Header, "Connection", "upgrade") {
		writeJSON(w, http.StatusBadRequest, reqID, `{"message": "Bad websocket handshake"}`)
		return
	}
	if v := r.Header.Get("Sec-WebSocket-Version"); v != websocketVersion {
		w.Header().Set("Sec-WebSocket-Version", websocketVersion)
		writeJSON(w, http.StatusUpgradeRequired, reqID, `{"message": "Unsupported websocket version"}`)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeJSON(w, http.StatusInternalServerError, reqID, `{"message": "Websocket upgrade not supported by this server"}`)
		return
	}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, reqID, `{"message": "Service Unavailable"}`)
		return
	}
	g.wg.Add(1)
	g.mu.Unlock()
	defer g.wg.Done()

	now := time.Now()
	c := &conn{
		id:          newConnectionID(),
		connectedAt: now,
		sourceIP:    sourceIP(r),
		userAgent:   r.UserAgent(),
		domainName:  r.Host,
	}
	c.lastActive.Store(now.UnixNano())

	protocol, ok := g.invokeConnect(w, r, c, reqID, now)
	if !ok {
		return
	}

	// Accepted: from here on the connection gets exactly one $disconnect.
	nc, brw, err := hj.Hijack()
	if err != nil {
		g.opts.Warn(fmt.Sprintf("websocket upgrade: %v", err))
		c.setDisconnect(CloseAbnormal, "Connection was closed abnormally")
		g.invokeDisconnect(c)
		return
	}
	c.nc, c.br = nc, brw.Reader
	var hs bytes.Buffer
	hs.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
	hs.WriteString("Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n")
	if protocol != "" && !strings.ContainsAny(protocol, "\r\n") {
		hs.WriteString("Sec-WebSocket-Protocol: " + protocol + "\r\n")
	}
	hs.WriteString("\r\n")
	// Registered before the 101 is written, under the write lock, so that
	// a management API call made as soon as the client sees the 101 finds
	// the connection, and its frame follows the 101.
	c.wmu.Lock()
	g.mu.Lock()
	closed := g.closed
	if !closed {
		g.conns[c.id] = c
	}
	g.mu.Unlock()
	_ = nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err = nc.Write(hs.Bytes())
	c.wmu.Unlock()
	if err != nil {
		g.remove(c)
		_ = nc.Close()
		c.setDisconnect(CloseAbnormal, "Connection was closed abnormally")
		g.invokeDisconnect(c)
		return
	}
	if closed {
		c.sendClose(CloseGoingAway, "Going away")
	}

	c.readLoop(g.opts.IdleTimeout, g.opts.MaxMessageBytes, func(data []byte, binary bool) {
		g.onMessage(c, data, binary)
	})
	c.shutdown()
	g.remove(c)
	c.inflight.Wait()
	g.invokeDisconnect(c)
}

// invokeConnect runs the $connect function, if the app has one, before the
// handshake is answered. It reports false when it refused the connection
// (the response is written), else the subprotocol to accept.
func (g *Gateway) invokeConnect(w http.ResponseWriter, r *http.Request, c *conn, reqID string, now time.Time) (string, bool) {
	fn := g.routes[manifest.WSConnect]
	if fn == "" {
		return "", true
	}
	payload, err := json.Marshal(g.connectEvent(r, c, reqID, now))
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, reqID, `{"message": "Internal server error"}`)
		return "", false
	}
	out, err := g.inv.Invoke(r.Context(), fn, payload)
	if err != nil {
		if te := TimeoutError(nil); errors.As(err, &te) && te.Timeout() {
			writeJSON(w, http.StatusGatewayTimeout, reqID, `{"message": "Endpoint request timed out"}`)
			return "", false
		}
		writeJSON(w, http.StatusInternalServerError, reqID, `{"message": "Internal server error"}`)
		return "", false
	}
	resp, err := decodeResponse(out)
	if err != nil {
		g.opts.Warn(fmt.Sprintf("%s: %v", fn, err))
		writeJSON(w, http.StatusInternalServerError, reqID, `{"message": "Internal server error"}`)
		return "", false
	}
	if resp.StatusCode != 0 && (resp.StatusCode < 200 || resp.StatusCode > 299) {
		writeRefusal(w, reqID, resp)
		return "", false
	}
	return resp.header("Sec-WebSocket-Protocol"), true
}

// onMessage routes one client message to $default.
func (g *Gateway) onMessage(c *conn, data []byte, binary bool) {
	reqID := newRequestID()
	fn := g.routes[manifest.WSDefault]
	if fn == "" {
		// No route matched and there is no $default route.
		_ = c.write(opText, errorFrame("Forbidden", c.id, reqID))
		return
	}
	payload, err := json.Marshal(g.messageEvent(c, data, binary, reqID))
	if err != nil {
		_ = c.write(opText, errorFrame("Internal server error", c.id, reqID))
		return
	}
	c.inflight.Add(1)
	go func() {
		defer c.inflight.Done()
		// Not tied to the connection: like Lambda, an invocation runs to
		// completion when the client goes away.
		out, err := g.inv.Invoke(context.Background(), fn, payload)
		if err != nil {
			msg := "Internal server error"
			if te := TimeoutError(nil); errors.As(err, &te) && te.Timeout() {
				msg = "Endpoint request timed out"
			}
			_ = c.write(opText, errorFrame(msg, c.id, reqID))
			return
		}
		resp, err := decodeResponse(out)
		if err != nil {
			g.opts.Warn(fmt.Sprintf("%s: %v", fn, err))
			_ = c.write(opText, errorFrame("Internal server error", c.id, reqID))
			return
		}
		// The route response: only a response with a statusCode and a
		// non-empty body is sent back (see the package documentation).
		if resp.StatusCode == 0 || resp.Body == nil || *resp.Body == "" {
			return
		}
		if resp.IsBase64Encoded {
			b, err := base64.StdEncoding.DecodeString(*resp.Body)
			if err != nil {
				g.opts.Warn(fmt.Sprintf("%s: response body is not valid base64: %v", fn, err))
				_ = c.write(opText, errorFrame("Internal server error", c.id, reqID))
				return
			}
			_ = c.write(opBinary, b)
			return
		}
		_ = c.write(opText, []byte(*resp.Body))
	}()
}

// invokeDisconnect sends the DISCONNECT event, once per connection (its
// single caller runs once per accepted connection).
func (g *Gateway) invokeDisconnect(c *conn) {
	fn := g.routes[manifest.WSDisconnect]
	if fn == "" {
		return
	}
	code, reason := c.disconnect()
	payload, err := json.Marshal(g.disconnectEvent(c, code, reason))
	if err != nil {
		return
	}
	out, err := g.inv.Invoke(context.Background(), fn, payload)
	if err != nil {
		g.opts.Warn(fmt.Sprintf("%s (connection %s): %v", fn, c.id, err))
		return
	}
	if _, err := decodeResponse(out); err != nil {
		g.opts.Warn(fmt.Sprintf("%s: %v", fn, err))
	}
}

// errorFrame is API Gateway's error message to a client, spacing included.
func errorFrame(message, connectionID, requestID string) []byte {
	return fmt.Appendf(nil, `{"message": %s, "connectionId":%s, "requestId":%s}`,
		strconv.Quote(message), strconv.Quote(connectionID), strconv.Quote(requestID))
}

// response is a function's proxy response.
type response struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              *string             `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// decodeResponse reads a function's answer; null (a function returning
// nothing) is a response without a statusCode.
func decodeResponse(out []byte) (*response, error) {
	var resp response
	if len(bytes.TrimSpace(out)) == 0 {
		return &resp, nil
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		return nil, fmt.Errorf("invalid websocket response %.200q: %w", out, err)
	}
	if resp.StatusCode != 0 && (resp.StatusCode < 100 || resp.StatusCode > 599) {
		return nil, fmt.Errorf("invalid websocket response: statusCode %d", resp.StatusCode)
	}
	return &resp, nil
}

// header returns a response header, looked up case-insensitively.
func (r *response) header(name string) string {
	for k, vs := range r.MultiValueHeaders {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[len(vs)-1]
		}
	}
	for k, v := range r.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// writeRefusal answers a handshake $connect refused with the function's
// status, headers and body.
func writeRefusal(w http.ResponseWriter, reqID string, resp *response) {
	var body []byte
	if resp.Body != nil {
		body = []byte(*resp.Body)
		if resp.IsBase64Encoded {
			if b, err := base64.StdEncoding.DecodeString(*resp.Body); err == nil {
				body = b
			}
		}
	}
	h := w.Header()
	for k, v := range resp.Headers {
		h[http.CanonicalHeaderKey(k)] = []string{v}
	}
	for k, vs := range resp.MultiValueHeaders {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	h.Del("Content-Length")
	h.Del("Transfer-Encoding")
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	h.Set("x-amzn-RequestId", reqID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

// writeJSON writes a JSON body with API Gateway's request id header.
func writeJSON(w http.ResponseWriter, status int, reqID, body string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if reqID != "" {
		h.Set("x-amzn-RequestId", reqID)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// headerHasToken reports whether a comma-separated header contains token
// (case-insensitively).
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || host == "" {
		return "127.0.0.1"
	}
	return host
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newConnectionID returns an id like API Gateway's "L0SM9cOFvHcCIhw=".
func newConnectionID() string { return newID(15) + "=" }

// newRequestID returns an id like API Gateway's websocket request ids.
func newRequestID() string { return newID(12) + "=" }

// newID returns n random characters from [A-Za-z0-9], URL-safe, in the
// style of API Gateway's connection and request ids.
func newID(n int) string {
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			// 248 = 4*62: rejection keeps the distribution uniform.
			if b < 248 && len(out) < n {
				out = append(out, idAlphabet[b%62])
			}
		}
	}
	return string(out)
}

// queryParams returns API Gateway's single- and multi-value query maps
// (nil when there is no query).
func queryParams(u *url.URL) (map[string]string, map[string][]string) {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil || len(q) == 0 {
		return nil, nil
	}
	single := make(map[string]string, len(q))
	for k, vs := range q {
		single[k] = vs[len(vs)-1]
	}
	return single, q
}
