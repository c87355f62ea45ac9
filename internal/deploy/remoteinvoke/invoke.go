// Package remoteinvoke is `gochalice invoke` of a deployed function:
// the payload in, the function's answer or Chalice's formatted error
// out.
package remoteinvoke

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/deploy"
)

// FunctionError is invoke's error when the function itself failed; the
// formatted error payload was already written to ErrOut (exit status 1).
type FunctionError struct {
	Payload []byte
}

func (e *FunctionError) Error() string {
	return "Unhandled exception in Lambda function, details above."
}

// RemoteError is invoke's error when Lambda refused the call (Chalice's
// ClientError message; exit status 1).
type RemoteError struct {
	Code, Message string
	Err           error
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("got '%s' exception back from Lambda\n%s", e.Code, e.Message)
}

func (e *RemoteError) Unwrap() error { return e.Err }

// ExitCode is the exit status of invoke and logs errors, as Chalice's:
// 0 for nil, 1 for a function or Lambda error, 2 otherwise.
func ExitCode(err error) int {
	var fe *FunctionError
	var re *RemoteError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &fe), errors.As(err, &re):
		return 1
	}
	return 2
}

// Options configure Invoke. Options supplies the project, stage,
// profile, state backend and recorder.
type Options struct {
	deploy.Options
	Name    string    // resource name: api_handler, a pure function's name, an event handler's name
	Payload io.Reader // nil: empty payload
	Out     io.Writer // the payload returned; nil: discarded
	ErrOut  io.Writer // the formatted function error; nil: discarded
}

// Invoke invokes a deployed function (ARN from the deployed state) with
// the payload and writes the payload it returns to Out. A function error
// writes the error, formatted as Chalice does, to ErrOut and returns
// *FunctionError. The call is not retried; it times out after the
// function's configured timeout (plus a margin).
func Invoke(ctx context.Context, o *Options) error {
	clients, d, err := deploy.ReadSession(ctx, &o.Options)
	if err != nil {
		return err
	}
	arn, err := deploy.FunctionARN(d, o.Name)
	if err != nil {
		return err
	}
	var payload []byte
	if o.Payload != nil {
		if payload, err = io.ReadAll(o.Payload); err != nil {
			return fmt.Errorf("reading the payload from stdin: %w", err)
		}
	}
	if cfg, err := config.Load(o.ProjectDir); err == nil {
		if secs := cfg.LambdaTimeout(o.Stage, o.Name); secs > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, time.Duration(secs)*time.Second+10*time.Second)
			defer cancel()
		}
	}
	in := &lambda.InvokeInput{FunctionName: aws.String(arn), InvocationType: ltypes.InvocationTypeRequestResponse}
	if len(payload) > 0 {
		in.Payload = payload
	}
	out, err := clients.Lambda.Invoke(ctx, in, func(lo *lambda.Options) { lo.RetryMaxAttempts = 1 })
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return &RemoteError{Code: ae.ErrorCode(), Message: ae.ErrorMessage(), Err: err}
		}
		return err
	}
	if out.FunctionError != nil && *out.FunctionError != "" {
		if o.ErrOut != nil {
			io.WriteString(o.ErrOut, FormatFunctionError(out.Payload))
		}
		return &FunctionError{Payload: out.Payload}
	}
	if o.Out == nil {
		return nil
	}
	_, err = fmt.Fprintf(o.Out, "%s\n", out.Payload)
	return err
}

// FormatFunctionError formats a Lambda error payload as Chalice's invoke
// does: the stack trace (when there is one), then `errorType: errorMessage`.
func FormatFunctionError(payload []byte) string {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
		StackTrace   []any  `json:"stackTrace"`
	}
	if json.Unmarshal(payload, &e) != nil {
		return string(payload) + "\n"
	}
	var b strings.Builder
	if e.StackTrace != nil {
		b.WriteString("Traceback (most recent call last):\n")
		for _, fr := range e.StackTrace {
			switch fr := fr.(type) {
			case []any:
				if len(fr) == 4 {
					fmt.Fprintf(&b, "  File \"%v\", line %v, in %v\n    %v\n", fr[0], fr[1], fr[2], fr[3])
					continue
				}
				fmt.Fprintf(&b, "  %v\n", fr)
			case string:
				b.WriteString(fr)
			default:
				fmt.Fprintf(&b, "  %v\n", fr)
			}
		}
	}
	if e.ErrorType != "" {
		fmt.Fprintf(&b, "%s: %s\n", e.ErrorType, e.ErrorMessage)
	} else {
		fmt.Fprintf(&b, "%s\n", e.ErrorMessage)
	}
	return b.String()
}
