// Package local implements `gochalice local`: it builds the app for this
// machine, runs the real binary in Lambda mode under the Lambda Runtime API
// emulator (internal/runtimeapi) and serves it through the API Gateway
// emulator (internal/gateway), so what answers locally is the code path
// that answers on Lambda.
package local

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appbuild"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/gateway"
	"github.com/gochalice/chalice/internal/localevents"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/internal/runtimeapi"
	"github.com/gochalice/chalice/internal/wsgateway"
	"github.com/gochalice/chalice/manifest"
	"github.com/spf13/cobra"
)

// Options are the flags of `gochalice local`.
type Options struct {
	IO         cli.IO
	ProjectDir string
	Host       string
	Port       int
	Stage      string
	Autoreload bool
	// Workers is how many worker processes of the API handler are started
	// (warm) with each build; more start on demand up to MaxConcurrency.
	Workers int
	// MaxConcurrency is how many invocations of one function may run at
	// once, each in its own worker process (default 10); further requests
	// wait for a free worker, within the integration timeout.
	MaxConcurrency int
	// API is the front end emulated: "rest" (REST API, payload 1.0),
	// "http" (HTTP API, payload 2.0) or "url" (the API handler's Lambda
	// Function URL); "" follows the stage's api_type in config.json
	// (default rest).
	API string
	// AWSEndpoint is the emulator the app's declared resources are
	// created on; empty starts an embedded moto server on loopback (when
	// the app declares resources) and stops it on exit.
	AWSEndpoint string
	// Schedules runs the app's schedules locally (--no-schedules: off).
	Schedules bool
	// Timeouts bound the HTTP server and the wait for a function; zero
	// fields take the defaults (tests shorten them).
	Timeouts Timeouts
	// Ready, when set, receives the server's address once it is listening
	// (for tests).
	Ready func(addr string)
}

// Timeouts are the local server's limits.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers (default 10 s), so a
	// client that stalls mid-header is disconnected.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included (default 5 min:
	// a 10 MB body, API Gateway's limit, at about 280 kbit/s). net/http
	// lifts the deadline once the body is read, so the handler's own time
	// does not count against it.
	Read time.Duration
	// Idle bounds how long a keep-alive connection may wait for its next
	// request (default 2 min).
	Idle time.Duration
	// Integration is API Gateway's integration timeout (default 29 s): a
	// function that has not answered by then is a 504, while one that
	// exceeds its own, shorter lambda_timeout is a 502.
	Integration time.Duration
}

// Defaults for Timeouts and Options.
const (
	apiGatewayTimeout        = 29 * time.Second
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = 5 * time.Minute
	defaultIdleTimeout       = 2 * time.Minute
	defaultMaxConcurrency    = runtimeapi.DefaultMaxWorkers
)

func (t Timeouts) withDefaults() Timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.ReadHeader, defaultReadHeaderTimeout)
	def(&t.Read, defaultReadTimeout)
	def(&t.Idle, defaultIdleTimeout)
	def(&t.Integration, apiGatewayTimeout)
	return t
}

const longHelp = `Run the app locally behind an API Gateway emulator.

The app is built for this machine and its real binary runs as worker
processes under a Lambda Runtime API emulator, rebuilt on every save.
Each function runs up to --max-concurrency invocations at once, one per
worker process; further requests wait for a free worker. A worker that
crashes or times out is replaced at once. As on AWS, a function that
exceeds its lambda_timeout answers 502 (Task timed out), and one still
running after API Gateway's 29 s integration timeout answers 504. The
reason for every 502 and 504 is logged to stderr. --api url (the default
for a stage whose api_type is "url") serves the routes as the API
handler's Lambda Function URL, streaming responses when
function_url_invoke_mode is RESPONSE_STREAM. Pure Lambdas with
"function_url": true are served each on a Function URL of its own, on the
ports after --port in function-name order (a free port when one is
taken); their URLs are printed at start.

When the app declares resources (app.Table, app.Queue, ...), gochalice
local starts a moto server (AWS emulator) on loopback, creates them there
and points the workers at it (AWS_ENDPOINT_URL, region, test credentials
unless the environment sets them); --aws-endpoint uses another emulator
instead. Messages to declared queues, topics and buckets, and events on
declared buses, reach their handlers, and schedules fire on their rate or cron (--no-schedules turns
them off). Everything it started stops with it.`

const example = `  gochalice local
  gochalice local --port 8080 --stage prod
  gochalice local --api http --max-concurrency 4 --no-autoreload
  gochalice local --api url
  gochalice local --aws-endpoint http://localhost:4566 --no-schedules`

// NewCmdLocal returns the local command; runF, when set, receives the
// parsed options instead of Run (tests).
func NewCmdLocal(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	var autoreload, schedules *cli.BoolPair
	cmd := &cobra.Command{
		Use:     "local",
		Short:   "Run the app locally behind an API Gateway emulator",
		Long:    longHelp,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.Port < 0 || opts.Port > 65535:
				return cli.FlagErrorf("--port %d: must be between 0 and 65535", opts.Port)
			case opts.MaxConcurrency < 1:
				return cli.FlagErrorf("--max-concurrency %d: must be positive", opts.MaxConcurrency)
			case opts.Workers < 0:
				return cli.FlagErrorf("--workers %d: must not be negative", opts.Workers)
			case opts.API != "" && opts.API != gateway.APIRest && opts.API != gateway.APIHTTP && opts.API != gateway.APIURL:
				return cli.FlagErrorf("--api %q: must be rest, http or url", opts.API)
			}
			if opts.AWSEndpoint != "" {
				if u, err := url.Parse(opts.AWSEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return cli.FlagErrorf("--aws-endpoint %q: must be an http:// or https:// URL", opts.AWSEndpoint)
				}
			}
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.ProjectDir = f.IO, dir
			opts.Autoreload = true
			if v := autoreload.Value(); v != nil {
				opts.Autoreload = *v
			}
			opts.Schedules = true
			if v := schedules.Value(); v != nil {
				opts.Schedules = *v
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Host, "host", "127.0.0.1", "Host to listen on")
	fl.IntVar(&opts.Port, "port", 8000, "Port to listen on")
	fl.StringVar(&opts.Stage, "stage", config.DefaultStage, "Name of the Chalice stage for the local server to use.")
	autoreload = cli.AddBoolPair(cmd, "autoreload", "Automatically restart server when code changes (the default).", "Do not restart the server when code changes.")
	fl.IntVar(&opts.Workers, "workers", 1, "Worker processes of the API handler started ahead (warm); more start on demand up to --max-concurrency")
	fl.IntVar(&opts.MaxConcurrency, "max-concurrency", defaultMaxConcurrency,
		"Concurrent invocations per function, one worker process each (as Lambda concurrency); further requests wait for a free worker")
	fl.StringVar(&opts.API, "api", "", "Front end to emulate: rest (REST API, payload 1.0), http (HTTP API, payload 2.0) or url (Lambda Function URL); default: the stage's api_type, else rest")
	fl.StringVar(&opts.AWSEndpoint, "aws-endpoint", "", "AWS emulator to create the app's declared resources on (default: a moto server started on loopback)")
	schedules = cli.AddBoolPair(cmd, "schedules", "Fire the app's schedules on their rate or cron (the default).", "Do not fire the app's schedules.")
	return cmd
}

// state is one build of the app being served.
type state struct {
	mu     sync.RWMutex // readers: requests in flight; writer: close
	closed bool
	gw     *gateway.Gateway
	urls   map[string]*gateway.Gateway // pure Lambdas' Function URLs, by function
	pools  map[string]*runtimeapi.Pool
	m      *manifest.Manifest
	events *localevents.Runner // nil without event sources
}

func (s *state) close() {
	s.events.Close() // before the pools: its invocations run on them
	s.closePools()
}

// retire closes a build a reload replaced: its event sources first finish
// the invocations they started (the new build polls the same queues).
func (s *state) retire() {
	s.events.Drain()
	s.closePools()
}

func (s *state) closePools() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, p := range s.pools {
		_ = p.Close()
	}
}

// Run serves until ctx is cancelled.
func Run(ctx context.Context, o *Options) error {
	if o.MaxConcurrency < 0 {
		return fmt.Errorf("--max-concurrency %d: must be positive", o.MaxConcurrency)
	}
	if o.Workers < 0 {
		return fmt.Errorf("--workers %d: must not be negative", o.Workers)
	}
	cfg, err := config.Load(o.ProjectDir)
	if err != nil {
		return err
	}
	if err := cfg.CheckStage(o.Stage); err != nil {
		return err
	}
	api, err := frontEnd(cfg, o)
	if err != nil {
		return err
	}
	// Listen first: websocket workers need the address for @connections.
	ln, err := net.Listen("tcp", net.JoinHostPort(o.Host, strconv.Itoa(o.Port)))
	if err != nil {
		return fmt.Errorf("listening on %s:%d: %w", o.Host, o.Port, err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	srv := &server{o: o, cfg: cfg, api: api, addr: addr, binDir: filepath.Join(o.ProjectDir, ".chalice", "build", "local"),
		timeouts: o.Timeouts.withDefaults(), log: slog.New(slog.NewTextHandler(o.IO.ErrOut, nil)), access: newBatchWriter(o.IO.ErrOut)}
	defer srv.access.Flush()
	defer srv.closeEndpoint() // after the workers stop (defers run in reverse)
	srv.prestartMoto()
	st, err := srv.load(ctx)
	if err != nil {
		return err
	}
	srv.cur.Store(st)
	defer func() { srv.cur.Load().close() }()
	defer srv.closeURLs() // before the pools close (defers run in reverse)
	if len(st.m.Websocket) > 0 {
		ws, err := wsgateway.New(st.m, wsgateway.InvokerFunc(srv.invokeCurrent), wsgateway.Options{
			Stage: cfg.APIGatewayStage(o.Stage),
			Warn:  func(msg string) { fmt.Fprintln(o.IO.ErrOut, "Warning:", msg) },
		})
		if err != nil {
			return err
		}
		srv.ws = ws
		defer ws.Close()
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: srv.timeouts.ReadHeader,
		ReadTimeout:       srv.timeouts.Read,
		IdleTimeout:       srv.timeouts.Idle,
		MaxHeaderBytes:    1 << 20,
	}
	if api == gateway.APIURL {
		fmt.Fprintf(o.IO.Out, "Serving the Function URL on http://%s\n", addr)
	} else {
		fmt.Fprintf(o.IO.Out, "Serving on http://%s\n", addr)
	}
	if err := srv.syncURLs(st); err != nil {
		return err
	}
	if srv.ws != nil {
		fmt.Fprintf(o.IO.Out, "Websocket API on ws://%s/ (management API at http://%s/%s/@connections)\n", addr, addr, cfg.APIGatewayStage(o.Stage))
	}
	// The watch starts from the files as they are now, before anyone is
	// told the server is ready: a save right after that is a change.
	var w *watchState
	if o.Autoreload {
		w = srv.startWatch(ctx)
	}
	if o.Ready != nil {
		o.Ready(addr)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	if w != nil {
		go srv.watch(ctx, w)
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	if srv.ws != nil {
		_ = srv.ws.Close()
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdownCtx)
	srv.closeURLs()
	return nil
}

type server struct {
	ws       *wsgateway.Gateway // nil when the app has no websocket handlers
	api      string             // the front end: rest, http or url
	addr     string
	o        *Options
	cfg      *config.Config
	binDir   string
	timeouts Timeouts     // with defaults applied
	log      *slog.Logger // to stderr: why invocations failed
	access   *batchWriter // to stderr: one line per request, in batches
	cur      atomic.Pointer[state]
	urls     urlListeners // the pure Lambdas' Function URLs; kept across reloads
	gen      atomic.Int64
	aws      *endpoint // the declared resources' endpoint, once started; kept across reloads
	// motoStart is a moto server started ahead, while the first build
	// runs, because the project's last build declared resources.
	motoStart *motoStart
}

// load builds the app and starts a gateway over fresh worker pools.
func (s *server) load(ctx context.Context) (*state, error) {
	gen := s.gen.Add(1)
	bin, err := appbuild.Build(ctx, appbuild.Options{ProjectDir: s.o.ProjectDir, Output: filepath.Join(s.binDir, fmt.Sprintf("bootstrap-%d", gen)), Env: buildEnv()})
	if err != nil {
		return nil, err
	}
	m, err := appbuild.ReadManifest(ctx, bin)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Validate(s.o.Stage, functionNames(m), config.Overrides{}); err != nil {
		return nil, err
	}
	if err := s.cfg.ValidateFunctionRoles(s.o.Stage, appgraph.FunctionRoles(m), config.Overrides{}); err != nil {
		return nil, err
	}
	var (
		res    *provision.Result
		awsEnv []string
	)
	s.noteResources(len(m.Resources) > 0)
	if len(m.Resources) > 0 {
		if res, awsEnv, err = s.provision(ctx, m); err != nil {
			return nil, err
		}
	}
	urlOpts, err := s.urlOptions()
	if err != nil {
		return nil, err
	}
	pureURLs, err := s.pureURLs(m)
	if err != nil {
		return nil, err
	}
	st := &state{m: m, pools: map[string]*runtimeapi.Pool{}, urls: map[string]*gateway.Gateway{}}
	for _, fn := range m.Functions {
		pureURL, hasPureURL := pureURLs[fn.Name]
		if fn.Kind != manifest.KindAPIHandler && fn.Kind != manifest.KindAuthorizer && fn.Kind != manifest.KindWebsocket && fn.Kind != manifest.KindEvent && !hasPureURL {
			continue
		}
		env := append([]string{"AWS_CHALICE_CLI_MODE=false",
			chalice.WebsocketEndpointEnv + "=http://" + s.addr + "/" + s.cfg.APIGatewayStage(s.o.Stage)}, awsEnv...)
		integration := s.timeouts.Integration
		if fn.Kind == manifest.KindEvent || hasPureURL || (s.api == gateway.APIURL && fn.Kind == manifest.KindAPIHandler) {
			// No API Gateway in front (a Function URL waits as long as the
			// function runs): only the function's own timeout.
			integration = 0
		}
		for k, v := range s.cfg.EnvironmentVariables(s.o.Stage, fn.Name) {
			env = append(env, k+"="+v)
		}
		if (fn.Kind == manifest.KindAPIHandler && urlOpts.InvokeMode == gateway.InvokeModeStream) || (hasPureURL && pureURL.InvokeMode == gateway.InvokeModeStream) {
			// As deployed. The app binary streams only the API handler's
			// responses: a pure Lambda's answer is one whole payload.
			env = append(env, chalice.InvokeModeEnv+"="+gateway.InvokeModeStream)
		}
		pool, err := runtimeapi.NewPool(runtimeapi.Config{
			Binary: bin, Function: fn.Handler, Env: env, Dir: s.o.ProjectDir,
			Timeout:            time.Duration(s.cfg.LambdaTimeout(s.o.Stage, fn.Name)) * time.Second,
			IntegrationTimeout: integration,
			MemoryMB:           s.cfg.LambdaMemorySize(s.o.Stage, fn.Name),
			MaxWorkers:         s.o.MaxConcurrency, Stdout: s.o.IO.ErrOut, Stderr: s.o.IO.ErrOut,
		})
		if err != nil {
			st.close()
			return nil, err
		}
		slog.DebugContext(ctx, "worker pool", "function", fn.Name, "binary", bin, "max_concurrency", s.o.MaxConcurrency)
		st.pools[fn.Name] = pool
	}
	gw, err := gateway.New(m, poolInvoker{st}, gateway.Options{
		Stage: s.cfg.APIGatewayStage(s.o.Stage), CacheAuthorizers: true, API: s.api, URL: urlOpts,
		Warn:   func(msg string) { fmt.Fprintln(s.o.IO.ErrOut, "Warning:", msg) },
		Logger: s.log,
	})
	if err != nil {
		st.close()
		return nil, err
	}
	st.gw = gw
	for name, uo := range pureURLs {
		ugw, err := gateway.New(m, poolInvoker{st}, gateway.Options{
			API: gateway.APIURL, URL: uo,
			Warn:   func(msg string) { fmt.Fprintln(s.o.IO.ErrOut, "Warning:", msg) },
			Logger: s.log,
		})
		if err != nil {
			st.close()
			return nil, err
		}
		st.urls[name] = ugw
	}
	if err := s.startEvents(ctx, st, res); err != nil {
		st.close()
		return nil, err
	}
	if api := st.pools[manifest.APIHandlerName]; api != nil && s.o.Workers > 0 {
		_ = api.Warm(ctx, s.o.Workers)
	}
	return st, nil
}

// poolInvoker runs a build's functions on its worker pools; streamed
// responses (a Function URL in RESPONSE_STREAM mode) are passed on as they
// arrive.
type poolInvoker struct{ st *state }

func (p poolInvoker) pool(function string) (*runtimeapi.Pool, error) {
	if pl := p.st.pools[function]; pl != nil {
		return pl, nil
	}
	return nil, fmt.Errorf("function %q is not part of the app", function)
}

func (p poolInvoker) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	pl, err := p.pool(function)
	if err != nil {
		return nil, err
	}
	return pl.Invoke(ctx, payload)
}

func (p poolInvoker) InvokeStream(ctx context.Context, function string, payload []byte) (*gateway.Stream, error) {
	pl, err := p.pool(function)
	if err != nil {
		return nil, err
	}
	s, err := pl.InvokeStream(ctx, payload)
	if err != nil {
		return nil, err
	}
	return &gateway.Stream{ContentType: s.ContentType, Body: s.Body}, nil
}

// frontEnd is the front end to emulate: --api, else the stage's api_type.
func frontEnd(cfg *config.Config, o *Options) (string, error) {
	if o.API != "" {
		return o.API, nil
	}
	sc, err := cfg.StageConfig(o.Stage, config.Overrides{})
	if err != nil {
		return "", err
	}
	switch sc.APIType {
	case gateway.APIRest, gateway.APIHTTP, gateway.APIURL:
		return sc.APIType, nil
	}
	return "", fmt.Errorf("%s: stage %q: api_type %q: must be rest, http or url", cfg.Path, o.Stage, sc.APIType)
}

// urlOptions is the API handler's Function URL configuration (api "url"):
// function_url_auth_type and function_url_invoke_mode of config.json.
func (s *server) urlOptions() (gateway.URLOptions, error) {
	if s.api != gateway.APIURL {
		return gateway.URLOptions{}, nil
	}
	fc, err := s.cfg.Function(s.o.Stage, manifest.APIHandlerName, config.Overrides{})
	if err != nil {
		return gateway.URLOptions{}, err
	}
	return gateway.URLOptions{AuthType: fc.URLAuthType, InvokeMode: fc.URLInvokeMode}, nil
}

// invokeCurrent runs a function of the build being served now (websocket
// connections outlive reloads and reach the new code).
func (s *server) invokeCurrent(ctx context.Context, function string, payload []byte) ([]byte, error) {
	for {
		st := s.cur.Load()
		st.mu.RLock()
		if st.closed {
			st.mu.RUnlock()
			continue
		}
		p := st.pools[function]
		st.mu.RUnlock()
		if p == nil {
			return nil, fmt.Errorf("function %q is not part of the app", function)
		}
		out, err := p.Invoke(ctx, payload)
		if err != nil {
			s.log.Error("websocket invocation failed", "function", function, "reason", err.Error())
		}
		return out, err
	}
}

func functionNames(m *manifest.Manifest) []string {
	names := make([]string, 0, len(m.Functions))
	for _, f := range m.Functions {
		names = append(names, f.Name)
	}
	return names
}

// ServeHTTP serves one request on the current build and logs it.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.ws != nil && s.ws.IsWebsocketRequest(r) {
		s.ws.ServeHTTP(w, r)
		return
	}
	s.serveOn(w, r, func(st *state) http.Handler { return st.gw })
}

// serveOn serves one request with the handler pick chooses in the current
// build, and logs it.
func (s *server) serveOn(w http.ResponseWriter, r *http.Request, pick func(*state) http.Handler) {
	lw := &logWriter{ResponseWriter: w}
	for {
		st := s.cur.Load()
		st.mu.RLock()
		if st.closed {
			st.mu.RUnlock()
			continue
		}
		pick(st).ServeHTTP(lw, r)
		st.mu.RUnlock()
		break
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	fmt.Fprintf(s.access, "%s - - [%s] \"%s %s %s\" %d -\n", host, time.Now().Format("02/Jan/2006 15:04:05"), r.Method, r.RequestURI, r.Proto, lw.status())
}

type logWriter struct {
	http.ResponseWriter
	code int
}

func (l *logWriter) WriteHeader(code int) {
	if l.code == 0 {
		l.code = code
	}
	l.ResponseWriter.WriteHeader(code)
}

func (l *logWriter) Write(b []byte) (int, error) {
	if l.code == 0 {
		l.code = http.StatusOK
	}
	return l.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the connection's writer (flushes
// of streamed responses).
func (l *logWriter) Unwrap() http.ResponseWriter { return l.ResponseWriter }

func (l *logWriter) status() int {
	if l.code == 0 {
		return http.StatusOK
	}
	return l.code
}

var _ io.Writer = (*logWriter)(nil)

// Autoreload is told of changes by the OS where it can (inotify on Linux)
// and also looks for changed files every safetyPoll; elsewhere it polls
// every pollInterval. After a notification it waits settleDelay for the
// rest of a save (editors write a file in several steps) before it looks.
const (
	pollInterval = 100 * time.Millisecond
	safetyPoll   = time.Second
	settleDelay  = 15 * time.Millisecond
)

// watch rebuilds on source changes; a failed build keeps the last good one.
// watchState is where a watch starts: the project's fingerprint and the
// change notifications (nil when it polls).
type watchState struct {
	last    string
	changed <-chan struct{}
	poll    time.Duration
}

// startWatch takes the project's fingerprint and subscribes to its
// changes.
func (s *server) startWatch(ctx context.Context) *watchState {
	w := &watchState{last: fingerprint(s.o.ProjectDir), poll: pollInterval}
	changed, err := watchChanges(ctx, s.o.ProjectDir)
	if err == nil {
		w.changed, w.poll = changed, safetyPoll
	} else {
		slog.DebugContext(ctx, "autoreload polls", "every", w.poll, "reason", err.Error())
	}
	return w
}

func (s *server) watch(ctx context.Context, w *watchState) {
	last, changed, poll := w.last, w.changed, w.poll
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-changed:
			settle(ctx, changed)
		}
		fp := fingerprint(s.o.ProjectDir)
		if fp == last {
			continue
		}
		last = fp
		if cfg, err := config.Load(s.o.ProjectDir); err == nil {
			s.cfg = cfg
		} else {
			fmt.Fprintf(s.o.IO.ErrOut, "Reload failed, still serving the last good build:\n%v\n", err)
			continue
		}
		st, err := s.load(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			fmt.Fprintf(s.o.IO.ErrOut, "Reload failed, still serving the last good build:\n%v\n", err)
			continue
		}
		old := s.cur.Swap(st)
		go old.retire()
		fmt.Fprintf(s.o.IO.ErrOut, "Reloaded: serving the new build (%d functions)\n", len(st.m.Functions))
		if err := s.syncURLs(st); err != nil {
			fmt.Fprintf(s.o.IO.ErrOut, "Reload: %v\n", err)
		}
	}
}

// settle waits until changed has been quiet for settleDelay.
func settle(ctx context.Context, changed <-chan struct{}) {
	t := time.NewTimer(settleDelay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
			t.Reset(settleDelay)
		case <-t.C:
			return
		}
	}
}

// skipDir reports whether autoreload ignores the directory at path (named
// name) under the project root: hidden ones but .chalice, build outputs,
// dependencies and test data.
func skipDir(root, path, name string) bool {
	return path != root && (strings.HasPrefix(name, ".") && name != ".chalice" || name == "build" || name == "deployments" || name == "node_modules" || name == "testdata")
}

// fingerprint summarises the names, sizes and modification times of the
// files a rebuild depends on.
func fingerprint(dir string) string {
	h := fnv.New64a()
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if skipDir(dir, path, name) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") && name != "go.mod" && name != "go.sum" && name != "config.json" {
			return nil
		}
		if strings.HasSuffix(name, "_test.go") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		fmt.Fprintf(h, "%s|%d|%d\n", path, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	return strconv.FormatUint(h.Sum64(), 16)
}
