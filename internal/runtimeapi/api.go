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

// routes returns the worker's Runtime API (and minimal Extensions API).
func (w *worker) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", w.handleNext)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", w.handleResponse)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", w.handleError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", w.handleInitError)
	mux.HandleFunc("POST /2020-01-01/extension/register", w.handleExtensionRegister)
	mux.HandleFunc("GET /2020-01-01/extension/event/next", w.handleExtensionNext)
	mux.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) {
		writeError(rw, http.StatusNotFound, "NotFound", fmt.Sprintf("no such runtime API endpoint: %s %s", r.Method, r.URL.Path))
	})
	return mux
}

// handleNext blocks until an invocation is assigned to the worker and
// returns it, or answers 410 Gone when the worker is stopping.
func (w *worker) handleNext(rw http.ResponseWriter, r *http.Request) {
	w.readyOnce.Do(func() {
		w.mu.Lock()
		w.polled = true
		w.mu.Unlock()
		close(w.ready)
	})
	for {
		select {
		case inv := <-w.next:
			if r.Context().Err() != nil {
				w.requeue(inv) // the runtime hung up (it is probably dying)
				return
			}
			if !w.take(inv) {
				continue
			}
			h := rw.Header()
			h.Set(headerRequestID, inv.id)
			h.Set(headerDeadlineMS, strconv.FormatInt(inv.deadline.UnixMilli(), 10))
			h.Set(headerFunctionARN, w.pool.cfg.FunctionARN)
			h.Set(headerTraceID, inv.traceID)
			if inv.clientContext != "" {
				h.Set(headerClientContext, inv.clientContext)
			}
			if inv.cognitoIdentity != "" {
				h.Set(headerCognitoIdentity, inv.cognitoIdentity)
			}
			h.Set("Content-Type", "application/json")
			h.Set("Content-Length", strconv.Itoa(len(inv.payload)))
			rw.WriteHeader(http.StatusOK)
			_, _ = rw.Write(inv.payload) // a failed write surfaces as a crash or timeout
			return
		case <-w.stop:
			writeError(rw, http.StatusGone, "Runtime.ShuttingDown", "the execution environment is shutting down")
			return
		case <-r.Context().Done():
			return
		}
	}
}

// handleResponse completes the running invocation with its response.
func (w *worker) handleResponse(rw http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	inv := w.running(id)
	if inv == nil {
		writeInvalidRequestID(rw, id)
		return
	}
	body, size, err := readBody(r.Body, MaxPayloadSize)
	switch {
	case errors.Is(err, errTooLarge):
		// Lambda's own wording, which names the size and the limit.
		msg := fmt.Sprintf("Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes).", size, MaxPayloadSize)
		w.finish(inv, outcome{err: &FunctionError{Function: w.pool.cfg.Function, Message: msg, Type: responseSizeErrorType}})
		writeError(rw, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", msg)
		return
	case err != nil:
		return // the runtime went away mid-request; its exit settles inv
	}
	out := outcome{body: body}
	if typ := r.Trailer.Get(trailerErrorType); typ != "" {
		// The response body failed while streaming; aws-lambda-go reports
		// the error in trailers.
		raw, _ := base64.StdEncoding.DecodeString(r.Trailer.Get(trailerErrorBody))
		out = outcome{err: w.functionError(raw, typ)}
	}
	w.finish(inv, out)
	writeAccepted(rw)
}

// handleError completes the running invocation with the function's error.
func (w *worker) handleError(rw http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	inv := w.running(id)
	if inv == nil {
		writeInvalidRequestID(rw, id)
		return
	}
	body, _, err := readBody(r.Body, MaxPayloadSize)
	if err != nil && !errors.Is(err, errTooLarge) {
		return
	}
	w.finish(inv, outcome{err: w.functionError(body, r.Header.Get(headerErrorType))})
	writeAccepted(rw)
}

// handleInitError records the runtime's init failure and stops the worker.
func (w *worker) handleInitError(rw http.ResponseWriter, r *http.Request) {
	body, _, err := readBody(r.Body, MaxPayloadSize)
	if err != nil && !errors.Is(err, errTooLarge) {
		return
	}
	fe := decodeFunctionError(body, r.Header.Get(headerErrorType))
	ie := &InitError{Function: w.pool.cfg.Function, Message: fe.Message, Type: fe.Type}
	w.mu.Lock()
	if w.initErr == nil {
		w.initErr = ie
	}
	w.mu.Unlock()
	writeAccepted(rw)
	w.terminate(stopInitError, ie)
}

// handleExtensionRegister accepts an extension registration, which
// aws-lambda-go makes for lambda.WithEnableSIGTERM.
func (w *worker) handleExtensionRegister(rw http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	rw.Header().Set(headerExtensionID, newRequestID())
	writeJSON(rw, http.StatusOK, map[string]string{
		"functionName":    w.pool.cfg.Function,
		"functionVersion": "$LATEST",
		"handler":         w.pool.cfg.Function,
	})
}

// handleExtensionNext blocks until the worker stops, then sends SHUTDOWN.
func (w *worker) handleExtensionNext(rw http.ResponseWriter, r *http.Request) {
	select {
	case <-w.stop:
	case <-r.Context().Done():
		return
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
	writeJSON(rw, http.StatusOK, map[string]any{
		"eventType":      "SHUTDOWN",
		"shutdownReason": shutdownReason,
		"deadlineMs":     time.Now().Add(shutdownGrace).UnixMilli(),
	})
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

func writeAccepted(rw http.ResponseWriter) {
	writeJSON(rw, http.StatusAccepted, map[string]string{"status": "OK"})
}

func writeInvalidRequestID(rw http.ResponseWriter, id string) {
	writeError(rw, http.StatusBadRequest, "InvalidRequestID", fmt.Sprintf("invalid request ID %q: no such invocation in progress", id))
}

// writeError writes a Runtime API error: {"errorMessage", "errorType"}.
func writeError(rw http.ResponseWriter, status int, typ, msg string) {
	writeJSON(rw, status, map[string]string{"errorMessage": msg, "errorType": typ})
}

func writeJSON(rw http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	_, _ = rw.Write(b)
}
