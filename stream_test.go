package chalice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func functionURLEvent(method, path string) []byte {
	return fmt.Appendf(nil, `{"version":"2.0","routeKey":"$default","rawPath":%q,"rawQueryString":"","headers":{"host":"abc.lambda-url.us-east-1.on.aws"},
"requestContext":{"accountId":"anonymous","apiId":"abc","domainName":"abc.lambda-url.us-east-1.on.aws","http":{"method":%q,"path":%q,"protocol":"HTTP/1.1","sourceIp":"127.0.0.1"},
"requestId":"r1","routeKey":"$default","stage":"$default","timeEpoch":1},"isBase64Encoded":false}`, path, method, path)
}

func streamingApp(t *testing.T, pause time.Duration, fail error) *runtimeApp {
	t.Helper()
	app := New("streamer")
	app.Get("/count", func(ctx context.Context, r *Request) (any, error) {
		return StreamResponse(201, map[string]string{"Content-Type": "text/plain"}, func(ctx context.Context, w io.Writer) error {
			for i := range 3 {
				if _, err := fmt.Fprintf(w, "chunk %d\n", i); err != nil {
					return err
				}
				time.Sleep(pause)
			}
			return fail
		}).SetHeader("X-Extra", "1"), nil
	})
	app.Get("/plain", func(ctx context.Context, r *Request) (any, error) {
		return map[string]string{"hello": "world"}, nil
	})
	rt, err := app.runtime("test")
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// splitPrelude separates a streamed Function URL response into its JSON
// prelude and the body.
func splitPrelude(t *testing.T, b []byte) (map[string]any, []byte) {
	t.Helper()
	i := bytes.Index(b, make([]byte, 8))
	if i < 0 {
		t.Fatalf("no prelude terminator in %q", b)
	}
	var prelude map[string]any
	if err := json.Unmarshal(b[:i], &prelude); err != nil {
		t.Fatalf("prelude %q: %v", b[:i], err)
	}
	return prelude, b[i+8:]
}

func TestStreamResponseStreamsEachWrite(t *testing.T) {
	rt := streamingApp(t, 30*time.Millisecond, nil)
	r, err := rt.invokeAPIStream(context.Background(), functionURLEvent("GET", "/count"))
	if err != nil {
		t.Fatal(err)
	}
	if ct := r.(interface{ ContentType() string }).ContentType(); ct != streamingContentType {
		t.Errorf("content type %q", ct)
	}
	// The prelude is readable before the body has been written.
	buf := make([]byte, 4096)
	start := time.Now()
	n, err := r.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	prelude, rest := splitPrelude(t, buf[:n])
	if prelude["statusCode"] != float64(201) || prelude["headers"].(map[string]any)["Content-Type"] != "text/plain" || prelude["headers"].(map[string]any)["X-Extra"] != "1" {
		t.Errorf("prelude %v", prelude)
	}
	if len(rest) != 0 {
		t.Errorf("body with the prelude: %q", rest)
	}
	var chunks []string
	for {
		n, err := r.Read(buf)
		if n > 0 {
			chunks = append(chunks, string(buf[:n]))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(chunks, "") != "chunk 0\nchunk 1\nchunk 2\n" || len(chunks) != 3 {
		t.Errorf("chunks %q", chunks)
	}
	if time.Since(start) < 60*time.Millisecond {
		t.Errorf("the body arrived in %v: not as it was written", time.Since(start))
	}
}

func TestStreamResponseErrorEndsTheStream(t *testing.T) {
	rt := streamingApp(t, 0, errors.New("disk gone"))
	r, err := rt.invokeAPIStream(context.Background(), functionURLEvent("GET", "/count"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Fatalf("err = %v (body %q)", err, b)
	}
	if _, body := splitPrelude(t, b); string(body) != "chunk 0\nchunk 1\nchunk 2\n" {
		t.Errorf("body before the error %q", body)
	}
}

func TestStreamResponseBufferedFrontEnds(t *testing.T) {
	rt := streamingApp(t, 0, nil)
	// API Gateway REST (1.0) and a buffered Function URL get the whole body.
	for _, payload := range [][]byte{
		[]byte(`{"resource":"/count","path":"/count","httpMethod":"GET","headers":{},"requestContext":{"resourcePath":"/count","httpMethod":"GET","stage":"api"}}`),
		functionURLEvent("GET", "/count"),
	} {
		out, err := rt.invokeAPI(context.Background(), payload)
		if err != nil {
			t.Fatal(err)
		}
		var resp struct {
			StatusCode int    `json:"statusCode"`
			Body       string `json:"body"`
		}
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 201 || resp.Body != "chunk 0\nchunk 1\nchunk 2\n" {
			t.Errorf("buffered: %s", out)
		}
	}
	// A failing stream on a buffered front end is Chalice's 500.
	failing := streamingApp(t, 0, errors.New("disk gone"))
	out, err := failing.invokeAPI(context.Background(), functionURLEvent("GET", "/count"))
	if err != nil || !strings.Contains(string(out), `"statusCode":500`) {
		t.Errorf("failing buffered stream: %s %v", out, err)
	}
}

func TestStreamModeSendsBufferedViewsWhole(t *testing.T) {
	rt := streamingApp(t, 0, nil)
	r, err := rt.invokeAPIStream(context.Background(), functionURLEvent("GET", "/plain"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	prelude, body := splitPrelude(t, b)
	if prelude["statusCode"] != float64(200) || string(body) != `{"hello":"world"}` {
		t.Errorf("prelude %v body %q", prelude, body)
	}
	r, _ = rt.invokeAPIStream(context.Background(), functionURLEvent("GET", "/missing"))
	b, _ = io.ReadAll(r)
	if prelude, _ := splitPrelude(t, b); prelude["statusCode"] != float64(404) {
		t.Errorf("missing route: %s", b)
	}
}
