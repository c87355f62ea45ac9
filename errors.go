package chalice

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an HTTP error a view returns to answer with Chalice's error body:
//
//	{"Code":"NotFoundError","Message":"user bob not found"}
//
// Build one with the constructor named after the Chalice exception
// (BadRequestError, NotFoundError, ...) or with NewError for any status.
type Error struct {
	StatusCode int    // HTTP status of the response
	Code       string // the "Code" field, Chalice's exception class name
	Message    string // the "Message" field
	Err        error  // optional cause, never shown to the client
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause given to Wrap.
func (e *Error) Unwrap() error { return e.Err }

// Wrap records err as the cause of e (for logs and errors.Is) and returns e.
func (e *Error) Wrap(err error) *Error { e.Err = err; return e }

// NewError returns an Error with any status and code.
func NewError(status int, code, format string, args ...any) *Error {
	return &Error{StatusCode: status, Code: code, Message: sprintf(format, args...)}
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// ChaliceViewError answers 500 with Code "ChaliceViewError".
func ChaliceViewError(format string, args ...any) *Error {
	return NewError(http.StatusInternalServerError, "ChaliceViewError", format, args...)
}

// BadRequestError answers 400.
func BadRequestError(format string, args ...any) *Error {
	return NewError(http.StatusBadRequest, "BadRequestError", format, args...)
}

// UnauthorizedError answers 401.
func UnauthorizedError(format string, args ...any) *Error {
	return NewError(http.StatusUnauthorized, "UnauthorizedError", format, args...)
}

// ForbiddenError answers 403.
func ForbiddenError(format string, args ...any) *Error {
	return NewError(http.StatusForbidden, "ForbiddenError", format, args...)
}

// NotFoundError answers 404.
func NotFoundError(format string, args ...any) *Error {
	return NewError(http.StatusNotFound, "NotFoundError", format, args...)
}

// MethodNotAllowedError answers 405.
func MethodNotAllowedError(format string, args ...any) *Error {
	return NewError(http.StatusMethodNotAllowed, "MethodNotAllowedError", format, args...)
}

// RequestTimeoutError answers 408.
func RequestTimeoutError(format string, args ...any) *Error {
	return NewError(http.StatusRequestTimeout, "RequestTimeoutError", format, args...)
}

// ConflictError answers 409.
func ConflictError(format string, args ...any) *Error {
	return NewError(http.StatusConflict, "ConflictError", format, args...)
}

// UnprocessableEntityError answers 422.
func UnprocessableEntityError(format string, args ...any) *Error {
	return NewError(http.StatusUnprocessableEntity, "UnprocessableEntityError", format, args...)
}

// TooManyRequestsError answers 429.
func TooManyRequestsError(format string, args ...any) *Error {
	return NewError(http.StatusTooManyRequests, "TooManyRequestsError", format, args...)
}

// ErrUnhandled marks an error that must reach the middleware unconverted,
// like Chalice's ChaliceUnhandledError: wrap it (fmt.Errorf("...: %w",
// chalice.ErrUnhandled)) and HTTP middleware sees the error; if no middleware
// handles it the client gets the generic 500.
var ErrUnhandled = errors.New("chalice: unhandled error")

// WebsocketDisconnectedError is returned by WebsocketAPI calls for a
// connection that is gone (API Gateway's GoneException).
type WebsocketDisconnectedError struct {
	ConnectionID string
}

func (e *WebsocketDisconnectedError) Error() string {
	return "websocket connection " + e.ConnectionID + " is disconnected"
}

// DefinitionError lists the mistakes in an app's definition (duplicate
// routes, bad paths, ...). The app binary prints them in manifest mode and
// refuses to start on Lambda.
type DefinitionError struct {
	App      string
	Problems []string
}

func (e *DefinitionError) Error() string {
	s := fmt.Sprintf("app %q has %d definition error(s):", e.App, len(e.Problems))
	for _, p := range e.Problems {
		s += "\n  - " + p
	}
	return s
}
