package runtimeapi

import (
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
	Message    string          `json:"errorMessage"`
	Type       string          `json:"errorType"`
	StackTrace json.RawMessage `json:"stackTrace,omitempty"`
}

// Error returns the error message as the function reported it (its type
// if the message is empty).
func (e *FunctionError) Error() string {
	if e.Message == "" {
		return e.Type
	}
	return e.Message
}

// ErrorMessage returns the function's error message.
func (e *FunctionError) ErrorMessage() string { return e.Message }

// ErrorType returns the function's error type, e.g. the Go type name of the
// returned error.
func (e *FunctionError) ErrorType() string { return e.Type }

// TimeoutError reports an invocation that ran longer than the function's
// timeout; its worker process was killed.
type TimeoutError struct {
	Function string
	Duration time.Duration // the configured timeout
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("runtimeapi: function %s: task timed out after %.2f seconds", e.Function, e.Duration.Seconds())
}

// Timeout reports true, so the error satisfies interface{ Timeout() bool }.
func (e *TimeoutError) Timeout() bool { return true }

// CrashError reports a worker process that exited during an invocation, or
// before it first polled /next (an init failure: DuringInit is true).
type CrashError struct {
	Function   string
	ExitErr    error  // from exec.Cmd.Wait; nil if the process exited with status 0
	StderrTail string // the last ~2 KB the process wrote to stderr
	DuringInit bool   // the process exited before polling for an invocation
}

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
	if e.StderrTail != "" {
		b.WriteString("; stderr:\n")
		b.WriteString(e.StderrTail)
	}
	return b.String()
}

// Unwrap returns the process exit error.
func (e *CrashError) Unwrap() error { return e.ExitErr }

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
