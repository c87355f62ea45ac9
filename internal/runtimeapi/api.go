package runtimeapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Runtime API headers, as read by aws-lambda-go's runtime client.
const (
	headerRequestID       = "Lambda-Runtime-Aws-Request-Id"
	headerDeadlineMS      = "Lambda-Runtime-Deadline-Ms"
	headerFunctionARN     = "Lambda-Runtime-Invoked-Function-Arn"
	headerTraceID         = "Lambda-Runtime-Trace-Id"
	headerClientContext   = "Lambda-Runtime-Client-Context"
	headerCognitoIdentity = "Lambda-Runtime-Cognito-Identity"
	headerErrorType       = "Lambda-Runtime-Function-Error-Type"
	trailerErrorType      = "Lambda-Runtime-Function-Error-Type"
	trailerErrorBody      = "Lambda-Runtime-Function-Error-Body"
	headerExtensionID     = "Lambda-Extension-Identifier"
	responseSizeErrorType = "Function.ResponseSizeTooLarge"
)

// handleNext answers GET /invocation/next: with the invocation assigned
// to the worker if there is one, 410 Gone if the worker is stopping, and
// otherwise later: the connection becomes the worker's poller, and assign
// writes the next invocation straight into it.
func (w *worker) handleNext(c *apiConn) bool {
	w.readyOnce.Do(func() {
		w.mu.Lock()
		w.polled = true
		w.mu.Unlock()
		close(w.ready)
	})
	w.mu.Lock()
	switch {
	case w.reason != notStopping || w.dead:
		w.mu.Unlock()
		_ = c.writeGone(false)
		return false
	case w.inv != nil && !w.inv.taken:
		inv := w.inv
		if !w.takeLocked(inv) {
			break // expire is failing it; poll on
		}
		c.wmu.Lock()
		w.mu.Unlock()
		err := c.writeInvocation(inv)
		c.wmu.Unlock()
		if err != nil {
			w.undeliver(inv)
			return false
		}
		return true
	}
	w.poller = c
	w.mu.Unlock()
	return true
}

// writeInvocation answers a /next poll with inv; c.wmu must be held.
func (c *apiConn) writeInvocation(inv *invocation) error {
	arn := c.w.pool.cfg.FunctionARN
	return c.writeAnswer(http.StatusOK, func(b []byte) []byte {
		b = appendHeader(b, headerRequestID, inv.id)
		b = append(b, headerDeadlineMS+": "...)
		b = strconv.AppendInt(b, inv.deadline.UnixMilli(), 10)
		b = append(b, "\r\n"...)
		b = appendHeader(b, headerFunctionARN, arn)
		b = appendHeader(b, headerTraceID, inv.traceID)
		if inv.clientContext != "" {
			b = appendHeader(b, headerClientContext, inv.clientContext)
		}
		if inv.cognitoIdentity != "" {
			b = appendHeader(b, headerCognitoIdentity, inv.cognitoIdentity)
		}
		return b
	}, inv.payload, false, true)
}

// writeGone answers a /next poll of a stopping worker; locked says the
// caller holds c.wmu.
func (c *apiConn) writeGone(locked bool) error {
	body, _ := json.Marshal(map[string]string{"errorMessage": "the execution environment is shutting down", "errorType": "Runtime.ShuttingDown"})
	return c.writeAnswer(http.StatusGone, nil, body, false, locked)
}

// handleResponse completes the running invocation with its response.
func (w *worker) handleResponse(c *apiConn, r *http.Request, id string) bool {
	inv := w.running(id)
	if inv == nil {
		return writeInvalidRequestID(c, id)
	}
	if inv.stream && r.ContentLength < 0 {
		return w.streamResponse(c, r, inv)
	}
	body, size, err := readBody(r.Body, MaxPayloadSize)
	switch {
	case errors.Is(err, errTooLarge):
		// Lambda's own wording, which names the size and the limit.
		msg := fmt.Sprintf("Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes).", size, MaxPayloadSize)
		w.finish(inv, outcome{err: &FunctionError{Function: w.pool.cfg.Function, Message: msg, Type: responseSizeErrorType}})
		return c.writeError(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", msg, false) == nil
	case err != nil:
		return false // the runtime went away mid-request; its exit settles inv
	}
	out := outcome{body: body, contentType: r.Header.Get("Content-Type")}
	if typ := r.Trailer.Get(trailerErrorType); typ != "" {
		// The response body failed while streaming; aws-lambda-go reports
		// the error in trailers.
		raw, _ := base64.StdEncoding.DecodeString(r.Trailer.Get(trailerErrorBody))
		out = outcome{err: w.functionError(raw, typ)}
	}
	// Accepted first: the runtime's next poll is then on its way while the
	// invoking goroutine takes the outcome.
	ok := writeAccepted(c)
	w.finish(inv, out)
	return ok
}

// streamResponse passes a response the runtime posts chunked (an
// io.Reader answer: aws-lambda-go's streaming path) on to the caller of
// InvokeStream as it arrives: the caller gets the start at once, and each
// chunk as the function writes it. The function's timeout keeps running
// until the body ends; an error the runtime reports in the trailers, a
// body over the streaming limit, a timeout or a crash ends the body with
// that error instead of EOF.
func (w *worker) streamResponse(c *apiConn, r *http.Request, inv *invocation) bool {
	pr, pw := io.Pipe()
	s := &Stream{ContentType: r.Header.Get("Content-Type"), Body: pr}
	if !w.startStream(inv, s, pw) {
		return false
	}
	limit := w.pool.cfg.MaxStreamBytes
	buf := make([]byte, 32<<10)
	var (
		size     int64
		endErr   error // what the caller's body ends with
		consumer = true
	)
	for {
		n, err := r.Body.Read(buf)
		if n > 0 {
			size += int64(n)
			if size > limit && endErr == nil {
				endErr = &FunctionError{Function: w.pool.cfg.Function, Type: responseSizeErrorType,
					Message: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", limit)}
				// The caller's body ends here; the rest is read and dropped
				// so that the runtime's request completes.
				pw.CloseWithError(endErr)
				consumer = false
			}
			if consumer {
				if _, werr := pw.Write(buf[:n]); werr != nil {
					consumer = false // the caller closed the body: drop the rest
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The runtime went away mid-stream; its exit (or the timeout)
			// settles inv with the reason.
			return false
		}
	}
	if typ := r.Trailer.Get(trailerErrorType); typ != "" && endErr == nil {
		raw, _ := base64.StdEncoding.DecodeString(r.Trailer.Get(trailerErrorBody))
		endErr = w.functionError(raw, typ)
	}
	ok := writeAccepted(c)
	w.finishStream(inv, endErr)
	return ok
}

// handleError completes the running invocation with the function's error.
func (w *worker) handleError(c *apiConn, r *http.Request, id string) bool {
	inv := w.running(id)
	if inv == nil {
		return writeInvalidRequestID(c, id)
	}
	body, _, err := readBody(r.Body, MaxPayloadSize)
	if err != nil && !errors.Is(err, errTooLarge) {
		return false
	}
	ok := writeAccepted(c)
	w.finish(inv, outcome{err: w.functionError(body, r.Header.Get(headerErrorType))})
	return ok
}

// handleInitError records the runtime's init failure and stops the worker.
func (w *worker) handleInitError(c *apiConn, r *http.Request) bool {
	body, _, err := readBody(r.Body, MaxPayloadSize)
	if err != nil && !errors.Is(err, errTooLarge) {
		return false
	}
	fe := decodeFunctionError(body, r.Header.Get(headerErrorType))
	ie := &InitError{Function: w.pool.cfg.Function, Message: fe.Message, Type: fe.Type}
	w.mu.Lock()
	if w.initErr == nil {
		w.initErr = ie
	}
	w.mu.Unlock()
	ok := writeAccepted(c)
	w.terminate(stopInitError, ie)
	return ok
}

// handleExtensionRegister accepts an extension registration, which
// aws-lambda-go makes for lambda.WithEnableSIGTERM.
func (w *worker) handleExtensionRegister(c *apiConn, r *http.Request) bool {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	body, _ := json.Marshal(map[string]string{
		"functionName":    w.pool.cfg.Function,
		"functionVersion": "$LATEST",
		"handler":         w.pool.cfg.Function,
	})
	id := newRequestID()
	return c.writeAnswer(http.StatusOK, func(b []byte) []byte { return appendHeader(b, headerExtensionID, id) }, body, false, false) == nil
}

// handleExtensionNext blocks until the worker stops, then sends SHUTDOWN.
func (w *worker) handleExtensionNext(c *apiConn) bool {
	select {
	case <-w.stop:
	case <-c.closed:
		return false
	}
	w.mu.Lock()
	reason := w.reason
	w.mu.Unlock()
	shutdownReason := "spindown"
	switch reason {
	case stopTimeout:
		shutdownReason = "timeout"
	case notStopping, stopInitError:
		shutdownReason = "failure"
	}
	return c.writeJSON(http.StatusOK, map[string]any{
		"eventType":      "SHUTDOWN",
		"shutdownReason": shutdownReason,
		"deadlineMs":     time.Now().Add(shutdownGrace).UnixMilli(),
	}, false) == nil
}

// functionError is decodeFunctionError naming the worker's function.
func (w *worker) functionError(body []byte, headerType string) *FunctionError {
	fe := decodeFunctionError(body, headerType)
	fe.Function = w.pool.cfg.Function
	return fe
}

// decodeFunctionError parses Lambda's error payload, tolerating runtimes
// that send something else.
func decodeFunctionError(body []byte, headerType string) *FunctionError {
	fe := &FunctionError{}
	if err := json.Unmarshal(body, fe); err != nil || (fe.Message == "" && fe.Type == "") {
		fe = &FunctionError{Message: strings.TrimSpace(string(body))}
	}
	if string(fe.StackTrace) == "null" {
		fe.StackTrace = nil
	}
	if fe.Type == "" {
		fe.Type = headerType
	}
	if fe.Type == "" {
		fe.Type = "Unhandled"
	}
	return fe
}

var errTooLarge = errors.New("request body too large")

// readBody reads a body of at most limit bytes and returns it with its
// size. A longer body is read to its end to learn its size, and yields its
// first limit bytes and errTooLarge.
func readBody(r io.Reader, limit int) ([]byte, int64, error) {
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, int64(len(b)), err
	}
	if len(b) <= limit {
		return b, int64(len(b)), nil
	}
	rest, err := io.Copy(io.Discard, r)
	if err != nil {
		return nil, int64(len(b)) + rest, err
	}
	return b[:limit], int64(len(b)) + rest, errTooLarge
}

var acceptedBody = []byte(`{"status":"OK"}`)

func writeAccepted(c *apiConn) bool {
	return c.writeAnswer(http.StatusAccepted, nil, acceptedBody, false, false) == nil
}

func writeInvalidRequestID(c *apiConn, id string) bool {
	return c.writeError(http.StatusBadRequest, "InvalidRequestID", fmt.Sprintf("invalid request ID %q: no such invocation in progress", id), false) == nil
}

// writeError writes a Runtime API error: {"errorMessage", "errorType"}.
func (c *apiConn) writeError(status int, typ, msg string, closeConn bool) error {
	return c.writeJSON(status, map[string]string{"errorMessage": msg, "errorType": typ}, closeConn)
}

func (c *apiConn) writeJSON(status int, v any, closeConn bool) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("runtime API answer: %w", err)
	}
	return c.writeAnswer(status, nil, b, closeConn, false)
}
