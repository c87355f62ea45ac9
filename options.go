package chalice

import (
	"slices"
	"strings"
)

// RouteOption configures a route (Route, Get, Post, Put, Patch, Delete)
// or a mounted http.Handler (Mount).
//
// Every registration takes options of its own kind: a route takes
// RouteOptions, an SQS handler SQSOptions, a Cognito authorizer
// CognitoAuthorizerOptions, and so on. An option that applies to several
// kinds (Name, BatchSize, Header, ...) returns an interface that is each of
// those kinds at once (NameOption, BatchOption, HeaderOption, ...), so an
// option given to a registration it does not apply to is a compile error:
//
//	app.OnSQSMessage("jobs", handle, chalice.Name("jobs"), chalice.BatchSize(10))
//	app.Get("/", index, chalice.BatchSize(10)) // does not compile
//
// The option interfaces have unexported methods: only this package
// implements them. A nil option is ignored.
type RouteOption interface{ applyRoute(*routeConfig) }

// AuthorizerOption configures a built-in authorizer (App.Authorizer).
type AuthorizerOption interface{ applyAuthorizer(*authConfig) }

// CognitoAuthorizerOption configures NewCognitoUserPoolAuthorizer.
type CognitoAuthorizerOption interface{ applyCognito(*authConfig) }

// CustomAuthorizerOption configures NewCustomAuthorizer.
type CustomAuthorizerOption interface{ applyCustom(*authConfig) }

// JWTAuthorizerOption configures NewJWTAuthorizer.
type JWTAuthorizerOption interface{ applyJWT(*authConfig) }

// ScheduleOption configures a scheduled function (Schedule).
type ScheduleOption interface{ applySchedule(*eventConfig) }

// CWEventOption configures an EventBridge handler (OnCWEvent).
type CWEventOption interface{ applyCWEvent(*eventConfig) }

// S3Option configures an S3 handler (OnS3Event).
type S3Option interface{ applyS3(*eventConfig) }

// SNSOption configures an SNS handler (OnSNSMessage).
type SNSOption interface{ applySNS(*eventConfig) }

// SQSOption configures an SQS handler (OnSQSMessage).
type SQSOption interface{ applySQS(*eventConfig) }

// KinesisOption configures a Kinesis handler (OnKinesisRecord).
type KinesisOption interface{ applyKinesis(*eventConfig) }

// DynamoDBOption configures a DynamoDB stream handler (OnDynamoDBRecord).
type DynamoDBOption interface{ applyDynamoDB(*eventConfig) }

// LambdaOption configures a pure Lambda function (LambdaFunction).
type LambdaOption interface{ applyLambda(*eventConfig) }

// WebsocketOption configures a websocket handler (OnWSConnect,
// OnWSMessage, OnWSDisconnect).
type WebsocketOption interface{ applyWebsocket(*eventConfig) }

// NameOption is an option of every registration that has a name: routes,
// mounts, built-in authorizers, event handlers, pure Lambdas and
// websocket handlers.
type NameOption interface {
	RouteOption
	AuthorizerOption
	ScheduleOption
	CWEventOption
	S3Option
	SNSOption
	SQSOption
	KinesisOption
	DynamoDBOption
	LambdaOption
	WebsocketOption
}

// DescriptionOption is an option of routes and schedules.
type DescriptionOption interface {
	RouteOption
	ScheduleOption
}

// HeaderOption is an option of the authorizers that read a token header:
// built-in, Cognito user pool and custom authorizers.
type HeaderOption interface {
	AuthorizerOption
	CognitoAuthorizerOption
	CustomAuthorizerOption
}

// LambdaAuthorizerOption is an option of the authorizers implemented by a
// Lambda function: built-in (App.Authorizer) and custom authorizers.
type LambdaAuthorizerOption interface {
	AuthorizerOption
	CustomAuthorizerOption
}

// IdentitySourcesOption is an option of the authorizers an HTTP API asks
// for the caller's identity: built-in, custom and JWT authorizers.
type IdentitySourcesOption interface {
	AuthorizerOption
	CustomAuthorizerOption
	JWTAuthorizerOption
}

// BatchOption is an option of the handlers that receive batches: SQS,
// Kinesis and DynamoDB.
type BatchOption interface {
	SQSOption
	KinesisOption
	DynamoDBOption
}

// StreamOption is an option of the stream handlers: Kinesis and DynamoDB.
type StreamOption interface {
	KinesisOption
	DynamoDBOption
}

// routeConfig is what RouteOptions set.
type routeConfig struct {
	name           string
	methods        []string
	authorizer     Authorizer
	apiKeyRequired bool
	contentTypes   []string
	cors           *CORSConfig
	corsSet        bool
	summary        string
	description    string
	grants         []grant
	middleware     []func(next Handler) Handler
}

// authConfig is what the authorizer options set.
type authConfig struct {
	name          string
	header        string
	ttlSeconds    *int
	executionRole string
	// HTTP API authorizers
	identitySources    []string
	identitySourcesSet bool
	payloadFormat      string
	simpleResponses    bool
	grants             []grant
}

// eventConfig is what the options of event handlers, pure Lambdas and
// websocket handlers set.
type eventConfig struct {
	name              string
	description       string
	s3Events          []string
	prefix, suffix    string
	queueARN          string
	batchSize         int
	maxBatchingWindow int
	maxConcurrency    *int
	startingPosition  string
	partialBatch      bool
	grants            []grant
	bus               *Bus
	busSet            bool
	busName           string // EventBus: a bus the app does not declare
	busNameSet        bool
	timeZone          string // TimeZone: schedules run by EventBridge Scheduler
}

func routeConfigOf(opts []RouteOption) *routeConfig {
	c := &routeConfig{}
	for _, o := range opts {
		if o != nil {
			o.applyRoute(c)
		}
	}
	return c
}

// eventConfigOf applies options of one kind.
func eventConfigOf[O any](opts []O, apply func(O, *eventConfig)) *eventConfig {
	c := &eventConfig{}
	for _, o := range opts {
		if any(o) != nil {
			apply(o, c)
		}
	}
	return c
}

func authConfigOf[O any](opts []O, apply func(O, *authConfig)) *authConfig {
	c := &authConfig{}
	for _, o := range opts {
		if any(o) != nil {
			apply(o, c)
		}
	}
	return c
}

// Name sets the name of a route, authorizer, event handler or pure Lambda.
// For everything but routes it is also the Lambda resource name
// ({app}-{stage}-{name}). When omitted, the Go function's name is used;
// anonymous functions need an explicit Name. Websocket handlers accept it
// as Chalice's on_ws_* decorators do; their functions keep the names
// websocket_connect, websocket_message and websocket_disconnect.
func Name(name string) NameOption { return nameOption(name) }

type nameOption string

func (o nameOption) applyRoute(c *routeConfig)     { c.name = string(o) }
func (o nameOption) applyAuthorizer(c *authConfig) { c.name = string(o) }
func (o nameOption) applySchedule(c *eventConfig)  { c.name = string(o) }
func (o nameOption) applyCWEvent(c *eventConfig)   { c.name = string(o) }
func (o nameOption) applyS3(c *eventConfig)        { c.name = string(o) }
func (o nameOption) applySNS(c *eventConfig)       { c.name = string(o) }
func (o nameOption) applySQS(c *eventConfig)       { c.name = string(o) }
func (o nameOption) applyKinesis(c *eventConfig)   { c.name = string(o) }
func (o nameOption) applyDynamoDB(c *eventConfig)  { c.name = string(o) }
func (o nameOption) applyLambda(c *eventConfig)    { c.name = string(o) }
func (o nameOption) applyWebsocket(c *eventConfig) { c.name = string(o) }

// routeOption is an option of routes only.
type routeOption func(*routeConfig)

func (f routeOption) applyRoute(c *routeConfig) { f(c) }

// Methods sets a route's HTTP methods (default GET; Get, Post, ... add
// their own method to these).
func Methods(methods ...string) RouteOption {
	upper := make([]string, len(methods))
	for i, m := range methods {
		upper[i] = strings.ToUpper(m)
	}
	return routeOption(func(c *routeConfig) { c.methods = append(c.methods, upper...) })
}

// WithAuthorizer protects a route with an authorizer.
func WithAuthorizer(a Authorizer) RouteOption {
	return routeOption(func(c *routeConfig) { c.authorizer = a })
}

// APIKeyRequired makes API Gateway require an x-api-key header on the route.
func APIKeyRequired() RouteOption {
	return routeOption(func(c *routeConfig) { c.apiKeyRequired = true })
}

// ContentTypes sets the request content types a route accepts (default
// application/json). Others are answered 415.
func ContentTypes(types ...string) RouteOption {
	types = slices.Clone(types)
	if types == nil {
		types = []string{}
	}
	return routeOption(func(c *routeConfig) { c.contentTypes = types })
}

// WithCORS enables CORS on a route with this config (DefaultCORS() for
// Chalice's cors=True). A nil config disables CORS on the route even when
// the app has a default (Chalice's cors=False).
func WithCORS(cfg *CORSConfig) RouteOption {
	return routeOption(func(c *routeConfig) { c.cors, c.corsSet = cfg, true })
}

// Summary documents a route in generated OpenAPI/Swagger.
func Summary(s string) RouteOption {
	return routeOption(func(c *routeConfig) { c.summary = s })
}

// WithMiddleware wraps the route's view in HTTP middleware, chi's
// func(next) next shape: the first given is outermost. Route middleware
// runs inside the app's middleware (UseHTTP, UseAll) and only for requests
// that reach the view: not for the 404, 405, 415 and CORS preflight
// answers. A *Error it returns is answered as a view's is (Chalice's error
// body, through App.OnError); another error becomes the generic 500. On a
// Mount it wraps the mounted handler.
func WithMiddleware(mw ...func(next Handler) Handler) RouteOption {
	mw = slices.Clone(mw)
	return routeOption(func(c *routeConfig) { c.middleware = append(c.middleware, mw...) })
}

// Description documents a route (in generated OpenAPI/Swagger) or a
// schedule (its EventBridge rule's description).
func Description(s string) DescriptionOption { return descriptionOption(s) }

type descriptionOption string

func (o descriptionOption) applyRoute(c *routeConfig)    { c.description = string(o) }
func (o descriptionOption) applySchedule(c *eventConfig) { c.description = string(o) }

// headerOption sets the token header of an authorizer.
type headerOption string

func (o headerOption) applyAuthorizer(c *authConfig) { c.header = string(o) }
func (o headerOption) applyCognito(c *authConfig)    { c.header = string(o) }
func (o headerOption) applyCustom(c *authConfig)     { c.header = string(o) }

// Header sets the request header an authorizer reads its token from
// (default Authorization).
func Header(h string) HeaderOption { return headerOption(h) }

// lambdaAuthOption is an option of built-in and custom authorizers.
type lambdaAuthOption func(*authConfig)

func (f lambdaAuthOption) applyAuthorizer(c *authConfig) { f(c) }
func (f lambdaAuthOption) applyCustom(c *authConfig)     { f(c) }

// TTL sets how long API Gateway caches an authorizer's answer.
func TTL(seconds int) LambdaAuthorizerOption {
	return lambdaAuthOption(func(c *authConfig) { c.ttlSeconds = &seconds })
}

// ExecutionRole sets the role ARN API Gateway assumes to invoke a built-in
// authorizer, or a custom authorizer's invoke role.
func ExecutionRole(arn string) LambdaAuthorizerOption {
	return lambdaAuthOption(func(c *authConfig) { c.executionRole = arn })
}

// PayloadFormat sets the payload format version of a Lambda authorizer
// (App.Authorizer, NewCustomAuthorizer) on an HTTP API (api_type "http"):
// "1.0", the default, sends a REQUEST event with authorizationToken and
// methodArn and expects an IAM policy; "2.0" sends the request's HTTP API
// fields with routeArn and the identitySource values, and expects an IAM
// policy or, with SimpleResponses, {"isAuthorized": ..., "context": ...}.
// REST APIs ignore it.
func PayloadFormat(version string) LambdaAuthorizerOption {
	return lambdaAuthOption(func(c *authConfig) { c.payloadFormat = version })
}

// SimpleResponses makes a Lambda authorizer on an HTTP API answer
// {"isAuthorized": true|false, "context": {...}} instead of an IAM policy.
// Simple responses need payload format 2.0, which SimpleResponses selects
// when PayloadFormat is not given. A built-in authorizer's answer is
// isAuthorized true when its AuthResponse allows the requested route (for
// example AllowRoutes("*")). REST APIs ignore it.
func SimpleResponses() LambdaAuthorizerOption {
	return lambdaAuthOption(func(c *authConfig) { c.simpleResponses = true })
}

type identitySourcesOption []string

func (o identitySourcesOption) apply(c *authConfig) {
	c.identitySources, c.identitySourcesSet = slices.Clone([]string(o)), true
}
func (o identitySourcesOption) applyAuthorizer(c *authConfig) { o.apply(c) }
func (o identitySourcesOption) applyCustom(c *authConfig)     { o.apply(c) }
func (o identitySourcesOption) applyJWT(c *authConfig)        { o.apply(c) }

// IdentitySources sets where an HTTP API authorizer finds the caller's
// identity: selection expressions $request.header.NAME,
// $request.querystring.NAME, $context.NAME or $stageVariables.NAME. API
// Gateway answers 401 without invoking a Lambda authorizer when one of
// them is missing, and caches its answers by their values. The default is
// "$request.header." + the Header (Authorization). A JWT authorizer takes
// exactly one, a header or a query string parameter. REST APIs ignore it.
func IdentitySources(exprs ...string) IdentitySourcesOption {
	return identitySourcesOption(slices.Clone(exprs))
}

// s3Option is an option of S3 handlers only.
type s3Option func(*eventConfig)

func (f s3Option) applyS3(c *eventConfig) { f(c) }

// S3Events sets the S3 event types (default s3:ObjectCreated:*).
func S3Events(events ...string) S3Option {
	events = slices.Clone(events)
	return s3Option(func(c *eventConfig) { c.s3Events = events })
}

// Prefix filters S3 notifications by key prefix.
func Prefix(p string) S3Option { return s3Option(func(c *eventConfig) { c.prefix = p }) }

// Suffix filters S3 notifications by key suffix.
func Suffix(s string) S3Option { return s3Option(func(c *eventConfig) { c.suffix = s }) }

// sqsOption is an option of SQS handlers only.
type sqsOption func(*eventConfig)

func (f sqsOption) applySQS(c *eventConfig) { f(c) }

// QueueARN names the SQS queue by ARN instead of by name.
func QueueARN(arn string) SQSOption { return sqsOption(func(c *eventConfig) { c.queueARN = arn }) }

// MaxConcurrency caps the concurrent invocations of an SQS event source
// (2 to 1000).
func MaxConcurrency(n int) SQSOption {
	return sqsOption(func(c *eventConfig) { c.maxConcurrency = &n })
}

// batchOption is an option of SQS, Kinesis and DynamoDB handlers.
type batchOption func(*eventConfig)

func (f batchOption) applySQS(c *eventConfig)      { f(c) }
func (f batchOption) applyKinesis(c *eventConfig)  { f(c) }
func (f batchOption) applyDynamoDB(c *eventConfig) { f(c) }

// BatchSize sets the SQS, Kinesis or DynamoDB batch size (defaults 1, 100, 100).
func BatchSize(n int) BatchOption { return batchOption(func(c *eventConfig) { c.batchSize = n }) }

// MaxBatchingWindow sets the batching window in seconds (default 0).
func MaxBatchingWindow(seconds int) BatchOption {
	return batchOption(func(c *eventConfig) { c.maxBatchingWindow = seconds })
}

// ReportBatchItemFailures turns on partial batch responses for an SQS,
// Kinesis or DynamoDB handler: records marked with Fail are retried, the
// others are deleted from the queue.
func ReportBatchItemFailures() BatchOption {
	return batchOption(func(c *eventConfig) { c.partialBatch = true })
}

// streamOption is an option of Kinesis and DynamoDB handlers.
type streamOption func(*eventConfig)

func (f streamOption) applyKinesis(c *eventConfig)  { f(c) }
func (f streamOption) applyDynamoDB(c *eventConfig) { f(c) }

// StartingPosition sets a Kinesis/DynamoDB stream's starting position
// (LATEST by default, or TRIM_HORIZON).
func StartingPosition(p string) StreamOption {
	return streamOption(func(c *eventConfig) { c.startingPosition = p })
}
