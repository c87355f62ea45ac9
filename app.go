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
	"sync/atomic"

	"github.com/gochalice/chalice/internal/version"
	"github.com/gochalice/chalice/manifest"
)

// Version is the gochalice version, recorded in resource tags.
const Version = version.Version

// HandlerFunc handles one REST request: it is the view a route registers.
// It returns either a *Response (or Response) or any other value, which is
// sent as compact JSON with status 200. A returned *Error becomes Chalice's
// {"Code","Message"} error body; any other error is a 500.
type HandlerFunc func(ctx context.Context, req *Request) (any, error)

// Handler is an HTTP request's handler as HTTP middleware sees it: the
// request in, the response out. Middleware has chi's shape,
// func(next Handler) Handler (App.UseHTTP, WithMiddleware). The error is
// what the view could not answer with a response (an error wrapping
// ErrUnhandled) or an error of the middleware itself.
type Handler func(ctx context.Context, req *Request) (*Response, error)

// defaultBinaryTypes are the content types API Gateway treats as binary by
// default, as in Chalice.
var defaultBinaryTypes = []string{
	"application/octet-stream", "application/x-tar", "application/zip",
	"audio/basic", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav", "audio/webm",
	"image/png", "image/jpg", "image/jpeg", "image/gif",
	"video/ogg", "video/mpeg", "video/webm",
}

// DefaultBinaryTypes returns the content types API Gateway treats as
// binary by default, as in Chalice (a new slice on each call).
func DefaultBinaryTypes() []string { return slices.Clone(defaultBinaryTypes) }

// APIConfig holds app-wide REST API settings (Chalice's app.api).
type APIConfig struct {
	// BinaryTypes are the content types sent base64-encoded through API
	// Gateway. Starts as DefaultBinaryTypes().
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
	// declared are the resources declared with Table, Bucket, Queue,
	// Topic and Bus, in order.
	declared []*declared

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
		API:       APIConfig{BinaryTypes: DefaultBinaryTypes()},
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

// Registrar is what registrations are made on: an *App, or a *Blueprint
// whose registrations join an app with RegisterBlueprint. Functions that
// register a group of handlers can take a Registrar and serve both; so do
// the package's generic registration functions (UseEvents). Only *App and
// *Blueprint implement it.
type Registrar interface {
	Route(path string, handler HandlerFunc, opts ...RouteOption)
	Get(path string, handler HandlerFunc, opts ...RouteOption)
	Post(path string, handler HandlerFunc, opts ...RouteOption)
	Put(path string, handler HandlerFunc, opts ...RouteOption)
	Patch(path string, handler HandlerFunc, opts ...RouteOption)
	Delete(path string, handler HandlerFunc, opts ...RouteOption)
	Mount(prefix string, h http.Handler, opts ...RouteOption)
	Authorizer(fn AuthorizerFunc, opts ...AuthorizerOption) *BuiltinAuthorizer
	Schedule(expr ScheduleExpression, fn func(context.Context, *CloudWatchEvent) error, opts ...ScheduleOption)
	OnCWEvent(pattern map[string]any, fn func(context.Context, *CloudWatchEvent) error, opts ...CWEventOption)
	OnS3Event(bucket string, fn func(context.Context, *S3Event) error, opts ...S3Option)
	OnSNSMessage(topic string, fn func(context.Context, *SNSEvent) error, opts ...SNSOption)
	OnSQSMessage(queue string, fn func(context.Context, *SQSEvent) error, opts ...SQSOption)
	OnKinesisRecord(stream string, fn func(context.Context, *KinesisEvent) error, opts ...KinesisOption)
	OnDynamoDBRecord(streamARN string, fn func(context.Context, *DynamoDBEvent) error, opts ...DynamoDBOption)
	LambdaFunction(fn func(ctx context.Context, event json.RawMessage) (any, error), opts ...LambdaOption)
	OnWSConnect(fn WebsocketHandler, opts ...WebsocketOption)
	OnWSMessage(fn WebsocketHandler, opts ...WebsocketOption)
	OnWSDisconnect(fn WebsocketHandler, opts ...WebsocketOption)
	UseHTTP(mw ...func(next Handler) Handler)
	UseLambda(mw ...func(next LambdaHandler) LambdaHandler)
	UseWebsocket(mw ...func(next WebsocketHandler) WebsocketHandler)
	UseAll(mw Middleware)
	Use(eventType EventType, mw Middleware)

	registrar() *registry
}

var (
	_ Registrar = (*App)(nil)
	_ Registrar = (*Blueprint)(nil)
)

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

	// mu is held by each registration and by the build, so registering
	// from several goroutines is safe and a registration is either part
	// of the build or reported as late.
	mu sync.Mutex
	// sealed says what ended registration ("the app was built by
	// App.Manifest", ...); registrations after it are late: not part of
	// the app, and definition errors.
	sealed string
	late   []string
	lateN  atomic.Int32
	// apps are the apps a blueprint was registered on; they report its
	// late registrations.
	apps []*App
}

func (r *registry) registrar() *registry { return r }

func (r *registry) problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

// begin starts a registration described by what. It locks the registry
// and returns true; the caller unlocks it when done. When registration has
// ended (the app was built, or the blueprint registered), it records the
// registration as a definition error instead, leaves the registry
// unlocked and returns false.
func (r *registry) begin(what func() string) bool {
	r.mu.Lock()
	if r.sealed == "" {
		return true
	}
	msg := fmt.Sprintf("%s was registered after %s, so it is not part of the app; make every registration before that", what(), r.sealed)
	r.late = append(r.late, msg)
	r.lateN.Add(1)
	apps := slices.Clone(r.apps)
	owner := r.owner
	r.mu.Unlock()
	for _, a := range apps {
		a.addLate(owner + ": " + msg)
	}
	return false
}

// addLate records a late registration of a blueprint registered on a.
func (a *App) addLate(msg string) {
	a.mu.Lock()
	a.late = append(a.late, msg)
	a.mu.Unlock()
	a.lateN.Add(1)
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
	grants         []grant
	middleware     []func(next Handler) Handler
	serve          Handler    // the view inside its route middleware (set by build)
	typed          typedRoute // a typed route's handler and types (typed.go); its view is made by build
}

// Route registers handler for path. path uses Chalice's {name} parameters
// (one segment) and {name+} greedy parameters (the rest of the path; Go's
// {name...} is accepted too). Options: Methods (default GET), Name,
// WithAuthorizer, APIKeyRequired, ContentTypes, WithCORS, Summary,
// Description, WithMiddleware.
func (r *registry) Route(path string, handler HandlerFunc, opts ...RouteOption) {
	r.route(path, nil, handler, opts)
}

// route registers a view for path with methods ahead of those of the
// options.
func (r *registry) route(path string, methods []string, handler HandlerFunc, opts []RouteOption) {
	if !r.begin(func() string { return "route " + path }) {
		return
	}
	defer r.mu.Unlock()
	if handler == nil {
		r.problem("route %s: handler is nil", path)
		return
	}
	c := routeConfigOf(opts)
	c.methods = append(methods, c.methods...)
	r.addRoute(path, handler, nil, c)
}

func (r *registry) addRoute(path string, handler HandlerFunc, mounted http.Handler, o *routeConfig) {
	methods := o.methods
	if len(methods) == 0 {
		methods = []string{http.MethodGet}
	}
	name := o.name
	if name == "" && handler != nil {
		name = funcName(handler)
	}
	for i, mw := range o.middleware {
		if mw == nil {
			r.problem("route %s: WithMiddleware: middleware %d of %d is nil", path, i+1, len(o.middleware))
		}
	}
	cors, corsSet := o.cors, o.corsSet
	if !corsSet && r.corsDefault != nil {
		// Chalice's route(cors=None) takes app.api.cors at registration.
		cors, corsSet = r.corsDefault(), true
	}
	r.routes = append(r.routes, &routeEntry{
		path: path, methods: methods, name: name, handler: handler, mounted: mounted,
		authorizer: o.authorizer, apiKeyRequired: o.apiKeyRequired, contentTypes: o.contentTypes,
		cors: cors, corsSet: corsSet, summary: o.summary, description: o.description, middleware: o.middleware,
		grants: o.grants,
	})
}

// Get registers a GET route.
func (r *registry) Get(path string, h HandlerFunc, opts ...RouteOption) {
	r.route(path, []string{http.MethodGet}, h, opts)
}

// Post registers a POST route.
func (r *registry) Post(path string, h HandlerFunc, opts ...RouteOption) {
	r.route(path, []string{http.MethodPost}, h, opts)
}

// Put registers a PUT route.
func (r *registry) Put(path string, h HandlerFunc, opts ...RouteOption) {
	r.route(path, []string{http.MethodPut}, h, opts)
}

// Patch registers a PATCH route.
func (r *registry) Patch(path string, h HandlerFunc, opts ...RouteOption) {
	r.route(path, []string{http.MethodPatch}, h, opts)
}

// Delete registers a DELETE route.
func (r *registry) Delete(path string, h HandlerFunc, opts ...RouteOption) {
	r.route(path, []string{http.MethodDelete}, h, opts)
}

// MountMethods returns the methods a mounted http.Handler receives by
// default (a new slice on each call).
func MountMethods() []string {
	return []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}
}

// Mount serves every request under prefix with an ordinary http.Handler:
// the handler sees an *http.Request whose URL.Path is the full request path
// and writes its response as usual. It registers prefix itself and
// prefix/{proxy+} (use "/" to mount at the root). Options as for Route;
// Methods defaults to MountMethods() and ContentTypes to */*.
func (r *registry) Mount(prefix string, h http.Handler, opts ...RouteOption) {
	if !r.begin(func() string { return "mount " + prefix }) {
		return
	}
	defer r.mu.Unlock()
	if h == nil {
		r.problem("mount %s: handler is nil", prefix)
		return
	}
	o := routeConfigOf(opts)
	if len(o.methods) == 0 {
		o.methods = MountMethods()
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

// RegisterBlueprint adds everything registered on bp to the app. It ends
// registration on bp: what is registered on bp afterwards is a definition
// error of the apps bp was registered on.
func (a *App) RegisterBlueprint(bp *Blueprint, opts ...BlueprintOption) {
	if bp == nil {
		if a.begin(func() string { return "a blueprint" }) {
			a.problem("RegisterBlueprint: the blueprint is nil")
			a.mu.Unlock()
		}
		return
	}
	if !a.begin(func() string { return bp.owner }) {
		return
	}
	defer a.mu.Unlock()
	var o blueprintOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	bp.mu.Lock()
	defer bp.mu.Unlock()
	if bp.sealed == "" {
		bp.sealed = fmt.Sprintf("the blueprint was registered on app %s (RegisterBlueprint)", a.Name)
	}
	bp.apps = append(bp.apps, a)
	for _, p := range bp.problems {
		a.problem("%s: %s", bp.owner, p)
	}
	for _, l := range bp.late {
		a.late = append(a.late, bp.owner+": "+l)
		a.lateN.Add(1)
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
// *DefinitionError, or nil. Like Manifest, Invoke and Run, it builds the
// app, which ends registration: what is registered afterwards is not
// served, and is reported as a definition error by the next Validate,
// Manifest or Invoke.
func (a *App) Validate() error {
	rt, err := a.runtime("App.Validate")
	if err != nil {
		return err
	}
	return rt.describeTyped()
}

// Manifest returns the app's manifest, or the definition errors. It builds
// the app (see Validate).
func (a *App) Manifest() (*manifest.Manifest, error) {
	rt, err := a.runtime("App.Manifest")
	if err == nil {
		err = rt.describeTyped() // typed routes' schemas, derived on first use (typed.go)
	}
	if err != nil {
		return nil, err
	}
	return rt.manifest, nil
}
