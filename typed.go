package chalice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/gochalice/chalice/internal/bind"
	"github.com/gochalice/chalice/internal/jsonschema"
	"github.com/gochalice/chalice/manifest"
)

// Typed routes: a handler that takes its request as a Go struct and
// returns its answer as a Go value. The route is an ordinary route
// underneath (options, blueprints, CORS, authorizers, middleware and the
// three payload formats all apply); its view binds and validates the
// input before the handler runs, and encodes the output after.

// Get registers a typed GET route on r: h receives the request bound into
// an I and answers with an O, sent as JSON.
//
// I is a struct describing the request: fields tagged path:"name",
// query:"name" and header:"Name" hold parameters, the field named Body
// holds the JSON body, and validate:"..." tags hold the rules each must
// meet (docs/TYPED.md lists the tags and rules). A request that does not
// fit is answered 400 BadRequestError naming every field that failed, and
// h is not called; the App's OnError hook finds the details as a
// *ValidationError with errors.As.
//
// O is what the handler answers: a non-nil *O is sent as JSON with status
// 200, or the status its StatusCode method returns (StatusCoder), with
// the headers its ResponseHeaders method returns (ResponseHeaderer). A
// nil *O with a nil error is 204 No Content. O may be Response, for a
// handler that builds its whole response itself, or NoContent, for one
// that never answers with a body. An error is answered as
// an untyped view's is: a *Error with Chalice's error body, a
// *ValidationError with a 400 naming its fields, anything else with the
// generic 500.
//
// I and O also describe the route: its parameters, request body and
// response, with JSON Schemas derived from the same types and tags, go
// into the app's manifest, and from there into generated OpenAPI
// documents and API Gateway models. Mistakes in I (a path field the
// template lacks, a template parameter no field binds, a field type that
// cannot be bound, a bad rule) are definition errors, reported by
// App.Validate and manifest mode with every other one.
//
// The options are a route's (Name, WithAuthorizer, WithCORS,
// WithMiddleware, ...); the name defaults to h's Go name.
func Get[I, O any](r Registrar, path string, h func(ctx context.Context, in *I) (*O, error), opts ...RouteOption) {
	registerTyped(r, path, http.MethodGet, h, opts)
}

// Post registers a typed POST route on r (see Get).
func Post[I, O any](r Registrar, path string, h func(ctx context.Context, in *I) (*O, error), opts ...RouteOption) {
	registerTyped(r, path, http.MethodPost, h, opts)
}

// Put registers a typed PUT route on r (see Get).
func Put[I, O any](r Registrar, path string, h func(ctx context.Context, in *I) (*O, error), opts ...RouteOption) {
	registerTyped(r, path, http.MethodPut, h, opts)
}

// Patch registers a typed PATCH route on r (see Get).
func Patch[I, O any](r Registrar, path string, h func(ctx context.Context, in *I) (*O, error), opts ...RouteOption) {
	registerTyped(r, path, http.MethodPatch, h, opts)
}

// Delete registers a typed DELETE route on r (see Get).
func Delete[I, O any](r Registrar, path string, h func(ctx context.Context, in *I) (*O, error), opts ...RouteOption) {
	registerTyped(r, path, http.MethodDelete, h, opts)
}

// Route registers a typed route on r for the methods of the Methods
// option (GET when there is none), as App.Route does for an untyped view
// (see Get):
//
//	chalice.Route(app, "/items/{id}", putItem, chalice.Methods("PUT", "PATCH"))
func Route[I, O any](r Registrar, path string, h func(ctx context.Context, in *I) (*O, error), opts ...RouteOption) {
	registerTyped(r, path, "", h, opts)
}

// StatusCoder is implemented by a typed route's output type to answer
// with a status other than 200:
//
//	type Created struct{ User }
//
//	func (Created) StatusCode() int { return http.StatusCreated }
//
// The API description declares the status of the zero value; a method
// that returns other statuses for some values answers with them, but the
// description keeps that one. A status outside 100-599 is answered with
// the generic 500; 204 and 304 are sent without a body.
type StatusCoder interface{ StatusCode() int }

// NoContent is the output of a typed route that never has a body: it
// answers 204 No Content, nil or not, and its API description declares
// no response body.
//
//	chalice.Delete(app, "/users/{id}", func(ctx context.Context, in *UserPath) (*chalice.NoContent, error) { ... })
type NoContent struct{}

// StatusCode is 204.
func (*NoContent) StatusCode() int { return http.StatusNoContent }

// ResponseHeaderer is implemented by a typed route's output type to add
// headers to its response (Location, Cache-Control, ...). The map is
// copied; CORS headers the route adds do not replace those it sets.
type ResponseHeaderer interface{ ResponseHeaders() map[string]string }

// RequestFromContext returns the request a typed route's handler is
// serving: its headers, authorizer context, stage variables and raw body,
// beyond what the input struct binds. ok is false outside a typed route's
// handler.
func RequestFromContext(ctx context.Context) (req *Request, ok bool) {
	req, ok = ctx.Value(requestKey{}).(*Request)
	return req, ok
}

type requestKey struct{}

// ValidationError is what was wrong with a typed route's request: every
// value that could not be bound or broke a rule, not only the first. The
// runtime answers it as a 400 BadRequestError whose message is Error().
// An OnError hook reaches it through the *Error it receives:
//
//	app.OnError = func(ctx context.Context, req *chalice.Request, err *chalice.Error) *chalice.Response {
//		var ve *chalice.ValidationError
//		if errors.As(err, &ve) {
//			return chalice.NewResponse(422, map[string]any{"errors": ve.Fields})
//		}
//		return nil
//	}
//
// A handler may return one too, for checks its tags cannot say; it is
// answered the same way.
type ValidationError struct {
	// Fields are the failures, in the order found: parameters in field
	// order, then the body's type errors, then its rules.
	Fields []FieldError
	// Omitted counts the failures beyond the first 20, which Fields
	// leaves out.
	Omitted int
}

// FieldError is one failure of a ValidationError.
type FieldError struct {
	// Field names the value: "path.id", "query.limit",
	// "header.X-Request-Id", "body", "body.address.zip",
	// "body.items[2].sku".
	Field string `json:"field"`
	// In is where it came from: "path", "query", "header" or "body".
	In string `json:"in"`
	// Reason says what is wrong, read after Field: "is required", "must
	// be at least 3 characters", "must be an integer".
	Reason string `json:"reason"`
	// Err is the underlying error, when there is one: a type's own
	// UnmarshalText or UnmarshalJSON error, or the body's syntax error.
	Err error `json:"-"`
}

func (e FieldError) Error() string { return e.Field + " " + e.Reason }

// Unwrap returns the underlying error.
func (e FieldError) Unwrap() error { return e.Err }

// Error lists the failures, "<field> <reason>" joined by "; ", as the
// binder words them.
func (e *ValidationError) Error() string {
	be := bind.Error{Fields: make([]bind.FieldError, len(e.Fields)), Omitted: e.Omitted}
	for i, f := range e.Fields {
		be.Fields[i] = bind.FieldError{Field: f.Field, In: f.In, Reason: f.Reason, Err: f.Err}
	}
	return be.Error()
}

// Unwrap returns the field errors, for errors.Is and errors.As.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		errs[i] = f
	}
	return errs
}

// badRequest is the 400 a ValidationError is answered with.
func badRequest(ve *ValidationError) *Error {
	return &Error{StatusCode: http.StatusBadRequest, Code: "BadRequestError", Message: ve.Error(), Err: ve}
}

// bindFailure converts the binder's error. Anything but a *bind.Error is
// a mistake of the runtime, left to become the generic 500.
func bindFailure(err error) error {
	be, ok := errors.AsType[*bind.Error](err)
	if !ok {
		return err
	}
	ve := &ValidationError{Fields: make([]FieldError, len(be.Fields)), Omitted: be.Omitted}
	for i, f := range be.Fields {
		ve.Fields[i] = FieldError{Field: f.Field, In: f.In, Reason: f.Reason, Err: f.Err}
	}
	return badRequest(ve)
}

// handlerFailure converts a typed handler's error: a *ValidationError
// that is not inside a *Error becomes its 400.
func handlerFailure(err error) error {
	if errors.Is(err, ErrUnhandled) {
		return err
	}
	if _, ok := errors.AsType[*Error](err); ok {
		return err
	}
	if ve, ok := errors.AsType[*ValidationError](err); ok {
		return badRequest(ve).wrapAlso(err)
	}
	return err
}

// wrapAlso keeps the handler's own error as the cause when it wrapped
// the ValidationError.
func (e *Error) wrapAlso(err error) *Error {
	if _, direct := err.(*ValidationError); !direct {
		e.Err = err
	}
	return e
}

// requestSource is the bind.Source of a request.
type requestSource struct{ r *Request }

func (s requestSource) PathParam(name string) (string, bool) {
	v, ok := s.r.URIParams[name]
	return v, ok
}

func (s requestSource) QueryValues(name string) []string { return s.r.Query[name] }

func (s requestSource) HeaderValues(name string) []string { return s.r.Headers.Values(name) }

func (s requestSource) BodyBytes() ([]byte, string) {
	return s.r.RawBody, s.r.Headers.Get("content-type")
}

// typedRoute is the typed part of a route entry: its handler and types.
//
// The binder and the schema generator are reached only through these
// methods, so an app that registers no typed route does not link them.
type typedRoute interface {
	// prepare compiles the input type against the template's parameters
	// (sharing st's cache) and returns the route's view.
	prepare(st *typedState, params []string) (HandlerFunc, *bind.Binder, error)
	// describer returns the function that describes every typed route of
	// the app (describeTyped).
	describer() func(st *typedState, m *manifest.Manifest, problem func(string, ...any))
	// output describes the output type: its Go type, whether it is
	// Response or NoContent (no schema), and the status its zero value
	// declares.
	output() (t reflect.Type, free bool, status int, err error)
}

// typed is a typed route's handler.
type typed[I, O any] struct {
	h func(context.Context, *I) (*O, error)
}

func registerTyped[I, O any](r Registrar, path, method string, h func(context.Context, *I) (*O, error), opts []RouteOption) {
	if r == nil {
		return
	}
	var methods []string
	if method != "" {
		methods = []string{method}
	}
	var t typedRoute
	if h != nil {
		t = &typed[I, O]{h: h}
	}
	r.registrar().typedRoute(path, methods, funcName(h), t, opts)
}

// typedRoute registers a typed route: a route entry whose view is made
// when the app is built, once the full path (blueprint prefixes applied)
// is known.
func (r *registry) typedRoute(path string, methods []string, name string, t typedRoute, opts []RouteOption) {
	if !r.begin(func() string { return "route " + path }) {
		return
	}
	defer r.mu.Unlock()
	if t == nil {
		r.problem("route %s: handler is nil", path)
		return
	}
	c := routeConfigOf(opts)
	c.methods = append(methods, c.methods...)
	if c.name == "" {
		c.name = name
	}
	r.addRoute(path, nil, nil, c)
	r.routes[len(r.routes)-1].typed = t
}

func (t *typed[I, O]) describer() func(*typedState, *manifest.Manifest, func(string, ...any)) {
	return describeTypedRoutes
}

func (t *typed[I, O]) prepare(st *typedState, params []string) (HandlerFunc, *bind.Binder, error) {
	if st.cache == nil {
		st.cache = bind.NewCache()
	}
	b, err := st.cache.Compile(reflect.TypeFor[I](), params)
	if err != nil {
		return nil, nil, err
	}
	h := t.h
	view := func(ctx context.Context, req *Request) (any, error) {
		in := new(I)
		if err := b.Bind(requestSource{req}, in); err != nil {
			return nil, bindFailure(err)
		}
		out, err := h(context.WithValue(ctx, requestKey{}, req), in)
		if err != nil {
			return nil, handlerFailure(err)
		}
		return typedResponse(out)
	}
	return view, b, nil
}

func (t *typed[I, O]) output() (typ reflect.Type, free bool, status int, err error) {
	typ = reflect.TypeFor[O]()
	if typ == reflect.TypeFor[Response]() || typ == reflect.TypeFor[NoContent]() {
		return typ, true, 0, nil
	}
	status = http.StatusOK
	if _, ok := any((*O)(nil)).(StatusCoder); ok {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("%s.StatusCode panicked on the zero value, which declares the route's status: %v", typ, p)
			}
		}()
		status = any(new(O)).(StatusCoder).StatusCode()
	}
	return typ, false, status, nil
}

// typedResponse is the response to a typed handler's output.
func typedResponse[O any](out *O) (any, error) {
	if out == nil {
		return &Response{StatusCode: http.StatusNoContent, Body: ""}, nil
	}
	if r, ok := any(out).(*Response); ok {
		return r, nil
	}
	resp := &Response{StatusCode: http.StatusOK, Body: out}
	if s, ok := any(out).(StatusCoder); ok {
		code := s.StatusCode()
		if code < 100 || code > 599 {
			return nil, fmt.Errorf("typed route output %T: StatusCode returned %d, which is not an HTTP status code (100-599)", out, code)
		}
		resp.StatusCode = code
		if noBody(code) {
			resp.Body = ""
		}
	}
	if h, ok := any(out).(ResponseHeaderer); ok {
		if hs := h.ResponseHeaders(); len(hs) > 0 {
			resp.Headers = maps.Clone(hs)
		}
	}
	return resp, nil
}

// noBody reports whether responses of status code have no body.
func noBody(code int) bool {
	return code < 200 || code == http.StatusNoContent || code == http.StatusNotModified
}

// typedState is what the build keeps of an app's typed routes: the
// binder's knowledge of the types, and what their description needs.
// Serving requests needs only the binders, compiled by the build; the
// schemas are derived once, when the manifest is first asked for
// (manifest mode, App.Manifest, App.Validate), so a Lambda cold start
// does not pay for them.
type typedState struct {
	cache   *bind.Cache
	pending []*typedPending

	once     sync.Once
	problems []string
}

// typedPending is a typed route whose binder is compiled and whose
// description is still to be derived.
type typedPending struct {
	where   string // "route POST /users (createUser)", for errors
	path    string
	methods []string
	route   typedRoute
	binder  *bind.Binder
}

// prepareTyped makes the view of a typed route entry; it reports the
// input type's mistakes with problem. Untyped routes are left alone.
func (rt *runtimeApp) prepareTyped(re *routeEntry, key string, params []string, problem func(string, ...any)) {
	if re.typed == nil {
		return
	}
	where := fmt.Sprintf("route %s %s", strings.Join(re.methods, ","), key)
	if re.name != "" {
		where += " (" + re.name + ")"
	}
	st := &rt.typed
	view, b, err := re.typed.prepare(st, params)
	if err != nil {
		for _, e := range splitErrors(err) {
			problem("%s: input: %v", where, e)
		}
		// A view that cannot bind: the app does not start anyway.
		re.handler = func(context.Context, *Request) (any, error) { return nil, err }
		return
	}
	re.handler = view
	st.pending = append(st.pending, &typedPending{where: where, path: key, methods: re.methods, route: re.typed, binder: b})
}

// describeTyped derives the typed routes' parameters, bodies and
// schemas into the manifest, once, and returns their problems as a
// *DefinitionError.
func (rt *runtimeApp) describeTyped() error {
	problems := rt.typedProblems(rt.manifest)
	if len(problems) == 0 {
		return nil
	}
	return &DefinitionError{App: rt.app.Name, Problems: problems}
}

// typedProblems describes the typed routes in m, once, and returns the
// problems found.
func (rt *runtimeApp) typedProblems(m *manifest.Manifest) []string {
	st := &rt.typed
	st.once.Do(func() {
		if len(st.pending) == 0 {
			return
		}
		problem := func(format string, args ...any) { st.problems = append(st.problems, fmt.Sprintf(format, args...)) }
		st.pending[0].route.describer()(st, m, problem)
	})
	return st.problems
}

// describeTypedRoutes derives the description of every typed route of
// the app into m.
func describeTypedRoutes(st *typedState, m *manifest.Manifest, problem func(string, ...any)) {
	reg := jsonschema.NewRegistry(jsonschema.WithCache(st.cache))
	index := make(map[string]int, len(m.Routes))
	for i, r := range m.Routes {
		index[r.Method+" "+r.Path] = i
	}
	for _, p := range st.pending {
		d := p.describe(reg, problem)
		if d == nil {
			continue
		}
		for _, method := range p.methods {
			if i, ok := index[method+" "+p.path]; ok {
				r := &m.Routes[i]
				r.Parameters, r.RequestBody, r.Response = d.params, d.body, d.resp
			}
		}
	}
	comps := reg.Components()
	if _, ok := comps[manifest.ReservedSchemaName]; ok {
		problem("typed routes: a type named %s: the name is Chalice's empty model, which every API description has; rename the type", manifest.ReservedSchemaName)
		delete(comps, manifest.ReservedSchemaName)
	}
	if len(comps) > 0 {
		m.Schemas = comps
	}
}

// typedDesc is a typed route's part of its manifest entries.
type typedDesc struct {
	params []manifest.Parameter
	body   *manifest.Body
	resp   *manifest.Body
}

// describe derives the route's parameters, body and response; nil when
// it reports a problem.
func (p *typedPending) describe(reg *jsonschema.Registry, problem func(string, ...any)) *typedDesc {
	d := &typedDesc{}
	ok := true
	ps, err := reg.Parameters(p.binder)
	if err != nil {
		problem("%s: input parameters: %v", p.where, err)
		ok = false
	}
	for _, q := range ps {
		d.params = append(d.params, manifest.Parameter{Name: q.Name, In: q.In, Required: q.Required, Schema: withDescription(q.Schema, q.Description)})
	}
	schema, required, hasBody, err := reg.RequestBody(p.binder)
	switch {
	case err != nil:
		problem("%s: input Body: %v", p.where, err)
		ok = false
	case hasBody:
		d.body = &manifest.Body{ContentType: manifest.ContentTypeJSON, Required: required, Schema: schema}
	}
	typ, free, status, err := p.route.output()
	switch {
	case err != nil:
		problem("%s: output: %v", p.where, err)
		ok = false
	case free:
	case status < 200 || status > 599 || noBody(status):
		problem("%s: output %s declares status %d (StatusCode of its zero value); a typed route's declared response must be a 2xx-5xx status with a body (for 204 No Content, return a nil *%s)", p.where, typ, status, typ)
		ok = false
	default:
		s, err := reg.Schema(typ)
		if err != nil {
			problem("%s: output %s: %v", p.where, typ, err)
			ok = false
			break
		}
		d.resp = &manifest.Body{ContentType: manifest.ContentTypeJSON, Schema: s}
		if status != http.StatusOK {
			d.resp.Status = status
		}
	}
	if !ok {
		return nil
	}
	return d
}

// splitErrors returns the errors joined in err (errors.Join), or err.
func splitErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// withDescription adds a parameter's doc tag to its schema, where the
// manifest keeps it.
func withDescription(schema json.RawMessage, doc string) json.RawMessage {
	if doc == "" || len(schema) < 2 || schema[0] != '{' {
		return schema
	}
	d, err := json.Marshal(doc)
	if err != nil {
		return schema
	}
	out := make([]byte, 0, len(schema)+len(d)+16)
	out = append(out, `{"description":`...)
	out = append(out, d...)
	if string(schema) != "{}" {
		out = append(out, ',')
	}
	return append(out, schema[1:]...)
}
