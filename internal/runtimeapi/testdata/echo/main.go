// Command echo is a Lambda function used by the runtimeapi tests. It
// echoes its payload, and misbehaves on request:
//
//	{"fail":true}        returns an *EchoError
//	{"panic":true}       panics with "boom"
//	{"crash":true}       writes to stderr and exits with status 7
//	{"kill":true}        kills itself (SIGKILL on Unix)
//	{"sleep_ms":N}       sleeps N ms (ignoring the deadline) before answering
//	{"big":N}            answers with N bytes
//	{"pid":true}         answers {"pid":<its pid>}
//	{"spawn":true}       starts a long-lived child and answers {"pid":<child pid>}
//	{"env":["K",...]}    answers {"K":"value",...}
//	{"context":true}     answers the lambdacontext values it saw
//	{"stdout":"s"}       prints s to stdout (and still echoes)
//
// ECHO_INIT_SLEEP_MS delays start-up; ECHO_CHILD=1 makes it just sleep;
// ECHO_IGNORE_SIGTERM=1 ignores SIGTERM;
// ECHO_MODE=reader makes every invocation answer with a reader that fails
// part-way (aws-lambda-go then reports the error in HTTP trailers);
// ECHO_MODE=stream answers every invocation with a streamed reader:
//
//	{"chunks":["a","b"]}  writes each chunk as a write of its own
//	{"signal":"addr"}     dials addr first and, before every chunk but the
//	                      first, waits for one byte from it
//	{"fail":"msg"}        fails with msg after the chunks
//	{"bytes":N}           then writes N bytes of "y" in 64 KiB writes
//	{"hang":true}         then blocks until killed
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type request struct {
	Fail    bool     `json:"fail"`
	Panic   bool     `json:"panic"`
	Crash   bool     `json:"crash"`
	Kill    bool     `json:"kill"`
	SleepMS int      `json:"sleep_ms"`
	Big     int      `json:"big"`
	PID     bool     `json:"pid"`
	Spawn   bool     `json:"spawn"`
	Env     []string `json:"env"`
	Context bool     `json:"context"`
	Stdout  string   `json:"stdout"`
}

// EchoError is the error type returned for {"fail":true}.
type EchoError struct{ msg string }

func (e *EchoError) Error() string { return e.msg }

type handler struct{}

func (handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var req request
	_ = json.Unmarshal(payload, &req) // non-JSON payloads are just echoed
	if req.Stdout != "" {
		fmt.Println(req.Stdout)
	}
	if req.SleepMS > 0 {
		time.Sleep(time.Duration(req.SleepMS) * time.Millisecond)
	}
	switch {
	case req.Fail:
		return nil, &EchoError{msg: "requested failure"}
	case req.Panic:
		panic("boom")
	case req.Crash:
		fmt.Fprintln(os.Stderr, "echo: crashing as requested")
		os.Exit(7)
	case req.Kill:
		self, _ := os.FindProcess(os.Getpid())
		_ = self.Kill()
		time.Sleep(time.Hour)
	case req.Big > 0:
		return bytes.Repeat([]byte("x"), req.Big), nil
	case req.PID:
		return json.Marshal(map[string]int{"pid": os.Getpid()})
	case req.Spawn:
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), "ECHO_CHILD=1")
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		return json.Marshal(map[string]int{"pid": cmd.Process.Pid})
	case req.Env != nil:
		out := map[string]string{}
		for _, k := range req.Env {
			out[k] = os.Getenv(k)
		}
		return json.Marshal(out)
	case req.Context:
		lc, _ := lambdacontext.FromContext(ctx)
		deadline, _ := ctx.Deadline()
		trace, _ := ctx.Value("x-amzn-trace-id").(string)
		return json.Marshal(map[string]any{
			"request_id":    lc.AwsRequestID,
			"function_arn":  lc.InvokedFunctionArn,
			"deadline_ms":   deadline.UnixMilli(),
			"trace_id":      trace,
			"function_name": lambdacontext.FunctionName,
			"version":       lambdacontext.FunctionVersion,
			"memory_mb":     lambdacontext.MemoryLimitInMB,
			"log_group":     lambdacontext.LogGroupName,
			"log_stream":    lambdacontext.LogStreamName,
			"client_custom": lc.ClientContext.Custom,
			"client_env":    lc.ClientContext.Env,
			"cognito_id":    lc.Identity.CognitoIdentityID,
			"cognito_pool":  lc.Identity.CognitoIdentityPoolID,
		})
	}
	return payload, nil
}

// failingReader yields a little output, then fails.
type failingReader struct{ done bool }

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.done {
		r.done = true
		return copy(p, "partial"), nil
	}
	return 0, errors.New("stream broke")
}

type streamRequest struct {
	Chunks []string `json:"chunks"`
	Signal string   `json:"signal"`
	Fail   string   `json:"fail"`
	Bytes  int      `json:"bytes"`
	Hang   bool     `json:"hang"`
}

// streamed is a reader answer with the Function URL streaming content type.
type streamed struct{ *io.PipeReader }

func (streamed) ContentType() string { return "application/vnd.awslambda.http-integration-response" }

func stream(ctx context.Context, req streamRequest) (io.Reader, error) {
	var signal net.Conn
	if req.Signal != "" {
		c, err := net.Dial("tcp", req.Signal)
		if err != nil {
			return nil, err
		}
		signal = c
	}
	pr, pw := io.Pipe()
	go func() {
		if signal != nil {
			defer signal.Close()
		}
		for i, c := range req.Chunks {
			if i > 0 && signal != nil {
				if _, err := signal.Read(make([]byte, 1)); err != nil {
					pw.CloseWithError(err)
					return
				}
			}
			if _, err := pw.Write([]byte(c)); err != nil {
				return
			}
		}
		for left := req.Bytes; left > 0; {
			n := min(left, 64<<10)
			if _, err := pw.Write(bytes.Repeat([]byte("y"), n)); err != nil {
				return
			}
			left -= n
		}
		if req.Hang {
			time.Sleep(time.Hour)
		}
		if req.Fail != "" {
			pw.CloseWithError(errors.New(req.Fail))
			return
		}
		pw.Close()
	}()
	return streamed{pr}, nil
}

func main() {
	if os.Getenv("ECHO_CHILD") == "1" {
		time.Sleep(time.Hour)
		return
	}
	if os.Getenv("ECHO_IGNORE_SIGTERM") == "1" {
		signal.Ignore(syscall.SIGTERM)
	}
	if ms, err := strconv.Atoi(os.Getenv("ECHO_INIT_SLEEP_MS")); err == nil {
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	if os.Getenv("ECHO_MODE") == "stream" {
		lambda.Start(stream)
	}
	if os.Getenv("ECHO_MODE") == "reader" {
		lambda.Start(func(context.Context, json.RawMessage) (io.Reader, error) { return &failingReader{}, nil })
	}
	lambda.Start(handler{})
}
