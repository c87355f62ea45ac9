package chalice

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"slices"
	"strings"

	"github.com/gochalice/chalice/internal/route"
	"github.com/gochalice/chalice/manifest"
)

// runtimeApp is the validated, indexed form of an App, built once.
type runtimeApp struct {
	app       *App
	manifest  *manifest.Manifest
	paths     map[string]*pathEntry // by canonical template
	table     route.Table[*pathEntry]
	functions map[string]invokeFunc // by function name (= _HANDLER value)
	// httpNext is the app's HTTP middleware around serveHTTP.
	httpNext Handler
	// typed is shared by the typed routes' views and schemas (typed.go).
	typed typedState
}

// invokeFunc runs one invocation of a Lambda function: payload in, JSON out.
type invokeFunc func(ctx context.Context, payload []byte) ([]byte, error)

type pathEntry struct {
	template *route.Template
	methods  map[string]*routeEntry
	order    []string    // methods in registration order (for Allow)
	cors     *CORSConfig // the CORS config of the path's CORS-enabled methods, if any
}

var functionNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// runtime builds the app once, on the first call (by names the caller,
// for the message of a late registration), and returns it. Building ends
// registration; registrations made afterwards make every later call
// return a *DefinitionError naming them.
func (a *App) runtime(by string) (*runtimeApp, error) {
	a.once.Do(func() {
		// Registrations in progress finish before sealed is set, and none
		// changes the registry after it: the build reads it unlocked, so
		// a middleware function registering while the chains are built
		// is reported as late instead of deadlocking.
		a.mu.Lock()
		a.sealed = "the app was built by " + by
		a.mu.Unlock()
		a.built, a.buildErr = a.build()
	})
	if a.lateN.Load() != 0 {
		return nil, a.lateError()
	}
	return a.built, a.buildErr
}

// lateError is the definition error of an app with late registrations:
// its own definition errors, then the late registrations.
func (a *App) lateError() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var problems []string
	var de *DefinitionError
	if errors.As(a.buildErr, &de) {
		problems = slices.Clone(de.Problems)
	}
	problems = append(problems, a.late...)
	return &DefinitionError{App: a.Name, Problems: problems}
}

// effectiveCORS resolves a route's CORS setting against the app default.
func (a *App) effectiveCORS(r *routeEntry) *CORSConfig {
	if r.corsSet {
		return r.cors
	}
	return a.API.CORS
}

func (a *App) build() (*runtimeApp, error) {
	problems := slices.Clone(a.problems)
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	rt := &runtimeApp{app: a, paths: map[string]*pathEntry{}, functions: map[string]invokeFunc{}}
	m := &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           a.Name,
		API:           manifest.API{BinaryTypes: slices.Clone(a.API.BinaryTypes), CORS: a.API.CORS.manifest()},
		Routes:        []manifest.Route{},
		Authorizers:   []manifest.Authorizer{},
		Functions:     []manifest.Function{},
		EventSources:  []manifest.EventSource{},
		Websocket:     []manifest.WSHandler{},
	}
	if a.Name == "" || !functionNameRE.MatchString(a.Name) {
		add("app name %q must be non-empty and use only letters, digits, '-' and '_'", a.Name)
	}

	// Routes.
	authorizers := map[string]manifest.Authorizer{}
	var authUse []string // authorizer names in the order routes use them
	for _, re := range a.routes {
		tmpl, err := route.Parse(re.path)
		if err != nil {
			add("route %s (%s): %v", re.path, re.name, err)
			continue
		}
		key := tmpl.String()
		pe := rt.paths[key]
		if pe == nil {
			pe = &pathEntry{template: tmpl, methods: map[string]*routeEntry{}}
			if err := rt.table.Add(tmpl, pe); err != nil {
				add("route %s: %v", re.path, err)
				continue
			}
			rt.paths[key] = pe
		}
		cors := a.effectiveCORS(re)
		re.effCORS = cors
		for _, method := range re.methods {
			if prev, dup := pe.methods[method]; dup {
				add("Duplicate method: '%s' detected for route: '%s' between view functions: %q and %q. A specific method may only be specified once for a particular path.", method, key, prev.name, re.name)
				continue
			}
			// As Chalice's _validate_cors_for_route: methods without CORS
			// may share a path with CORS ones, but the CORS ones must
			// agree, and no method may be OPTIONS.
			if cors != nil {
				if pe.cors == nil {
					pe.cors = cors
				} else if !cors.equal(pe.cors) {
					add("route %s: CORS configuration for method %s differs from the other methods on this path; all views of a path that have CORS configured must have the same CORS configuration", key, method)
				}
			}
			pe.methods[method] = re
			pe.order = append(pe.order, method)
		}
		ct := re.contentTypes
		if ct == nil {
			ct = []string{"application/json"}
		}
		if len(ct) == 0 {
			add("route %s (%s): content types must list at least one media type", key, re.name)
		}
		binary := 0
		for _, t := range ct {
			if t != "*/*" {
				if _, _, err := mime.ParseMediaType(t); err != nil || !strings.Contains(t, "/") {
					add("route %s (%s): content type %q is not a media type such as application/json", key, re.name, t)
				}
			}
			if matchesContentType(strings.ToLower(t), a.API.BinaryTypes) && t != "*/*" {
				binary++
			}
		}
		if binary != 0 && binary != len(ct) {
			add("route %s (%s): content types %v mix binary and non-binary types; a route's content types must be all binary or all non-binary", key, re.name, ct)
		}
		re.contentTypes = ct
		rt.prepareTyped(re, key, tmpl.Params(), add)
		re.serve = rt.routeChain(re, add)
		var authName string
		var scopes []string
		if re.authorizer != nil {
			base, sc := baseAuthorizer(re.authorizer)
			me := base.manifestEntry()
			if prev, ok := authorizers[me.Name]; ok && !authorizerEqual(prev, me) {
				add("authorizer name %q is used by two different authorizers", me.Name)
			}
			authorizers[me.Name] = me
			if !slices.Contains(authUse, me.Name) {
				authUse = append(authUse, me.Name)
				problems = append(problems, authorizerProblems(base)...)
			}
			authName, scopes = me.Name, sc
			if b, ok := base.(*BuiltinAuthorizer); ok && !slices.Contains(a.authorizers, b) {
				add("route %s uses built-in authorizer %q, which was registered on another app or blueprint", key, b.name)
			}
		}
		for _, method := range re.methods {
			m.Routes = append(m.Routes, manifest.Route{
				Path: key, Method: method, Name: re.name, Params: tmpl.Params(), Authorizer: authName,
				AuthorizerScopes: scopes, APIKeyRequired: re.apiKeyRequired, ContentTypes: slices.Clone(ct),
				CORS: cors.manifest(), Summary: re.summary, Description: re.description, Mounted: re.mounted != nil,
			})
		}
	}
	for _, key := range slices.Sorted(mapKeys(rt.paths)) {
		if pe := rt.paths[key]; pe.cors != nil && pe.methods["OPTIONS"] != nil {
			add("route %s: CORS is enabled on the path and it also defines an OPTIONS method; remove one (CORS answers OPTIONS preflight requests itself)", key)
		}
	}
	slices.SortStableFunc(m.Routes, func(x, y manifest.Route) int {
		return cmp.Or(cmp.Compare(x.Path, y.Path), cmp.Compare(x.Method, y.Method))
	})

	addFunction := func(name, kind string, fn invokeFunc) {
		if !functionNameRE.MatchString(name) {
			add("function name %q may use only letters, digits, '-' and '_'", name)
		}
		if _, dup := rt.functions[name]; dup {
			add("duplicate function name %q: every authorizer, event handler and lambda function needs its own name (use chalice.Name)", name)
			return
		}
		rt.functions[name] = fn
		m.Functions = append(m.Functions, manifest.Function{Name: name, Kind: kind, Handler: name})
	}

	grants := map[string][]grant{}
	var sources []Resource
	if len(a.routes) > 0 {
		addFunction(manifest.APIHandlerName, manifest.KindAPIHandler, rt.invokeAPI)
		for _, re := range a.routes {
			grants[manifest.APIHandlerName] = append(grants[manifest.APIHandlerName], re.grants...)
		}
	}
	for _, au := range a.authorizers {
		me := au.manifestEntry()
		authorizers[me.Name] = me
		if au.name != "" {
			addFunction(au.name, manifest.KindAuthorizer, rt.authorizerFunc(au))
			grants[au.name] = append(grants[au.name], au.grants...)
		}
	}
	for _, e := range a.events {
		addFunction(e.name, manifest.KindEvent, e.invoker(a.middleware, e.name, add))
		m.EventSources = append(m.EventSources, e.source)
		sources = append(sources, e.res)
		grants[e.name] = append(grants[e.name], e.grants...)
	}
	for _, p := range a.pure {
		addFunction(p.name, manifest.KindPureLambda, rt.pureFunc(p, add))
		grants[p.name] = append(grants[p.name], p.grants...)
	}
	for _, w := range a.websocket {
		addFunction(w.function, manifest.KindWebsocket, rt.websocketFunc(w, add))
		grants[w.function] = append(grants[w.function], w.grants...)
		m.Websocket = append(m.Websocket, manifest.WSHandler{RouteKey: w.routeKey, Function: w.function})
	}
	// Registration order: built-in authorizers as registered, then the
	// others (Cognito, IAM, custom) in the order routes first use them.
	var order []string
	for _, au := range a.authorizers {
		if me := au.manifestEntry(); !slices.Contains(order, me.Name) {
			order = append(order, me.Name)
		}
	}
	for _, name := range authUse {
		if !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	for _, name := range order {
		m.Authorizers = append(m.Authorizers, authorizers[name])
	}
	a.resourcesInto(m, grants, sources, add)
	problems = append(problems, apiTypeConflicts(m)...)
	rt.manifest = m
	rt.httpNext = buildChain(a.middleware, EventHTTP, rt.serveHTTP, httpAdapters, rt.answerErrors, add)
	if len(problems) > 0 {
		// List the typed routes' description problems too, so that one
		// report has every mistake (otherwise they wait for Manifest).
		problems = append(problems, rt.typedProblems(m)...)
		return nil, &DefinitionError{App: a.Name, Problems: problems}
	}
	return rt, nil
}

// routeChain returns the route's view inside the route's middleware
// (WithMiddleware), the first outermost.
func (rt *runtimeApp) routeChain(re *routeEntry, problem func(string, ...any)) Handler {
	view := func(ctx context.Context, req *Request) (*Response, error) { return rt.callView(ctx, re, req) }
	if len(re.middleware) == 0 {
		return view
	}
	entries := make([]middlewareEntry, 0, len(re.middleware))
	for i, mw := range re.middleware {
		if mw != nil {
			entries = append(entries, middlewareEntry{typed: mw, desc: fmt.Sprintf("route %s: middleware %d (WithMiddleware)", re.path, i+1)})
		}
	}
	return buildChain(entries, EventHTTP, view, httpAdapters, rt.answerErrors, problem)
}

func authorizerEqual(a, b manifest.Authorizer) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
