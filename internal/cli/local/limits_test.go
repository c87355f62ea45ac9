package local

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/cli"
)

// serve runs `gochalice local` in process with o (IO, host, port, stage
// and Ready filled in) until the test ends, and returns its base URL and
// everything it wrote to stderr (the workers' output included).
func serve(t *testing.T, o Options) (string, *syncBuffer) {
	t.Helper()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	o.IO, o.Host, o.Port, o.Stage = cli.IO{Out: out, ErrOut: errOut}, "127.0.0.1", 0, "dev"
	ready := make(chan string, 1)
	o.Ready = func(a string) { ready <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, &o) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if t.Failed() {
			t.Logf("local's stderr:\n%s", errOut.String())
		}
	})
	select {
	case a := <-ready:
		return "http://" + a, errOut
	case err := <-done:
		t.Fatalf("local exited: %v\n%s", err, errOut.String())
	case <-time.After(180 * time.Second):
		t.Fatalf("local not ready\n%s", errOut.String())
	}
	return "", nil
}

// writeConfig replaces the project's .chalice/config.json.
func writeConfig(t *testing.T, dir, configJSON string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(configJSON), 0o644); err != nil {
		t.Fatal(err)
	}
}

func configWithTimeout(seconds int) string {
	return fmt.Sprintf(`{"version": "2.0", "app_name": "localtest", "stages": {"dev": {"api_gateway_stage": "api", "lambda_timeout": %d}}}`, seconds)
}

type answer struct {
	status int
	body   string
	err    error
}

// fetch is a GET that is safe to call from any goroutine.
func fetch(url string) answer {
	client := &http.Client{Timeout: 90 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b), err: err}
}

// TestLocalSlowHandlersDoNotStarve: workers grow on demand up to
// --max-concurrency, so handlers sleeping in every warm worker do not hold
// up a fast route, and requests beyond the limit wait instead of failing.
func TestLocalSlowHandlersDoNotStarve(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	dir := newProject(t, "world")
	writeConfig(t, dir, configWithTimeout(25))
	tests := []struct {
		name           string
		maxConcurrency int // 0: the default
		slow, sleepMS  int
		fastMeanwhile  bool // a fast request must answer while all slow ones sleep
	}{
		{"a fast route answers while 4 handlers sleep", 0, 4, 8000, true},
		{"requests beyond the limit queue", 2, 5, 1000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, errOut := serve(t, Options{ProjectDir: dir, Workers: 1, MaxConcurrency: tt.maxConcurrency})
			done := make(chan answer, tt.slow)
			for range tt.slow {
				go func() { done <- fetch(fmt.Sprintf("%s/sleep?ms=%d", base, tt.sleepMS)) }()
			}
			if tt.fastMeanwhile {
				deadline := time.Now().Add(60 * time.Second)
				for strings.Count(errOut.String(), "sleep-start") < tt.slow {
					if time.Now().After(deadline) {
						t.Fatalf("the %d slow handlers never all started", tt.slow)
					}
					time.Sleep(20 * time.Millisecond)
				}
				if got := fetch(base + "/"); got.err != nil || got.status != 200 || got.body != `{"hello":"world"}` {
					t.Fatalf("fast route = %d %q (%v), want 200", got.status, got.body, got.err)
				}
				select {
				case a := <-done:
					t.Fatalf("a slow request (%d) finished before the fast one answered: the fast one waited for a worker", a.status)
				default:
				}
			}
			want := fmt.Sprintf(`{"slept_ms":%d}`, tt.sleepMS)
			for range tt.slow {
				if a := <-done; a.err != nil || a.status != 200 || a.body != want {
					t.Errorf("slow request = %d %q (%v), want 200 %s", a.status, a.body, a.err, want)
				}
			}
		})
	}
}

// TestLocalInvokeErrors: as on AWS, a function over its own lambda_timeout
// is a 502 and only the integration limit is a 504; and every 502 and 504
// says why on local's stderr.
func TestLocalInvokeErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	const internal, timedOut = `{"message": "Internal server error"}`, `{"message": "Endpoint request timed out"}`
	type row struct {
		path   string
		status int
		body   string
		reason string // a regular expression local's stderr must match
	}
	dir := newProject(t, "world")
	tests := []struct {
		name          string
		lambdaTimeout int
		integration   time.Duration
		rows          []row
	}{
		{"function limits", 2, 0, []row{
			{"/crash", 502, internal, `process exited during the invocation \(exit status 4\)`},
			{"/big", 502, internal, `Function\.ResponseSizeTooLarge: Response payload size \(\d+ bytes\) exceeded maximum allowed payload size \(6291556 bytes\)`},
			{"/slow", 502, internal, `Task timed out after 2\.00 seconds`},
			{"/", 200, `{"hello":"world"}`, ""},
		}},
		{"integration limit", 10, time.Second, []row{
			{"/slow", 504, timedOut, `no response within the 1\.00 s integration timeout`},
			{"/", 200, `{"hello":"world"}`, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeConfig(t, dir, configWithTimeout(tt.lambdaTimeout))
			base, errOut := serve(t, Options{ProjectDir: dir, Workers: 1, Timeouts: Timeouts{Integration: tt.integration}})
			for _, r := range tt.rows {
				got := fetch(base + r.path)
				if got.err != nil || got.status != r.status || got.body != r.body {
					t.Errorf("GET %s = %d %q (%v), want %d %s", r.path, got.status, got.body, got.err, r.status, r.body)
				}
				if r.reason == "" {
					continue
				}
				re := regexp.MustCompile(r.reason)
				deadline := time.Now().Add(5 * time.Second)
				for !re.MatchString(errOut.String()) && time.Now().Before(deadline) {
					time.Sleep(20 * time.Millisecond)
				}
				if !re.MatchString(errOut.String()) {
					t.Errorf("GET %s: stderr does not give the reason /%s/", r.path, r.reason)
				}
			}
		})
	}
}

// TestLocalServerTimeouts: clients that stall while sending a request, or
// idle on a keep-alive connection, are disconnected; a slow but complete
// request and a websocket are not.
func TestLocalServerTimeouts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	dir := newProject(t, "world")
	timeouts := Timeouts{ReadHeader: 500 * time.Millisecond, Read: 1500 * time.Millisecond, Idle: time.Second}
	base, _ := serve(t, Options{ProjectDir: dir, Workers: 1, Timeouts: timeouts})
	addr := strings.TrimPrefix(base, "http://")
	const post = "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n"

	// dialStalled sends parts with a pause between them and reports
	// whether the server hung up (EOF or reset) before the 10 s watchdog,
	// and the first status line it answered, if any.
	dialStalled := func(t *testing.T, pause time.Duration, parts ...string) (hungUp bool, status string) {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		for i, p := range parts {
			if i > 0 {
				time.Sleep(pause)
			}
			if _, err := io.WriteString(conn, p); err != nil {
				return true, ""
			}
		}
		br := bufio.NewReader(conn)
		var lines []string
		for {
			line, err := br.ReadString('\n')
			if strings.HasPrefix(line, "HTTP/1.1 ") {
				lines = append(lines, strings.TrimSpace(line))
			}
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					return false, strings.Join(lines, ",")
				}
				return true, strings.Join(lines, ",")
			}
		}
	}
	tests := []struct {
		name       string
		pause      time.Duration
		parts      []string
		wantHungUp bool
		wantStatus string // first status lines, comma-separated
	}{
		{"partial header, then a stall", 0, []string{"GET / HTTP/1.1\r\nHost: x\r\n"}, true, ""},
		{"partial body, then a stall", 0, []string{post + `{"a"`}, true, ""},
		{"idle keep-alive connection", 0, []string{"GET / HTTP/1.1\r\nHost: x\r\n\r\n"}, true, "HTTP/1.1 200 OK"},
		{"slow body within the read timeout", 300 * time.Millisecond, []string{post[:20], post[20:] + `{"a"`, `: 1}`}, true, "HTTP/1.1 200 OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			hungUp, status := dialStalled(t, tt.pause, tt.parts...)
			if hungUp != tt.wantHungUp {
				t.Errorf("hung up: %v after %v, want %v", hungUp, time.Since(start).Round(time.Millisecond), tt.wantHungUp)
			}
			if !strings.HasPrefix(status, tt.wantStatus) || (tt.wantStatus == "" && strings.Contains(status, "200")) {
				t.Errorf("answered %q, want %q", status, tt.wantStatus)
			}
		})
	}

	t.Run("websocket outlives the read and idle timeouts", func(t *testing.T) {
		conn, br := wsDial(t, addr)
		defer conn.Close()
		time.Sleep(timeouts.Read + timeouts.Idle)
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
		if err := wsWriteText(conn, "still there"); err != nil {
			t.Fatal(err)
		}
		if got, err := wsReadText(br); err != nil || got != "echo: still there" {
			t.Fatalf("websocket answered %q, %v", got, err)
		}
	})
}

func TestLimitFlags(t *testing.T) {
	cmd := NewCmdLocal(&cli.Factory{}, nil)
	tests := []struct{ flag, def, usage string }{
		{"max-concurrency", "10", "Concurrent invocations per function"},
		{"workers", "1", "started ahead"},
	}
	for _, tt := range tests {
		f := cmd.Flags().Lookup(tt.flag)
		if f == nil || f.DefValue != tt.def || !strings.Contains(f.Usage, tt.usage) {
			t.Errorf("--%s = %+v, want default %s and usage mentioning %q", tt.flag, f, tt.def, tt.usage)
		}
	}
	for _, o := range []Options{{MaxConcurrency: -1}, {Workers: -1}} {
		if err := Run(context.Background(), &o); err == nil || !strings.Contains(err.Error(), "must") {
			t.Errorf("Run(%+v) = %v, want a flag error", o, err)
		}
	}
}
