package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gochalice/chalice/internal/gateway/check"
	"github.com/gochalice/chalice/internal/proxyevent"
	"github.com/gochalice/chalice/manifest"
)

// APIURL is a Lambda Function URL in front of the API handler (api_type
// "url"): every request goes to the function, with no routing, stage or
// authorizer in between.
const APIURL = "url"

// LocalURLID is the URL ID of the API handler's emulated Function URL:
// its domain is <LocalURLID>.lambda-url.<LocalRegion>.on.aws. Other
// functions' URLs have IDs of their own (LocalURLIDFor).
const LocalURLID = "l0ca1ymy8tbxw7bfunctionur1000000"

// LocalURLIDFor is the URL ID of function's emulated Function URL:
// LocalURLID for the API handler; for any other function 32 lowercase
// letters and digits, like a real URL ID, that depend only on its name
// (so they stay the same across reloads).
func LocalURLIDFor(function string) string {
	if function == "" || function == manifest.APIHandlerName {
		return LocalURLID
	}
	h := fnv.New32a()
	_, _ = io.WriteString(h, function)
	id := strconv.FormatUint(uint64(h.Sum32()), 36)
	return LocalURLID[:len(LocalURLID)-7] + strings.Repeat("0", 7-len(id)) + id
}

// Function URL invoke modes and auth types (config.json's
// function_url_invoke_mode and function_url_auth_type).
const (
	InvokeModeBuffered = "BUFFERED"
	InvokeModeStream   = "RESPONSE_STREAM"
	AuthNone           = "NONE"
	AuthIAM            = "AWS_IAM"
)

// StreamContentType is the content type of a streamed Function URL
// response: a JSON prelude (statusCode, headers, cookies), eight NUL bytes,
// then the body.
const StreamContentType = "application/vnd.awslambda.http-integration-response"

// maxPreludeBytes bounds the JSON prelude of a streamed response.
const maxPreludeBytes = 1 << 20

// URLOptions configure the Function URL front end (Options.API "url").
type URLOptions struct {
	// Function is the function the URL invokes: api_handler (default),
	// which serves the routes, or a pure Lambda (App.LambdaFunction) with
	// function_url. A pure Lambda's URL has no CORS configuration (the
	// routes' CORS settings are the API handler's), and the routes'
	// authorizers and API keys do not concern it.
	Function string
	// AuthType is NONE (default) or AWS_IAM. Requests are not checked
	// locally either way: with AWS_IAM the gateway warns once that SigV4
	// signatures are not verified and fills the event's IAM identity with
	// local values.
	AuthType string
	// InvokeMode is BUFFERED (default) or RESPONSE_STREAM: with the latter
	// and an Invoker that is a StreamInvoker, a streamed response reaches
	// the client as the function writes it.
	InvokeMode string
}

// Stream is a function's response as it is written (StreamInvoker).
type Stream struct {
	ContentType string        // the runtime's Content-Type for the response
	Body        io.ReadCloser // ends with io.EOF, or with the error that cut the response short
}

// StreamInvoker is an Invoker that can also hand back a response as it is
// streamed; the Function URL front end in RESPONSE_STREAM mode uses it.
type StreamInvoker interface {
	Invoker
	InvokeStream(ctx context.Context, function string, payload []byte) (*Stream, error)
}

// functionURL is what the Function URL front end needs beyond Options.
type functionURL struct {
	cors     *httpCORS // nil: no preflights answered, no CORS headers added
	stream   StreamInvoker
	function string // the function invoked
	id       string // the URL ID (LocalURLIDFor)
	auth     string
	mode     string
}

func newFunctionURL(m *manifest.Manifest, inv Invoker, o URLOptions) (*functionURL, error) {
	u := &functionURL{function: o.Function, auth: o.AuthType, mode: o.InvokeMode}
	if u.function == "" {
		u.function = manifest.APIHandlerName
	}
	u.id = LocalURLIDFor(u.function)
	if u.auth == "" {
		u.auth = AuthNone
	}
	if u.mode == "" {
		u.mode = InvokeModeBuffered
	}
	switch {
	case u.auth != AuthNone && u.auth != AuthIAM:
		return nil, fmt.Errorf("gateway: Function URL of %s: unknown auth type %q (valid: NONE, AWS_IAM)", u.function, o.AuthType)
	case u.mode != InvokeModeBuffered && u.mode != InvokeModeStream:
		return nil, fmt.Errorf("gateway: Function URL of %s: unknown invoke mode %q (valid: BUFFERED, RESPONSE_STREAM)", u.function, o.InvokeMode)
	}
	if si, ok := inv.(StreamInvoker); ok && u.mode == InvokeModeStream {
		u.stream = si
	}
	if u.function != manifest.APIHandlerName {
		if !hasFunction(m, u.function) {
			return nil, fmt.Errorf("gateway: Function URL of %q: app %s has no such function (functions: %s)", u.function, m.App, strings.Join(functionNames(m), ", "))
		}
		return u, nil // no routes behind it: nothing to refuse, no CORS
	}
	fe := m.URLFrontEnd()
	if len(fe.Problems) > 0 {
		return nil, fmt.Errorf("gateway: a Function URL serves the routes (--api url, api_type \"url\"): %s; serve them as a REST or HTTP API instead (--api rest|http)", strings.Join(fe.Problems, "; "))
	}
	u.cors = urlCORS(fe)
	return u, nil
}

func hasFunction(m *manifest.Manifest, name string) bool {
	for _, f := range m.Functions {
		if f.Name == name {
			return true
		}
	}
	return false
}

func functionNames(m *manifest.Manifest) []string {
	names := make([]string, 0, len(m.Functions))
	for _, f := range m.Functions {
		names = append(names, f.Name)
	}
	return names
}

// urlCORS is the URL's CORS configuration as the gateway applies it.
func urlCORS(fe manifest.URLFrontEnd) *httpCORS {
	c := fe.CORS
	if c == nil {
		return nil
	}
	out := &httpCORS{origin: c.AllowOrigin, allowHeaders: strings.Join(c.AllowHeaders, ","), allowMethods: strings.Join(fe.Methods, ","),
		exposeHeaders: strings.Join(c.ExposeHeaders, ","), credentials: c.AllowCredentials}
	if c.MaxAge != nil {
		out.maxAge = strconv.Itoa(*c.MaxAge)
	}
	return out
}

// Function URL error answers: a function error, crash or timeout, or a
// response the URL cannot read, is a 502 whatever the cause.
const bodyURLInternal = "Internal Server Error"

func writeURLError(w http.ResponseWriter, status int, reqID, body string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", reqID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// serveFunctionURL answers one request as a Lambda Function URL would.
func (g *Gateway) serveFunctionURL(w http.ResponseWriter, r *http.Request, body []byte, reqID string) {
	u := g.url
	if u.cors != nil && isPreflight(r) {
		u.cors.writeURLPreflight(w, r, reqID)
		return
	}
	if u.auth == AuthIAM {
		if u.function == manifest.APIHandlerName {
			g.warnOnce("url-iam", "the Function URL's auth type is AWS_IAM, but gochalice local does not verify SigV4 signatures: every request is let through, with a local IAM identity in the event")
		} else {
			g.warnOnce("url-iam", "the Function URL of "+u.function+" has auth type AWS_IAM, but gochalice local does not verify SigV4 signatures: every request is let through, with a local IAM identity in the event")
		}
	}
	payload, err := json.Marshal(g.urlEvent(r, body, reqID))
	if err != nil {
		g.logFailure(r, reqID, http.StatusInternalServerError, fmt.Sprintf("encoding the event: %v", err))
		writeURLError(w, http.StatusInternalServerError, reqID, bodyURLInternal)
		return
	}
	if u.stream != nil {
		g.serveURLStream(w, r, payload, reqID)
		return
	}
	out, err := g.inv.Invoke(r.Context(), u.function, payload)
	if err != nil {
		g.logFailure(r, reqID, http.StatusBadGateway, err.Error())
		writeURLError(w, http.StatusBadGateway, reqID, bodyURLInternal)
		return
	}
	g.writeURLBuffered(w, r, out, reqID)
}

// writeURLBuffered writes a whole (payload 2.0) response.
func (g *Gateway) writeURLBuffered(w http.ResponseWriter, r *http.Request, out []byte, reqID string) {
	resp, err := check.HTTPAPIResponse(out, g.opts.MaxResponseBytes)
	if err != nil {
		g.logFailure(r, reqID, http.StatusBadGateway, err.Error())
		writeURLError(w, http.StatusBadGateway, reqID, bodyURLInternal)
		return
	}
	if c := g.url.cors; c != nil {
		c.apply(resp.Header, r)
	}
	writeResponse(w, resp, "x-amzn-RequestId", reqID)
}

// serveURLStream invokes the function in RESPONSE_STREAM mode: status,
// headers and cookies from the prelude first, then each chunk flushed to
// the client as it arrives. An error after the start cuts the response
// short (the client sees a chunked body without its end), as Lambda does.
func (g *Gateway) serveURLStream(w http.ResponseWriter, r *http.Request, payload []byte, reqID string) {
	s, err := g.url.stream.InvokeStream(r.Context(), g.url.function, payload)
	if err != nil {
		g.logFailure(r, reqID, http.StatusBadGateway, err.Error())
		writeURLError(w, http.StatusBadGateway, reqID, bodyURLInternal)
		return
	}
	defer s.Body.Close()
	if s.ContentType != StreamContentType {
		// Not a streamed HTTP response: the payload is read whole.
		out, err := io.ReadAll(io.LimitReader(s.Body, int64(g.opts.MaxResponseBytes)+1))
		if err != nil {
			g.logFailure(r, reqID, http.StatusBadGateway, err.Error())
			writeURLError(w, http.StatusBadGateway, reqID, bodyURLInternal)
			return
		}
		g.writeURLBuffered(w, r, out, reqID)
		return
	}
	br := bufio.NewReaderSize(s.Body, 4<<10)
	prelude, err := readPrelude(br)
	if err != nil {
		g.logFailure(r, reqID, http.StatusBadGateway, err.Error())
		writeURLError(w, http.StatusBadGateway, reqID, bodyURLInternal)
		return
	}
	h := w.Header()
	for k, vs := range prelude.Header {
		h[k] = vs
	}
	if c := g.url.cors; c != nil {
		c.apply(h, r)
	}
	h.Set("x-amzn-RequestId", reqID)
	h.Del("Content-Length")
	rc := http.NewResponseController(w)
	w.WriteHeader(prelude.StatusCode)
	_ = rc.Flush()
	buf := make([]byte, 32<<10)
	for {
		n, err := br.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return // the client went away; closing the body drops the rest
			}
			_ = rc.Flush()
		}
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			if g.opts.Logger != nil {
				g.opts.Logger.LogAttrs(r.Context(), slog.LevelError, "streamed response cut short",
					slog.String("reason", err.Error()), slog.String("method", r.Method),
					slog.String("path", r.URL.EscapedPath()), slog.String("requestId", reqID))
			}
			abort(rc)
			return
		}
	}
}

// abort ends a response without its end (the final chunk), so that the
// client sees it cut short; where the connection cannot be taken over
// (HTTP/2, a recorder) the response just ends.
func abort(rc *http.ResponseController) {
	conn, _, err := rc.Hijack()
	if err == nil {
		conn.Close()
	}
}

// preludeResponse is a streamed response's start.
type preludeResponse struct {
	StatusCode int
	Header     map[string][]string
}

// readPrelude reads a streamed response's JSON prelude up to the eight NUL
// bytes that end it, and checks it as a Function URL does.
func readPrelude(br *bufio.Reader) (*preludeResponse, error) {
	var raw []byte
	nuls := 0
	for nuls < 8 {
		b, err := br.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("streamed response ended before the end of its prelude (eight NUL bytes) after %d bytes", len(raw))
			}
			return nil, fmt.Errorf("streamed response: %w", err)
		}
		if b == 0 {
			nuls++
			continue
		}
		if nuls > 0 {
			return nil, fmt.Errorf("streamed response prelude has %d NUL bytes inside it, not the eight that end it", nuls)
		}
		if raw = append(raw, b); len(raw) > maxPreludeBytes {
			return nil, fmt.Errorf("streamed response prelude is over %d bytes", maxPreludeBytes)
		}
	}
	var p struct {
		StatusCode *int              `json:"statusCode"`
		Headers    map[string]string `json:"headers"`
		Cookies    []string          `json:"cookies"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("streamed response prelude is not a JSON object of statusCode, headers and cookies (%.60q): %w", raw, err)
	}
	status := http.StatusOK
	if p.StatusCode != nil {
		status = *p.StatusCode
	}
	if status < 200 || status > 599 {
		return nil, fmt.Errorf("streamed response prelude statusCode %d is not an HTTP status between 200 and 599", status)
	}
	if err := proxyevent.CheckHeaders(p.Headers, nil); err != nil {
		return nil, fmt.Errorf("streamed response prelude: %w", err)
	}
	h := make(map[string][]string, len(p.Headers)+1)
	for k, v := range p.Headers {
		h[check.CanonicalKey(k)] = []string{v}
	}
	for _, c := range p.Cookies {
		if !proxyevent.ValidHeaderValue(c) {
			return nil, fmt.Errorf("streamed response prelude: %w", &proxyevent.HeaderError{Name: "Set-Cookie", Value: c})
		}
		h["Set-Cookie"] = append(h["Set-Cookie"], c)
	}
	return &preludeResponse{StatusCode: status, Header: h}, nil
}

// writeURLPreflight answers a CORS preflight itself, as a Function URL
// with a CORS configuration does: 200 with the configured headers (none
// when the origin is not allowed), without invoking the function.
func (c *httpCORS) writeURLPreflight(w http.ResponseWriter, r *http.Request, reqID string) {
	h := w.Header()
	if o := c.allowOrigin(r.Header.Get("Origin")); o != "" {
		h.Set("Access-Control-Allow-Origin", o)
		if c.allowMethods != "" {
			h.Set("Access-Control-Allow-Methods", c.allowMethods)
		}
		if c.allowHeaders != "" {
			h.Set("Access-Control-Allow-Headers", c.allowHeaders)
		}
		if c.maxAge != "" {
			h.Set("Access-Control-Max-Age", c.maxAge)
		}
		if c.credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	h.Set("x-amzn-RequestId", reqID)
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// urlDomain is the domain name of the emulated Function URL with URL ID id.
func urlDomain(id string) string { return id + ".lambda-url." + LocalRegion + ".on.aws" }

// urlEvent builds the Function URL event (payload format 2.0, routeKey and
// stage "$default", no path parameters or stage variables).
func (g *Gateway) urlEvent(r *http.Request, body []byte, reqID string) *httpAPIEvent {
	now := g.now()
	rawPath := r.URL.EscapedPath()
	ev := &httpAPIEvent{Version: "2.0", RouteKey: "$default", RawPath: rawPath, RawQueryString: r.URL.RawQuery, Headers: map[string]string{}}
	ev.fillRequest(r, body)
	c := &ev.RequestContext
	c.AccountID, c.APIID, c.DomainName, c.DomainPrefix = "anonymous", g.url.id, urlDomain(g.url.id), g.url.id
	if g.url.auth == AuthIAM {
		c.AccountID = LocalAccountID
		c.Authorizer = map[string]any{"iam": map[string]any{
			"accessKey": sigV4AccessKey(r), "accountId": LocalAccountID, "callerId": "LOCALCALLER",
			"cognitoIdentity": nil, "principalOrgId": nil,
			"userArn": "arn:aws:iam::" + LocalAccountID + ":user/local", "userId": "LOCALCALLER",
		}}
	}
	c.HTTP = httpDesc{Method: r.Method, Path: rawPath, Protocol: r.Proto, SourceIP: LocalSourceIP, UserAgent: r.UserAgent()}
	c.RequestID, c.RouteKey, c.Stage = reqID, "$default", "$default"
	c.Time, c.TimeEpoch = now.UTC().Format("02/Jan/2006:15:04:05 -0700"), now.UnixMilli()
	return ev
}

// sigV4AccessKey is the access key ID a SigV4-signed request names (in its
// Authorization header or X-Amz-Credential query parameter), "" if none.
func sigV4AccessKey(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		for _, part := range strings.Split(auth[len("AWS4-HMAC-SHA256 "):], ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential="); ok {
				cred = v
			}
		}
	}
	key, _, _ := strings.Cut(cred, "/")
	return key
}
