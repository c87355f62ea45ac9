package chalice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gochalice/chalice/internal/proxyevent"
	"github.com/gochalice/chalice/manifest"
)

// ErrUnauthorized makes a built-in authorizer answer 401 Unauthorized
// (API Gateway maps the Lambda error "Unauthorized" to 401).
var ErrUnauthorized = errors.New("Unauthorized")

// ErrFunctionNotFound is returned by Invoke for an unknown function name.
var ErrFunctionNotFound = errors.New("function not found")

// Invoke runs one invocation of the named function (api_handler, an
// authorizer, an event handler, a pure Lambda or websocket_*) in process,
// exactly as the Lambda runtime would: payload is the event JSON, the
// result is the JSON the function returns. A function error is returned as
// the error; panics are recovered into a *PanicError. It builds the app
// (see Validate); after a late registration it returns the
// *DefinitionError naming it.
func (a *App) Invoke(ctx context.Context, function string, payload []byte) (out []byte, err error) {
	rt, err := a.runtime("App.Invoke")
	if err != nil {
		return nil, err
	}
	fn, ok := rt.functions[function]
	if !ok {
		return nil, fmt.Errorf("%w: %q (app %s has %s)", ErrFunctionNotFound, function, a.Name, strings.Join(rt.functionNames(), ", "))
	}
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fn(ctx, payload)
}

func (rt *runtimeApp) functionNames() []string {
	names := make([]string, 0, len(rt.manifest.Functions))
	for _, f := range rt.manifest.Functions {
		names = append(names, f.Name)
	}
	return names
}

// routeKey carries the matched path entry from invokeAPI to serveHTTP
// through the middleware chain.
type matched struct {
	pe *pathEntry
}

// invokeAPI is the api_handler function: one REST/HTTP API/Function URL
// request in, one proxy response out.
func (rt *runtimeApp) invokeAPI(ctx context.Context, payload []byte) ([]byte, error) {
	kind, resp, req := rt.serveAPI(ctx, payload)
	return rt.encode(ctx, kind, resp, req)
}

// serveAPI routes one proxy event and runs its view: the payload format
// it came in, the response, and the request (nil when the event did not
// reach a view).
func (rt *runtimeApp) serveAPI(ctx context.Context, payload []byte) (proxyevent.Kind, *Response, *Request) {
	// A fresh event per invocation: the Request handed to the view keeps
	// references to its maps, and may outlive the invocation.
	ev := new(proxyevent.Request)
	if err := proxyevent.DecodeInto(payload, ev); err != nil || ev.Kind == proxyevent.KindUnknown || ev.Kind == proxyevent.KindWebsocket {
		return proxyevent.KindV1, unknownRequest(), nil
	}
	kind := ev.Kind
	var pe *pathEntry
	var params map[string]string
	switch {
	case kind == proxyevent.KindV1:
		template := ev.Resource
		if template == "" {
			template = ev.Context.ResourcePath
		}
		if template == "" {
			return kind, unknownRequest(), nil
		}
		pe = rt.paths[template]
		params = ev.PathParameters
		if pe == nil {
			// A template written differently ({p...}); match the concrete path.
			if _, p, ps, ok := rt.table.Match(ev.Path); ok {
				pe, params = p, ps.Map()
			}
		}
		if pe == nil {
			return kind, missingAuthToken(), nil
		}
	default:
		if t := ev.Resource; t != "" && t != "$default" {
			pe = rt.paths[t]
			params = ev.PathParameters
		}
		if pe == nil {
			if _, p, ps, ok := rt.table.Match(ev.Path); ok {
				pe, params = p, ps.Map()
			}
		}
		if pe == nil {
			return kind, &Response{StatusCode: http.StatusNotFound, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"message":"Not Found"}`}, nil
		}
	}
	req, err := newRequest(ctx, ev, pe.template.String(), params)
	if err != nil {
		var ce *Error
		errors.As(err, &ce)
		return kind, rt.errorResponse(ctx, nil, ce, nil), nil
	}
	req.route = &matched{pe: pe}
	return kind, rt.runHTTP(ctx, req), req
}

// runHTTP runs the middleware chain with Chalice's global error handler
// outermost: errors and panics become the generic 500.
func (rt *runtimeApp) runHTTP(ctx context.Context, req *Request) (resp *Response) {
	defer func() {
		if p := recover(); p != nil {
			resp = rt.unhandled(ctx, req, &PanicError{Value: p, Stack: debug.Stack()})
		}
	}()
	r, err := rt.httpNext(ctx, req)
	if err != nil {
		return rt.unhandled(ctx, req, err)
	}
	if r == nil {
		return rt.unhandled(ctx, req, errors.New("http middleware returned a nil *chalice.Response and no error"))
	}
	return r
}

// serveHTTP is the innermost app-wide HTTP handler (Chalice's
// _main_rest_api_handler): it answers 405s and preflights, checks the
// content type and runs the route's view inside its middleware.
func (rt *runtimeApp) serveHTTP(ctx context.Context, req *Request) (*Response, error) {
	if req == nil || req.route == nil {
		return nil, fmt.Errorf("http middleware passed next a *chalice.Request the runtime did not make; pass on the one it received (or a copy of it)")
	}
	pe := req.route.pe
	entry, ok := pe.methods[req.Method]
	if !ok {
		if req.Method == http.MethodOptions && pe.cors != nil && req.Source != "rest" {
			return preflight(pe), nil
		}
		return rt.errorResponse(ctx, req, MethodNotAllowedError("Unsupported method: %s", req.Method),
			map[string]string{"Allow": strings.Join(pe.order, ", ")}), nil
	}
	var cors map[string]string
	if entry.effCORS != nil {
		cors = entry.effCORS.Headers()
	}
	if len(entry.contentTypes) > 0 {
		ct, ok := req.Headers.Lookup("content-type")
		if !ok {
			ct = "application/json"
		}
		if !matchesContentType(strings.ToLower(ct), entry.contentTypes) {
			return rt.errorResponse(ctx, req, NewError(http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Unsupported media type: %s", ct), cors), nil
		}
	}
	resp, err := entry.serve(ctx, req)
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, fmt.Errorf("route %s: middleware returned a nil *chalice.Response and no error", pe.template)
	}
	for k, v := range cors {
		if !resp.hasHeader(k) {
			resp.SetHeader(k, v)
		}
	}
	if req.Source == "rest" {
		accept, hasAccept := req.Headers.Lookup("accept")
		// The check assumes application/json when the view set no
		// Content-Type, but the message shows the header as it is ('' when
		// missing), as Chalice's _main_rest_api_handler does.
		shown, ok := resp.header("content-type")
		ct := shown
		if !ok {
			ct = "application/json"
		}
		if matchesContentType(strings.ToLower(ct), rt.app.API.BinaryTypes) && (!hasAccept || !matchesContentType(strings.ToLower(accept), rt.app.API.BinaryTypes)) {
			return rt.errorResponse(ctx, req, NewError(http.StatusBadRequest, "BadRequest",
				"Request did not specify an Accept header with %s, The response has a Content-Type of %s. If a response has a binary Content-Type then the request must specify an Accept header that matches.", shown, shown), cors), nil
		}
	}
	return resp, nil
}

// callView runs the view and converts its result (Chalice's
// _get_view_function_response). Only ErrUnhandled errors escape.
func (rt *runtimeApp) callView(ctx context.Context, entry *routeEntry, req *Request) (resp *Response, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = rt.unhandled(ctx, req, &PanicError{Value: p, Stack: debug.Stack()}), nil
		}
	}()
	v, err := entry.handler(ctx, req)
	if err != nil {
		if errors.Is(err, ErrUnhandled) {
			return nil, err
		}
		var ce *Error
		if errors.As(err, &ce) {
			return rt.errorResponse(ctx, req, ce, nil), nil
		}
		return rt.unhandled(ctx, req, err), nil
	}
	resp = toResponse(v)
	if err := resp.validateHeaders(); err != nil {
		return rt.unhandled(ctx, req, err), nil
	}
	return resp, nil
}

func preflight(pe *pathEntry) *Response {
	h := pe.cors.Headers()
	methods := []string{}
	for _, m := range pe.order {
		if pe.methods[m].effCORS != nil {
			methods = append(methods, m)
		}
	}
	methods = append(methods, "OPTIONS")
	h["Access-Control-Allow-Methods"] = strings.Join(methods, ",")
	return &Response{StatusCode: http.StatusOK, Headers: h, Body: ""}
}

// errorResponse builds Chalice's {"Code","Message"} body, giving the app's
// error hook a chance to replace it.
func (rt *runtimeApp) errorResponse(ctx context.Context, req *Request, e *Error, headers map[string]string) *Response {
	if e == nil {
		e = ChaliceViewError("An internal server error occurred.")
	}
	if hook := rt.app.OnError; hook != nil {
		if r := hook(ctx, req, e); r != nil {
			if len(headers) == 0 {
				return r
			}
			// Keep the headers the runtime adds (Allow on a 405, CORS on
			// a 415/400) unless the hook sets them; copy, as the hook may
			// return a shared response.
			c := *r
			c.Headers = make(map[string]string, len(r.Headers)+len(headers))
			for k, v := range r.Headers {
				c.Headers[k] = v
			}
			for k, v := range headers {
				if !c.hasHeader(k) {
					c.Headers[k] = v
				}
			}
			return &c
		}
	}
	h := make(map[string]string, len(headers))
	for k, v := range headers {
		h[k] = v
	}
	return &Response{StatusCode: e.StatusCode, Headers: h, Body: errorBody{Code: e.Code, Message: e.Message}}
}

type errorBody struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// unhandled is Chalice's _unhandled_exception_to_response.
func (rt *runtimeApp) unhandled(ctx context.Context, req *Request, err error) *Response {
	path := "unknown"
	if req != nil {
		path = req.Path
	}
	rt.app.Log.ErrorContext(ctx, "Caught exception for path "+path, "error", err)
	if rt.app.Debug {
		text := fmt.Sprintf("%+v\n", err)
		var pe *PanicError
		if errors.As(err, &pe) {
			text += string(pe.Stack)
		}
		return &Response{StatusCode: http.StatusInternalServerError, Headers: map[string]string{"Content-Type": "text/plain"}, Body: text}
	}
	e := &Error{StatusCode: http.StatusInternalServerError, Code: "InternalServerError", Message: "An internal server error occurred.", Err: err}
	return rt.errorResponse(ctx, req, e, nil)
}

func unknownRequest() *Response {
	return &Response{StatusCode: http.StatusInternalServerError, Body: errorBody{Code: "InternalServerError", Message: "Unknown request."}}
}

func missingAuthToken() *Response {
	return &Response{StatusCode: http.StatusForbidden, Headers: map[string]string{"Content-Type": "application/json", "x-amzn-ErrorType": "MissingAuthenticationTokenException"},
		Body: `{"message":"Missing Authentication Token"}`}
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// encode serialises resp for the payload format of the request.
func (rt *runtimeApp) encode(ctx context.Context, kind proxyevent.Kind, resp *Response, req *Request) ([]byte, error) {
	var out proxyevent.Response
	binary := rt.app.API.BinaryTypes
	if err := resp.encode(ctx, binary, &out); err != nil {
		if err2 := rt.unhandled(ctx, req, err).encode(ctx, binary, &out); err2 != nil {
			return nil, err2
		}
	}
	bp := bufPool.Get().(*[]byte)
	b := proxyevent.AppendResponse((*bp)[:0], kind, &out)
	res := make([]byte, len(b))
	copy(res, b)
	*bp = b
	bufPool.Put(bp)
	return res, nil
}

// authorizerFunc runs a built-in authorizer: a REST TOKEN event or an HTTP
// API REQUEST event (payload format 1.0 or 2.0) in; an IAM policy out, or
// for a payload 2.0 event to an authorizer with SimpleResponses, a simple
// response.
func (rt *runtimeApp) authorizerFunc(au *BuiltinAuthorizer) invokeFunc {
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		req, err := decodeAuthRequest(payload)
		if err != nil {
			return nil, fmt.Errorf("authorizer %s: decoding event: %w", au.name, err)
		}
		resp, err := au.fn(ctx, req)
		if err != nil {
			return nil, err
		}
		if resp == nil {
			return []byte("null"), nil
		}
		if req.Version == manifest.AuthPayload20 && au.http.simple {
			return json.Marshal(resp.SimpleResult(req.RouteARN))
		}
		return json.Marshal(resp.Result(req.MethodARN))
	}
}

// authEvent is what tells authorizer events apart: a REST TOKEN event
// (authorizationToken, methodArn), or an HTTP API REQUEST event of payload
// format 1.0 (version "1.0", methodArn, identitySource as one string) or
// 2.0 (version "2.0", routeArn, identitySource as a list).
type authEvent struct {
	Version            string          `json:"version"`
	Type               string          `json:"type"`
	AuthorizationToken string          `json:"authorizationToken"`
	MethodArn          string          `json:"methodArn"`
	RouteArn           string          `json:"routeArn"`
	RouteKey           string          `json:"routeKey"`
	IdentitySource     json.RawMessage `json:"identitySource"`
}

// decodeAuthRequest decodes an authorizer event. The request part of a
// REQUEST event (headers, query, path, stage variables, requestContext) is
// read by the same decoder as api_handler's events.
func decodeAuthRequest(payload []byte) (*AuthRequest, error) {
	var ev authEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	req := &AuthRequest{AuthType: ev.Type, Token: ev.AuthorizationToken, MethodARN: ev.MethodArn}
	if ev.Type != "REQUEST" {
		return req, nil
	}
	req.Version = ev.Version
	if req.Version == "" {
		req.Version = manifest.AuthPayload10
	}
	switch src := bytes.TrimSpace(ev.IdentitySource); {
	case len(src) == 0 || string(src) == "null":
	case src[0] == '[':
		if err := json.Unmarshal(src, &req.IdentitySource); err != nil {
			return nil, fmt.Errorf("identitySource: %w", err)
		}
	default:
		var one string
		if err := json.Unmarshal(src, &one); err != nil {
			return nil, fmt.Errorf("identitySource: %w", err)
		}
		if one != "" {
			req.IdentitySource = []string{one}
		}
	}
	if req.Version == manifest.AuthPayload20 {
		req.RouteARN, req.MethodARN, req.RouteKey = ev.RouteArn, ev.RouteArn, ev.RouteKey
		if len(req.IdentitySource) > 0 {
			req.Token = req.IdentitySource[0]
		}
	}
	pe := new(proxyevent.Request)
	if err := proxyevent.DecodeInto(payload, pe); err != nil {
		return nil, err
	}
	req.Method, req.Path = pe.Method, pe.Path
	req.Headers = Headers{single: pe.Headers, multi: pe.MultiValueHeaders}
	if len(pe.Query) > 0 {
		req.Query = QueryParams(pe.Query)
	}
	req.PathParams, req.StageVars = pe.PathParameters, pe.StageVariables
	c := &pe.Context
	req.Context = RequestContext{
		AccountID: c.AccountID, APIID: c.APIID, Stage: c.Stage, RequestID: c.RequestID, DomainName: c.DomainName,
		DomainPrefix: c.DomainPrefix, ResourceID: c.ResourceID, ResourcePath: c.ResourcePath, HTTPMethod: c.HTTPMethod,
		Path: c.Path, Protocol: c.Protocol, RequestTime: c.RequestTime, RequestTimeEpoch: c.RequestTimeEpoch,
		SourceIP: c.SourceIP, UserAgent: c.UserAgent, Authorizer: c.Authorizer, Raw: c.Raw,
	}
	return req, nil
}

// pureFunc runs a pure Lambda inside its middleware chain.
func (rt *runtimeApp) pureFunc(p *pureEntry, problem func(string, ...any)) invokeFunc {
	h := buildChain(rt.app.middleware, EventPureLambda, p.fn, lambdaAdapters, nil, problem)
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		out, err := h(ctx, json.RawMessage(payload))
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

// websocketFunc runs a websocket handler inside its middleware chain.
func (rt *runtimeApp) websocketFunc(w *wsEntry, problem func(string, ...any)) invokeFunc {
	final := WebsocketHandler(func(ctx context.Context, ev *WebsocketEvent) (*Response, error) {
		if ev == nil {
			return nil, errors.New("websocket middleware passed a nil *chalice.WebsocketEvent to next, want the event it received")
		}
		return w.fn(ctx, ev)
	})
	h := buildChain(rt.app.middleware, EventWebsocket, final, websocketAdapters, nil, problem)
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		ev := &WebsocketEvent{}
		if err := json.Unmarshal(payload, &ev.APIGatewayWebsocketProxyRequest); err != nil {
			return nil, fmt.Errorf("%s: decoding websocket event: %w", w.function, err)
		}
		rc := ev.RequestContext
		ev.DomainName, ev.Stage, ev.ConnectionID, ev.Body = rc.DomainName, rc.Stage, rc.ConnectionID, ev.APIGatewayWebsocketProxyRequest.Body
		ev.API = rt.app.Websocket.forEvent(rc.APIID, rc.DomainName, rc.Stage)
		resp, err := h(ctx, ev)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				return nil, err
			}
			resp = &Response{StatusCode: ce.StatusCode, Body: errorBody{Code: ce.Code, Message: ce.Message}}
		}
		if resp == nil {
			return []byte(`{"statusCode":200}`), nil
		}
		var pr proxyevent.Response
		if err := resp.encode(ctx, nil, &pr); err != nil {
			return nil, err
		}
		return proxyevent.AppendResponse(nil, proxyevent.KindWebsocket, &pr), nil
	}
}
