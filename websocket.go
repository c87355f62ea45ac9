package chalice

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/gochalice/chalice/manifest"
)

// WebsocketEvent is what websocket handlers receive.
type WebsocketEvent struct {
	events.APIGatewayWebsocketProxyRequest
	DomainName   string
	Stage        string
	ConnectionID string
	Body         string
	// API sends to this event's websocket API (and to its connections).
	API *WebsocketAPI
}

// JSONBody decodes the message body into v; invalid JSON is a
// BadRequestError("Error Parsing JSON").
func (e *WebsocketEvent) JSONBody(v any) error {
	if err := json.Unmarshal([]byte(e.Body), v); err != nil {
		return BadRequestError("Error Parsing JSON").Wrap(err)
	}
	return nil
}

// WebsocketHandler handles a websocket connect, message or disconnect. A
// nil response means status 200.
type WebsocketHandler func(ctx context.Context, ev *WebsocketEvent) (*Response, error)

type wsEntry struct {
	routeKey string
	function string
	fn       WebsocketHandler
	grants   []grant
}

func (r *registry) addWS(routeKey, function, method string, fn WebsocketHandler, opts []WebsocketOption) {
	// Name is accepted, as Chalice's on_ws_* decorators accept name=; the
	// functions keep their fixed names.
	o := eventConfigOf(opts, WebsocketOption.applyWebsocket)
	if !r.begin(func() string { return method + " handler" }) {
		return
	}
	defer r.mu.Unlock()
	if fn == nil {
		r.problem("%s: handler is nil", method)
		return
	}
	for _, w := range r.websocket {
		if w.routeKey == routeKey {
			r.problem("Duplicate websocket handler: '%s'. There can only be one handler for each websocket route (%s).", method, routeKey)
			return
		}
	}
	r.websocket = append(r.websocket, &wsEntry{routeKey: routeKey, function: function, fn: fn, grants: o.grants})
}

// OnWSConnect handles websocket $connect (Lambda websocket_connect).
// Option: Name.
func (r *registry) OnWSConnect(fn WebsocketHandler, opts ...WebsocketOption) {
	r.addWS(manifest.WSConnect, "websocket_connect", "OnWSConnect", fn, opts)
}

// OnWSMessage handles websocket messages, route $default (Lambda
// websocket_message). Option: Name.
func (r *registry) OnWSMessage(fn WebsocketHandler, opts ...WebsocketOption) {
	r.addWS(manifest.WSDefault, "websocket_message", "OnWSMessage", fn, opts)
}

// OnWSDisconnect handles websocket $disconnect (Lambda
// websocket_disconnect). Option: Name.
func (r *registry) OnWSDisconnect(fn WebsocketHandler, opts ...WebsocketOption) {
	r.addWS(manifest.WSDisconnect, "websocket_disconnect", "OnWSDisconnect", fn, opts)
}

// WebsocketEndpointEnv overrides the management endpoint (used by
// gochalice local, which serves @connections itself).
const WebsocketEndpointEnv = "GOCHALICE_WEBSOCKET_ENDPOINT"

// WebsocketAPI sends messages to, closes and describes websocket
// connections through API Gateway's management API (@connections),
// signing requests with SigV4. Configure it with an aws.Config (Chalice
// requires app.websocket_api.session to be set); the endpoint is taken from
// the websocket event being handled unless Endpoint is set.
type WebsocketAPI struct {
	// Endpoint is https://{api-id}.execute-api.{region}.amazonaws.com/{stage}.
	Endpoint   string
	Region     string
	HTTPClient *http.Client

	mu    sync.RWMutex
	creds aws.CredentialsProvider
}

// Configure sets credentials and region from an aws.Config.
func (w *WebsocketAPI) Configure(cfg aws.Config) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.creds = cfg.Credentials
	if cfg.Region != "" {
		w.Region = cfg.Region
	}
	if cfg.HTTPClient != nil {
		if c, ok := cfg.HTTPClient.(*http.Client); ok {
			w.HTTPClient = c
		}
	}
}

// forEvent returns a client for the event's API, sharing credentials.
func (w *WebsocketAPI) forEvent(apiID, domain, stage string) *WebsocketAPI {
	w.mu.RLock()
	defer w.mu.RUnlock()
	c := &WebsocketAPI{Endpoint: w.Endpoint, Region: w.Region, HTTPClient: w.HTTPClient, creds: w.creds}
	if c.Region == "" {
		c.Region = firstEnv("AWS_REGION", "AWS_DEFAULT_REGION")
	}
	if env := os.Getenv(WebsocketEndpointEnv); env != "" && c.Endpoint == "" {
		c.Endpoint = strings.TrimRight(env, "/")
	}
	if c.Endpoint == "" {
		host := domain
		if host == "" || !strings.Contains(host, ".") {
			suffix := "amazonaws.com"
			if strings.HasPrefix(c.Region, "cn-") {
				suffix = "amazonaws.com.cn"
			}
			host = fmt.Sprintf("%s.execute-api.%s.%s", apiID, c.Region, suffix)
		}
		c.Endpoint = "https://" + host + "/" + stage
	}
	return c
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// ConnectionInfo is GetConnection's answer.
type ConnectionInfo struct {
	ConnectedAt  time.Time `json:"connectedAt"`
	LastActiveAt time.Time `json:"lastActiveAt"`
	Identity     struct {
		SourceIP  string `json:"sourceIp"`
		UserAgent string `json:"userAgent"`
	} `json:"identity"`
}

// Send posts a message to a connection.
func (w *WebsocketAPI) Send(ctx context.Context, connectionID string, data []byte) error {
	_, err := w.call(ctx, http.MethodPost, connectionID, data)
	return err
}

// Close disconnects a connection.
func (w *WebsocketAPI) Close(ctx context.Context, connectionID string) error {
	_, err := w.call(ctx, http.MethodDelete, connectionID, nil)
	return err
}

// Info describes a connection.
func (w *WebsocketAPI) Info(ctx context.Context, connectionID string) (*ConnectionInfo, error) {
	body, err := w.call(ctx, http.MethodGet, connectionID, nil)
	if err != nil {
		return nil, err
	}
	var info ConnectionInfo
	if err := json.Unmarshal(body, &info); err != nil {
		return nil, fmt.Errorf("websocket: decoding connection info: %w", err)
	}
	return &info, nil
}

func (w *WebsocketAPI) call(ctx context.Context, method, connectionID string, data []byte) ([]byte, error) {
	w.mu.RLock()
	endpoint, region, creds, client := w.Endpoint, w.Region, w.creds, w.HTTPClient
	w.mu.RUnlock()
	if endpoint == "" {
		return nil, fmt.Errorf("websocket: no endpoint: use the WebsocketAPI of the event (ev.API) or set Endpoint")
	}
	if client == nil {
		client = http.DefaultClient
	}
	u := endpoint + "/@connections/" + url.PathEscape(connectionID)
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("websocket: %w", err)
	}
	if creds != nil {
		c, err := creds.Retrieve(ctx)
		if err != nil {
			return nil, fmt.Errorf("websocket: retrieving credentials: %w", err)
		}
		sum := sha256.Sum256(data)
		if err := v4.NewSigner().SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), "execute-api", region, time.Now()); err != nil {
			return nil, fmt.Errorf("websocket: signing: %w", err)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("websocket: %s %s: %w", method, connectionID, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusGone:
		return nil, &WebsocketDisconnectedError{ConnectionID: connectionID}
	case resp.StatusCode >= 300:
		return nil, fmt.Errorf("websocket: %s connection %s: status %d: %s", method, connectionID, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return body, nil
}
