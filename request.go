package chalice

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/gochalice/chalice/internal/proxyevent"
)

// Request is the current REST request, built from the API Gateway proxy
// event (REST v1, HTTP API v2 or a Function URL).
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the route template that matched, e.g. /users/{username}
	// (Chalice's request.path).
	Path string
	// URLPath is the concrete path requested, e.g. /users/bob.
	URLPath string
	// Query holds the query string parameters; nil when there are none.
	Query QueryParams
	// Headers holds the request headers; lookups ignore case.
	Headers Headers
	// URIParams are the path parameters (never nil).
	URIParams map[string]string
	// Context is the request context; authorizer output is in
	// Context.Authorizer.
	Context RequestContext
	// StageVars are the API Gateway stage variables.
	StageVars map[string]string
	// RawBody is the body, base64-decoded when API Gateway encoded it.
	RawBody []byte
	// Lambda is the Lambda context of the invocation, when there is one.
	Lambda *lambdacontext.LambdaContext
	// Source is the payload format: "rest", "http" or "url".
	Source string

	jsonDone bool
	jsonVal  any
	jsonErr  error
	route    *matched
}

// RequestContext is API Gateway's requestContext.
type RequestContext struct {
	AccountID, APIID, Stage, RequestID, DomainName, DomainPrefix      string
	ResourceID, ResourcePath, HTTPMethod, Path, Protocol, RequestTime string
	RequestTimeEpoch                                                  int64
	SourceIP, UserAgent                                               string
	// Authorizer is what the authorizer returned: its context values and
	// principalId (built-in/custom), or {"claims": ...} (Cognito).
	Authorizer map[string]any
	// Raw is the whole requestContext object as sent.
	Raw json.RawMessage
}

// QueryParams holds multi-valued query parameters. Get returns the last
// value, as Chalice's MultiDict.
type QueryParams map[string][]string

// Get returns the last value of key, or "".
func (q QueryParams) Get(key string) string {
	v := q[key]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// GetList returns every value of key.
func (q QueryParams) GetList(key string) []string { return q[key] }

// Has reports whether key is present.
func (q QueryParams) Has(key string) bool { _, ok := q[key]; return ok }

// MarshalJSON writes the parameters as Chalice's json.dumps writes a
// MultiDict: an object of the last value of each key, so a view can return
// r.Query as is. Keys with no value are left out (a MultiDict has no item
// for them), and nil is null (Chalice's query_params is None without a
// query string).
func (q QueryParams) MarshalJSON() ([]byte, error) {
	if q == nil {
		return []byte("null"), nil
	}
	last := make(map[string]string, len(q))
	for k, v := range q {
		if len(v) > 0 {
			last[k] = v[len(v)-1]
		}
	}
	return json.Marshal(last)
}

// Headers is a read-only, case-insensitive view of request headers.
type Headers struct {
	single map[string]string
	multi  map[string][]string
}

// NewHeaders returns a view of single- and multi-value header maps.
func NewHeaders(single map[string]string, multi map[string][]string) Headers {
	return Headers{single: single, multi: multi}
}

func lookupFold[V any](m map[string]V, name string) (V, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// Get returns the value of a header (the last one if repeated), or "".
func (h Headers) Get(name string) string {
	v, _ := h.Lookup(name)
	return v
}

// Lookup returns the value of a header and whether it is present.
func (h Headers) Lookup(name string) (string, bool) {
	if v, ok := lookupFold(h.single, name); ok {
		return v, true
	}
	if vs, ok := lookupFold(h.multi, name); ok && len(vs) > 0 {
		return vs[len(vs)-1], true
	}
	return "", false
}

// Values returns every value of a header.
func (h Headers) Values(name string) []string {
	if vs, ok := lookupFold(h.multi, name); ok {
		return vs
	}
	if v, ok := lookupFold(h.single, name); ok {
		return []string{v}
	}
	return nil
}

// Len returns the number of distinct headers.
func (h Headers) Len() int {
	if len(h.single) > 0 {
		return len(h.single)
	}
	return len(h.multi)
}

// Map returns the headers with lower-cased names (Chalice's to_dict form).
func (h Headers) Map() map[string]string {
	m := make(map[string]string, h.Len())
	for k, vs := range h.multi {
		if len(vs) > 0 {
			m[strings.ToLower(k)] = vs[len(vs)-1]
		}
	}
	for k, v := range h.single {
		m[strings.ToLower(k)] = v
	}
	return m
}

// JSONBody returns the body parsed as JSON when the Content-Type starts with
// application/json (else nil). Invalid JSON, including an empty body, is a
// BadRequestError "Error Parsing JSON", which a view can return as is.
func (r *Request) JSONBody() (any, error) {
	if !strings.HasPrefix(r.Headers.Get("content-type"), "application/json") {
		return nil, nil
	}
	if !r.jsonDone {
		r.jsonDone = true
		if err := json.Unmarshal(r.RawBody, &r.jsonVal); err != nil {
			r.jsonErr = BadRequestError("Error Parsing JSON").Wrap(err)
		}
	}
	return r.jsonVal, r.jsonErr
}

// DecodeJSON decodes the body into v whatever the Content-Type; invalid JSON
// is a BadRequestError "Error Parsing JSON".
func (r *Request) DecodeJSON(v any) error {
	if err := json.Unmarshal(r.RawBody, v); err != nil {
		return BadRequestError("Error Parsing JSON").Wrap(err)
	}
	return nil
}

// ToMap is Chalice's request.to_dict(): the JSON-safe public attributes.
func (r *Request) ToMap() map[string]any {
	var q map[string]string
	if r.Query != nil {
		q = make(map[string]string, len(r.Query))
		for k := range r.Query {
			q[k] = r.Query.Get(k)
		}
	}
	return map[string]any{
		"query_params": q,
		"headers":      r.Headers.Map(),
		"uri_params":   r.URIParams,
		"method":       r.Method,
		"context":      r.Context.Raw,
		"stage_vars":   r.StageVars,
		"path":         r.Path,
	}
}

var sourceNames = map[proxyevent.Kind]string{
	proxyevent.KindV1: "rest", proxyevent.KindV2: "http", proxyevent.KindFunctionURL: "url", proxyevent.KindWebsocket: "websocket",
}

// newRequest converts a decoded proxy event.
func newRequest(ctx context.Context, ev *proxyevent.Request, template string, params map[string]string) (*Request, error) {
	r := &Request{
		Method:    ev.Method,
		Path:      template,
		URLPath:   ev.Path,
		Headers:   Headers{single: ev.Headers, multi: ev.MultiValueHeaders},
		URIParams: params,
		StageVars: ev.StageVariables,
		Source:    sourceNames[ev.Kind],
	}
	if len(ev.Query) > 0 {
		r.Query = QueryParams(ev.Query)
	}
	if r.URIParams == nil {
		r.URIParams = map[string]string{}
	}
	c := &ev.Context
	r.Context = RequestContext{
		AccountID: c.AccountID, APIID: c.APIID, Stage: c.Stage, RequestID: c.RequestID, DomainName: c.DomainName,
		DomainPrefix: c.DomainPrefix, ResourceID: c.ResourceID, ResourcePath: c.ResourcePath, HTTPMethod: c.HTTPMethod,
		Path: c.Path, Protocol: c.Protocol, RequestTime: c.RequestTime, RequestTimeEpoch: c.RequestTimeEpoch,
		SourceIP: c.SourceIP, UserAgent: c.UserAgent, Authorizer: c.Authorizer, Raw: c.Raw,
	}
	if r.Context.ResourcePath == "" {
		r.Context.ResourcePath = template
	}
	if r.Context.HTTPMethod == "" {
		r.Context.HTTPMethod = ev.Method
	}
	if ev.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return nil, BadRequestError("Request body is not valid base64").Wrap(err)
		}
		r.RawBody = b
	} else if ev.Body != "" {
		r.RawBody = []byte(ev.Body)
	} else {
		r.RawBody = []byte{}
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.Lambda = lc
	}
	return r, nil
}
