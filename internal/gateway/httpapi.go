package gateway

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gochalice/chalice/internal/gateway/check"
	"github.com/gochalice/chalice/internal/route"
	"github.com/gochalice/chalice/manifest"
)

// API types the gateway can emulate.
const (
	APIRest = "rest" // REST API, payload format 1.0 (default, as Chalice)
	APIHTTP = "http" // HTTP API, payload format 2.0
)

// methodAny is the route method that matches every method no other route
// of the path defines.
const methodAny = "ANY"

// httpAPI is what an HTTP API needs beyond the REST emulation: routes
// chosen by path and method together, the API-wide CORS configuration and
// the authorizers' identity sources.
type httpAPI struct {
	// byMethod holds, per method named in the manifest, the resources
	// defining that method or ANY; anyOnly those defining ANY (for other
	// methods). Matching a method's table finds the most specific path
	// that accepts the method, as HTTP APIs select routes.
	byMethod map[string]*route.Table[*resource]
	anyOnly  route.Table[*resource]
	cors     *httpCORS
	auth     map[string]*httpAuthorizer
}

func newHTTPAPI(m *manifest.Manifest, byPath map[string]*resource) (*httpAPI, error) {
	h := &httpAPI{byMethod: map[string]*route.Table[*resource]{}, auth: map[string]*httpAuthorizer{}}
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		res := byPath[p]
		for _, method := range res.order {
			if method == methodAny {
				if err := h.anyOnly.Add(res.tmpl, res); err != nil {
					return nil, fmt.Errorf("gateway: route ANY %s: %w", p, err)
				}
				continue
			}
			if h.byMethod[method] == nil {
				h.byMethod[method] = &route.Table[*resource]{}
			}
		}
	}
	for method, tb := range h.byMethod {
		for _, p := range paths {
			res := byPath[p]
			if res.methods[method] != nil || res.methods[methodAny] != nil {
				if err := tb.Add(res.tmpl, res); err != nil {
					return nil, fmt.Errorf("gateway: route %s %s: %w", method, p, err)
				}
			}
		}
	}
	h.cors = newHTTPCORS(m.Routes)
	for _, au := range m.Authorizers {
		ha, err := newHTTPAuthorizer(au)
		if err != nil {
			return nil, err
		}
		h.auth[au.Name] = ha
	}
	return h, nil
}

// match finds the route for method and path: the most specific path
// defining the method, or else ANY.
func (h *httpAPI) match(method, path string) (*resource, *manifest.Route, route.Params, bool) {
	tb := h.byMethod[method]
	if tb == nil {
		tb = &h.anyOnly
	}
	_, res, params, ok := tb.Match(path)
	if !ok {
		return nil, nil, route.Params{}, false
	}
	rt := res.methods[method]
	if rt == nil {
		rt = res.methods[methodAny]
	}
	return res, rt, params, true
}

// httpAPIEvent is the HTTP API payload format 2.0.
type httpAPIEvent struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
	RequestContext        httpAPIContext    `json:"requestContext"`
	Body                  string            `json:"body,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
}

type httpAPIContext struct {
	AccountID    string         `json:"accountId"`
	APIID        string         `json:"apiId"`
	Authorizer   map[string]any `json:"authorizer,omitempty"`
	DomainName   string         `json:"domainName"`
	DomainPrefix string         `json:"domainPrefix"`
	HTTP         httpDesc       `json:"http"`
	RequestID    string         `json:"requestId"`
	RouteKey     string         `json:"routeKey"`
	Stage        string         `json:"stage"`
	Time         string         `json:"time"`
	TimeEpoch    int64          `json:"timeEpoch"`
}

type httpDesc struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Protocol  string `json:"protocol"`
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
}

// HTTP API error bodies.
const (
	bodyNotFound     = `{"message":"Not Found"}`
	bodyUnauthorized = `{"message":"Unauthorized"}`
	bodyForbidden    = `{"message":"Forbidden"}`
	bodyInternal     = `{"message":"Internal Server Error"}`
	bodyUnavailable  = `{"message":"Service Unavailable"}`
)

// httpRequestIDHeader carries the request id of HTTP API responses.
const httpRequestIDHeader = "Apigw-Requestid"

func writeHTTPError(w http.ResponseWriter, status int, reqID, body string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set(httpRequestIDHeader, reqID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// serveHTTPAPI answers one request as an HTTP API (v2) would.
func (g *Gateway) serveHTTPAPI(w http.ResponseWriter, r *http.Request, body []byte, reqID string) {
	h := g.http
	rawPath := r.URL.EscapedPath()
	res, rt, params, ok := h.match(r.Method, rawPath)
	if !ok {
		if h.cors != nil && isPreflight(r) {
			h.cors.writePreflight(w, r, reqID)
			return
		}
		writeHTTPError(w, http.StatusNotFound, reqID, bodyNotFound)
		return
	}
	ev := g.httpEvent(r, res, rt, params, body, reqID)
	if rt.Authorizer != "" {
		if status, reason := g.authorizeHTTPAPI(r, rt, ev); status != 0 {
			switch status {
			case http.StatusUnauthorized:
				g.log(r, slog.LevelDebug, reqID, status, reason)
				writeHTTPError(w, status, reqID, bodyUnauthorized)
			case http.StatusForbidden:
				g.log(r, slog.LevelDebug, reqID, status, reason)
				writeHTTPError(w, status, reqID, bodyForbidden)
			default:
				g.logFailure(r, reqID, http.StatusInternalServerError, reason)
				writeHTTPError(w, http.StatusInternalServerError, reqID, bodyInternal)
			}
			return
		}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		g.logFailure(r, reqID, http.StatusInternalServerError, fmt.Sprintf("encoding the event: %v", err))
		writeHTTPError(w, http.StatusInternalServerError, reqID, bodyInternal)
		return
	}
	out, err := g.inv.Invoke(r.Context(), manifest.APIHandlerName, payload)
	if err != nil {
		if isTimeout(err) {
			g.logFailure(r, reqID, http.StatusServiceUnavailable, err.Error())
			writeHTTPError(w, http.StatusServiceUnavailable, reqID, bodyUnavailable)
			return
		}
		g.logFailure(r, reqID, http.StatusInternalServerError, err.Error())
		writeHTTPError(w, http.StatusInternalServerError, reqID, bodyInternal)
		return
	}
	resp, err := check.HTTPAPIResponse(out, g.opts.MaxResponseBytes)
	if err != nil {
		g.logFailure(r, reqID, http.StatusInternalServerError, err.Error())
		writeHTTPError(w, http.StatusInternalServerError, reqID, bodyInternal)
		return
	}
	if h.cors != nil {
		h.cors.apply(resp.Header, r)
	}
	writeResponse(w, resp, httpRequestIDHeader, reqID)
}

// httpEvent builds the payload format 2.0 event: lower-case header names
// with repeated headers joined by commas, cookies apart, query parameters
// and path parameters URL-decoded, and the body base64-encoded unless it
// is UTF-8 text of a text content type.
func (g *Gateway) httpEvent(r *http.Request, res *resource, rt *manifest.Route, params route.Params, body []byte, reqID string) *httpAPIEvent {
	now := g.now()
	rawPath := r.URL.EscapedPath()
	routeKey := rt.Method + " " + res.path
	ev := &httpAPIEvent{
		Version: "2.0", RouteKey: routeKey, RawPath: rawPath, RawQueryString: r.URL.RawQuery,
		Headers: map[string]string{}, StageVariables: g.opts.StageVariables,
	}
	if params.Len() > 0 {
		ev.PathParameters = params.Map()
		for k, v := range ev.PathParameters {
			if d, err := url.PathUnescape(v); err == nil {
				ev.PathParameters[k] = d
			}
		}
	}
	ev.fillRequest(r, body)
	c := &ev.RequestContext
	c.AccountID, c.APIID, c.DomainName, c.DomainPrefix = LocalAccountID, LocalAPIID, r.Host, LocalAPIID
	c.HTTP = httpDesc{Method: r.Method, Path: rawPath, Protocol: r.Proto, SourceIP: LocalSourceIP, UserAgent: r.UserAgent()}
	c.RequestID, c.RouteKey, c.Stage = reqID, routeKey, g.opts.Stage
	c.Time, c.TimeEpoch = now.UTC().Format("02/Jan/2006:15:04:05 -0700"), now.UnixMilli()
	return ev
}

// fillRequest sets what every payload 2.0 event (HTTP API and Function
// URL) takes from the request: headers lower-cased and joined with commas,
// cookies, query parameters and the body (base64 unless it is text).
func (ev *httpAPIEvent) fillRequest(r *http.Request, body []byte) {
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			for _, v := range vs {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						ev.Cookies = append(ev.Cookies, c)
					}
				}
			}
			continue
		}
		ev.Headers[lk] = strings.Join(vs, ",")
	}
	if r.Host != "" {
		ev.Headers["host"] = r.Host
	}
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil && len(q) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k, vs := range q {
			ev.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	if len(body) > 0 {
		if isTextType(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
}

// isTextType reports the content types an HTTP API passes as text.
func isTextType(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	return ct == "" || strings.HasPrefix(ct, "text/") || strings.HasSuffix(ct, "json") || strings.HasSuffix(ct, "xml") ||
		ct == "application/x-www-form-urlencoded" || ct == "application/javascript"
}

// isPreflight reports a CORS preflight request (Fetch standard): OPTIONS
// with Origin and Access-Control-Request-Method.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// httpCORS is an HTTP API's CORS configuration. HTTP APIs have one for the
// whole API, which `gochalice package` takes from the routes' (equal)
// Chalice CORS configurations: the first route's settings, and as allowed
// methods every method with CORS plus OPTIONS.
type httpCORS struct {
	origin        string
	allowHeaders  string
	allowMethods  string
	exposeHeaders string
	maxAge        string
	credentials   bool
}

func newHTTPCORS(routes []manifest.Route) *httpCORS {
	var cfg *manifest.CORS
	methods := []string{http.MethodOptions}
	for _, r := range routes {
		if r.CORS == nil {
			continue
		}
		if cfg == nil {
			cfg = r.CORS
		}
		if m := strings.ToUpper(r.Method); !slices.Contains(methods, m) {
			methods = append(methods, m)
		}
	}
	if cfg == nil {
		return nil
	}
	slices.Sort(methods)
	c := &httpCORS{origin: cfg.AllowOrigin, allowHeaders: strings.Join(cfg.AllowHeaders, ","),
		allowMethods: strings.Join(methods, ","), exposeHeaders: strings.Join(cfg.ExposeHeaders, ","), credentials: cfg.AllowCredentials}
	if cfg.MaxAge != nil {
		c.maxAge = strconv.Itoa(*cfg.MaxAge)
	}
	return c
}

// allowOrigin returns the Access-Control-Allow-Origin value for a request
// origin, or "" when the origin is not allowed.
func (c *httpCORS) allowOrigin(origin string) string {
	switch {
	case origin == "":
		return ""
	case c.origin == "*":
		return "*"
	case c.origin == origin:
		return origin
	}
	return ""
}

// writePreflight answers a preflight request itself, without invoking the
// function: 204 with the configured headers (none when the origin is not
// allowed).
func (c *httpCORS) writePreflight(w http.ResponseWriter, r *http.Request, reqID string) {
	h := w.Header()
	if o := c.allowOrigin(r.Header.Get("Origin")); o != "" {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Methods", c.allowMethods)
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
	h.Set(httpRequestIDHeader, reqID)
	w.WriteHeader(http.StatusNoContent)
}

// apply replaces the function's CORS headers with the configured ones:
// HTTP APIs ignore a backend's CORS headers and add their own to the
// response of a CORS request (one with an allowed Origin).
func (c *httpCORS) apply(hdr map[string][]string, r *http.Request) {
	h := http.Header(hdr)
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			delete(h, k)
		}
	}
	o := c.allowOrigin(r.Header.Get("Origin"))
	if o == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", o)
	if c.exposeHeaders != "" {
		h.Set("Access-Control-Expose-Headers", c.exposeHeaders)
	}
	if c.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}
