package chalice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gochalice/chalice/manifest"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// buildTestApps compiles testdata/manifestapp and testdata/brokenapp once
// per test binary.
func buildTestApps(t *testing.T) (good, broken string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds binaries; skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "gochalice-apps-")
		if buildErr != nil {
			return
		}
		for _, name := range []string{"manifestapp", "brokenapp"} {
			cmd := exec.Command(gobin, "build", "-o", filepath.Join(buildDir, name), "./testdata/"+name)
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build ./testdata/%s: %v\n%s", name, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "manifestapp"), filepath.Join(buildDir, "brokenapp")
}

// cleanEnv is the test's environment without the variables that select
// the app binary's mode.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case manifest.EnvVar, "AWS_LAMBDA_RUNTIME_API", "_HANDLER", "_LAMBDA_SERVER_PORT":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func runBinary(t *testing.T, bin string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running %s: %v", bin, err)
	}
	return o.String(), e.String(), code
}

func TestAppBinaryModes(t *testing.T) {
	good, broken := buildTestApps(t)

	t.Run("manifest via env", func(t *testing.T) {
		stdout, stderr, code := runBinary(t, good, cleanEnv(manifest.EnvVar+"=1"))
		if code != 0 || stderr != "" {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		m, err := manifest.Read(strings.NewReader(stdout))
		if err != nil {
			t.Fatalf("manifest.Read: %v\n%s", err, stdout)
		}
		checkManifestConsistent(t, m)
		goldenCompare(t, "manifestapp.golden.json", []byte(stdout))
	})

	t.Run("manifest via flag", func(t *testing.T) {
		stdout, _, code := runBinary(t, good, cleanEnv(), manifest.FlagName)
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		if _, err := manifest.Read(strings.NewReader(stdout)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("broken app lists every problem", func(t *testing.T) {
		for _, env := range [][]string{cleanEnv(manifest.EnvVar + "=1"), cleanEnv()} {
			stdout, stderr, code := runBinary(t, broken, env)
			if code != 3 {
				t.Errorf("exit %d, want 3", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			for _, want := range []string{
				`app "brokenapp" has 4 definition error(s):`,
				"Duplicate method: 'GET' detected for route: '/users'",
				"Route cannot end with a trailing slash: /trailing/",
				"sqs handler worker: must provide either a queue name",
				"schedule never: rate expression rate(0 minutes)",
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not mention %q:\n%s", want, stderr)
				}
			}
		}
	})

	t.Run("neither manifest nor lambda", func(t *testing.T) {
		stdout, stderr, code := runBinary(t, good, cleanEnv())
		if code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
		if stdout != "" || !strings.Contains(stderr, "manifestapp is a gochalice app binary: it runs on AWS Lambda") ||
			!strings.Contains(stderr, "Set GOCHALICE_MANIFEST=1 (or pass -gochalice-manifest)") {
			t.Errorf("stdout %q stderr %q", stdout, stderr)
		}
	})
}

// fakeRuntime is a minimal Lambda runtime API: it hands out queued events
// and records what the function posts back.
type fakeRuntime struct {
	mu      sync.Mutex
	queue   [][]byte
	results map[string]string // request id -> "response:" or "error:" + body
	done    chan struct{}     // closed when every queued event was answered
	want    int
}

func (f *fakeRuntime) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const prefix = "/2018-06-01/runtime/"
	path := strings.TrimPrefix(r.URL.Path, prefix)
	switch {
	case r.Method == http.MethodGet && path == "invocation/next":
		f.mu.Lock()
		if len(f.queue) == 0 {
			f.mu.Unlock()
			<-r.Context().Done() // no more work: block until the client goes away
			return
		}
		ev := f.queue[0]
		f.queue = f.queue[1:]
		id := fmt.Sprintf("req-%d", f.want-len(f.queue))
		f.mu.Unlock()
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", id)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-west-2:123456789012:function:manifestapp-dev")
		w.Write(ev)
	case r.Method == http.MethodPost && strings.HasPrefix(path, "invocation/"):
		rest := strings.TrimPrefix(path, "invocation/")
		id, kind, _ := strings.Cut(rest, "/")
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.results[id] = kind + ":" + string(body)
		if len(f.results) == f.want {
			close(f.done)
		}
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	default:
		http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
	}
}

// runUnderLambda runs the app binary as function handler against a fake
// runtime API serving events, and returns what it posted for each.
func runUnderLambda(t *testing.T, bin, handler string, events ...[]byte) []string {
	t.Helper()
	rt := &fakeRuntime{queue: events, want: len(events), results: map[string]string{}, done: make(chan struct{})}
	srv := httptest.NewServer(rt)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = cleanEnv("AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(srv.URL, "http://"), "_HANDLER="+handler,
		"AWS_LAMBDA_FUNCTION_NAME=manifestapp-dev-"+handler, "AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-rt.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out; stderr:\n%s", stderr.String())
	}
	cancel()
	cmd.Wait()
	srv.CloseClientConnections()
	out := make([]string, len(events))
	for i := range events {
		out[i] = rt.results[fmt.Sprintf("req-%d", i+1)]
	}
	return out
}

func TestAppBinaryUnderLambda(t *testing.T) {
	good, _ := buildTestApps(t)

	t.Run("api_handler", func(t *testing.T) {
		got := runUnderLambda(t, good, "api_handler",
			restEvent{Resource: "/hello/{name}", Path: "/hello/world", PathParams: map[string]string{"name": "world"}}.JSON(),
			restEvent{Resource: "/hello/{name}", Path: "/hello/x", Method: "POST", PathParams: map[string]string{"name": "x"}}.JSON(),
			[]byte(`{"not":"an api event"}`),
		)
		want := []string{
			`response:{"statusCode":200,"headers":{},"multiValueHeaders":{},"body":"{\"hello\":\"world\"}","isBase64Encoded":false}`,
			`response:{"statusCode":405,"headers":{"Allow":"GET"},"multiValueHeaders":{},"body":"{\"Code\":\"MethodNotAllowedError\",\"Message\":\"Unsupported method: POST\"}","isBase64Encoded":false}`,
			`response:{"statusCode":500,"headers":{},"multiValueHeaders":{},"body":"{\"Code\":\"InternalServerError\",\"Message\":\"Unknown request.\"}","isBase64Encoded":false}`,
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("invocation %d:\n got %s\nwant %s", i+1, got[i], want[i])
			}
		}
	})

	t.Run("event handler and pure lambda", func(t *testing.T) {
		sns := readFixture(t, "sns.json")
		failing := bytes.Replace(sns, []byte(`"Subject": "Order shipped"`), []byte(`"Subject": "fail"`), 1)
		got := runUnderLambda(t, good, "on_alert", sns, failing)
		if got[0] != "response:null" {
			t.Errorf("sns ok = %s", got[0])
		}
		if !strings.HasPrefix(got[1], "error:") || !strings.Contains(got[1], "sns handler failed") {
			t.Errorf("sns failure = %s", got[1])
		}
		got = runUnderLambda(t, good, "echo", []byte(`{"a":[1,2]}`))
		var res map[string]any
		if !strings.HasPrefix(got[0], "response:") || json.Unmarshal([]byte(strings.TrimPrefix(got[0], "response:")), &res) != nil {
			t.Fatalf("echo = %s", got[0])
		}
		if fmt.Sprint(res) != "map[echo:map[a:[1 2]]]" {
			t.Errorf("echo = %v", res)
		}
	})

	t.Run("unknown handler", func(t *testing.T) {
		got := runUnderLambda(t, good, "nope", []byte(`{}`))
		if !strings.HasPrefix(got[0], "error:") || !strings.Contains(got[0], `_HANDLER \"nope\" is not a function of app manifestapp`) {
			t.Errorf("unknown handler = %s", got[0])
		}
	})
}
