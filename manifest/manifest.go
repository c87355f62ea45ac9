// Package manifest defines the JSON document an app binary prints in
// manifest mode: every route, authorizer, event source, Lambda function and
// websocket handler the app registered, with all their options. The gochalice
// CLI builds the app, runs it with GOCHALICE_MANIFEST=1 and reads this
// document instead of parsing the user's source, exactly as Chalice imports
// app.py. The schema is documented in docs/MANIFEST.md.
package manifest

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// SchemaVersion identifies this version of the document. Readers reject
// documents with another major version.
const SchemaVersion = "gochalice.manifest/v1"

// EnvVar is the environment variable that switches an app binary into
// manifest mode (any non-empty value). The flag form is FlagName.
const (
	EnvVar   = "GOCHALICE_MANIFEST"
	FlagName = "-gochalice-manifest"
)

// InvokeModeEnv is the environment variable that tells the app binary its
// function is invoked with response streaming: `package`, `deploy` and
// `local` set it to "RESPONSE_STREAM" for a Function URL whose
// function_url_invoke_mode is RESPONSE_STREAM.
const InvokeModeEnv = "GOCHALICE_INVOKE_MODE"

// Function kinds.
const (
	KindAPIHandler = "api_handler"
	KindAuthorizer = "authorizer"
	KindEvent      = "event_handler"
	KindPureLambda = "pure_lambda"
	KindWebsocket  = "websocket"
)

// Event source types, named after Chalice's decorators.
const (
	SourceSchedule  = "schedule"
	SourceCWEvent   = "cloudwatch_event"
	SourceS3        = "s3"
	SourceSNS       = "sns"
	SourceSQS       = "sqs"
	SourceKinesis   = "kinesis"
	SourceDynamoDB  = "dynamodb"
	WSConnect       = "$connect"
	WSDefault       = "$default"
	WSDisconnect    = "$disconnect"
	APIHandlerName  = "api_handler"
	DefaultAPIStage = "api"
)

// Authorizer types.
const (
	AuthBuiltin = "builtin"
	AuthCognito = "cognito_user_pools"
	AuthIAM     = "iam"
	AuthCustom  = "custom"
	AuthJWT     = "jwt" // HTTP API JWT authorizer (issuer and audience)
)

// HTTP API Lambda authorizer payload format versions.
const (
	AuthPayload10 = "1.0"
	AuthPayload20 = "2.0"
)

// Manifest is the whole app.
type Manifest struct {
	SchemaVersion string        `json:"schemaVersion"`
	App           string        `json:"app"`
	API           API           `json:"api"`
	Routes        []Route       `json:"routes"`
	Authorizers   []Authorizer  `json:"authorizers"`
	Functions     []Function    `json:"functions"`
	EventSources  []EventSource `json:"eventSources"`
	Websocket     []WSHandler   `json:"websocket"`
	// Schemas are the named JSON Schema (2020-12) documents the typed
	// routes' parameters and bodies refer to as
	// {"$ref": "#/components/schemas/<Name>"} (SchemaRef). Names are
	// alphanumeric (API Gateway model names) and not "Empty".
	Schemas map[string]json.RawMessage `json:"schemas,omitempty"`
	// Resources are the stores and channels the app declares; Grants say
	// which function uses which of them, and how.
	Resources []Resource `json:"resources,omitempty"`
	Grants    []Grant    `json:"grants,omitempty"`
}

// API holds app-wide REST API settings.
type API struct {
	BinaryTypes []string `json:"binaryTypes"`
	CORS        *CORS    `json:"cors,omitempty"` // default for routes that do not set their own
}

// Route is one method on one path.
type Route struct {
	Path             string   `json:"path"` // canonical template, greedy params as {name+}
	Method           string   `json:"method"`
	Name             string   `json:"name"`
	Params           []string `json:"params,omitempty"`
	Authorizer       string   `json:"authorizer,omitempty"` // name of an Authorizer in Manifest.Authorizers
	AuthorizerScopes []string `json:"authorizerScopes,omitempty"`
	APIKeyRequired   bool     `json:"apiKeyRequired,omitempty"`
	ContentTypes     []string `json:"contentTypes"`
	CORS             *CORS    `json:"cors,omitempty"`
	Summary          string   `json:"summary,omitempty"`
	Description      string   `json:"description,omitempty"`
	Mounted          bool     `json:"mounted,omitempty"` // served by a mounted http.Handler

	// Typed routes only: what the handler's Go types declare.

	// Parameters are the route's path, query and header parameters, in
	// declaration order.
	Parameters []Parameter `json:"parameters,omitempty"`
	// RequestBody is the request body the handler decodes.
	RequestBody *Body `json:"requestBody,omitempty"`
	// Response is the success response the handler returns.
	Response *Body `json:"response,omitempty"`
}

// Where a Parameter is.
const (
	InPath   = "path"
	InQuery  = "query"
	InHeader = "header"
)

// ContentTypeJSON is the content type of JSON bodies.
const ContentTypeJSON = "application/json"

// SchemaRefPrefix starts a reference to a named schema of
// Manifest.Schemas: "#/components/schemas/<Name>".
const SchemaRefPrefix = "#/components/schemas/"

// SchemaRef returns the reference to the named schema, as written in
// schemas: {"$ref": "#/components/schemas/<name>"}.
func SchemaRef(name string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"$ref": SchemaRefPrefix + name})
	return b
}

// Parameter is one path, query or header parameter of a typed route.
type Parameter struct {
	Name     string `json:"name"`
	In       string `json:"in"`                 // InPath, InQuery or InHeader
	Required bool   `json:"required,omitempty"` // always true for path parameters
	// Schema is a JSON Schema (2020-12) of the parameter's value: a
	// string, number, integer or boolean, or an array of them for
	// repeated query parameters.
	Schema json.RawMessage `json:"schema"`
}

// Body is a typed route's request body or success response.
type Body struct {
	ContentType string `json:"contentType"`        // ContentTypeJSON
	Required    bool   `json:"required,omitempty"` // request bodies: a request must have one
	// Status is the success response's status code (100-599); 0 means
	// 200. Not set on request bodies.
	Status int `json:"status,omitempty"`
	// Schema is a JSON Schema (2020-12) of the body.
	Schema json.RawMessage `json:"schema"`
}

// StatusCode is the response status: Status, or 200 when it is 0.
func (b *Body) StatusCode() int {
	if b.Status == 0 {
		return 200
	}
	return b.Status
}

// CORS is Chalice's CORSConfig.
type CORS struct {
	AllowOrigin      string   `json:"allowOrigin"`
	AllowHeaders     []string `json:"allowHeaders"` // the full sorted list sent to browsers
	ExposeHeaders    []string `json:"exposeHeaders,omitempty"`
	MaxAge           *int     `json:"maxAge,omitempty"`
	AllowCredentials bool     `json:"allowCredentials,omitempty"`
}

// Authorizer is a route authorizer.
type Authorizer struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"` // AuthBuiltin, AuthCognito, AuthIAM, AuthCustom
	Header        string   `json:"header,omitempty"`
	TTLSeconds    *int     `json:"ttlSeconds,omitempty"`
	ExecutionRole string   `json:"executionRole,omitempty"` // builtin: role API Gateway assumes to invoke it
	Function      string   `json:"function,omitempty"`      // builtin: name of the Function that runs it
	ProviderARNs  []string `json:"providerArns,omitempty"`  // cognito
	AuthorizerURI string   `json:"authorizerUri,omitempty"` // custom
	InvokeRoleARN string   `json:"invokeRoleArn,omitempty"` // custom
	Scopes        []string `json:"scopes,omitempty"`

	// HTTP API settings (ignored by REST APIs).

	// IdentitySources are the selection expressions whose values the
	// authorizer needs ($request.header.NAME, $request.querystring.NAME,
	// $context.NAME, $stageVariables.NAME); a request missing one is
	// answered 401 without running the authorizer, and cached results are
	// keyed by their values. Empty means "$request.header." + Header.
	IdentitySources []string `json:"identitySources,omitempty"`
	// PayloadFormatVersion of a Lambda authorizer (builtin, custom):
	// AuthPayload10 (the default) or AuthPayload20.
	PayloadFormatVersion string `json:"payloadFormatVersion,omitempty"`
	// SimpleResponses lets a payload 2.0 Lambda authorizer answer
	// {"isAuthorized": bool, "context": {...}} instead of an IAM policy.
	SimpleResponses bool `json:"enableSimpleResponses,omitempty"`
	// Issuer and Audience configure a JWT authorizer: the token's iss
	// claim must equal Issuer and its aud (or, without aud, client_id)
	// must be one of Audience.
	Issuer   string   `json:"issuer,omitempty"`
	Audience []string `json:"audience,omitempty"`
}

// Function is one Lambda function of the app. Every function is served by
// the same binary; Handler is the value Lambda passes in _HANDLER.
type Function struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Handler string `json:"handler"`
}

// EventSource connects a Function to something that invokes it. Only the
// fields of its Type are set.
type EventSource struct {
	Type     string `json:"type"`
	Function string `json:"function"`

	// schedule
	Schedule    string `json:"schedule,omitempty"`
	Description string `json:"description,omitempty"`
	// TimeZone is the IANA zone a schedule runs in (chalice.TimeZone);
	// such a schedule is an EventBridge Scheduler schedule, not a rule.
	TimeZone string `json:"timezone,omitempty"`
	// cloudwatch_event
	EventPattern json.RawMessage `json:"eventPattern,omitempty"`
	// Bus is the event bus the rule is on when the app does not declare
	// it (chalice.EventBus): a name or an ARN; "" = the default bus (or
	// the declared bus named by Resource).
	Bus string `json:"bus,omitempty"`
	// s3
	Bucket string   `json:"bucket,omitempty"`
	Events []string `json:"events,omitempty"`
	Prefix string   `json:"prefix,omitempty"`
	Suffix string   `json:"suffix,omitempty"`
	// sns
	Topic string `json:"topic,omitempty"` // name or ARN
	// sqs
	Queue          string `json:"queue,omitempty"`
	QueueARN       string `json:"queueArn,omitempty"`
	MaxConcurrency *int   `json:"maximumConcurrency,omitempty"`
	// kinesis
	Stream string `json:"stream,omitempty"`
	// dynamodb
	StreamARN string `json:"streamArn,omitempty"`
	// Resource is the declared resource the source reads (a queue,
	// bucket, topic or table) or the bus a schedule or event rule is on;
	// the Queue/Bucket/Topic/StreamARN field is then empty.
	Resource string `json:"resource,omitempty"`
	// sqs, kinesis, dynamodb
	BatchSize               int    `json:"batchSize,omitempty"`
	MaxBatchingWindow       int    `json:"maximumBatchingWindowInSeconds,omitempty"`
	StartingPosition        string `json:"startingPosition,omitempty"`
	ReportBatchItemFailures bool   `json:"reportBatchItemFailures,omitempty"`
}

// WSHandler is a websocket route handler.
type WSHandler struct {
	RouteKey string `json:"routeKey"` // $connect, $default, $disconnect
	Function string `json:"function"` // websocket_connect, websocket_message, websocket_disconnect
}

// Write encodes m as indented JSON with a trailing newline.
func (m *Manifest) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(m)
}

// Read decodes and checks a manifest: unknown fields and other schema
// versions are refused, and the typed parts are checked (CheckSchemas).
func Read(r io.Reader) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		if strings.Contains(err.Error(), "unknown field") {
			// The app was built with a gochalice whose manifest has
			// fields this CLI does not know.
			return nil, fmt.Errorf("manifest: decoding: %w (the app was built with a newer gochalice than this CLI: build the CLI from the same gochalice version)", err)
		}
		return nil, fmt.Errorf("manifest: decoding: %w", err)
	}
	if m.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("manifest: unsupported schemaVersion %q (this gochalice reads %q): rebuild the app with the same gochalice version as the CLI", m.SchemaVersion, SchemaVersion)
	}
	if err := m.CheckSchemas(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Function returns the function with this name.
func (m *Manifest) Function(name string) (Function, bool) {
	for _, f := range m.Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}

// Authorizer returns the authorizer with this name.
func (m *Manifest) Authorizer(name string) (Authorizer, bool) {
	for _, a := range m.Authorizers {
		if a.Name == name {
			return a, true
		}
	}
	return Authorizer{}, false
}

// Headers returns the Access-Control-* response headers of this config, as
// Chalice's CORSConfig.get_access_control_headers (without
// Access-Control-Allow-Methods, which only preflight responses carry).
func (c *CORS) Headers() map[string]string {
	h := map[string]string{
		"Access-Control-Allow-Origin":  c.AllowOrigin,
		"Access-Control-Allow-Headers": strings.Join(c.AllowHeaders, ","),
	}
	if len(c.ExposeHeaders) > 0 {
		h["Access-Control-Expose-Headers"] = strings.Join(c.ExposeHeaders, ",")
	}
	if c.MaxAge != nil {
		h["Access-Control-Max-Age"] = strconv.Itoa(*c.MaxAge)
	}
	if c.AllowCredentials {
		h["Access-Control-Allow-Credentials"] = "true"
	}
	return h
}

// HTTPIdentitySources returns the authorizer's identity sources for an HTTP
// API: IdentitySources, or "$request.header." + Header ("Authorization"
// when Header is empty).
func (a *Authorizer) HTTPIdentitySources() []string {
	if len(a.IdentitySources) > 0 {
		return a.IdentitySources
	}
	h := a.Header
	if h == "" {
		h = "Authorization"
	}
	return []string{"$request.header." + h}
}

// Identity source prefixes of HTTP API authorizers.
const (
	IdentityHeader        = "$request.header."
	IdentityQueryString   = "$request.querystring."
	IdentityContext       = "$context."
	IdentityStageVariable = "$stageVariables."
)

// CheckIdentitySource reports whether expr is an HTTP API identity source
// selection expression: $request.header.NAME, $request.querystring.NAME,
// $context.NAME or $stageVariables.NAME, where NAME is not empty and has
// no white space, comma or '$' (API Gateway's OpenAPI form lists identity
// sources separated by commas).
func CheckIdentitySource(expr string) error {
	for _, prefix := range []string{IdentityHeader, IdentityQueryString, IdentityContext, IdentityStageVariable} {
		name, ok := strings.CutPrefix(expr, prefix)
		if !ok {
			continue
		}
		if name == "" {
			return fmt.Errorf("identity source %q names nothing after %q", expr, prefix)
		}
		if i := strings.IndexFunc(name, func(r rune) bool {
			return r == ',' || r == '$' || r <= ' ' || r == 0x7f
		}); i >= 0 {
			return fmt.Errorf("identity source %q: the name %q may not contain %q", expr, name, name[i:i+1])
		}
		return nil
	}
	return fmt.Errorf("identity source %q: want $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME", expr)
}
