// Package gateway emulates API Gateway in front of an app's functions: a
// REST API (proxy integration, payload format 1.0) with the semantics of
// `chalice local` where they help development (403 Missing Authentication
// Token, synthesised OPTIONS preflights, built-in authorizers) and of
// deployed API Gateway elsewhere, or an HTTP API (payload format 2.0) as
// its documentation describes it (docs/LOCAL.md lists the behaviours).
// Function responses are checked as API Gateway checks them (status,
// headers, base64, size) before they reach net/http. It talks to the app
// only through an Invoker, so the same gateway serves the in-process test
// client (chalicetest) and the real app binary running under the Lambda
// Runtime API emulator (gochalice local).
package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gochalice/chalice/internal/gateway/check"
	"github.com/gochalice/chalice/internal/route"
	"github.com/gochalice/chalice/manifest"
)

// Local identity of the emulated API, as chalice local uses.
const (
	LocalRegion    = "mars-west-1"
	LocalAccountID = "123456789012"
	LocalAPIID     = "ymy8tbxw7b"
	LocalSourceIP  = "127.0.0.1"
)

// DefaultMaxBodyBytes is API Gateway's payload limit (10 MB).
const DefaultMaxBodyBytes = 10 << 20

// MaxURLBodyBytes is the request body limit of a Function URL: Lambda's
// 6 MB synchronous invocation payload.
const MaxURLBodyBytes = 6 << 20

// Invoker runs one invocation of a function of the app.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) ([]byte, error)
}

// InvokerFunc adapts a function to Invoker.
type InvokerFunc func(ctx context.Context, function string, payload []byte) ([]byte, error)

// Invoke calls f.
func (f InvokerFunc) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	return f(ctx, function, payload)
}

// Options configure a Gateway.
type Options struct {
	// Stage is the API Gateway stage name (default "api").
	Stage string
	// StageVariables are passed in every event.
	StageVariables map[string]string
	// Warn receives warnings (authorizers allowed without checking).
	Warn func(msg string)
	// CacheAuthorizers caches built-in authorizer results for their TTL
	// (300 s when unset), as API Gateway does.
	CacheAuthorizers bool
	// MaxBodyBytes bounds request bodies (default DefaultMaxBodyBytes);
	// larger ones are answered 413.
	MaxBodyBytes int64
	// API is APIRest (default), APIHTTP or APIURL (a Lambda Function URL
	// in front of the API handler, configured by URL).
	API string
	// URL configures the Function URL front end (API "url").
	URL URLOptions
	// Logger, when set, receives one error record for every 5xx the
	// gateway answers itself (REST 502/504 and authorizer 500s, HTTP API
	// 500/503): the reason (the invoker's error, or why the function's
	// response was rejected: not JSON, a bad status, an invalid header,
	// bad base64, too large...), the method, the path and the request id.
	// Authorizer denials are logged at debug level. Nil logs nothing.
	Logger *slog.Logger
	// MaxResponseBytes bounds a function's response (default
	// DefaultMaxResponseBytes, Lambda's limit); larger ones are rejected
	// like malformed ones.
	MaxResponseBytes int
}

// Gateway is an http.Handler emulating API Gateway for one app.
type Gateway struct {
	m       *manifest.Manifest
	inv     Invoker
	opts    Options
	table   route.Table[*resource]
	warned  sync.Map
	cacheMu sync.Mutex
	cache   map[string]cachedAuth
	now     func() time.Time
	http    *httpAPI     // set when emulating an HTTP API
	url     *functionURL // set when emulating a Function URL
}

type resource struct {
	path    string
	tmpl    *route.Template
	methods map[string]*manifest.Route
	order   []string
}

type cachedAuth struct {
	result  *check.Policy
	simple  *check.Simple // HTTP API simple responses
	expires time.Time
}

// New returns a gateway for the app described by m.
func New(m *manifest.Manifest, inv Invoker, opts Options) (*Gateway, error) {
	if opts.Stage == "" {
		opts.Stage = manifest.DefaultAPIStage
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
		if opts.API == APIURL {
			opts.MaxBodyBytes = MaxURLBodyBytes
		}
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = DefaultMaxResponseBytes
	}
	switch opts.API {
	case "":
		opts.API = APIRest
	case APIRest, APIHTTP, APIURL:
	default:
		return nil, fmt.Errorf("gateway: unknown API type %q (valid: rest, http, url)", opts.API)
	}
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	g := &Gateway{m: m, inv: inv, opts: opts, cache: map[string]cachedAuth{}, now: time.Now}
	if opts.API == APIURL {
		u, err := newFunctionURL(m, inv, opts.URL)
		if err != nil {
			return nil, err
		}
		g.url = u
		return g, nil // no routing: every request goes to the function
	}
	byPath := map[string]*resource{}
	for i := range m.Routes {
		r := &m.Routes[i]
		res := byPath[r.Path]
		if res == nil {
			t, err := route.Parse(r.Path)
			if err != nil {
				return nil, fmt.Errorf("gateway: manifest route %s: %w", r.Path, err)
			}
			res = &resource{path: t.String(), tmpl: t, methods: map[string]*manifest.Route{}}
			if err := g.table.Add(t, res); err != nil {
				return nil, fmt.Errorf("gateway: manifest route %s: %w", r.Path, err)
			}
			byPath[r.Path] = res
		}
		res.methods[r.Method] = r
		res.order = append(res.order, r.Method)
	}
	if opts.API == APIRest {
		// A JWT authorizer exists only on HTTP APIs: serving its routes on a
		// REST API would let every request through.
		for _, au := range m.Authorizers {
			if au.Type == manifest.AuthJWT {
				return nil, fmt.Errorf("gateway: authorizer %s is a JWT authorizer, which only HTTP APIs have: serve the app as an HTTP API (--api http, api_type http)", au.Name)
			}
		}
	}
	if opts.API == APIHTTP {
		h, err := newHTTPAPI(m, byPath)
		if err != nil {
			return nil, err
		}
		g.http = h
	}
	return g, nil
}

// ServeHTTP answers one request as API Gateway would.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	body, err := readBody(r, g.opts.MaxBodyBytes)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeGatewayError(w, http.StatusRequestEntityTooLarge, reqID, "", `{"message":"Request Too Long"}`)
			return
		}
		writeGatewayError(w, http.StatusBadRequest, reqID, "", `{"message":"Could not read request body"}`)
		return
	}
	switch g.opts.API {
	case APIHTTP:
		g.serveHTTPAPI(w, r, body, reqID)
		return
	case APIURL:
		g.serveFunctionURL(w, r, body, reqID)
		return
	}
	rawPath := r.URL.EscapedPath()
	_, res, params, ok := g.table.Match(rawPath)
	if !ok {
		g.missingToken(w, r, reqID)
		return
	}
	if r.Method == http.MethodOptions && res.methods[http.MethodOptions] == nil {
		writePreflight(w, res, reqID)
		return
	}
	ev := g.event(r, res, params.Map(), body, reqID)
	if rt := res.methods[r.Method]; rt != nil && rt.Authorizer != "" {
		if !g.authorize(w, r, rt, ev, reqID) {
			return
		}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		g.logFailure(r, reqID, http.StatusInternalServerError, fmt.Sprintf("encoding the proxy event: %v", err))
		writeGatewayError(w, http.StatusInternalServerError, reqID, "", `{"message": "Internal server error"}`)
		return
	}
	out, err := g.inv.Invoke(r.Context(), manifest.APIHandlerName, payload)
	if err != nil {
		g.writeInvokeError(w, r, reqID, err)
		return
	}
	resp, err := check.RESTResponse(out, g.opts.MaxResponseBytes)
	if err != nil {
		g.logFailure(r, reqID, http.StatusBadGateway, err.Error())
		writeGatewayError(w, http.StatusBadGateway, reqID, "", `{"message": "Internal server error"}`)
		return
	}
	writeResponse(w, resp, "x-amzn-RequestId", reqID)
}

// TimeoutError is what an Invoker returns when the function ran past its
// timeout; the gateway answers 504.
type TimeoutError interface{ Timeout() bool }

// isTimeout reports an error implementing TimeoutError with Timeout() true.
func isTimeout(err error) bool {
	var te TimeoutError
	return errors.As(err, &te) && te.Timeout()
}

// writeInvokeError answers a failed invocation: 504 for a timeout, 502
// for anything else, logging the invoker's error.
func (g *Gateway) writeInvokeError(w http.ResponseWriter, r *http.Request, reqID string, err error) {
	if isTimeout(err) {
		g.logFailure(r, reqID, http.StatusGatewayTimeout, err.Error())
		writeGatewayError(w, http.StatusGatewayTimeout, reqID, "", `{"message": "Endpoint request timed out"}`)
		return
	}
	g.logFailure(r, reqID, http.StatusBadGateway, err.Error())
	writeGatewayError(w, http.StatusBadGateway, reqID, "", `{"message": "Internal server error"}`)
}

// logFailure records a 5xx the gateway answers itself.
func (g *Gateway) logFailure(r *http.Request, reqID string, status int, reason string) {
	g.log(r, slog.LevelError, reqID, status, reason)
}

func (g *Gateway) log(r *http.Request, level slog.Level, reqID string, status int, reason string) {
	if g.opts.Logger == nil {
		return
	}
	g.opts.Logger.LogAttrs(r.Context(), level, "gateway answered "+strconv.Itoa(status)+" "+http.StatusText(status),
		slog.Int("status", status), slog.String("reason", reason), slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()), slog.String("requestId", reqID))
}

// DefaultMaxResponseBytes is Lambda's limit on a synchronous invocation's
// response (6 MB); a function answering more fails, and API Gateway with it.
const DefaultMaxResponseBytes = check.DefaultMaxResponseBytes

// writeResponse writes a checked function response.
func writeResponse(w http.ResponseWriter, resp *check.Response, idHeader, reqID string) {
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = vs
	}
	h.Set(idHeader, reqID)
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(resp.Body)
}

func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	return io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func writeGatewayError(w http.ResponseWriter, status int, reqID, errType, body string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", reqID)
	if errType != "" {
		h.Set("x-amzn-ErrorType", errType)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// missingToken is API Gateway's answer for an unknown route, with the
// SigV4 parse message when an Authorization header is present.
func (g *Gateway) missingToken(w http.ResponseWriter, r *http.Request, reqID string) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		msg := "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
			"Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
			"'X-Amz-Date' or a 'Date' header. Authorization=" + auth
		body, _ := json.Marshal(map[string]string{"message": msg})
		writeGatewayError(w, http.StatusForbidden, reqID, "UnauthorizedException", strings.Replace(string(body), `":"`, `": "`, 1))
		return
	}
	writeGatewayError(w, http.StatusForbidden, reqID, "UnauthorizedException", `{"message": "Missing Authentication Token"}`)
}

// writePreflight synthesises the OPTIONS answer (the MOCK integration
// Chalice puts in the swagger for CORS routes).
func writePreflight(w http.ResponseWriter, res *resource, reqID string) {
	var methods []string
	var cors *manifest.CORS
	for _, m := range res.order {
		if c := res.methods[m].CORS; c != nil {
			if cors == nil {
				cors = c
			}
			methods = append(methods, m)
		}
	}
	h := w.Header()
	if cors == nil {
		h.Set("Access-Control-Allow-Methods", "OPTIONS")
	} else {
		for k, v := range cors.Headers() {
			h.Set(k, v)
		}
		h.Set("Access-Control-Allow-Methods", strings.Join(append(methods, "OPTIONS"), ","))
	}
	h.Set("x-amzn-RequestId", reqID)
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// proxyEvent is the REST API proxy event (payload format 1.0).
type proxyEvent struct {
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  requestContext      `json:"requestContext"`
	Body                            *string             `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type requestContext struct {
	AccountID        string         `json:"accountId"`
	APIID            string         `json:"apiId"`
	Authorizer       map[string]any `json:"authorizer,omitempty"`
	HTTPMethod       string         `json:"httpMethod"`
	Identity         identity       `json:"identity"`
	Path             string         `json:"path"`
	Protocol         string         `json:"protocol"`
	RequestID        string         `json:"requestId"`
	RequestTime      string         `json:"requestTime"`
	RequestTimeEpoch int64          `json:"requestTimeEpoch"`
	ResourceID       string         `json:"resourceId"`
	ResourcePath     string         `json:"resourcePath"`
	Stage            string         `json:"stage"`
	DomainName       string         `json:"domainName"`
}

type identity struct {
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent,omitempty"`
}

func (g *Gateway) event(r *http.Request, res *resource, params map[string]string, body []byte, reqID string) *proxyEvent {
	now := g.now()
	ev := &proxyEvent{
		Resource:          res.path,
		Path:              r.URL.EscapedPath(),
		HTTPMethod:        r.Method,
		Headers:           map[string]string{},
		MultiValueHeaders: map[string][]string{},
		PathParameters:    params,
		StageVariables:    g.opts.StageVariables,
		RequestContext: requestContext{
			AccountID: LocalAccountID, APIID: LocalAPIID, HTTPMethod: r.Method,
			Identity: identity{SourceIP: LocalSourceIP, UserAgent: r.UserAgent()},
			Path:     "/" + g.opts.Stage + r.URL.EscapedPath(), Protocol: r.Proto, RequestID: reqID,
			RequestTime: now.UTC().Format("02/Jan/2006:15:04:05 -0700"), RequestTimeEpoch: now.UnixMilli(),
			ResourceID: "local", ResourcePath: res.path, Stage: g.opts.Stage, DomainName: r.Host,
		},
	}
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		ev.MultiValueHeaders[lk] = vs
		ev.Headers[lk] = vs[len(vs)-1]
	}
	if r.Host != "" {
		ev.Headers["host"] = r.Host
		ev.MultiValueHeaders["host"] = []string{r.Host}
	}
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil && len(q) > 0 {
		ev.MultiValueQueryStringParameters = q
		ev.QueryStringParameters = map[string]string{}
		for k, vs := range q {
			ev.QueryStringParameters[k] = vs[len(vs)-1]
		}
	}
	if len(body) > 0 {
		var s string
		ct := strings.ToLower(r.Header.Get("Content-Type"))
		if isBinary(ct, g.m.API.BinaryTypes) || !utf8.Valid(body) {
			s = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		} else {
			s = string(body)
		}
		ev.Body = &s
	}
	return ev
}

func isBinary(contentType string, binaryTypes []string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	for _, b := range binaryTypes {
		if strings.EqualFold(b, mt) {
			return true
		}
	}
	return false
}

// arnMatches is Chalice's ARNMatcher (check.ARNMatches).
func arnMatches(resource, arn string) bool { return check.ARNMatches(resource, arn) }

// localARN is the method ARN chalice local passes to authorizers.
func (g *Gateway) localARN(method, path string) string {
	if path != "/" {
		path = path[1:]
	}
	return fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s/%s", LocalRegion, LocalAccountID, LocalAPIID, g.opts.Stage, method, path)
}
