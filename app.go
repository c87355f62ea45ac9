package chalice

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gochalice/chalice/internal/version"
	"github.com/gochalice/chalice/manifest"
)

// Version is the gochalice version, recorded in resource tags.
const Version = version.Version

// HandlerFunc handles one REST request. It returns either a *Response (or
// Response) or any other value, which is sent as compact JSON with status
// 200. A returned *Error becomes Chalice's {"Code","Message"} error body;
// any other error is a 500.
type HandlerFunc func(ctx context.Context, req *Request) (any, error)

// DefaultBinaryTypes are the content types API Gateway treats as binary by
// default, as in Chalice.
var DefaultBinaryTypes = []string{
	"application/octet-stream", "application/x-tar", "application/zip",
	"audio/basic", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav", "audio/webm",
	"image/png", "image/jpg", "image/jpeg", "image/gif",
	"video/ogg", "video/mpeg", "video/webm",
}

// APIConfig holds app-wide REST API settings (Chalice's app.api).
type APIConfig struct {
	// BinaryTypes are the content types sent base64-encoded through API
	// Gateway. Starts as a copy of DefaultBinaryTypes.
	BinaryTypes []string
	// CORS is the default CORS config for routes that do not set one
	// (Chalice's app.api.cors). nil means no CORS. As in Chalice, a route
	// takes the default in force when it is registered: set CORS before
	// registering the routes it should cover; changing it later does not
	// change routes already registered. A blueprint's routes take the
	// app's default when the blueprint is registered (RegisterBlueprint).
	CORS *CORSConfig
}

// ErrorHook may replace the response for any error the app answers with:
// errors returned by views, and the 400/404/405/415/500 responses the
// runtime itself produces. Return nil to keep the default.
type ErrorHook func(ctx context.Context, req *Request, err *Error) *Response

// App is a gochalice application: the registry of everything it serves,
// and the runtime that serves it on Lambda.
type App struct {
	Name  string
	Debug bool // 500 bodies carry the error and stack as text/plain
	Log   *slog.Logger
	API   APIConfig
	// Websocket sends messages to websocket clients (Chalice's
	// app.websocket_api). Configure it with AWS credentials first.
	Websocket *WebsocketAPI
	// OnError customises error bodies (see ErrorHook).
	OnError ErrorHook

	registry

	once     sync.Once
	built    *runtimeApp
	buildErr error
}

// AppOption configures New.
type AppOption func(*App)

// WithDebug turns debug mode on (Chalice's debug=True).
func WithDebug(on bool) AppOption { return func(a *App) { a.Debug = on } }

// WithLogger replaces the app logger.
func WithLogger(l *slog.Logger) AppOption { return func(a *App) { a.Log = l } }

// New returns an app named name. The name is used in every resource name
// ({name}-{stage}-...).
func New(name string, opts ...AppOption) *App {
	a := &App{
		Name:      name,
		API:       APIConfig{BinaryTypes: slices.Clone(DefaultBinaryTypes)},
		Websocket: &WebsocketAPI{},
	}
	a.registry.owner = "app " + name
	a.registry.corsDefault = func() *CORSConfig { return a.API.CORS }
	for _, o := range opts {
		o(a)
	}
	if a.Log == nil {
		a.Log = newLogger(os.Stdout, name, a.Debug)
	}
	return a
}

func newLogger(w io.Writer, name string, debug bool) *slog.Logger {
	level := slog.LevelError
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})).With("app", name)
}

// registry records registrations; App and Blueprint share it.
type registry struct {
	owner string
	// corsDefault returns the app's CORS default (app.API.CORS) when a
	// route is registered; nil for a blueprint, whose routes take the
	// app's default when the blueprint is registered.
	corsDefault func() *CORSConfig
	routes      []*routeEntry
	authorizers []*BuiltinAuthorizer
	events      []*eventEntry
	pure        []*pureEntry
	websocket   []*wsEntry
	middleware  []middlewareEntry
	problems    []string
}

func (r *registry) problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

type routeEntry struct {
	path           string
	methods        []string
	name           string
	handler        HandlerFunc
	mounted        http.Handler
	authorizer     Authorizer
	apiKeyRequired bool
	contentTypes   []string
	cors           *CORSConfig
	corsSet        bool
	effCORS        *CORSConfig // cors resolved against the app default (set by build)
	summary        string
	description    string
}

// Route registers handler for path. path uses Chalice's {name} parameters
// (one segment) and {name+} greedy parameters (the rest of the path; Go's
// {name...} is accepted too). Options: Methods, Name, WithAuthorizer,
// APIKeyRequired, ContentTypes, WithCORS, Summary, Description.
func (r *registry) Route(path string, handler HandlerFunc, opts ...Option) {
	o, bad := buildOptions(opts, "Methods", "Name", "WithAuthorizer", "APIKeyRequired", "ContentTypes", "WithCORS", "Summary", "Description")
	if len(bad) > 0 {
		r.problem("route %s: options %s do not apply to a route", path, strings.Join(bad, ", "))
	}
	if handler == nil {
		r.problem("route %s: handler is nil", path)
		return
	}
	r.addRoute(path, handler, nil, o)
}

func (r *registry) addRoute(path string, handler HandlerFunc, mounted http.Handler, o *options) {
	methods := o.methods
	if len(methods) == 0 {
		methods = []string{http.MethodGet}
	}
	name := o.name
	if name == "" && handler != nil {
		name = funcName(handler)
	}
	cors, corsSet := o.cors, o.corsSet
	if !corsSet && r.corsDefault != nil {
		// Chalice's route(cors=None) takes app.api.cors at registration.
		cors, corsSet = r.corsDefault(), true
	}
	r.routes = append(r.routes, &routeEntry{
		path: path, methods: methods, name: name, handler: handler, mounted: mounted,
		authorizer: o.authorizer, apiKeyRequired: o.apiKeyRequired, contentTypes: o.contentTypes,
		cors: cors, corsSet: corsSet, summary: o.summary, description: o.description,
	})
}

// Get registers a GET route.
func (r *registry) Get(path string, h HandlerFunc, opts ...Option) {
	r.Route(path, h, append([]Option{Methods(http.MethodGet)}, opts...)...)
}

// Post registers a POST route.
func (r *registry) Post(path string, h HandlerFunc, opts ...Option) {
	r.Route(path, h, append([]Option{Methods(http.MethodPost)}, opts...)...)
}

// Put registers a PUT route.
func (r *registry) Put(path string, h HandlerFunc, opts ...Option) {
	r.Route(path, h, append([]Option{Methods(http.MethodPut)}, opts...)...)
}

// Patch registers a PATCH route.
func (r *registry) Patch(path string, h HandlerFunc, opts ...Option) {
	r.Route(path, h, append([]Option{Methods(http.MethodPatch)}, opts...)...)
}

// Delete registers a DELETE route.
func (r *registry) Delete(path string, h HandlerFunc, opts ...Option) {
	r.Route(path, h, append([]Option{Methods(http.MethodDelete)}, opts...)...)
}

// MountMethods are the methods a mounted http.Handler receives by default.
var MountMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}

// Mount serves every request under prefix with an ordinary http.Handler:
// the handler sees an *http.Request whose URL.Path is the full request path
// and writes its response as usual. It registers prefix itself and
// prefix/{proxy+} (use "/" to mount at the root). Options as for Route;
// Methods defaults to MountMethods.
func (r *registry) Mount(prefix string, h http.Handler, opts ...Option) {
	o, bad := buildOptions(opts, "Methods", "Name", "WithAuthorizer", "APIKeyRequired", "ContentTypes", "WithCORS", "Summary", "Description")
	if len(bad) > 0 {
		r.problem("mount %s: options %s do not apply to a mount", prefix, strings.Join(bad, ", "))
	}
	if h == nil {
		r.problem("mount %s: handler is nil", prefix)
		return
	}
	if len(o.methods) == 0 {
		o.methods = slices.Clone(MountMethods)
	}
	if o.contentTypes == nil {
		o.contentTypes = []string{"*/*"}
	}
	if o.name == "" {
		o.name = "mount"
	}
	prefix = strings.TrimRight(prefix, "/")
	handler := mountHandler(h)
	if prefix == "" {
		r.addRoute("/", handler, h, o)
		r.addRoute("/{proxy+}", handler, h, o)
		return
	}
	r.addRoute(prefix, handler, h, o)
	r.addRoute(prefix+"/{proxy+}", handler, h, o)
}

// closureName matches the last part of a closure's symbol: "func1" for
// pkg.F.func1 and "1" for a closure nested in one (pkg.F.func1.1).
var closureName = regexp.MustCompile(`^(func)?\d+$`)

// funcName derives a registration name from a Go function, as Chalice uses
// the Python function's __name__: "main.createUser" -> "createUser".
// Closures have no usable name and yield "".
func funcName(fn any) string {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return ""
	}
	f := runtime.FuncForPC(v.Pointer())
	if f == nil {
		return ""
	}
	full := strings.TrimSuffix(f.Name(), "-fm")
	full = strings.TrimSuffix(full, "[...]") // generic: pkg.handle[...]
	name := full[strings.LastIndexByte(full, '.')+1:]
	if closureName.MatchString(name) {
		return ""
	}
	return name
}

// Blueprint groups registrations to add to an app later with a name prefix
// (for Lambda names) and a URL prefix (for routes), as Chalice's Blueprint.
type Blueprint struct {
	Name string
	registry
}

// NewBlueprint returns an empty blueprint.
func NewBlueprint(name string) *Blueprint {
	b := &Blueprint{Name: name}
	b.registry.owner = "blueprint " + name
	return b
}

// BlueprintOption configures RegisterBlueprint.
type BlueprintOption func(*blueprintOptions)

type blueprintOptions struct{ namePrefix, urlPrefix string }

// NamePrefix prefixes the names of the blueprint's functions.
func NamePrefix(p string) BlueprintOption { return func(o *blueprintOptions) { o.namePrefix = p } }

// URLPrefix prefixes the blueprint's route paths.
func URLPrefix(p string) BlueprintOption { return func(o *blueprintOptions) { o.urlPrefix = p } }

// RegisterBlueprint adds everything registered on bp to the app.
func (a *App) RegisterBlueprint(bp *Blueprint, opts ...BlueprintOption) {
	var o blueprintOptions
	for _, f := range opts {
		f(&o)
	}
	for _, p := range bp.problems {
		a.problem("%s: %s", bp.owner, p)
	}
	for _, re := range bp.routes {
		c := *re
		if o.urlPrefix != "" {
			c.path = strings.TrimRight(strings.TrimRight(o.urlPrefix, "/")+"/"+strings.Trim(re.path, "/"), "/")
			if c.path == "" {
				c.path = "/"
			}
		}
		c.name = o.namePrefix + re.name
		if !c.corsSet {
			// Registered now, so the app's CORS default now applies.
			c.cors, c.corsSet = a.API.CORS, true
		}
		a.routes = append(a.routes, &c)
	}
	for _, au := range bp.authorizers {
		c := *au
		c.name = o.namePrefix + au.name
		a.authorizers = append(a.authorizers, &c)
		// routes of the blueprint refer to the original; keep them pointing
		// at the renamed copy.
		for _, re := range a.routes {
			if re.authorizer == Authorizer(au) {
				re.authorizer = &c
			}
			if s, ok := re.authorizer.(*scopedAuthorizer); ok && s.Authorizer == Authorizer(au) {
				re.authorizer = &scopedAuthorizer{Authorizer: &c, scopes: s.scopes}
			}
		}
	}
	for _, e := range bp.events {
		c := *e
		c.name = o.namePrefix + e.name
		c.source.Function = c.name
		a.events = append(a.events, &c)
	}
	for _, p := range bp.pure {
		c := *p
		c.name = o.namePrefix + p.name
		a.pure = append(a.pure, &c)
	}
	for _, w := range bp.websocket {
		c := *w
		a.websocket = append(a.websocket, &c)
	}
	a.middleware = append(a.middleware, bp.middleware...)
}

// Validate reports every mistake in the app's definition as a
// *DefinitionError, or nil.
func (a *App) Validate() error {
	_, err := a.runtime()
	return err
}

// Manifest returns the app's manifest, or the definition errors.
func (a *App) Manifest() (*manifest.Manifest, error) {
	rt, err := a.runtime()
	if err != nil {
		return nil, err
	}
	return rt.manifest, nil
}

// rawJSON marshals v for the manifest.
func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
