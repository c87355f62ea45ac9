package local

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/gochalice/chalice/chalicetest/moto"
)

// TestLocalDeclaredResources runs the real gochalice binary, with no AWS
// variables in its environment, on an app declaring a table and a queue
// with a dead-letter queue: local starts moto, creates them, the routes
// create, read, update and delete items, messages sent with the SDK reach
// the queue's handler, failing ones end in the dead-letter queue, and
// after SIGINT neither a worker nor moto is left. It logs start → first
// 200 and message → handler latencies (docs/PERFORMANCE.md §3).
func TestLocalDeclaredResources(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and an app, runs moto")
	}
	if err := moto.Available(); err != nil {
		t.Skipf("moto: %v", err)
	}
	dir := newProjectFrom(t, "testdata/resources/main.go.txt", `{"version": "2.0", "app_name": "restest", "stages": {"dev": {"api_gateway_stage": "api", "lambda_timeout": 1}}}`)
	// Build the app once so the timing below is gochalice local's start
	// (with moto), not a cold Go build cache.
	warm := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "app"), ".")
	warm.Dir = dir
	if out, err := warm.CombinedOutput(); err != nil {
		t.Fatalf("building the app: %v\n%s", err, out)
	}

	run := startCLI(t, dir)
	base, stderr, began := run.base, run.stderr, run.began
	do := func(method, path, body string) (int, string) {
		t.Helper()
		return request(t, base, method, path, body)
	}
	if code, body := do("PUT", "/items/a", "one"); code != 200 || !strings.Contains(body, `"table":"restest-dev-items"`) {
		t.Fatalf("PUT /items/a: %d %s; stderr:\n%s", code, body, stderr.String())
	}
	t.Logf("start → first 200 (moto start, create, build, first invocation): %v", time.Since(began).Round(time.Millisecond))
	m := regexp.MustCompile(`Started moto \(AWS emulator, pid (\d+)\) at (\S+) in (\S+);`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no moto line in stderr:\n%s", stderr.String())
	}
	motoPid, _ := strconv.Atoi(m[1])
	t.Logf("moto start: %s", m[3])
	for _, want := range []string{"Created on 127.0.0.1:", "table items (restest-dev-items)", "queue jobs-failed (restest-dev-jobs-failed)",
		"Event sources: queue jobs runs work"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if testing.Verbose() {
		defer func() { t.Logf("stderr:\n%s", stderr.String()) }()
	}
	if strings.Contains(stderr.String(), "does not create yet") {
		t.Errorf("still warns about declared resources:\n%s", stderr.String())
	}

	// Create, read, update, delete.
	for _, step := range []struct {
		method, path, body string
		code               int
		want               string
	}{
		{"GET", "/items/a", "", 200, `"value":"one"`},
		{"PUT", "/items/a", "two", 200, ""},
		{"GET", "/items/a", "", 200, `"value":"two"`},
		{"DELETE", "/items/a", "", 200, ""},
		{"GET", "/items/a", "", 404, "no item a"},
	} {
		if code, body := do(step.method, step.path, step.body); code != step.code || !strings.Contains(body, step.want) {
			t.Errorf("%s %s: %d %s, want %d %s", step.method, step.path, code, body, step.code, step.want)
		}
	}

	// A message sent by a route reaches the handler.
	if code, body := do("POST", "/jobs", "from-route"); code != 200 {
		t.Fatalf("POST /jobs: %d %s", code, body)
	}
	waitFor(t, stderr, "handled from-route")

	ctx := context.Background()
	client := sqs.New(sqs.Options{Region: "us-west-2", BaseEndpoint: aws.String(m[2]),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")})
	qurl := func(name string) string {
		out, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
		if err != nil {
			t.Fatalf("queue %s: %v", name, err)
		}
		return aws.ToString(out.QueueUrl)
	}
	jobs, dlq := qurl("restest-dev-jobs"), qurl("restest-dev-jobs-failed")
	send := func(body string) time.Time {
		t.Helper()
		at := time.Now()
		if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(jobs), MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
		return at
	}
	// Message → handler latency, sent with the SDK to moto.
	var lat []time.Duration
	for i := range 5 {
		body := "lat-" + strconv.Itoa(i)
		at := send(body)
		re := regexp.MustCompile(`handled ` + body + ` at (\d+)`)
		deadline := time.Now().Add(30 * time.Second)
		for {
			if mm := re.FindStringSubmatch(stderr.String()); mm != nil {
				ns, _ := strconv.ParseInt(mm[1], 10, 64)
				lat = append(lat, time.Unix(0, ns).Sub(at))
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s not handled; stderr:\n%s", body, stderr.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("message → handler latency over %d messages: median %v, max %v", len(lat), lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))

	// A failing message, and one the handler reports as a failed batch
	// item, are received again and end in the dead-letter queue after
	// maxReceiveCount (2); a good one is handled once.
	send("fail-1")
	send("partial-1")
	inDLQ := map[string]bool{}
	deadline := time.Now().Add(60 * time.Second)
	for len(inDLQ) < 2 && time.Now().Before(deadline) {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(dlq), WaitTimeSeconds: 1, MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, msg := range out.Messages {
			inDLQ[aws.ToString(msg.Body)] = true
		}
	}
	if !inDLQ["fail-1"] || !inDLQ["partial-1"] {
		t.Errorf("dead-letter queue holds %v, want fail-1 and partial-1; stderr:\n%s", inDLQ, stderr.String())
	}
	if n := strings.Count(stderr.String(), "handled from-route"); n != 1 {
		t.Errorf("from-route handled %d times, want once", n)
	}
	if n := strings.Count(stderr.String(), "handled fail-1"); n != 2 {
		t.Errorf("fail-1 handled %d times, want 2 (maxReceiveCount)", n)
	}

	// Ctrl-C stops the CLI, its workers and moto.
	run.stop(t, dir, motoPid)

	// A second start finds the marker of the first and starts moto while
	// it builds: start → first 200 again.
	run = startCLI(t, dir)
	if code, body := request(t, run.base, "PUT", "/items/b", "one"); code != 200 {
		t.Fatalf("second start: PUT /items/b: %d %s; stderr:\n%s", code, body, run.stderr.String())
	}
	t.Logf("second start → first 200 (moto started during the build): %v", time.Since(run.began).Round(time.Millisecond))
	m = regexp.MustCompile(`Started moto \(AWS emulator, pid (\d+)\)`).FindStringSubmatch(run.stderr.String())
	if m == nil {
		t.Fatalf("no moto line in stderr:\n%s", run.stderr.String())
	}
	motoPid, _ = strconv.Atoi(m[1])
	run.stop(t, dir, motoPid)
}

// cliRun is `gochalice local --port 0 --no-autoreload` running as its own
// process group, with no AWS_* variable in its environment.
type cliRun struct {
	cmd    *exec.Cmd
	base   string
	stderr *syncBuffer
	began  time.Time
	exited chan error
}

func startCLI(t *testing.T, dir string) *cliRun {
	t.Helper()
	cmd := gochaliceCommand(t, "--project-dir", dir, "local", "--port", "0", "--no-autoreload")
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = slices.DeleteFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, "AWS_") })
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, _ := cmd.StdoutPipe()
	r := &cliRun{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = r.stderr
	r.began = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	banner := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "Serving on "); ok {
				banner <- addr
			}
		}
	}()
	go func() { r.exited <- cmd.Wait() }()
	select {
	case r.base = <-banner:
	case err := <-r.exited:
		t.Fatalf("gochalice local exited early (%v); stderr:\n%s", err, r.stderr.String())
	case <-time.After(180 * time.Second):
		t.Fatalf("no banner; stderr:\n%s", r.stderr.String())
	}
	return r
}

// stop sends SIGINT and checks that neither a process of the app in dir
// nor moto (motoPid) is left.
func (r *cliRun) stop(t *testing.T, dir string, motoPid int) {
	t.Helper()
	if err := r.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("gochalice local did not stop on SIGINT")
	}
	time.Sleep(200 * time.Millisecond)
	if pids := appProcesses(t, dir); len(pids) > 0 {
		t.Errorf("processes left after SIGINT: %v", pids)
	}
	if err := syscall.Kill(motoPid, 0); err == nil {
		t.Errorf("moto (pid %d) still running after SIGINT", motoPid)
	}
}

func request(t *testing.T, base, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
