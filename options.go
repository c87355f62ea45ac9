package chalice

import (
	"slices"
	"strings"
)

// Option configures a registration: a route, an authorizer, an event
// handler or a pure Lambda. Each registration accepts only the options that
// make sense for it; passing another is reported as a definition error (as
// Chalice's decorators reject unknown keyword arguments).
type Option func(*options)

type options struct {
	used []string

	name           string
	methods        []string
	authorizer     Authorizer
	apiKeyRequired bool
	contentTypes   []string
	cors           *CORSConfig
	corsSet        bool
	summary        string
	description    string

	// authorizers
	header        string
	ttlSeconds    *int
	executionRole string
	// HTTP API authorizers
	identitySources    []string
	identitySourcesSet bool
	payloadFormat      string
	simpleResponses    bool

	// event sources
	s3Events          []string
	prefix, suffix    string
	queueARN          string
	batchSize         int
	maxBatchingWindow int
	maxConcurrency    *int
	startingPosition  string
	partialBatch      bool
}

func (o *options) mark(name string) { o.used = append(o.used, name) }

func opt(name string, f func(*options)) Option {
	return func(o *options) { o.mark(name); f(o) }
}

// Name sets the name of a route, authorizer, event handler or pure Lambda.
// For everything but routes it is also the Lambda resource name
// ({app}-{stage}-{name}). When omitted, the Go function's name is used;
// anonymous functions need an explicit Name.
func Name(name string) Option { return opt("Name", func(o *options) { o.name = name }) }

// Methods sets a route's HTTP methods (default GET).
func Methods(methods ...string) Option {
	return opt("Methods", func(o *options) {
		for _, m := range methods {
			o.methods = append(o.methods, strings.ToUpper(m))
		}
	})
}

// WithAuthorizer protects a route with an authorizer.
func WithAuthorizer(a Authorizer) Option {
	return opt("WithAuthorizer", func(o *options) { o.authorizer = a })
}

// APIKeyRequired makes API Gateway require an x-api-key header on the route.
func APIKeyRequired() Option {
	return opt("APIKeyRequired", func(o *options) { o.apiKeyRequired = true })
}

// ContentTypes sets the request content types a route accepts (default
// application/json). Others are answered 415.
func ContentTypes(types ...string) Option {
	return opt("ContentTypes", func(o *options) { o.contentTypes = append([]string{}, types...) })
}

// WithCORS enables CORS on a route with this config (DefaultCORS() for
// Chalice's cors=True). A nil config disables CORS on the route even when
// the app has a default (Chalice's cors=False).
func WithCORS(c *CORSConfig) Option {
	return opt("WithCORS", func(o *options) { o.cors = c; o.corsSet = true })
}

// Summary and Description document a route in generated OpenAPI/Swagger.
func Summary(s string) Option { return opt("Summary", func(o *options) { o.summary = s }) }

// Description documents a route or a schedule.
func Description(s string) Option { return opt("Description", func(o *options) { o.description = s }) }

// Header sets the request header an authorizer reads its token from
// (default Authorization).
func Header(h string) Option { return opt("Header", func(o *options) { o.header = h }) }

// TTL sets how long API Gateway caches an authorizer's answer.
func TTL(seconds int) Option { return opt("TTL", func(o *options) { o.ttlSeconds = &seconds }) }

// ExecutionRole sets the role ARN API Gateway assumes to invoke a built-in
// authorizer, or a custom authorizer's invoke role.
func ExecutionRole(arn string) Option {
	return opt("ExecutionRole", func(o *options) { o.executionRole = arn })
}

// PayloadFormat sets the payload format version of a Lambda authorizer
// (App.Authorizer, CustomAuthorizer) on an HTTP API (api_type "http"):
// "1.0", the default, sends a REQUEST event with authorizationToken and
// methodArn and expects an IAM policy; "2.0" sends the request's HTTP API
// fields with routeArn and the identitySource values, and expects an IAM
// policy or, with SimpleResponses, {"isAuthorized": ..., "context": ...}.
// REST APIs ignore it.
func PayloadFormat(version string) Option {
	return opt("PayloadFormat", func(o *options) { o.payloadFormat = version })
}

// SimpleResponses makes a Lambda authorizer on an HTTP API answer
// {"isAuthorized": true|false, "context": {...}} instead of an IAM policy.
// Simple responses need payload format 2.0, which SimpleResponses selects
// when PayloadFormat is not given. A built-in authorizer's answer is
// isAuthorized true when its AuthResponse allows the requested route (for
// example AllowRoutes("*")). REST APIs ignore it.
func SimpleResponses() Option {
	return opt("SimpleResponses", func(o *options) { o.simpleResponses = true })
}

// IdentitySources sets where an HTTP API authorizer finds the caller's
// identity: selection expressions $request.header.NAME,
// $request.querystring.NAME, $context.NAME or $stageVariables.NAME. API
// Gateway answers 401 without invoking a Lambda authorizer when one of
// them is missing, and caches its answers by their values. The default is
// "$request.header." + the Header (Authorization). A JWT authorizer takes
// exactly one, a header or a query string parameter. REST APIs ignore it.
func IdentitySources(exprs ...string) Option {
	return opt("IdentitySources", func(o *options) {
		o.identitySources, o.identitySourcesSet = slices.Clone(exprs), true
	})
}

// S3Events sets the S3 event types (default s3:ObjectCreated:*).
func S3Events(events ...string) Option {
	return opt("S3Events", func(o *options) { o.s3Events = slices.Clone(events) })
}

// Prefix filters S3 notifications by key prefix.
func Prefix(p string) Option { return opt("Prefix", func(o *options) { o.prefix = p }) }

// Suffix filters S3 notifications by key suffix.
func Suffix(s string) Option { return opt("Suffix", func(o *options) { o.suffix = s }) }

// QueueARN names the SQS queue by ARN instead of by name.
func QueueARN(arn string) Option { return opt("QueueARN", func(o *options) { o.queueARN = arn }) }

// BatchSize sets the SQS, Kinesis or DynamoDB batch size (defaults 1, 100, 100).
func BatchSize(n int) Option { return opt("BatchSize", func(o *options) { o.batchSize = n }) }

// MaxBatchingWindow sets the batching window in seconds (default 0).
func MaxBatchingWindow(seconds int) Option {
	return opt("MaxBatchingWindow", func(o *options) { o.maxBatchingWindow = seconds })
}

// MaxConcurrency caps the concurrent invocations of an SQS event source.
func MaxConcurrency(n int) Option {
	return opt("MaxConcurrency", func(o *options) { o.maxConcurrency = &n })
}

// StartingPosition sets a Kinesis/DynamoDB stream's starting position
// (LATEST by default, or TRIM_HORIZON).
func StartingPosition(p string) Option {
	return opt("StartingPosition", func(o *options) { o.startingPosition = p })
}

// ReportBatchItemFailures turns on partial batch responses for an SQS,
// Kinesis or DynamoDB handler: records marked with Fail are retried, the
// others are deleted from the queue.
func ReportBatchItemFailures() Option {
	return opt("ReportBatchItemFailures", func(o *options) { o.partialBatch = true })
}

// build applies opts and returns the names of those not in allowed.
func buildOptions(opts []Option, allowed ...string) (*options, []string) {
	o := &options{}
	for _, f := range opts {
		if f != nil {
			f(o)
		}
	}
	var bad []string
	for _, u := range o.used {
		if !slices.Contains(allowed, u) && !slices.Contains(bad, u) {
			bad = append(bad, u)
		}
	}
	return o, bad
}
