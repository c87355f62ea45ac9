// Package moto runs a real moto server (https://github.com/getmoto/moto), a
// local emulation of the AWS APIs, for tests and local development.
//
// Tests call Start, which launches `python3 -m moto.server` on a free
// loopback port, waits until it answers and stops it when the test ends:
//
//	srv := moto.Start(t)
//	srv.SetEnv(t) // AWS_ENDPOINT_URL, fake credentials, us-east-1
//	cfg, err := config.LoadDefaultConfig(ctx) // talks to moto
//
// moto is not a Go dependency: it is provided by the machine's python3 with
// moto 5 installed (`pip install 'moto[server]>=5'`). When it is missing,
// Start skips the test, unless GOCHALICE_REQUIRE_TOOLS=1 (as in CI), in
// which case the test fails.
package moto

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// RequireToolsEnv is the environment variable that turns a missing moto
// from a skipped test into a failed one when set to "1".
const RequireToolsEnv = "GOCHALICE_REQUIRE_TOOLS"

const (
	// Region is the region Env points clients at.
	Region = "us-east-1"
	// AccessKeyID and SecretAccessKey are the fake credentials Env sets;
	// moto accepts any.
	AccessKeyID     = "testing"
	SecretAccessKey = "testing"
)

const (
	startTimeout = 120 * time.Second // until the server answers (python is slow on a loaded 2-core CI machine)
	maxAttempts  = 5                 // port races before giving up
	tailBytes    = 8 << 10           // server output kept for error messages
)

// Package variables so the tests can simulate a missing moto and port races.
var (
	pythonCmd = "python3"
	pickPort  = freePort
	stopGrace = 5 * time.Second // between SIGTERM and SIGKILL
)

// missingHelp says how moto is provided; it ends every "moto missing" message.
const missingHelp = "moto server is required: it is provided by the machine image's python3 with moto 5 " +
	"(`pip install 'moto[server]>=5'`); python3 on PATH must be able to `import moto.server`"

type interpreter struct {
	path string // the real executable, sys.executable
	err  error
}

var (
	interpMu    sync.Mutex
	interpCache = map[string]interpreter{}
)

// Available reports whether `python3 -c "import moto.server"` works, that is
// whether Start can run a moto server. The answer is cached for the process.
func Available() error {
	_, err := findInterpreter()
	return err
}

// findInterpreter checks that python3 can import moto.server and returns
// the interpreter's real path (sys.executable). Launching that directly
// rather than python3 skips wrappers such as pyenv shims, which cost
// seconds per start.
func findInterpreter() (string, error) {
	interpMu.Lock()
	defer interpMu.Unlock()
	in, ok := interpCache[pythonCmd]
	if !ok {
		in.path, in.err = probe(pythonCmd)
		interpCache[pythonCmd] = in
	}
	return in.path, in.err
}

func probe(python string) (string, error) {
	path, err := exec.LookPath(python)
	if err != nil {
		return "", fmt.Errorf("%s: %w", missingHelp, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, "-c", "import sys, moto.server; print(sys.executable)")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %s -c \"import moto.server\": %w: %s", missingHelp, path, err, lastLine(stderr.Bytes()))
	}
	if exe := strings.TrimSpace(stdout.String()); exe != "" {
		if _, err := os.Stat(exe); err == nil {
			return exe, nil
		}
	}
	return path, nil
}

// Server is a running moto server.
type Server struct {
	// Endpoint is the server's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// Port is the TCP port it listens on.
	Port int

	cmd    *exec.Cmd
	output *tail
	done   chan struct{} // closed once the process has been reaped
	err    error         // exit status, valid after done

	stopOnce sync.Once
	stopErr  error
}

// Start runs a moto server for the test and stops it when the test and its
// subtests finish. When moto is not installed it skips the test, or fails
// it if GOCHALICE_REQUIRE_TOOLS=1.
func Start(t testing.TB) *Server {
	t.Helper()
	if err := Available(); err != nil {
		if os.Getenv(RequireToolsEnv) == "1" {
			t.Fatalf("moto: %v (%s=1, so this is a failure rather than a skip)", err, RequireToolsEnv)
		} else {
			t.Skipf("moto: %v (set %s=1 to fail instead of skipping)", err, RequireToolsEnv)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	began := time.Now()
	s, stop, err := StartProcess(ctx)
	if err != nil {
		t.Fatalf("moto: %v", err)
		return nil
	}
	t.Logf("moto: server ready at %s in %v", s.Endpoint, time.Since(began).Round(time.Millisecond))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("moto: last lines of server output:\n%s", lastLines(s.Output(), 20))
		}
		if err := stop(); err != nil {
			t.Errorf("moto: %v", err)
		}
	})
	return s
}

// StartProcess runs a moto server outside of a test (for example for a
// local development script). It returns once the server answers HTTP, or
// fails after 30 seconds or when ctx is done. The returned function stops
// the server (SIGTERM, then SIGKILL after 5 seconds) and reaps it; it is
// safe to call more than once. ctx only bounds the start-up: cancelling it
// later does not stop the server.
func StartProcess(ctx context.Context) (*Server, func() error, error) {
	python, err := findInterpreter()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	var errs []error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		port, err := pickPort()
		if err != nil {
			return nil, nil, fmt.Errorf("finding a free port for moto server: %w", err)
		}
		s, err := launch(python, port)
		if err != nil {
			return nil, nil, err
		}
		err = s.waitReady(ctx)
		if err == nil {
			return s, s.Stop, nil
		}
		stopErr := s.Stop()
		if !errors.Is(err, errPortInUse) {
			return nil, nil, errors.Join(err, stopErr)
		}
		errs = append(errs, err)
	}
	return nil, nil, fmt.Errorf("starting moto server: no free port after %d attempts: %w", maxAttempts, errors.Join(errs...))
}

// launch starts the server process on port without waiting for it.
func launch(python string, port int) (*Server, error) {
	s := &Server{
		Endpoint: "http://127.0.0.1:" + strconv.Itoa(port),
		Port:     port,
		output:   &tail{max: tailBytes},
		done:     make(chan struct{}),
	}
	s.cmd = exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	s.cmd.Stdout = s.output
	s.cmd.Stderr = s.output
	s.cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1")
	// Do not wait forever for output from children that outlive it.
	s.cmd.WaitDelay = 2 * time.Second
	setProcAttr(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting moto server (%s -m moto.server): %w", python, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	return s, nil
}

var errPortInUse = errors.New("port already in use")

// waitReady polls the server until it answers any HTTP response. It
// notices at once when the process exits, even mid-request.
func (s *Server) waitReady(ctx context.Context) error {
	url := s.Endpoint + "/moto-api/"
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	for {
		select {
		case <-s.done:
			return s.exitError()
		default:
		}
		answered, err := s.probe(ctx, client, url)
		if answered {
			select {
			case <-s.done:
				// Another program took the port and answered in our stead.
				return s.exitError()
			default:
				return nil
			}
		}
		if err != nil {
			return err
		}
		select {
		case <-s.done:
			return s.exitError()
		case <-ctx.Done():
			return fmt.Errorf("moto server did not answer %s: %w; its output:\n%s", url, context.Cause(ctx), s.Output())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// probe sends one readiness request, abandoned after a second or as soon
// as the process exits. It reports whether the server answered 200 or 404;
// err is only for a request that cannot be built.
func (s *Server) probe(ctx context.Context, client *http.Client, url string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, fmt.Errorf("building readiness request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, nil // not listening yet
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNotFound, nil
}

// exitError describes a server that exited before answering.
func (s *Server) exitError() error {
	out := s.Output()
	if strings.Contains(out, "Address already in use") || strings.Contains(out, "is in use by another program") {
		return fmt.Errorf("moto server on port %d: %w", s.Port, errPortInUse)
	}
	return fmt.Errorf("moto server exited before answering (%v); its output:\n%s", s.err, out)
}

// Env returns the environment that points AWS SDKs and the AWS CLI at the
// server: AWS_ENDPOINT_URL, fake credentials and the us-east-1 region.
func (s *Server) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + s.Endpoint,
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
	}
}

// SetEnv sets Env's variables for the duration of the test (t.Setenv, so
// the test cannot be parallel).
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// Reset deletes every resource in the server (POST /moto-api/reset), so a
// test can start from an empty account without restarting it.
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Endpoint+"/moto-api/reset", nil)
	if err != nil {
		return fmt.Errorf("moto reset: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("moto reset: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto reset: %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// Pid returns the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Output returns the last few kilobytes the server wrote (its request log
// and any errors).
func (s *Server) Output() string { return s.output.String() }

// Stop terminates the server: SIGTERM to its process group, SIGKILL after
// 5 seconds if it is still running, then waits for it to be reaped. It is
// safe to call more than once; later calls return the first result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	select {
	case <-s.done:
		return nil // already exited (and reaped)
	default:
	}
	if err := terminate(s.cmd); err != nil && !isGone(err) {
		return fmt.Errorf("stopping moto server (pid %d): %w", s.Pid(), err)
	}
	timer := time.NewTimer(stopGrace)
	defer timer.Stop()
	select {
	case <-s.done:
	case <-timer.C:
		if err := kill(s.cmd); err != nil && !isGone(err) {
			return fmt.Errorf("killing moto server (pid %d): %w", s.Pid(), err)
		}
		<-s.done
	}
	// Make sure nothing it started outlives it.
	if err := kill(s.cmd); err != nil && !isGone(err) {
		return fmt.Errorf("killing moto server's process group (pid %d): %w", s.Pid(), err)
	}
	return nil
}

// freePort asks the kernel for a free loopback port. Another program may
// take it before moto binds it; StartProcess retries then.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tail) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}

func lastLine(b []byte) string { return lastLines(string(b), 1) }

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
