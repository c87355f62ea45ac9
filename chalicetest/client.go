// Package chalicetest tests a gochalice app in process, as Chalice's
// chalice.test.Client does: HTTP requests go through the same API Gateway
// emulation `gochalice local` uses (403 for unknown routes, authorizers,
// binary bodies), functions are invoked by name with real event payloads,
// and the stage's environment variables from .chalice/config.json are set
// around every call.
package chalicetest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/gateway"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/manifest"
)

// Client drives one app.
type Client struct {
	app     *chalice.App
	m       *manifest.Manifest
	gw      *gateway.Gateway
	cfg     *config.Config
	stage   string
	env     map[string]string
	warn    func(string)
	envLock *sync.Mutex
	// aws and resources are the emulator and the declared resources on
	// it (AWSEndpoint).
	aws       aws.Config
	resources *provision.Result
}

// Option configures New.
type Option func(*settings)

type settings struct {
	stage      string
	projectDir string
	env        map[string]string
	warn       func(string)
	api        string
	logger     *slog.Logger
	endpoint   string
}

// API selects the front end to emulate: "rest" (REST API payload 1.0, as
// Chalice), "http" (HTTP API payload 2.0) or "url" (the API handler's
// Lambda Function URL: every request reaches the function with the
// Function URL event, CORS preflights are answered by the URL). Without
// it the stage's api_type in .chalice/config.json decides (default rest).
// The function is invoked in process and answers whole: a
// chalice.StreamResponse body arrives as one buffered response even with
// function_url_invoke_mode RESPONSE_STREAM (gochalice local streams it).
func API(kind string) Option { return func(s *settings) { s.api = kind } }

// Stage selects the config stage (default "dev").
func Stage(name string) Option { return func(s *settings) { s.stage = name } }

// ProjectDir is where .chalice/config.json is read from (default "."; a
// missing file means no configured environment).
func ProjectDir(dir string) Option { return func(s *settings) { s.projectDir = dir } }

// Env adds environment variables set around every call (after config's).
func Env(env map[string]string) Option {
	return func(s *settings) {
		for k, v := range env {
			s.env[k] = v
		}
	}
}

// Warnings receives the gateway's warnings (authorizers allowed locally).
func Warnings(f func(string)) Option { return func(s *settings) { s.warn = f } }

// Logger receives a record for every 5xx the emulated API Gateway answers
// itself (a function error, a timeout, a response it refuses: not JSON, a
// bad status, an invalid header, bad base64, too large), with the reason,
// method, path and request id. Without it nothing is logged.
func Logger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// AWSEndpoint points the app at an AWS emulator (a moto server: see
// package chalicetest/moto): the resources the app declares (App.Table,
// App.Queue, ...) are created there when the client is made, and every
// call runs with AWS_ENDPOINT_URL set to it and the variables naming the
// resources, so the handlers' SDK clients reach them. Credentials and a
// region are set to test values when the environment has none.
func AWSEndpoint(url string) Option { return func(s *settings) { s.endpoint = url } }

// envMu serialises environment changes across clients: the process
// environment is global.
var envMu sync.Mutex

// New returns a client for app. Definition errors or a bad config fail the
// test at once.
func New(t testing.TB, app *chalice.App, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(app, opts...)
	if err != nil {
		t.Fatalf("chalicetest: %v", err)
	}
	return c
}

// NewClient is New without a testing.TB (for serving an app locally).
func NewClient(app *chalice.App, opts ...Option) (*Client, error) {
	s := &settings{stage: config.DefaultStage, projectDir: ".", env: map[string]string{}}
	for _, o := range opts {
		o(s)
	}
	m, err := app.Manifest()
	if err != nil {
		return nil, err
	}
	c := &Client{app: app, m: m, stage: s.stage, env: s.env, envLock: &envMu, warn: s.warn}
	cfg, err := config.Load(s.projectDir)
	switch {
	case errors.Is(err, config.ErrNoConfig):
	case err != nil:
		return nil, err
	default:
		names := make([]string, 0, len(m.Functions))
		for _, f := range m.Functions {
			names = append(names, f.Name)
		}
		if err := cfg.Validate(s.stage, names, config.Overrides{}); err != nil {
			return nil, err
		}
		c.cfg = cfg
	}
	if s.endpoint != "" {
		if err := c.provision(s.endpoint); err != nil {
			return nil, err
		}
	}
	apiStage := manifest.DefaultAPIStage
	if c.cfg != nil {
		apiStage = c.cfg.APIGatewayStage(s.stage)
	}
	if c.warn == nil {
		c.warn = func(msg string) { fmt.Fprintln(os.Stderr, "chalicetest: warning:", msg) }
	}
	api, urlOpts, err := c.frontEnd(s.api)
	if err != nil {
		return nil, err
	}
	gw, err := gateway.New(m, gateway.InvokerFunc(c.invokeRaw), gateway.Options{Stage: apiStage, Warn: c.warn, API: api, URL: urlOpts, Logger: s.logger})
	if err != nil {
		return nil, err
	}
	c.gw = gw
	return c, nil
}

// frontEnd is the API to emulate (the API option, else the stage's
// api_type) and, for a Function URL, its auth type from config.json.
func (c *Client) frontEnd(api string) (string, gateway.URLOptions, error) {
	if c.cfg == nil {
		return api, gateway.URLOptions{}, nil
	}
	if api == "" {
		sc, err := c.cfg.StageConfig(c.stage, config.Overrides{})
		if err != nil {
			return "", gateway.URLOptions{}, err
		}
		api = sc.APIType
	}
	if api != gateway.APIURL {
		return api, gateway.URLOptions{}, nil
	}
	fc, err := c.cfg.Function(c.stage, manifest.APIHandlerName, config.Overrides{})
	if err != nil {
		return "", gateway.URLOptions{}, err
	}
	// In process the function answers whole: the buffered invoke mode.
	return api, gateway.URLOptions{AuthType: fc.URLAuthType}, nil
}

// Manifest returns the app's manifest.
func (c *Client) Manifest() *manifest.Manifest { return c.m }

// Handler returns the emulated API Gateway as an http.Handler, e.g. to
// serve the app on a local port.
func (c *Client) Handler() http.Handler { return c.gw }

// invokeRaw runs one function with the stage's environment applied.
func (c *Client) invokeRaw(ctx context.Context, function string, payload []byte) ([]byte, error) {
	env := map[string]string{}
	if c.cfg != nil {
		for k, v := range c.cfg.EnvironmentVariables(c.stage, function) {
			env[k] = v
		}
	}
	for k, v := range c.env {
		env[k] = v
	}
	if len(env) == 0 {
		return c.app.Invoke(ctx, function, payload)
	}
	c.envLock.Lock()
	defer c.envLock.Unlock()
	restore := setEnv(env)
	defer restore()
	return c.app.Invoke(ctx, function, payload)
}

func setEnv(env map[string]string) func() {
	type old struct {
		v  string
		ok bool
	}
	saved := map[string]old{}
	for k, v := range env {
		ov, ok := os.LookupEnv(k)
		saved[k] = old{ov, ok}
		os.Setenv(k, v)
	}
	return func() {
		for k, o := range saved {
			if o.ok {
				os.Setenv(k, o.v)
			} else {
				os.Unsetenv(k)
			}
		}
	}
}

// HTTPResponse is the answer to an HTTP request.
type HTTPResponse struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// JSON decodes the body into v.
func (r *HTTPResponse) JSON(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("chalicetest: response body is not JSON (%q): %w", r.Body, err)
	}
	return nil
}

// JSONBody returns the body decoded as generic JSON (nil if it is not JSON).
func (r *HTTPResponse) JSONBody() any {
	var v any
	if json.Unmarshal(r.Body, &v) != nil {
		return nil
	}
	return v
}

// RequestOption configures one HTTP request.
type RequestOption func(*http.Request)

// WithHeader sets a request header.
func WithHeader(name, value string) RequestOption {
	return func(r *http.Request) { r.Header.Add(name, value) }
}

// WithBody sets the request body.
func WithBody(b []byte) RequestOption {
	return func(r *http.Request) {
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
	}
}

// WithJSON sets a JSON body and Content-Type application/json.
func WithJSON(v any) RequestOption {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("chalicetest.WithJSON: %v", err))
	}
	return func(r *http.Request) {
		WithBody(b)(r)
		r.Header.Set("Content-Type", "application/json")
	}
}

// Request sends an HTTP request through the emulated API Gateway. path
// may carry a query string.
func (c *Client) Request(method, path string, opts ...RequestOption) *HTTPResponse {
	r := httptest.NewRequest(method, path, nil)
	r.Header.Del("User-Agent")
	for _, o := range opts {
		o(r)
	}
	w := httptest.NewRecorder()
	c.gw.ServeHTTP(w, r)
	res := w.Result()
	body, _ := io.ReadAll(res.Body)
	return &HTTPResponse{StatusCode: res.StatusCode, Header: res.Header, Body: body}
}

// Get sends a GET request.
func (c *Client) Get(path string, opts ...RequestOption) *HTTPResponse {
	return c.Request(http.MethodGet, path, opts...)
}

// Post sends a POST request.
func (c *Client) Post(path string, opts ...RequestOption) *HTTPResponse {
	return c.Request(http.MethodPost, path, opts...)
}

// Put sends a PUT request.
func (c *Client) Put(path string, opts ...RequestOption) *HTTPResponse {
	return c.Request(http.MethodPut, path, opts...)
}

// Patch sends a PATCH request.
func (c *Client) Patch(path string, opts ...RequestOption) *HTTPResponse {
	return c.Request(http.MethodPatch, path, opts...)
}

// Delete sends a DELETE request.
func (c *Client) Delete(path string, opts ...RequestOption) *HTTPResponse {
	return c.Request(http.MethodDelete, path, opts...)
}

// Options sends an OPTIONS request.
func (c *Client) Options(path string, opts ...RequestOption) *HTTPResponse {
	return c.Request(http.MethodOptions, path, opts...)
}

// Head sends a HEAD request.
func (c *Client) Head(path string, opts ...RequestOption) *HTTPResponse {
	return c.Request(http.MethodHead, path, opts...)
}

// InvokeResponse is a function's result.
type InvokeResponse struct {
	Payload []byte
}

// JSON decodes the payload into v.
func (r *InvokeResponse) JSON(v any) error { return json.Unmarshal(r.Payload, v) }

// Invoke runs the named function with payload ([]byte / json.RawMessage
// sent as is, anything else JSON-encoded). An unknown name returns an
// error wrapping chalice.ErrFunctionNotFound; a function error is returned
// as the error.
func (c *Client) Invoke(name string, payload any) (*InvokeResponse, error) {
	var raw []byte
	switch p := payload.(type) {
	case []byte:
		raw = p
	case json.RawMessage:
		raw = p
	case nil:
		raw = []byte("{}")
	default:
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("chalicetest: encoding payload: %w", err)
		}
		raw = b
	}
	out, err := c.invokeRaw(context.Background(), name, raw)
	if err != nil {
		return nil, err
	}
	return &InvokeResponse{Payload: out}, nil
}

// provision creates the app's declared resources at endpoint and adds
// the environment that names them.
func (c *Client) provision(endpoint string) error {
	env := map[string]string{"AWS_ENDPOINT_URL": endpoint}
	for k, v := range map[string]string{"AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"} {
		if os.Getenv(k) == "" {
			env[k] = v
		}
	}
	if len(c.m.Resources) > 0 {
		cfg := c.cfg
		if cfg == nil {
			var err error
			if cfg, err = config.Parse("config.json", []byte(`{"app_name": `+strconv.Quote(c.m.App)+`}`)); err != nil {
				return err
			}
		}
		model, err := appgraph.Build(appgraph.Input{Manifest: c.m, Config: cfg, Stage: c.stage, DeclaredResources: true})
		if err != nil {
			return err
		}
		region := cmp.Or(os.Getenv("AWS_REGION"), env["AWS_REGION"])
		awsCfg := aws.Config{Region: region, BaseEndpoint: aws.String(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider(cmp.Or(os.Getenv("AWS_ACCESS_KEY_ID"), "testing"),
				cmp.Or(os.Getenv("AWS_SECRET_ACCESS_KEY"), "testing"), "")}
		res, err := provision.Ensure(context.Background(), awsCfg, model.Declared)
		if err != nil {
			return fmt.Errorf("creating the app's resources at %s: %w", endpoint, err)
		}
		maps.Copy(env, res.Env())
		c.aws, c.resources = awsCfg, res
	}
	for k, v := range env {
		if _, set := c.env[k]; !set {
			c.env[k] = v
		}
	}
	return nil
}
