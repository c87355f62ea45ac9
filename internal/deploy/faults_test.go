package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/faultproxy"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
)

// The fault-injection suite runs the real gochalice binary against moto
// through faultproxy, which fails, drops, delays past the client timeout,
// or SIGKILLs the process before/after the k-th mutating call, for a first
// deploy, an update, a sweep of removed functions, and a delete. After
// every trial: the state file is valid; the re-run converges to exactly
// the app's resources (nothing duplicated, nothing missing, the state
// recording exactly what exists); a second redeploy makes 0 mutating
// calls; delete leaves 0 resources of every kind.
//
// GOCHALICE_FAULTS=full runs every fault mode at every k (the documented
// full run); by default (CI) the modes that create something whose answer
// is lost (drop, delay, kill-after) run at every k and the others at a
// spread of k.

// faultApp versions: the full sample app plus websocket handlers (v1), an
// update (a new route, the queue handler moved to another queue with
// another batch size), and a sweep (the pure function and the Kinesis
// handler removed).
func faultApp(version string) (src string, purefn bool) {
	ws := "\tapp.OnWSConnect(onWS)\n\tapp.OnWSMessage(onWS)\n\tapp.OnWSDisconnect(onWS)\n"
	events := eventHandlersFor("sample-queue", 5, true)
	extra := "\tapp.LambdaFunction(purefn)\n"
	switch version {
	case "update":
		events = eventHandlersFor("other-queue", 7, true)
		extra += "\tapp.Get(\"/extra\", index)\n"
	case "sweep":
		events = eventHandlersFor("sample-queue", 5, false)
		extra = ""
	}
	footer := appFooter + "\nfunc onWS(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil }\n\nvar _ = onStream\n"
	return appHeader + events + ws + extra + footer, version != "sweep"
}

func eventHandlersFor(queue string, batch int, kinesis bool) string {
	s := `	app.OnSQSMessage("` + queue + `", onQueue, chalice.BatchSize(` + strconv.Itoa(batch) + `), chalice.MaxBatchingWindow(2), chalice.MaxConcurrency(3), chalice.ReportBatchItemFailures())
	app.OnSNSMessage("sample-topic", onTopic)
	app.OnS3Event("sample-bucket", onUpload, chalice.Prefix("in/"), chalice.Suffix(".csv"))
`
	if kinesis {
		s += "\tapp.OnKinesisRecord(\"sample-stream\", onStream, chalice.BatchSize(50), chalice.StartingPosition(\"TRIM_HORIZON\"))\n"
	}
	return s
}

type faultSuite struct {
	srv   *moto.Server
	px    *faultproxy.Proxy
	rm    *remote
	bin   string
	dir   string
	built map[string]*packager.Built
	shape map[string]map[string][]string // version -> expected inventory
	rec   *awsapi.Recorder

	mu     sync.Mutex
	trials int
	byMode map[faultproxy.Mode]int
}

func (s *faultSuite) write(t *testing.T, version string) {
	t.Helper()
	src, purefn := faultApp(version)
	if err := os.WriteFile(filepath.Join(s.dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	writeConfig(s.dir, purefn)
}

func (s *faultSuite) statePath() string { return state.LocalFile(s.dir, "dev").Path }

// fresh resets moto to an account with only the fixtures and no state.
func (s *faultSuite) fresh(t *testing.T) {
	t.Helper()
	if err := s.srv.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.rm.fixtures(t)
	os.Remove(s.statePath())
	os.Remove(state.LockPath(s.statePath()))
}

func (s *faultSuite) opts(version string) *deploy.Options {
	s.rec.Reset()
	return &deploy.Options{ProjectDir: s.dir, Reporter: &report.Recorder{}, Recorder: s.rec, Retry: fast, Built: s.built[version]}
}

// deployed deploys a version in process (moto directly, no faults).
func (s *faultSuite) deployed(t *testing.T, version string) {
	t.Helper()
	o := s.opts(version)
	if _, err := deploy.Deploy(context.Background(), o); err != nil {
		t.Fatalf("deploying %s: %v\n%v", version, err, o.Reporter.(*report.Recorder).Events())
	}
}

// gochalice runs the real binary through the proxy with an optional fault
// armed; it returns the exit status, the output and whether the fault
// fired.
func (s *faultSuite) gochalice(t *testing.T, f *faultproxy.Fault, args ...string) (int, string, bool) {
	t.Helper()
	cmd := exec.Command(s.bin, append(args, "--project-dir", s.dir, "--connection-timeout", "1")...)
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+s.px.URL, "AWS_MAX_ATTEMPTS=3")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	var mu sync.Mutex
	if f != nil {
		armed := *f
		armed.Kill = func() {
			mu.Lock()
			defer mu.Unlock()
			cmd.Process.Kill()
		}
		s.px.Arm(armed)
	}
	s.px.Reset()
	mu.Lock()
	err := cmd.Start()
	mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	fired := s.px.Disarm()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), fired
}

// converged checks moto against the version's expected resources and the
// state file against moto.
func (s *faultSuite) converged(t *testing.T, version, what string) {
	t.Helper()
	inv := s.rm.inventory(t)
	want := s.shape[version]
	for _, kind := range inventoryKinds {
		switch kind {
		case "apis", "v2apis", "mappings", "subscriptions":
			if len(inv[kind]) != len(want[kind]) {
				t.Errorf("%s: %d %s, want %d (duplicated or missing): %v", what, len(inv[kind]), kind, len(want[kind]), inv[kind])
			}
		default:
			if !slices.Equal(inv[kind], want[kind]) {
				t.Errorf("%s: %s = %v, want %v", what, kind, inv[kind], want[kind])
			}
		}
	}
	if rec := recorded(t, loadState(t, s.dir)); !equalInv(inv, rec) {
		t.Errorf("%s: moto has %v, the state records %v", what, inv, rec)
	}
}

// empty checks that nothing of the app is left in moto.
func (s *faultSuite) empty(t *testing.T, what string) {
	t.Helper()
	for kind, v := range s.rm.inventory(t) {
		if len(v) != 0 {
			t.Errorf("%s: %s left: %v", what, kind, v)
		}
	}
}

// validState checks that the state file, if any, parses.
func (s *faultSuite) validState(t *testing.T, what string) {
	t.Helper()
	data, err := os.ReadFile(s.statePath())
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := state.Parse(data, s.statePath()); err != nil {
		t.Errorf("%s: the state file is not valid: %v\n%s", what, err, data)
	}
}

// scenario is one kind of run faulted at its k-th mutating call.
type scenario struct {
	name   string
	before string // version deployed (in process) before the faulted run; "" for none
	target string // version the faulted run deploys; "" for delete
}

func (sc scenario) args() []string {
	if sc.target == "" {
		return []string{"delete"}
	}
	return []string{"deploy"}
}

// mutatingCalls returns the mutating calls of a clean run of sc.
func (s *faultSuite) mutatingCalls(t *testing.T, sc scenario) []faultproxy.Call {
	t.Helper()
	s.fresh(t)
	if sc.before != "" {
		s.deployed(t, sc.before)
	}
	if sc.target != "" {
		s.write(t, sc.target)
	}
	code, out, _ := s.gochalice(t, nil, sc.args()...)
	if code != 0 {
		t.Fatalf("%s: clean run exited %d:\n%s", sc.name, code, out)
	}
	return s.px.Mutating()
}

// trial runs sc with fault mode at the k-th mutating call, then checks
// that everything converges.
func (s *faultSuite) trial(t *testing.T, sc scenario, mode faultproxy.Mode, k int) {
	what := fmt.Sprintf("%s, %s at mutating call %d", sc.name, mode, k)
	s.fresh(t)
	if sc.before != "" {
		s.deployed(t, sc.before)
	}
	if sc.target != "" {
		s.write(t, sc.target)
	}
	_, out, fired := s.gochalice(t, &faultproxy.Fault{Mode: mode, K: k, Delay: 1500 * time.Millisecond}, sc.args()...)
	calls := s.px.Mutating()
	faulted := ""
	for _, c := range calls {
		if c.Faulted != "" {
			faulted = c.String()
		}
	}
	what += " (" + faulted + ")"
	if !fired {
		t.Errorf("%s: the fault did not fire; the run made %d mutating calls:\n%s", what, len(calls), out)
		return
	}
	s.validState(t, what)
	ctx := context.Background()
	if sc.target != "" {
		// The re-run converges to exactly the app's resources.
		o := s.opts(sc.target)
		if _, err := deploy.Deploy(ctx, o); err != nil {
			t.Errorf("%s: re-run: %v\n%v\nfaulted run:\n%s", what, err, o.Reporter.(*report.Recorder).Events(), out)
			return
		}
		s.converged(t, sc.target, what)
		// A second redeploy changes nothing.
		if _, err := deploy.Deploy(ctx, s.opts(sc.target)); err != nil || len(s.rec.Mutating()) != 0 {
			t.Errorf("%s: second redeploy: %v, mutating calls %v", what, err, s.rec.Mutating())
		}
	}
	// delete (a re-run of the faulted delete) leaves nothing.
	o := s.opts("")
	if err := deploy.Delete(ctx, o); err != nil {
		var nothing *deploy.NothingRecordedError
		if !(sc.target == "" && errors.As(err, &nothing)) {
			t.Errorf("%s: delete: %v\n%v", what, err, o.Reporter.(*report.Recorder).Events())
		}
	}
	s.empty(t, what)
	if t.Failed() {
		t.Logf("%s: faulted run's output:\n%s", what, out)
	}
	s.mu.Lock()
	s.trials++
	s.byMode[mode]++
	s.mu.Unlock()
}

// points returns the k to fault with a mode, given the mutating calls of
// a clean run: with GOCHALICE_FAULTS=full every k; by default (CI) the
// first call of each distinct operation for the two modes that lose the
// answer of a call that happened (drop, kill-after), and the first and
// last call for every mode.
func points(mode faultproxy.Mode, calls []faultproxy.Call, setting string) []int {
	n := len(calls)
	var ks []int
	seen := map[string]bool{}
	for k := 1; k <= n; k++ {
		op := operationKind(calls[k-1])
		first := !seen[op]
		seen[op] = true
		switch {
		case setting == "full", k == 1, k == n:
			ks = append(ks, k)
		case first && (mode == faultproxy.Drop || mode == faultproxy.KillAfter):
			ks = append(ks, k)
		}
	}
	return ks
}

// resourceSegment matches the path segments naming one resource (a
// function, API, mapping...), so that calls of one operation on different
// resources compare equal.
var resourceSegment = regexp.MustCompile(`/(functions|restapis|apis|resources|event-source-mappings|integrations|routes|stages|deployments|tags|methods)/[^/?]+`)

func operationKind(c faultproxy.Call) string {
	return c.Service + ":" + resourceSegment.ReplaceAllString(c.Operation, "/$1/*")
}

func TestFaultInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the gochalice binary against moto")
	}
	setting := os.Getenv("GOCHALICE_FAULTS")
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	resp, err := http.Post(srv.Endpoint+"/moto-api/config", "application/json", strings.NewReader(`{"lambda": {"use_docker": false}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	px, err := faultproxy.Start(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "gochalice")
	build := exec.Command("go", "build", "-o", bin, "./cmd/gochalice")
	build.Dir = libraryRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building gochalice: %v\n%s", err, out)
	}
	s := &faultSuite{srv: srv, px: px, rm: newRemote(srv, cfg), bin: bin, dir: project(t), built: map[string]*packager.Built{},
		shape: map[string]map[string][]string{}, rec: &awsapi.Recorder{}, byMode: map[faultproxy.Mode]int{}}
	for _, v := range []string{"first", "update", "sweep"} {
		s.write(t, v)
		b, err := packager.Build(ctx, &packager.Options{ProjectDir: s.dir})
		if err != nil {
			t.Fatal(err)
		}
		s.built[v] = b
		s.fresh(t)
		s.deployed(t, v)
		s.shape[v] = s.rm.inventory(t)
	}
	s.built[""] = nil
	start := time.Now()
	scenarios := []scenario{
		{name: "first deploy", target: "first"},
		{name: "update", before: "first", target: "update"},
		{name: "sweep", before: "first", target: "sweep"},
		{name: "delete", before: "first"},
	}
	summary := map[string]string{}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			calls := s.mutatingCalls(t, sc)
			n := len(calls)
			trials := 0
			for _, mode := range faultproxy.Modes {
				for _, k := range points(mode, calls, setting) {
					s.trial(t, sc, mode, k)
					trials++
					if t.Failed() {
						t.FailNow()
					}
				}
			}
			summary[sc.name] = fmt.Sprintf("%d mutating calls, %d trials", n, trials)
		})
	}

	t.Run("lost state file", func(t *testing.T) {
		s.fresh(t)
		s.write(t, "first")
		if code, out, _ := s.gochalice(t, nil, "deploy"); code != 0 {
			t.Fatalf("deploy exited %d:\n%s", code, out)
		}
		before := s.rm.inventory(t)
		os.Remove(s.statePath())
		code, out, _ := s.gochalice(t, nil, "deploy")
		if code != 0 {
			t.Fatalf("deploy after a lost state exited %d:\n%s", code, out)
		}
		for _, c := range s.px.Mutating() {
			if op := c.Operation; strings.HasPrefix(op, "Create") || op == "POST /2015-03-31/functions" || op == "POST /2015-03-31/event-source-mappings" ||
				op == "POST /restapis" || op == "POST /v2/apis" || op == "Subscribe" {
				t.Errorf("a deploy after a lost state made %s", c)
			}
		}
		if after := s.rm.inventory(t); !equalInv(before, after) {
			t.Errorf("inventory before %v, after %v", before, after)
		}
		s.converged(t, "first", "after a lost state")
		// A lost state and `delete`: told so, then --by-tag finds everything.
		os.Remove(s.statePath())
		if code, out, _ := s.gochalice(t, nil, "delete"); code == 0 || !strings.Contains(out, "nothing was deleted") || !strings.Contains(out, "--by-tag") {
			t.Errorf("delete without state: exit %d:\n%s", code, out)
		}
		if len(s.px.Mutating()) != 0 {
			t.Errorf("delete without state made %v", s.px.Mutating())
		}
		if code, out, _ := s.gochalice(t, nil, "delete", "--by-tag"); code != 0 {
			t.Errorf("delete --by-tag exited %d:\n%s", code, out)
		}
		s.empty(t, "delete --by-tag")
	})

	t.Run("killed deploy with the state in S3 leaves a lock that is taken over", func(t *testing.T) {
		s.fresh(t)
		if _, err := s.rm.s3.CreateBucket(ctx, bucketInput("fault-state")); err != nil {
			t.Fatal(err)
		}
		s.write(t, "first")
		_, _, fired := s.gochalice(t, &faultproxy.Fault{Mode: faultproxy.KillAfter, K: 6}, "deploy", "--state", "s3://fault-state/sample/")
		if !fired {
			t.Fatal("not killed")
		}
		code, out, _ := s.gochalice(t, nil, "deploy", "--state", "s3://fault-state/sample/")
		if code != 0 || !strings.Contains(out, "Warning: took over the lock s3://fault-state/sample/dev.json.lock left by an interrupted deploy") || !strings.Contains(out, "is gone") {
			t.Fatalf("re-run exited %d:\n%s", code, out)
		}
		if code, out, _ := s.gochalice(t, nil, "delete", "--state", "s3://fault-state/sample/"); code != 0 {
			t.Fatalf("delete exited %d:\n%s", code, out)
		}
		s.empty(t, "delete")
	})

	t.Run("concurrent deploys of different code", func(t *testing.T) {
		s.fresh(t)
		if _, err := s.rm.s3.CreateBucket(ctx, bucketInput("shared-state")); err != nil {
			t.Fatal(err)
		}
		// Two checkouts of the app (two CI jobs), one stage, shared state.
		other := project(t)
		for dir, version := range map[string]string{s.dir: "first", other: "update"} {
			src, purefn := faultApp(version)
			os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644)
			writeConfig(dir, purefn)
		}
		run := func(dir string) *exec.Cmd {
			cmd := exec.Command(s.bin, "deploy", "--project-dir", dir, "--state", "s3://shared-state/sample/")
			cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+s.px.URL)
			return cmd
		}
		s.px.Reset()
		a := run(s.dir)
		var aOut bytes.Buffer
		a.Stdout, a.Stderr = &aOut, &aOut
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		// The second starts once the first holds the stage.
		deadline := time.Now().Add(2 * time.Minute)
		for len(s.px.Mutating()) < 3 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		bOut, bErr := run(other).CombinedOutput()
		aErr := a.Wait()
		if aErr != nil {
			t.Fatalf("first deploy: %v\n%s", aErr, aOut.String())
		}
		if bErr == nil || !strings.Contains(string(bOut), "another gochalice deploy of this stage is running") {
			t.Fatalf("second deploy: %v\n%s", bErr, bOut)
		}
		first := s.checkBuild(t, "first")
		// Once the first is done, the second deploys its code entirely.
		if out, err := run(other).CombinedOutput(); err != nil {
			t.Fatalf("second deploy, re-run: %v\n%s", err, out)
		}
		if s.checkBuild(t, "update") == first {
			t.Error("the second deploy did not change the functions' code")
		}
		if out, err := exec.Command(s.bin, "delete", "--project-dir", other, "--state", "s3://shared-state/sample/").CombinedOutput(); err != nil {
			t.Fatalf("delete: %v\n%s", err, out)
		}
		s.empty(t, "delete")
	})

	s.mu.Lock()
	t.Logf("fault injection: %d trials in %v (%v by mode); %v; every re-run converged with nothing duplicated, every second redeploy made 0 mutating calls, every delete left 0 resources",
		s.trials, time.Since(start).Round(time.Second), s.byMode, summary)
	s.mu.Unlock()
}

func bucketInput(name string) *s3.CreateBucketInput {
	return &s3.CreateBucketInput{Bucket: aws.String(name)}
}

// checkBuild checks that every function runs one build's code, the REST
// API has the version's routes and the queue handler the version's queue:
// one deploy's work, not a mix of two. It returns the code's hash.
func (s *faultSuite) checkBuild(t *testing.T, version string) string {
	t.Helper()
	ctx := context.Background()
	fns, err := s.rm.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	code := ""
	for _, f := range fns.Functions {
		if code == "" {
			code = *f.CodeSha256
		}
		if *f.CodeSha256 != code {
			t.Errorf("%s runs other code than the other functions", *f.FunctionName)
		}
	}
	apis, err := s.rm.apigw.GetRestApis(ctx, &apigateway.GetRestApisInput{})
	if err != nil || len(apis.Items) != 1 {
		t.Fatalf("REST APIs: %v, %v", apis, err)
	}
	res, err := s.rm.apigw.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: apis.Items[0].Id})
	if err != nil {
		t.Fatal(err)
	}
	extra := slices.ContainsFunc(res.Items, func(r agtypes.Resource) bool { return *r.Path == "/extra" })
	if extra != (version == "update") {
		t.Errorf("the REST API's routes are not the %s build's (has /extra: %v)", version, extra)
	}
	maps, err := s.rm.lambda.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	wantQueue := map[string]string{"first": "sample-queue", "update": "other-queue"}[version]
	for _, m := range maps.EventSourceMappings {
		if strings.Contains(*m.EventSourceArn, ":sqs:") && !strings.HasSuffix(*m.EventSourceArn, ":"+wantQueue) {
			t.Errorf("the SQS handler reads %s, not the %s build's %s", *m.EventSourceArn, version, wantQueue)
		}
	}
	return code
}
