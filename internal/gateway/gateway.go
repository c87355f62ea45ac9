// Package gateway emulates API Gateway's REST API (proxy integration) in
// front of an app's functions, with the semantics of `chalice local`:
// route matching, 403 Missing Authentication Token, synthesised OPTIONS
// preflights, built-in authorizers, binary bodies and Lambda proxy
// responses. It talks to the app only through an Invoker, so the same
// gateway serves the in-process test client (chalicetest) and the real
// app binary running under the Lambda Runtime API emulator (gochalice local).
package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	// API is APIRest (default) or APIHTTP.
	API string
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
}

type resource struct {
	path    string
	methods map[string]*manifest.Route
	order   []string
}

type cachedAuth struct {
	result  *authResult
	expires time.Time
}

// New returns a gateway for the app described by m.
func New(m *manifest.Manifest, inv Invoker, opts Options) (*Gateway, error) {
	if opts.Stage == "" {
		opts.Stage = manifest.DefaultAPIStage
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	switch opts.API {
	case "":
		opts.API = APIRest
	case APIRest, APIHTTP:
	default:
		return nil, fmt.Errorf("gateway: unknown API type %q (valid: rest, http)", opts.API)
	}
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	g := &Gateway{m: m, inv: inv, opts: opts, cache: map[string]cachedAuth{}, now: time.Now}
	byPath := map[string]*resource{}
	for i := range m.Routes {
		r := &m.Routes[i]
		res := byPath[r.Path]
		if res == nil {
			t, err := route.Parse(r.Path)
			if err != nil {
				return nil, fmt.Errorf("gateway: manifest route %s: %w", r.Path, err)
			}
			res = &resource{path: t.String(), methods: map[string]*manifest.Route{}}
			if err := g.table.Add(t, res); err != nil {
				return nil, fmt.Errorf("gateway: manifest route %s: %w", r.Path, err)
			}
			byPath[r.Path] = res
		}
		res.methods[r.Method] = r
		res.order = append(res.order, r.Method)
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
	if g.opts.API == APIHTTP {
		g.serveHTTPAPI(w, r, body, reqID)
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
		writeGatewayError(w, http.StatusInternalServerError, reqID, "", `{"message": "Internal server error"}`)
		return
	}
	out, err := g.inv.Invoke(r.Context(), manifest.APIHandlerName, payload)
	if err != nil {
		writeInvokeError(w, reqID, err)
		return
	}
	writeProxyResponse(w, reqID, out)
}

// TimeoutError is what an Invoker returns when the function ran past its
// timeout; the gateway answers 504.
type TimeoutError interface{ Timeout() bool }

func writeInvokeError(w http.ResponseWriter, reqID string, err error) {
	var te TimeoutError
	if errors.As(err, &te) && te.Timeout() {
		writeGatewayError(w, http.StatusGatewayTimeout, reqID, "", `{"message": "Endpoint request timed out"}`)
		return
	}
	writeGatewayError(w, http.StatusBadGateway, reqID, "", `{"message": "Internal server error"}`)
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

// proxyResponse is what the api_handler returns.
type proxyResponse struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              *string             `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

func writeProxyResponse(w http.ResponseWriter, reqID string, out []byte) {
	var pr proxyResponse
	if err := json.Unmarshal(out, &pr); err != nil || pr.StatusCode < 100 || pr.StatusCode > 599 {
		writeGatewayError(w, http.StatusBadGateway, reqID, "", `{"message": "Internal server error"}`)
		return
	}
	body, err := responseBody(pr.Body, pr.IsBase64Encoded)
	if err != nil {
		writeGatewayError(w, http.StatusBadGateway, reqID, "", `{"message": "Internal server error"}`)
		return
	}
	h := w.Header()
	for k, v := range pr.Headers {
		h[http.CanonicalHeaderKey(k)] = []string{v}
	}
	// Multi-value headers win over single ones of the same name, as API
	// Gateway merges them.
	names := make([]string, 0, len(pr.MultiValueHeaders))
	for k := range pr.MultiValueHeaders {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), pr.MultiValueHeaders[k]...)
	}
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	h.Set("x-amzn-RequestId", reqID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(pr.StatusCode)
	_, _ = w.Write(body)
}

// responseBody decodes a proxy response body (nil when absent).
func responseBody(body *string, isBase64 bool) ([]byte, error) {
	switch {
	case body == nil:
		return nil, nil
	case isBase64:
		return base64.StdEncoding.DecodeString(*body)
	}
	return []byte(*body), nil
}

// arnMatches is Chalice's ARNMatcher: '*' matches any run of characters,
// '?' one character, the rest literally, anchored at both ends.
func arnMatches(resource, arn string) bool {
	var sb strings.Builder
	sb.WriteString("^")
	for _, r := range resource {
		switch r {
		case '*':
			sb.WriteString(".*?")
		case '?':
			sb.WriteString(".")
		default:
			sb.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	sb.WriteString("$")
	re, err := regexp.Compile(sb.String())
	return err == nil && re.MatchString(arn)
}

// localARN is the method ARN chalice local passes to authorizers.
func (g *Gateway) localARN(method, path string) string {
	if path != "/" {
		path = path[1:]
	}
	return fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s/%s", LocalRegion, LocalAccountID, LocalAPIID, g.opts.Stage, method, path)
}
