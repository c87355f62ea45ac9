// Package awsapi holds the AWS SDK clients the deployer uses, with a
// middleware that records every operation (and lets tests inject faults).
package awsapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// NoRegionMessage is Chalice's message when no region is configured.
const NoRegionMessage = "No region configured. Either export the AWS_DEFAULT_REGION environment variable or set the region value in our ~/.aws/config file."

// ErrNoRegion is returned by Load when no region is configured.
var ErrNoRegion = errors.New(NoRegionMessage)

// Call is one AWS operation.
type Call struct {
	Service   string // SDK service id: Lambda, IAM, API Gateway, EventBridge, STS
	Operation string // CreateFunction, ...
}

func (c Call) String() string { return c.Service + ":" + c.Operation }

// Mutating reports whether the operation changes something (its name does
// not start with Get, List, Describe or Head).
func (c Call) Mutating() bool {
	for _, p := range []string{"Get", "List", "Describe", "Head"} {
		if strings.HasPrefix(c.Operation, p) {
			return false
		}
	}
	return true
}

// Recorder records every operation made through a config it is installed
// on. Hook, when set, runs before each operation; an error it returns
// fails the operation without sending it (fault injection in tests).
type Recorder struct {
	mu    sync.Mutex
	calls []Call
	Hook  func(Call) error
}

// Calls returns the operations recorded so far.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

// Mutating returns the recorded operations that change something.
func (r *Recorder) Mutating() []Call {
	var out []Call
	for _, c := range r.Calls() {
		if c.Mutating() {
			out = append(out, c)
		}
	}
	return out
}

// Reset forgets the recorded operations.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.calls = nil
	r.mu.Unlock()
}

// Install adds the recording middleware to cfg.
func (r *Recorder) Install(cfg *aws.Config) {
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("gochalice.deploy.recorder",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c := Call{Service: awsmiddleware.GetServiceID(ctx), Operation: awsmiddleware.GetOperationName(ctx)}
				r.mu.Lock()
				r.calls = append(r.calls, c)
				hook := r.Hook
				r.mu.Unlock()
				if hook != nil {
					if err := hook(c); err != nil {
						return middleware.InitializeOutput{}, middleware.Metadata{}, err
					}
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
}

// HTTPClient is the SDK HTTP client of --connection-timeout: the timeout
// bounds connecting (dial and TLS handshake) and waiting for the response
// headers once the request is sent, as botocore's connect and read
// timeouts; a large upload is not cut short by it.
func HTTPClient(timeout time.Duration) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = timeout }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = timeout
			tr.ResponseHeaderTimeout = timeout
		})
}

// Options configure Load.
type Options struct {
	Profile           string
	ConnectionTimeout time.Duration // 0: the SDK's default
	Recorder          *Recorder     // optional
}

// Clients are the SDK clients of one deploy.
type Clients struct {
	Config     aws.Config
	Region     string
	Lambda     *lambda.Client
	IAM        *iam.Client
	APIGateway *apigateway.Client
	// APIGatewayV2 serves HTTP APIs (api_type http).
	APIGatewayV2 *apigatewayv2.Client
	EventBridge  *eventbridge.Client
	STS          *sts.Client
	SNS          *sns.Client
	S3           *s3.Client
	Logs         *cloudwatchlogs.Client
	// DynamoDB and SQS serve the tables and queues the app declares.
	DynamoDB *dynamodb.Client
	SQS      *sqs.Client
	// Scheduler serves the schedules with a time zone (EventBridge
	// Scheduler).
	Scheduler *scheduler.Client
}

// Load resolves the SDK configuration (environment, shared config,
// --profile; AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured
// by the SDK itself) and creates the clients. It makes no AWS call.
func Load(ctx context.Context, o Options) (*Clients, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if o.Profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(o.Profile))
	}
	if o.ConnectionTimeout > 0 {
		// A BuildableClient, not a plain http.Client: the SDK adds the
		// AWS_CA_BUNDLE / ca_bundle roots to it (and refuses other clients).
		opts = append(opts, awsconfig.WithHTTPClient(HTTPClient(o.ConnectionTimeout)))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, ErrNoRegion
	}
	if o.Recorder != nil {
		o.Recorder.Install(&cfg)
	}
	GuardNonIdempotent(&cfg)
	return &Clients{
		Config:       cfg,
		Region:       cfg.Region,
		Lambda:       lambda.NewFromConfig(cfg),
		IAM:          iam.NewFromConfig(cfg),
		APIGateway:   apigateway.NewFromConfig(cfg),
		APIGatewayV2: apigatewayv2.NewFromConfig(cfg),
		EventBridge:  eventbridge.NewFromConfig(cfg),
		STS:          sts.NewFromConfig(cfg),
		SNS:          sns.NewFromConfig(cfg),
		// An emulator endpoint (AWS_ENDPOINT_URL[_S3]) has no per-bucket
		// host names: address buckets by path there.
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = cfg.BaseEndpoint != nil || os.Getenv("AWS_ENDPOINT_URL_S3") != ""
			o.DisableLogOutputChecksumValidationSkipped = true
		}),
		Logs:      cloudwatchlogs.NewFromConfig(cfg),
		DynamoDB:  dynamodb.NewFromConfig(cfg),
		SQS:       sqs.NewFromConfig(cfg),
		Scheduler: scheduler.NewFromConfig(cfg),
	}, nil
}
