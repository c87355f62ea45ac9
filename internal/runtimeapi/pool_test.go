package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewPoolValidation(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("not a program"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error; nil means success
	}{
		{"ok", Config{Binary: bin.echo, Function: "echo"}, nil},
		{"no binary", Config{Function: "echo"}, []string{"Binary", "required"}},
		{"missing binary", Config{Binary: missing, Function: "echo"}, []string{missing, "does not exist"}},
		{"directory", Config{Binary: dir, Function: "echo"}, []string{dir, "is a directory"}},
		{"not executable", Config{Binary: plain, Function: "echo"}, []string{plain, "not executable"}},
		{"no function", Config{Binary: bin.echo}, []string{"Function", "required"}},
		{"negative timeout", Config{Binary: bin.echo, Function: "echo", Timeout: -time.Second}, []string{"negative timeout"}},
		{"negative workers", Config{Binary: bin.echo, Function: "echo", MaxWorkers: -1}, []string{"MaxWorkers"}},
		{"bad env", Config{Binary: bin.echo, Function: "echo", Env: []string{"NOEQUALS"}}, []string{"NOEQUALS", "KEY=VALUE"}},
		{"bad dir", Config{Binary: bin.echo, Function: "echo", Dir: missing}, []string{"working directory", missing}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPool(tt.cfg)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("NewPool: %v", err)
				}
				p.Close()
				return
			}
			if err == nil {
				p.Close()
				t.Fatalf("NewPool succeeded, want error containing %q", tt.want)
			}
			if !contains(err.Error(), tt.want...) {
				t.Fatalf("NewPool error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEchoRoundTrip(t *testing.T) {
	p := testPool(t, Config{})
	tests := []struct {
		name    string
		payload string
	}{
		{"object", `{"hello":"world"}`},
		{"string", `"just a string"`},
		{"empty", ``},
		{"not json", `plain text, not JSON`},
		{"unicode", `{"greeting":"héllo, 世界"}`},
		{"large", `{"data":"` + strings.Repeat("a", 1<<20) + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustInvoke(t, p, tt.payload)
			if string(got) != tt.payload {
				t.Fatalf("Invoke returned %d bytes %.80q, want the %d-byte payload back", len(got), got, len(tt.payload))
			}
		})
	}
	// Sequential invocations reuse the one warm worker.
	if s := p.Stats(); s.Started != 1 || s.Invocations != int64(len(tests)) || s.Live != 1 {
		t.Fatalf("Stats = %+v, want 1 started, %d invocations, 1 live", s, len(tests))
	}
}

func TestLambdaContext(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantARN string
	}{
		{"default ARN", Config{Env: []string{"AWS_REGION=us-east-1"}}, "arn:aws:lambda:us-east-1:123456789012:function:echo"},
		{"ARN follows region", Config{Env: []string{"AWS_REGION=eu-west-1"}}, "arn:aws:lambda:eu-west-1:123456789012:function:echo"},
		{"custom ARN", Config{FunctionARN: "arn:aws:lambda:us-west-2:111122223333:function:app-dev-echo"}, "arn:aws:lambda:us-west-2:111122223333:function:app-dev-echo"},
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	trace := regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Timeout = 42 * time.Second
			tt.cfg.MemoryMB = 512
			p := testPool(t, tt.cfg)
			seen := map[string]bool{}
			for range 2 {
				before := time.Now()
				out := mustInvoke(t, p, `{"context":true}`)
				after := time.Now()
				var got struct {
					RequestID    string `json:"request_id"`
					FunctionARN  string `json:"function_arn"`
					DeadlineMS   int64  `json:"deadline_ms"`
					TraceID      string `json:"trace_id"`
					FunctionName string `json:"function_name"`
					Version      string `json:"version"`
					MemoryMB     int    `json:"memory_mb"`
					LogGroup     string `json:"log_group"`
					LogStream    string `json:"log_stream"`
				}
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatalf("decoding %s: %v", out, err)
				}
				if !uuid.MatchString(got.RequestID) {
					t.Errorf("request ID %q is not a v4 UUID", got.RequestID)
				}
				if seen[got.RequestID] {
					t.Errorf("request ID %q repeated", got.RequestID)
				}
				seen[got.RequestID] = true
				if got.FunctionARN != tt.wantARN {
					t.Errorf("function ARN = %q, want %q", got.FunctionARN, tt.wantARN)
				}
				lo, hi := before.Add(42*time.Second).UnixMilli()-1, after.Add(42*time.Second).UnixMilli()+1
				if got.DeadlineMS < lo || got.DeadlineMS > hi {
					t.Errorf("deadline = %d, want within [%d, %d] (now + 42s)", got.DeadlineMS, lo, hi)
				}
				if !trace.MatchString(got.TraceID) {
					t.Errorf("trace ID %q is not an X-Ray trace header", got.TraceID)
				}
				if got.FunctionName != "echo" || got.Version != "$LATEST" || got.MemoryMB != 512 ||
					got.LogGroup != "/aws/lambda/echo" || got.LogStream != "local" {
					t.Errorf("lambdacontext globals = %+v", got)
				}
			}
		})
	}
}

func TestMetadata(t *testing.T) {
	p := testPool(t, Config{})
	ctx := WithMetadata(context.Background(), Metadata{
		ClientContext: json.RawMessage(`{
			"client": {"app_title": "mobile"},
			"custom": {"tenant": "acme"},
			"env": {"locale": "en-GB"}
		}`),
		CognitoIdentity: json.RawMessage(`{"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"us-east-1:pool"}`),
		TraceID:         "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
	})
	out, err := p.Invoke(ctx, []byte(`{"context":true}`))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		TraceID      string            `json:"trace_id"`
		ClientCustom map[string]string `json:"client_custom"`
		ClientEnv    map[string]string `json:"client_env"`
		CognitoID    string            `json:"cognito_id"`
		CognitoPool  string            `json:"cognito_pool"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.TraceID != "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1" ||
		got.ClientCustom["tenant"] != "acme" || got.ClientEnv["locale"] != "en-GB" ||
		got.CognitoID != "us-east-1:abc" || got.CognitoPool != "us-east-1:pool" {
		t.Errorf("function saw %+v", got)
	}

	// Invalid client context reaches the runtime, which rejects it.
	ctx = WithMetadata(context.Background(), Metadata{ClientContext: json.RawMessage(`{not json`)})
	var fe *FunctionError
	if _, err := p.Invoke(ctx, []byte(`{}`)); !errors.As(err, &fe) || !strings.Contains(fe.Message, "client context") {
		t.Errorf("Invoke with bad client context = %v, want the runtime's FunctionError", err)
	}
}

func TestEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("RUNTIMEAPI_TEST_INHERITED", "from-parent")
	t.Setenv("AWS_LAMBDA_RUNTIME_API", "203.0.113.1:9001") // must be overridden
	t.Setenv("_HANDLER", "wrong")
	keys := []string{
		"_HANDLER", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
		"AWS_EXECUTION_ENV", "LAMBDA_TASK_ROOT", "TZ", "AWS_REGION", "AWS_DEFAULT_REGION",
		"RUNTIMEAPI_TEST_INHERITED", "RUNTIMEAPI_TEST_EXTRA", "AWS_LAMBDA_RUNTIME_API",
	}
	query, _ := json.Marshal(map[string][]string{"env": keys})

	tests := []struct {
		name    string
		parent  map[string]string // parent environment ("" unsets)
		env     []string
		regions [2]string // AWS_REGION, AWS_DEFAULT_REGION
	}{
		{"default region", map[string]string{"AWS_REGION": "", "AWS_DEFAULT_REGION": ""}, nil, [2]string{"us-east-1", "us-east-1"}},
		{"inherited region", map[string]string{"AWS_REGION": "ap-southeast-2", "AWS_DEFAULT_REGION": ""}, nil, [2]string{"ap-southeast-2", "ap-southeast-2"}},
		{"configured regions", map[string]string{"AWS_REGION": "ap-southeast-2"}, []string{"AWS_REGION=eu-central-1", "AWS_DEFAULT_REGION=eu-west-3"}, [2]string{"eu-central-1", "eu-west-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.parent {
				t.Setenv(k, v)
				if v == "" {
					os.Unsetenv(k)
				}
			}
			p := testPool(t, Config{
				Function: "users_handler",
				Dir:      dir,
				MemoryMB: 1024,
				Env:      append([]string{"RUNTIMEAPI_TEST_EXTRA=extra"}, tt.env...),
			})
			var got map[string]string
			if err := json.Unmarshal(mustInvoke(t, p, string(query)), &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"_HANDLER":                        "users_handler",
				"AWS_LAMBDA_FUNCTION_NAME":        "users_handler",
				"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
				"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
				"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/users_handler",
				"AWS_LAMBDA_LOG_STREAM_NAME":      "local",
				"AWS_EXECUTION_ENV":               "AWS_Lambda_provided.al2023",
				"LAMBDA_TASK_ROOT":                dir,
				"TZ":                              ":UTC",
				"AWS_REGION":                      tt.regions[0],
				"AWS_DEFAULT_REGION":              tt.regions[1],
				"RUNTIMEAPI_TEST_INHERITED":       "from-parent",
				"RUNTIMEAPI_TEST_EXTRA":           "extra",
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			if api := got["AWS_LAMBDA_RUNTIME_API"]; !strings.HasPrefix(api, "127.0.0.1:") {
				t.Errorf("AWS_LAMBDA_RUNTIME_API = %q, want 127.0.0.1:<port>", api)
			}
		})
	}
}

func TestWorkingDirAndOutput(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr syncBuffer
	// A relative binary path must still work with a different Dir.
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, bin.echo)
	if err != nil {
		rel = bin.echo
	}
	p := testPool(t, Config{Binary: rel, Dir: dir, Stdout: &stdout, Stderr: &stderr})
	mustInvoke(t, p, `{"stdout":"hello from the function"}`)
	if _, err := invoke(t, p, `{"fail":true}`); err == nil {
		t.Fatal("want an error")
	}
	eventually(t, 5*time.Second, "the function's stdout", func() bool {
		return strings.Contains(stdout.String(), "hello from the function\n")
	})
	// aws-lambda-go logs reported errors to stderr.
	eventually(t, 5*time.Second, "the function's stderr", func() bool {
		return strings.Contains(stderr.String(), "requested failure")
	})
	if strings.Contains(stderr.String(), "hello from the function") {
		t.Error("stdout leaked into stderr")
	}
}

func TestFunctionError(t *testing.T) {
	tests := []struct {
		name      string
		env       []string
		payload   string
		wantType  string
		wantMsg   string
		wantStack bool
	}{
		{"returned error", nil, `{"fail":true}`, "EchoError", "requested failure", false},
		{"panic", nil, `{"panic":true}`, "string", "boom", true},
		{"response too large", nil, `{"big":` + strconv.Itoa(MaxPayloadSize+1) + `}`, "Function.ResponseSizeTooLarge",
			"Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).", false},
		{"response stream fails", []string{"ECHO_MODE=reader"}, `{}`, "errorString", "stream broke", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPool(t, Config{MaxWorkers: 1, Env: tt.env})
			_, err := invoke(t, p, tt.payload)
			var fe *FunctionError
			if !errors.As(err, &fe) {
				t.Fatalf("Invoke error = %T %v, want *FunctionError", err, err)
			}
			if fe.Type != tt.wantType || !strings.Contains(fe.Message, tt.wantMsg) {
				t.Errorf("FunctionError = {Type: %q, Message: %q}, want {%q, %q}", fe.Type, fe.Message, tt.wantType, tt.wantMsg)
			}
			if want := "runtimeapi: function echo returned an error: " + fe.Type + ": " + fe.Message; fe.Error() != want {
				t.Errorf("Error() = %q, want %q", fe.Error(), want)
			}
			if fe.ErrorMessage() != fe.Message || fe.ErrorType() != fe.Type {
				t.Errorf("ErrorMessage() = %q, ErrorType() = %q, want %q, %q", fe.ErrorMessage(), fe.ErrorType(), fe.Message, fe.Type)
			}
			if tt.wantStack {
				var frames []map[string]any
				if err := json.Unmarshal(fe.StackTrace, &frames); err != nil || len(frames) == 0 {
					t.Errorf("stack trace = %s (%v), want frames", fe.StackTrace, err)
				}
			}
			// The function keeps working: a panicking or oversize runtime
			// exits, and the next invocation transparently gets a new one.
			if tt.env != nil {
				return // this function always fails
			}
			if got := mustInvoke(t, p, `"again"`); string(got) != `"again"` {
				t.Fatalf("next Invoke = %s", got)
			}
		})
	}
}

func TestResponseAtSizeLimit(t *testing.T) {
	p := testPool(t, Config{})
	out := mustInvoke(t, p, `{"big":`+strconv.Itoa(MaxPayloadSize)+`}`)
	if len(out) != MaxPayloadSize {
		t.Fatalf("got %d bytes, want %d", len(out), MaxPayloadSize)
	}
}

func TestRequestTooLarge(t *testing.T) {
	p := testPool(t, Config{})
	_, err := p.Invoke(context.Background(), bytes.Repeat([]byte("x"), MaxPayloadSize+1))
	if err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("Invoke error = %v, want a payload size error", err)
	}
	if s := p.Stats(); s.Started != 0 {
		t.Fatalf("a worker was started for an oversize payload: %+v", s)
	}
}

func TestCrashMidInvocation(t *testing.T) {
	p := testPool(t, Config{MaxWorkers: 1})
	first := workerPID(t, p)
	_, err := invoke(t, p, `{"crash":true}`)
	var ce *CrashError
	if !errors.As(err, &ce) {
		t.Fatalf("Invoke error = %T %v, want *CrashError", err, err)
	}
	if ce.DuringInit || ce.Function != "echo" {
		t.Errorf("CrashError = %+v, want a mid-invocation crash of echo", ce)
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 7 {
		t.Errorf("exit error = %v, want exit status 7", ce.ExitErr)
	}
	if !strings.Contains(ce.StderrTail, "crashing as requested") || !strings.Contains(err.Error(), "crashing as requested") {
		t.Errorf("stderr tail %q / message %q lack the function's last words", ce.StderrTail, err)
	}
	if second := workerPID(t, p); second == first {
		t.Errorf("next Invoke ran in the crashed process %d", first)
	}
	if s := p.Stats(); s.Started != 2 || s.Crashed != 1 || s.Live != 1 {
		t.Errorf("Stats = %+v, want 2 started, 1 crashed, 1 live", s)
	}
}

func TestTimeout(t *testing.T) {
	const timeout = 500 * time.Millisecond
	p := testPool(t, Config{MaxWorkers: 1, Timeout: timeout})
	first := workerPID(t, p)

	start := time.Now()
	_, err := invoke(t, p, `{"sleep_ms":20000}`)
	elapsed := time.Since(start)
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("Invoke error = %T %v, want *TimeoutError", err, err)
	}
	if te.Function != "echo" || te.Duration != timeout {
		t.Errorf("TimeoutError = %+v", te)
	}
	// A function timeout is not a gateway timeout: API Gateway answers 502.
	var timeouter interface{ Timeout() bool }
	if errors.As(err, &timeouter) && timeouter.Timeout() {
		t.Error("a function timeout reports Timeout() == true (the gateway would answer 504, not 502)")
	}
	if !strings.Contains(err.Error(), "Task timed out after 0.50 seconds") {
		t.Errorf("message %q", err)
	}
	if elapsed < timeout || elapsed > timeout+3*time.Second {
		t.Errorf("timed out after %v, want about %v", elapsed, timeout)
	}
	eventually(t, 5*time.Second, "the timed-out worker to die", func() bool { return processGone(first) })

	if second := workerPID(t, p); second == first {
		t.Errorf("next Invoke ran in the killed process %d", first)
	}
	if s := p.Stats(); s.TimedOut != 1 || s.Crashed != 0 || s.Started != 2 || s.Live != 1 {
		t.Errorf("Stats = %+v, want 1 timed out, 0 crashed, 2 started, 1 live", s)
	}
}

func TestTimeoutClock(t *testing.T) {
	tests := []struct {
		name     string
		initMS   int
		sleepMS  int
		timeout  time.Duration
		wantTime bool
	}{
		// Init does not eat into the invocation's own timeout...
		{"slow init within timeout", 900, 900, 1500 * time.Millisecond, false},
		// ...but a runtime that never polls /next times out too.
		{"init hangs", 20000, 0, 400 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPool(t, Config{Timeout: tt.timeout, Env: []string{"ECHO_INIT_SLEEP_MS=" + strconv.Itoa(tt.initMS)}})
			_, err := invoke(t, p, `{"sleep_ms":`+strconv.Itoa(tt.sleepMS)+`}`)
			var te *TimeoutError
			if got := errors.As(err, &te); got != tt.wantTime {
				t.Fatalf("Invoke error = %v, want timeout %v", err, tt.wantTime)
			}
			if !tt.wantTime && err != nil {
				t.Fatalf("Invoke: %v", err)
			}
		})
	}
}

func TestInitFailure(t *testing.T) {
	p := testPool(t, Config{Binary: bin.initfail, Function: "broken"})
	for i := range 2 {
		_, err := invoke(t, p, `{}`)
		var ce *CrashError
		if !errors.As(err, &ce) {
			t.Fatalf("Invoke %d error = %T %v, want *CrashError", i, err, err)
		}
		if !ce.DuringInit {
			t.Errorf("CrashError.DuringInit = false, want true")
		}
		if !strings.Contains(ce.StderrTail, "required setting TABLE_NAME is not set") {
			t.Errorf("StderrTail = %q, want the init message", ce.StderrTail)
		}
		if !contains(err.Error(), "broken", "during init", "exit status 3", "TABLE_NAME") {
			t.Errorf("message = %q", err)
		}
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 3 {
			t.Errorf("exit error = %v, want exit status 3", ce.ExitErr)
		}
	}
	err := p.Warm(context.Background(), 1)
	var ce *CrashError
	if !errors.As(err, &ce) || !ce.DuringInit {
		t.Fatalf("Warm error = %v, want an init *CrashError", err)
	}
	if s := p.Stats(); s.Started != 3 || s.Crashed != 3 || s.Invocations != 0 {
		t.Errorf("Stats = %+v, want 3 started and crashed, no invocations", s)
	}
}

func TestInitError(t *testing.T) {
	p := testPool(t, Config{Binary: bin.raw, Function: "raw", Env: []string{"RAW_MODE=initerror"}})
	start := time.Now()
	_, err := invoke(t, p, `{}`)
	var ie *InitError
	if !errors.As(err, &ie) {
		t.Fatalf("Invoke error = %T %v, want *InitError", err, err)
	}
	if ie.Message != "config file missing" || ie.Type != "Runtime.ConfigError" || ie.Function != "raw" {
		t.Errorf("InitError = %+v", ie)
	}
	if err := p.Warm(context.Background(), 1); !errors.As(err, &ie) {
		t.Errorf("Warm error = %v, want *InitError", err)
	}
	// The runtime hangs after reporting; the pool stops it (SIGTERM).
	eventually(t, 5*time.Second, "the failed workers to be stopped", func() bool { return p.Stats().Live == 0 })
	if s := p.Stats(); s.Crashed != 2 {
		t.Errorf("Stats = %+v, want 2 crashed", s)
	}
	if time.Since(start) > 4*time.Second {
		t.Errorf("init errors took %v to settle", time.Since(start))
	}
}

func TestRuntimeAPIProtocol(t *testing.T) {
	p := testPool(t, Config{Binary: bin.raw, Function: "raw", Env: []string{"RAW_MODE=protocol"}})
	mustInvoke(t, p, `{}`)
	var report map[string]struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	if err := json.Unmarshal(mustInvoke(t, p, `{}`), &report); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		probe      string
		wantStatus int
		wantType   string
	}{
		{"bogus_id", 400, "InvalidRequestID"},
		{"previous_id", 400, "InvalidRequestID"},
		{"unknown", 404, "NotFound"},
		{"wrong_verb", 404, "NotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.probe, func(t *testing.T) {
			got, ok := report[tt.probe]
			if !ok {
				t.Fatalf("no %s probe in %v", tt.probe, report)
			}
			var body struct {
				Message string `json:"errorMessage"`
				Type    string `json:"errorType"`
			}
			if err := json.Unmarshal([]byte(got.Body), &body); err != nil {
				t.Fatalf("body %q is not a JSON error: %v", got.Body, err)
			}
			if got.Status != tt.wantStatus || body.Type != tt.wantType || body.Message == "" {
				t.Errorf("%s: status %d body %s, want %d with errorType %s", tt.probe, got.Status, got.Body, tt.wantStatus, tt.wantType)
			}
		})
	}
}

func TestConcurrentInvokes(t *testing.T) {
	const n, maxWorkers = 32, 4
	p := testPool(t, Config{MaxWorkers: maxWorkers})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			payload := `{"n":` + strconv.Itoa(i) + `,"sleep_ms":20}`
			out, err := invoke(t, p, payload)
			switch {
			case err != nil:
				errs <- err
			case string(out) != payload:
				errs <- errors.New("got " + string(out) + ", want " + payload)
			}
			if live := p.Stats().Live; live > maxWorkers {
				errs <- errors.New("more than MaxWorkers live: " + strconv.Itoa(live))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s := p.Stats()
	if s.Started > maxWorkers || s.Started < 1 || s.Invocations != n || s.Crashed != 0 {
		t.Errorf("Stats = %+v, want at most %d started and %d invocations", s, maxWorkers, n)
	}
	t.Logf("Stats after %d concurrent invocations: %+v", n, s)
}

func TestWarm(t *testing.T) {
	p := testPool(t, Config{MaxWorkers: 4})
	if err := p.Warm(context.Background(), 3); err != nil {
		t.Fatalf("Warm: %v", err)
	}
	if s := p.Stats(); s.Started != 3 || s.Live != 3 {
		t.Fatalf("after Warm(3): %+v", s)
	}
	p.mu.Lock()
	for w := range p.workers {
		select {
		case <-w.ready:
		default:
			t.Error("Warm returned before a worker polled /next")
		}
	}
	p.mu.Unlock()

	// Three concurrent invocations need no new worker.
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { mustInvoke(t, p, `{"sleep_ms":100}`) })
	}
	wg.Wait()
	if s := p.Stats(); s.Started != 3 {
		t.Errorf("after 3 warm invocations: %+v, want no new workers", s)
	}
	// Warm never exceeds MaxWorkers.
	if err := p.Warm(context.Background(), 10); err != nil {
		t.Fatalf("Warm: %v", err)
	}
	if s := p.Stats(); s.Started != 4 || s.Live != 4 {
		t.Errorf("after Warm(10) with MaxWorkers 4: %+v", s)
	}
}

func TestContextCancel(t *testing.T) {
	t.Run("running invocation finishes", func(t *testing.T) {
		p := testPool(t, Config{MaxWorkers: 1})
		pid := workerPID(t, p)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := p.Invoke(ctx, []byte(`{"sleep_ms":600}`))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Invoke error = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("Invoke returned after %v, want promptly after ctx", d)
		}
		// The worker is not killed: it finishes, then serves the next call.
		if again := workerPID(t, p); again != pid {
			t.Errorf("worker %d was replaced by %d", pid, again)
		}
		if s := p.Stats(); s.Started != 1 || s.Invocations != 3 {
			t.Errorf("Stats = %+v, want 1 started, 3 invocations", s)
		}
	})
	t.Run("waiting for a worker", func(t *testing.T) {
		p := testPool(t, Config{MaxWorkers: 1})
		busy := make(chan error, 1)
		go func() {
			_, err := invoke(t, p, `{"sleep_ms":500}`)
			busy <- err
		}()
		eventually(t, 5*time.Second, "the first invocation to start", func() bool { return p.Stats().Invocations == 1 })
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, err := p.Invoke(ctx, []byte(`{}`)); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Invoke error = %v, want context.DeadlineExceeded", err)
		}
		if err := <-busy; err != nil {
			t.Fatalf("first Invoke: %v", err)
		}
	})
	t.Run("before the runtime polls", func(t *testing.T) {
		p := testPool(t, Config{MaxWorkers: 1, Env: []string{"ECHO_INIT_SLEEP_MS=300"}})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, err := p.Invoke(ctx, []byte(`{"crash":true}`)); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Invoke error = %v, want context.DeadlineExceeded", err)
		}
		// The withdrawn invocation never runs (it would have crashed).
		mustInvoke(t, p, `{}`)
		if s := p.Stats(); s.Started != 1 || s.Invocations != 1 || s.Crashed != 0 {
			t.Errorf("Stats = %+v, want 1 started, 1 invocation, 0 crashed", s)
		}
	})
}

func TestCloseBeforeUse(t *testing.T) {
	p, err := NewPool(Config{Binary: bin.echo, Function: "echo"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := p.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	if _, err := p.Invoke(context.Background(), []byte(`{}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("Invoke after Close = %v, want ErrClosed", err)
	}
	if err := p.Warm(context.Background(), 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Warm after Close = %v, want ErrClosed", err)
	}
}

// workerPID asks a worker of p for its process ID.
func workerPID(tb testing.TB, p *Pool) int {
	tb.Helper()
	var got struct{ PID int }
	if err := json.Unmarshal(mustInvoke(tb, p, `{"pid":true}`), &got); err != nil || got.PID == 0 {
		tb.Fatalf("no pid: %v", err)
	}
	return got.PID
}
