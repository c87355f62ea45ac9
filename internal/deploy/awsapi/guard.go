package awsapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// nonIdempotent lists the operations that create a new resource with a
// server-chosen id each time they are sent: repeating one whose response
// was lost creates a second resource that nobody records. The SDK's
// retryer is not allowed to repeat them (see GuardNonIdempotent); the
// deployer looks for what the lost attempt made before trying again.
//
// The other creates are safe to repeat: they are keyed by a name the
// deployer chooses (CreateFunction, CreateRole, CreateLogGroup,
// CreateStage, CreateDomainName, CreateBasePathMapping, CreateApiMapping,
// AddPermission's statement id), so a repeat fails with a conflict the
// deployer treats as "it exists"; SNS Subscribe returns the existing
// subscription; the Put* calls overwrite; a repeated CreateDeployment only
// adds a harmless deployment.
var nonIdempotent = map[Call]bool{
	{"API Gateway", "CreateRestApi"}:       true,
	{"API Gateway", "ImportRestApi"}:       true,
	{"ApiGatewayV2", "CreateApi"}:          true,
	{"ApiGatewayV2", "ImportApi"}:          true,
	{"ApiGatewayV2", "CreateIntegration"}:  true,
	{"ApiGatewayV2", "CreateRoute"}:        true,
	{"Lambda", "CreateEventSourceMapping"}: true,
	{"Lambda", "PublishVersion"}:           true,
}

// IsNonIdempotent reports whether the SDK may not retry the operation.
func IsNonIdempotent(c Call) bool { return nonIdempotent[c] }

// UnknownOutcomeError is returned instead of retrying a non-idempotent
// operation whose first attempt got no definite answer (no response, a
// timeout, or a 5xx): the resource may or may not exist now.
type UnknownOutcomeError struct {
	Call Call
	Err  error // the first attempt's error
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("the outcome of %s is unknown (%v): it may have created a resource, so it was not sent again", e.Call, e.Err)
}

func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// RetryableError tells the SDK's retryer not to retry it.
func (e *UnknownOutcomeError) RetryableError() bool { return false }

type attemptsKey struct{}

type attempts struct {
	n    int
	last error
}

// GuardNonIdempotent installs the middleware that keeps the SDK from
// repeating a non-idempotent operation after an attempt without a definite
// answer. A definite refusal (an HTTP status below 500, e.g. throttling)
// is still retried by the SDK: nothing was created.
func GuardNonIdempotent(cfg *aws.Config) {
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		if err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("gochalice.deploy.attempts",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(middleware.WithStackValue(ctx, attemptsKey{}, &attempts{}), in)
			}), middleware.After); err != nil {
			return err
		}
		guard := middleware.FinalizeMiddlewareFunc("gochalice.deploy.noblindretry",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				c := Call{Service: awsmiddleware.GetServiceID(ctx), Operation: awsmiddleware.GetOperationName(ctx)}
				st, _ := middleware.GetStackValue(ctx, attemptsKey{}).(*attempts)
				if st == nil || !nonIdempotent[c] {
					return next.HandleFinalize(ctx, in)
				}
				st.n++
				if st.n > 1 && !definite(st.last) {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, &UnknownOutcomeError{Call: c, Err: st.last}
				}
				out, md, err := next.HandleFinalize(ctx, in)
				st.last = err
				return out, md, err
			})
		// Inside the retry loop: once per attempt.
		if _, ok := stack.Finalize.Get("Retry"); ok {
			return stack.Finalize.Insert(guard, "Retry", middleware.After)
		}
		return stack.Finalize.Add(guard, middleware.Before)
	})
}

// definite reports whether an attempt's error is a definite answer from
// the service (a response with a status below 500): the request was
// refused and had no effect.
func definite(err error) bool {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.Response != nil {
		// A send that failed is reported with status 0: no answer.
		code := re.HTTPStatusCode()
		return code >= 100 && code < 500
	}
	return false
}
