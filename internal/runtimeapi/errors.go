package runtimeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrClosed is returned (wrapped) by [Pool.Invoke] and [Pool.Warm] once the
// pool is closed, including for invocations still in flight at Close.
var ErrClosed = errors.New("runtimeapi: pool is closed")

// FunctionError is an error the function itself reported through
// POST /runtime/invocation/{id}/error: a Go error returned by the handler,
// or a panic recovered by aws-lambda-go. It is also used for a response
// larger than [MaxPayloadSize] (Type "Function.ResponseSizeTooLarge").
// The JSON form is Lambda's error payload.
type FunctionError struct {
	Function   string          `json:"-"`
	Message    string          `json:"errorMessage"`
	Type       string          `json:"errorType"`
	StackTrace json.RawMessage `json:"stackTrace,omitempty"`
}

// Error names the function and gives the error as Lambda reports it:
// "errorType: errorMessage".
func (e *FunctionError) Error() string {
	var b strings.Builder
	b.WriteString("runtimeapi: function ")
	b.WriteString(e.Function)
	b.WriteString(" returned an error: ")
	b.WriteString(e.Type)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// ErrorMessage returns the function's error message.
func (e *FunctionError) ErrorMessage() string { return e.Message }

// ErrorType returns the function's error type, e.g. the Go type name of the
// returned error.
func (e *FunctionError) ErrorType() string { return e.Type }

// TimeoutError reports an invocation that ran longer than the function's
// own timeout ([Config.Timeout], lambda_timeout); its worker process was
// killed and replaced. Lambda reports this as "Task timed out after N.NN
// seconds" and API Gateway answers 502, so TimeoutError deliberately has
// no Timeout method: only an [*IntegrationTimeoutError] is a gateway
// timeout (504).
type TimeoutError struct {
	Function string
	Duration time.Duration // the configured timeout
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("runtimeapi: function %s: Task timed out after %.2f seconds", e.Function, e.Duration.Seconds())
}

// IntegrationTimeoutError reports that no response arrived within
// [Config.IntegrationTimeout] (API Gateway's 29 s integration limit),
// counting the wait for a free worker. The invocation itself, if a worker
// took it, keeps running until it finishes or reaches the function's own
// timeout, as on Lambda.
type IntegrationTimeoutError struct {
	Function        string
	Limit           time.Duration // the integration timeout
	FunctionTimeout time.Duration // the function's own timeout, for the message
}

func (e *IntegrationTimeoutError) Error() string {
	return fmt.Sprintf("runtimeapi: function %s: no response within the %.2f s integration timeout (the function's own timeout is %.2f s)",
		e.Function, e.Limit.Seconds(), e.FunctionTimeout.Seconds())
}

// Timeout reports true: this is the gateway-side timeout, so the error
// satisfies interface{ Timeout() bool } and API Gateway answers 504.
func (e *IntegrationTimeoutError) Timeout() bool { return true }

// Unwrap returns context.DeadlineExceeded.
func (e *IntegrationTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// CrashError reports a worker process that exited during an invocation, or
// before it first polled /next (an init failure: DuringInit is true).
type CrashError struct {
	Function   string
	ExitErr    error  // from exec.Cmd.Wait; nil if the process exited with status 0
	StderrTail string // the last ~2 KB the process wrote to stderr
	DuringInit bool   // the process exited before polling for an invocation
}

// crashTailLines is how many lines of StderrTail CrashError.Error quotes.
const crashTailLines = 5

// Error gives the exit status or signal and the last lines of stderr.
func (e *CrashError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "runtimeapi: function %s: process exited ", e.Function)
	if e.DuringInit {
		b.WriteString("during init, before polling for an invocation")
	} else {
		b.WriteString("during the invocation")
	}
	if e.ExitErr != nil {
		fmt.Fprintf(&b, " (%v)", e.ExitErr)
	} else {
		b.WriteString(" (exit status 0)")
	}
	if tail := lastLines(e.StderrTail, crashTailLines); tail != "" {
		b.WriteString("; last lines of stderr:\n")
		b.WriteString(tail)
	}
	return b.String()
}

// Unwrap returns the process exit error.
func (e *CrashError) Unwrap() error { return e.ExitErr }

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' {
			if n--; n == 0 {
				return s[i+1:]
			}
		}
	}
	return s
}

// InitError reports that the runtime posted /runtime/init/error: the app
// failed to initialise. The worker is stopped.
type InitError struct {
	Function string
	Message  string `json:"errorMessage"`
	Type     string `json:"errorType"`
}

func (e *InitError) Error() string {
	switch {
	case e.Type == "":
		return fmt.Sprintf("runtimeapi: function %s: init error: %s", e.Function, e.Message)
	case e.Message == "":
		return fmt.Sprintf("runtimeapi: function %s: init error: %s", e.Function, e.Type)
	}
	return fmt.Sprintf("runtimeapi: function %s: init error: %s: %s", e.Function, e.Type, e.Message)
}

// ErrorMessage returns the message the runtime reported.
func (e *InitError) ErrorMessage() string { return e.Message }

// ErrorType returns the error type the runtime reported.
func (e *InitError) ErrorType() string { return e.Type }
