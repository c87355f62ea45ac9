package chalice

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/gochalice/chalice/internal/proxyevent"
	"github.com/gochalice/chalice/manifest"
)

// StreamFunc writes a response body as it is produced. Behind a Function
// URL whose invoke mode is RESPONSE_STREAM (config.json's
// function_url_invoke_mode), the status and headers reach the client
// first and every Write is sent on at once; behind API Gateway or a
// buffered Function URL the whole body is written first and sent as one
// response, so the same handler works on every front end. ctx is the
// request's context; an error ends the stream (on a buffered front end it
// becomes Chalice's 500).
type StreamFunc func(ctx context.Context, w io.Writer) error

// StreamResponse returns a response whose body write produces while the client
// reads it:
//
//	app.Get("/count", func(ctx context.Context, r *chalice.Request) (any, error) {
//		return chalice.StreamResponse(200, map[string]string{"Content-Type": "text/plain"},
//			func(ctx context.Context, w io.Writer) error {
//				for i := range 3 {
//					fmt.Fprintf(w, "%d\n", i)
//					time.Sleep(time.Second)
//				}
//				return nil
//			}), nil
//	})
func StreamResponse(status int, headers map[string]string, write StreamFunc) *Response {
	return &Response{StatusCode: status, Headers: headers, Body: write}
}

// InvokeModeEnv is the environment variable that tells the app binary its
// function is invoked with response streaming: `package`, `deploy` and
// `local` set it to "RESPONSE_STREAM" for a Function URL whose
// function_url_invoke_mode is RESPONSE_STREAM.
const InvokeModeEnv = manifest.InvokeModeEnv

// streamingPrelude is the content type of a streamed Function URL
// response: a JSON prelude (status, headers, cookies), eight NUL bytes,
// then the body.
const streamingContentType = "application/vnd.awslambda.http-integration-response"

// streamedResponse is a Function URL streaming response as the Lambda
// runtime client reads it: the prelude, then the body.
type streamedResponse struct {
	prelude []byte
	body    io.Reader
	closer  func()
}

func (s *streamedResponse) Read(p []byte) (int, error) {
	if len(s.prelude) > 0 {
		n := copy(p, s.prelude)
		s.prelude = s.prelude[n:]
		return n, nil
	}
	if s.body == nil {
		return 0, io.EOF
	}
	return s.body.Read(p)
}

// ContentType tells aws-lambda-go's runtime client which content type to
// send the response with.
func (s *streamedResponse) ContentType() string { return streamingContentType }

// MarshalJSON fails so that aws-lambda-go sends the reader as is.
func (s *streamedResponse) MarshalJSON() ([]byte, error) {
	return nil, errors.New("a streamed response is not JSON")
}

// Close stops the writer when the runtime client gives up on the body.
func (s *streamedResponse) Close() error {
	if s.closer != nil {
		s.closer()
	}
	return nil
}

// invokeAPIStream is the api_handler function of a streaming Function
// URL: the view's status and headers first, then its body as written.
func (rt *runtimeApp) invokeAPIStream(ctx context.Context, payload []byte) (io.Reader, error) {
	_, resp, req := rt.serveAPI(ctx, payload)
	write, streamed := resp.Body.(StreamFunc)
	head := *resp
	if streamed {
		head.Body = ""
	}
	var out proxyevent.Response
	if err := head.encode(ctx, rt.app.API.BinaryTypes, &out); err != nil {
		if err2 := rt.unhandled(ctx, req, err).encode(ctx, rt.app.API.BinaryTypes, &out); err2 != nil {
			return nil, err2
		}
		streamed = false
	}
	prelude := streamPrelude(&out)
	if !streamed || write == nil {
		body := []byte(out.Body)
		if out.IsBase64Encoded {
			raw, err := base64.StdEncoding.DecodeString(out.Body)
			if err != nil {
				return nil, fmt.Errorf("decoding the response body: %w", err)
			}
			body = raw
		}
		return &streamedResponse{prelude: prelude, body: bytes.NewReader(body)}, nil
	}
	pr, pw := io.Pipe()
	wctx, cancel := context.WithCancel(ctx)
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = &PanicError{Value: p, Stack: debug.Stack()}
			}
			if err != nil {
				slog.ErrorContext(wctx, "streamed response body failed", "path", req.Path, "error", err)
			}
			pw.CloseWithError(err)
		}()
		err = write(wctx, pw)
	}()
	return &streamedResponse{prelude: prelude, body: pr, closer: func() {
		cancel()
		pr.Close()
	}}, nil
}

// streamPrelude is the JSON prelude of a streamed Function URL response,
// followed by the eight NUL bytes that end it. Multi-value headers are
// joined with commas and Set-Cookie headers become cookies, as the
// Function URL payload 2.0 response does.
func streamPrelude(out *proxyevent.Response) []byte {
	headers := map[string]string{}
	var cookies []string
	add := func(name, value string) {
		if strings.EqualFold(name, "set-cookie") {
			cookies = append(cookies, value)
			return
		}
		if prev, ok := headers[name]; ok {
			headers[name] = prev + "," + value
			return
		}
		headers[name] = value
	}
	names := make([]string, 0, len(out.Headers))
	for k := range out.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if _, multi := out.MultiValueHeaders[k]; !multi {
			add(k, out.Headers[k])
		}
	}
	names = names[:0]
	for k := range out.MultiValueHeaders {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range out.MultiValueHeaders[k] {
			add(k, v)
		}
	}
	status := out.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	b, _ := json.Marshal(struct {
		StatusCode int               `json:"statusCode"`
		Headers    map[string]string `json:"headers,omitempty"`
		Cookies    []string          `json:"cookies,omitempty"`
	}{status, headers, cookies})
	return append(b, 0, 0, 0, 0, 0, 0, 0, 0)
}
