package local

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCLIEndToEnd starts the real gochalice binary (`gochalice local
// --port 0`) on a project and checks every row of the local column of the
// Chalice spec (§2.1) over real HTTP, then stops it with SIGINT and checks
// that no process is left.
func TestCLIEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and an app")
	}
	dir := newProjectFrom(t, "testdata/rows/main.go.txt", `{"version": "2.0", "app_name": "rows", "stages": {"dev": {"api_gateway_stage": "api"}}}`)
	cmd := gochaliceCommand(t, "--project-dir", dir, "local", "--port", "0", "--no-autoreload")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, _ := cmd.StdoutPipe()
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }()
	banner := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "Serving on "); ok {
				banner <- addr
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var base string
	select {
	case base = <-banner:
	case err := <-exited:
		t.Fatalf("gochalice local exited early (%v); stderr:\n%s", err, stderr.String())
	case <-time.After(180 * time.Second):
		t.Fatalf("no banner; stderr:\n%s", stderr.String())
	}

	png := string([]byte{0x89, 'P', 'N', 'G', 0, 0xff})
	rows := []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		wantBody                 string
		wantHeader               map[string]string
	}{
		{name: "route", method: "GET", path: "/", status: 200, wantBody: `{"hello":"world"}`, wantHeader: map[string]string{"Content-Type": "application/json"}},
		{name: "param", method: "GET", path: "/items/42", status: 200, wantBody: `{"id":"42"}`, wantHeader: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{name: "unknown 403", method: "GET", path: "/nope", status: 403, wantBody: `{"message": "Missing Authentication Token"}`, wantHeader: map[string]string{"x-amzn-ErrorType": "UnauthorizedException"}},
		{name: "sigv4 403", method: "GET", path: "/nope", header: map[string]string{"Authorization": "abc"}, status: 403,
			wantBody: `{"message": "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=abc"}`},
		{name: "405", method: "DELETE", path: "/items/1", status: 405, wantBody: `{"Code":"MethodNotAllowedError","Message":"Unsupported method: DELETE"}`, wantHeader: map[string]string{"Allow": "GET, PUT"}},
		{name: "415", method: "POST", path: "/json", body: "a,b", header: map[string]string{"Content-Type": "text/csv"}, status: 415, wantBody: `{"Code":"UnsupportedMediaType","Message":"Unsupported media type: text/csv"}`},
		{name: "400 json", method: "POST", path: "/json", body: "{x", header: map[string]string{"Content-Type": "application/json"}, status: 400, wantBody: `{"Code":"BadRequestError","Message":"Error Parsing JSON"}`},
		{name: "500", method: "GET", path: "/boom", status: 500, wantBody: `{"Code":"InternalServerError","Message":"An internal server error occurred."}`},
		{name: "preflight", method: "OPTIONS", path: "/items/1", status: 200, wantBody: "", wantHeader: map[string]string{"Access-Control-Allow-Methods": "GET,PUT,OPTIONS", "Access-Control-Allow-Origin": "*"}},
		{name: "options without cors", method: "OPTIONS", path: "/", status: 200, wantBody: "", wantHeader: map[string]string{"Access-Control-Allow-Methods": "OPTIONS"}},
		{name: "binary round trip", method: "POST", path: "/png", body: png, header: map[string]string{"Content-Type": "image/png", "Accept": "image/png"}, status: 200, wantBody: png, wantHeader: map[string]string{"Content-Type": "image/png"}},
		{name: "binary without accept", method: "POST", path: "/png", body: png, header: map[string]string{"Content-Type": "image/png"}, status: 400},
		{name: "auth none", method: "GET", path: "/secret", status: 401, wantBody: `{"message":"Unauthorized"}`},
		{name: "auth allow", method: "GET", path: "/secret", header: map[string]string{"Authorization": "allow"}, status: 200, wantBody: `{"principalId":"alice"}`},
		{name: "auth deny", method: "GET", path: "/secret", header: map[string]string{"Authorization": "bob"}, status: 403, wantBody: `{"Message": "User is not authorized to access this resource"}`},
		{name: "auth returns nil", method: "GET", path: "/secret", header: map[string]string{"Authorization": "none"}, status: 500, wantBody: `{"message":null}`},
		{name: "multi-value headers", method: "GET", path: "/multi", status: 200, wantBody: "ok"},
	}
	for _, r := range rows {
		req, _ := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
		for k, v := range r.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != r.status {
			t.Errorf("%s: status %d, want %d (body %s)", r.name, resp.StatusCode, r.status, body)
			continue
		}
		if r.wantBody != "" || r.method == "OPTIONS" {
			if !bytes.Equal(body, []byte(r.wantBody)) {
				t.Errorf("%s: body %q, want %q", r.name, body, r.wantBody)
			}
		}
		for k, v := range r.wantHeader {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s: header %s = %q, want %q", r.name, k, got, v)
			}
		}
		if r.name == "multi-value headers" {
			if got := strings.Join(resp.Header.Values("X-Tag"), ","); got != "a,b" {
				t.Errorf("multi-value header X-Tag = %q, want a,b", got)
			}
		}
	}
	if !strings.Contains(stderr.String(), `"GET / HTTP/1.1" 200 -`) {
		t.Errorf("no access log line in stderr:\n%s", stderr.String())
	}

	// Ctrl-C stops the CLI and every worker it started.
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("gochalice local did not stop on SIGINT")
	}
	time.Sleep(200 * time.Millisecond)
	if pids := appProcesses(t, dir); len(pids) > 0 {
		t.Fatalf("processes left after SIGINT: %v", pids)
	}
}
