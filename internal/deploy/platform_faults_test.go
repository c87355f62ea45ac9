package deploy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/faultproxy"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
)

// TestPlatformFaultInjection is the fault-injection suite (faults_test.go)
// for the Lambda platform features, on the edge app of
// platform_moto_test.go: its routes behind the API handler's public
// Function URL (api_type "url"), publish_versions and the alias "live" on
// every function, a pure Lambda with an AWS_IAM URL and an asynchronous
// on_failure destination (a queue made outside the app), a schedule with a
// time zone (an EventBridge Scheduler schedule and its role), and a rule on
// a custom bus made outside the app. The real gochalice binary deploys it
// through faultproxy with each fault mode at the k's platformPoints picks, for a
// first deploy and for an update that changes the code (so every function
// publishes a version and moves its alias). After every trial: the state
// file parses; the re-run converges, counted kind by kind in moto
// (functions, versions of each function, aliases and their versions,
// Function URL configs, each function's policy statements, event invoke
// configs, IAM roles, schedules, rules on the custom bus and their
// targets, and nothing on the default bus nor any API or mapping), and the
// state records exactly that; a second redeploy makes 0 mutating calls;
// delete leaves none of any kind, and the queue and the bus are still
// there.
//
// What "nothing duplicated" means for versions: each function has exactly
// the versions 1..N, N is the recorded version, the alias points at it and
// it runs the build's code, and N is what a clean deploy makes (1 after the
// first deploy, 2 after the update): a lost PublishVersion answer leaves
// no extra version, because deploy asks again (PublishVersion is not
// retried blindly, see awsapi.GuardNonIdempotent) and Lambda, like moto,
// answers a publish of unchanged code and configuration with the version
// it already published.
//
// moto 5.2.1's own limits, allowed for here: it does not refuse a
// repeated AddPermission statement id (AWS answers
// ResourceConflictException, which deploy treats as done), so when the
// faulted call is an AddPermission whose answer was lost and that the SDK
// sent again (drop, delay), that function's policy may show the one
// statement twice: the test then checks that every statement id is
// present exactly once or that this one id is there twice, never more.
// Its event invoke configs are read with Get, which answers the first
// config put (moto appends each put; AWS replaces), and it ignores the
// qualifier of URL and invoke configs.
//
// The app builds against this working tree (a replace directive): an edit
// of the library while the test runs changes the code the binary deploys
// from the one built at the start, and the trials then fail on versions.
func TestPlatformFaultInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the gochalice binary against moto")
	}
	setting := os.Getenv("GOCHALICE_FAULTS")
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
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
	s := &platformFaults{
		faultSuite: &faultSuite{srv: srv, px: px, rm: newRemote(srv, cfg), bin: bin, dir: edgeProject(t), built: map[string]*packager.Built{},
			shape: map[string]map[string][]string{}, rec: &awsapi.Recorder{}, byMode: map[faultproxy.Mode]int{}},
		sched: scheduler.NewFromConfig(cfg),
	}
	for _, v := range []string{"first", "update"} {
		s.write(t, v)
		b, err := packager.Build(ctx, &packager.Options{ProjectDir: s.dir, DeclaredResources: true, Region: moto.Region})
		if err != nil {
			t.Fatal(err)
		}
		s.built[v] = b
		// The update's resources are those of the first deploy updated.
		s.fresh(t)
		if v == "update" {
			s.write(t, "first")
			s.deployed(t, "first")
			s.write(t, v)
		}
		s.deployed(t, v)
		s.shape[v] = s.inventory(t)
	}
	s.built[""] = nil
	start := time.Now()
	scenarios := []scenario{
		{name: "first deploy", target: "first"},
		{name: "update", before: "first", target: "update"},
	}
	summary := map[string]string{}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			calls := s.mutatingCalls(t, sc)
			trials := 0
			for _, mode := range faultproxy.Modes {
				for _, k := range platformPoints(mode, calls, setting) {
					s.trial(t, sc, mode, k)
					trials++
					if t.Failed() {
						t.FailNow()
					}
				}
			}
			summary[sc.name] = fmt.Sprintf("%d mutating calls, %d trials", len(calls), trials)
		})
	}
	t.Logf("platform fault injection: %d trials in %v (%v by mode); %v; every re-run converged with nothing duplicated, every second redeploy made 0 mutating calls, every delete left 0 resources",
		s.trials, time.Since(start).Round(time.Second), s.byMode, summary)
}

// platformPoints returns the k to fault with a mode: with
// GOCHALICE_FAULTS=full every k; by default (CI), to stay within about two
// minutes, the last call for every mode and, for the two modes that lose
// the answer of a call that happened (drop, kill-after), the first call of
// each distinct operation of the platform features: PublishVersion,
// CreateAlias/UpdateAlias, PutFunctionEventInvokeConfig,
// CreateFunctionUrlConfig, AddPermission, the scheduler role's IAM calls
// (the IAM calls right before a schedule's), CreateSchedule, PutRule and
// PutTargets on the bus. The calls every app makes (a function's role,
// CreateFunction, UpdateFunctionCode) are TestFaultInjection's.
func platformPoints(mode faultproxy.Mode, calls []faultproxy.Call, setting string) []int {
	if setting == "full" {
		return points(mode, calls, setting)
	}
	n := len(calls)
	kinds := make([]string, n)
	for i, c := range calls {
		op := operationKind(c)
		switch {
		case c.Service == "scheduler", c.Service == "events", c.Service == "lambda" && (strings.Contains(op, "/versions") ||
			strings.Contains(op, "/aliases") || strings.Contains(op, "/event-invoke-config") || strings.Contains(op, "/url") || strings.Contains(op, "/policy")):
			kinds[i] = op
		}
	}
	for i := n - 1; i >= 0; i-- {
		if calls[i].Service == "scheduler" {
			for j := i - 1; j >= 0 && calls[j].Service == "iam"; j-- {
				kinds[j] = "scheduler role " + operationKind(calls[j])
			}
		}
	}
	var ks []int
	seen := map[string]bool{}
	for k := 1; k <= n; k++ {
		op := kinds[k-1]
		first := op != "" && !seen[op]
		seen[op] = true
		if k == n || first && (mode == faultproxy.Drop || mode == faultproxy.KillAfter) {
			ks = append(ks, k)
		}
	}
	return ks
}

// platformFaults runs faultSuite's trials on the edge app: it has its own
// app versions, fixtures and inventory.
type platformFaults struct {
	*faultSuite
	sched *scheduler.Client
}

// The edge app's versions: "first", and "update" (a route added: new
// code for every function).
func (s *platformFaults) write(t *testing.T, version string) {
	t.Helper()
	route := ""
	if version == "update" {
		route = "\tapp.Get(\"/new\", index)\n"
	}
	edgeConfig{apiType: "url", pureAuth: "AWS_IAM", invokeMode: "BUFFERED", onFailure: "edge-dlq"}.write(t, s.dir)
	if err := os.WriteFile(filepath.Join(s.dir, "main.go"), []byte(edgeApp(route)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fresh resets moto to an account with only the fixtures (the
// destination queue and the custom bus) and no state.
func (s *platformFaults) fresh(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if err := s.srv.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(s.srv.Endpoint+"/moto-api/config", "application/json", strings.NewReader(`{"lambda": {"use_docker": false}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := s.rm.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("edge-dlq")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.rm.events.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(edgeBus)}); err != nil {
		t.Fatal(err)
	}
	os.Remove(s.statePath())
	os.Remove(state.LockPath(s.statePath()))
}

// fixturesLeft checks that the queue and the bus made outside the app are
// still there.
func (s *platformFaults) fixturesLeft(t *testing.T, what string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.rm.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("edge-dlq")}); err != nil {
		t.Errorf("%s: the destination queue is gone: %v", what, err)
	}
	if _, err := s.rm.events.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(edgeBus)}); err != nil {
		t.Errorf("%s: the custom bus is gone: %v", what, err)
	}
}

// platformKinds are the kinds inventory counts.
var platformKinds = []string{"functions", "versions", "aliases", "urls", "statements", "invokeconfigs", "roles", "schedules", "busrules", "bustargets",
	"rules", "apis", "mappings"}

// inventory lists what moto has, kind by kind: function names; their
// published versions ("fn:N"); aliases ("fn:live=N"); URL configs ("fn
// AUTH"); policy statements ("fn sid", one per statement: a duplicate
// shows twice); event invoke configs ("fn retries on-failure"); role
// names; schedules ("name zone target"); rules on the custom bus and their
// targets ("rule id arn"); rules on the default bus; REST and v2 APIs;
// event source mappings.
func (s *platformFaults) inventory(t *testing.T) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	add := func(kind, v string) { out[kind] = append(out[kind], v) }
	fns, err := s.rm.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fns.Functions {
		fn := aws.ToString(f.FunctionName)
		add("functions", fn)
		vs, err := s.rm.lambda.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: f.FunctionName})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs.Versions {
			if n := aws.ToString(v.Version); n != "$LATEST" {
				add("versions", fn+":"+n)
			}
		}
		as, err := s.rm.lambda.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: f.FunctionName})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as.Aliases {
			add("aliases", fn+":"+aws.ToString(a.Name)+"="+aws.ToString(a.FunctionVersion))
		}
		if u, err := s.rm.lambda.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: f.FunctionName}); err == nil {
			add("urls", fn+" "+string(u.AuthType))
		}
		// moto keeps one policy for the function and its versions.
		if p, err := s.rm.lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: f.FunctionName}); err == nil {
			for _, st := range statementIDs(t, aws.ToString(p.Policy)) {
				add("statements", fn+" "+st)
			}
		}
		// moto's ListFunctionEventInvokeConfigs answers a timestamp the
		// SDK cannot read; its Get answers the first config put.
		if c, err := s.rm.lambda.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: f.FunctionName}); err == nil {
			dest := ""
			if c.DestinationConfig != nil && c.DestinationConfig.OnFailure != nil {
				dest = aws.ToString(c.DestinationConfig.OnFailure.Destination)
			}
			add("invokeconfigs", fn+" "+strconv.Itoa(int(aws.ToInt32(c.MaximumRetryAttempts)))+" "+dest)
		}
	}
	roles, err := s.rm.iam.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles.Roles {
		add("roles", aws.ToString(r.RoleName))
	}
	scheds, err := s.sched.ListSchedules(ctx, &scheduler.ListSchedulesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scheds.Schedules {
		got, err := s.sched.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: sc.Name, GroupName: sc.GroupName})
		if err != nil {
			t.Fatal(err)
		}
		add("schedules", aws.ToString(got.Name)+" "+aws.ToString(got.ScheduleExpressionTimezone)+" "+aws.ToString(got.Target.Arn))
	}
	for _, bus := range []string{edgeBus, ""} {
		rules, err := s.rm.events.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: optionalString(bus)})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules.Rules {
			if bus == "" {
				add("rules", aws.ToString(r.Name))
				continue
			}
			add("busrules", aws.ToString(r.Name))
			ts, err := s.rm.events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: r.Name, EventBusName: aws.String(bus)})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range ts.Targets {
				add("bustargets", aws.ToString(r.Name)+" "+aws.ToString(x.Id)+" "+aws.ToString(x.Arn))
			}
		}
	}
	apis, err := s.rm.apigw.GetRestApis(ctx, &apigateway.GetRestApisInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range apis.Items {
		add("apis", aws.ToString(x.Id))
	}
	v2, err := s.rm.apigw2.GetApis(ctx, &apigatewayv2.GetApisInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range v2.Items {
		add("apis", aws.ToString(x.ApiId))
	}
	maps, err := s.rm.lambda.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range maps.EventSourceMappings {
		add("mappings", aws.ToString(x.UUID))
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// statementIDs returns the Sid of each statement of a policy document.
func statementIDs(t *testing.T, doc string) []string {
	t.Helper()
	var p struct{ Statement []struct{ Sid string } }
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("policy %s: %v", doc, err)
	}
	var out []string
	for _, st := range p.Statement {
		out = append(out, st.Sid)
	}
	return out
}

// converged checks moto against the version's expected resources, kind by
// kind, and the state file against moto. lostAnswer names the function of
// a faulted AddPermission whose answer was lost (moto may then show its
// statement twice, see the test's comment).
func (s *platformFaults) converged(t *testing.T, version, what, lostAnswer string) {
	t.Helper()
	inv := s.inventory(t)
	want := s.shape[version]
	for _, kind := range platformKinds {
		if kind == "statements" && lostAnswer != "" && !slices.Equal(inv[kind], want[kind]) {
			// One statement of that function may be there twice, no more.
			got := slices.Compact(slices.Clone(inv[kind]))
			extra := len(inv[kind]) - len(got)
			if slices.Equal(got, want[kind]) && extra == 1 && strings.Count(strings.Join(inv[kind], "\n")+"\n", lostAnswer+" ") == strings.Count(strings.Join(want[kind], "\n")+"\n", lostAnswer+" ")+1 {
				t.Logf("%s: moto shows a statement of %s twice (the SDK resent the AddPermission whose answer was lost; AWS refuses the repeat)", what, lostAnswer)
				continue
			}
		}
		if !slices.Equal(inv[kind], want[kind]) {
			t.Errorf("%s: %s = %v, want %v (duplicated or missing)", what, kind, inv[kind], want[kind])
		}
	}
	// The state records exactly what moto has.
	d := loadState(t, s.dir)
	rec := map[string][]string{}
	for _, r := range d.Resources {
		switch r.ResourceType {
		case "lambda_function":
			arn := r.Get("lambda_arn")
			fn := arn[strings.LastIndex(arn, ":")+1:]
			rec["functions"] = append(rec["functions"], fn)
			n, err := strconv.Atoi(r.Get("version"))
			if err != nil {
				t.Errorf("%s: %s records version %q", what, fn, r.Get("version"))
			}
			for v := 1; v <= n; v++ {
				rec["versions"] = append(rec["versions"], fn+":"+strconv.Itoa(v))
			}
			rec["aliases"] = append(rec["aliases"], fn+":"+r.Get("alias")+"="+r.Get("version"))
			if q := r.Get("event_invoke_config"); q != "" {
				if q != r.Get("alias") {
					t.Errorf("%s: %s's invoke config is recorded on %s, not its alias", what, fn, q)
				}
				rec["invokeconfigs"] = append(rec["invokeconfigs"], fn)
			}
		case "iam_role":
			rec["roles"] = append(rec["roles"], r.Get("role_name"))
		case "function_url":
			rec["urls"] = append(rec["urls"], r.Get("function_name")+" "+r.Get("auth_type"))
		case "scheduler_schedule":
			rec["roles"] = append(rec["roles"], r.Get("role_name"))
			rec["schedules"] = append(rec["schedules"], r.Get("schedule_name"))
		case "cloudwatch_event":
			if r.Get("event_bus_name") != edgeBus {
				t.Errorf("%s: rule record %+v is not on bus %s", what, r, edgeBus)
			}
			rec["busrules"] = append(rec["busrules"], r.Get("rule_name"))
		default:
			t.Errorf("%s: unexpected record %+v", what, r)
		}
	}
	names := func(kind string, keep func(string) string) []string {
		var out []string
		for _, v := range inv[kind] {
			out = append(out, keep(v))
		}
		slices.Sort(out)
		return out
	}
	first := func(v string) string { return strings.Fields(v)[0] }
	have := map[string][]string{
		"functions": inv["functions"], "versions": inv["versions"], "aliases": inv["aliases"], "urls": inv["urls"], "roles": inv["roles"],
		"invokeconfigs": names("invokeconfigs", first), "schedules": names("schedules", first), "busrules": inv["busrules"],
	}
	for kind, got := range have {
		r := rec[kind]
		slices.Sort(r)
		if !slices.Equal(got, r) {
			t.Errorf("%s: moto has %s %v, the state records %v", what, kind, got, r)
		}
	}
	// Every alias runs the build's code.
	sha := s.built[version].Package.CodeSha256
	for _, fn := range inv["functions"] {
		c, err := s.rm.lambda.GetFunctionConfiguration(context.Background(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(fn), Qualifier: aws.String("live")})
		if err != nil || aws.ToString(c.CodeSha256) != sha {
			t.Errorf("%s: %s:live does not run the %s build's code: %v", what, fn, version, err)
		}
	}
}

// empty checks that nothing of the app is left in moto, and the fixtures
// are.
func (s *platformFaults) empty(t *testing.T, what string) {
	t.Helper()
	for kind, v := range s.inventory(t) {
		if len(v) != 0 {
			t.Errorf("%s: %s left: %v", what, kind, v)
		}
	}
	s.fixturesLeft(t, what)
}

// mutatingCalls returns the mutating calls of a clean run of sc.
func (s *platformFaults) mutatingCalls(t *testing.T, sc scenario) []faultproxy.Call {
	t.Helper()
	s.fresh(t)
	if sc.before != "" {
		s.deployed(t, sc.before)
	}
	s.write(t, sc.target)
	code, out, _ := s.gochalice(t, nil, sc.args()...)
	if code != 0 {
		t.Fatalf("%s: clean run exited %d:\n%s", sc.name, code, out)
	}
	s.converged(t, sc.target, sc.name+", clean run", "")
	return s.px.Mutating()
}

// trial runs sc with fault mode at the k-th mutating call, then checks
// that the re-run converges, a second redeploy makes no call and delete
// leaves nothing.
func (s *platformFaults) trial(t *testing.T, sc scenario, mode faultproxy.Mode, k int) {
	what := fmt.Sprintf("%s, %s at mutating call %d", sc.name, mode, k)
	s.fresh(t)
	if sc.before != "" {
		s.deployed(t, sc.before)
	}
	s.write(t, sc.target)
	_, out, fired := s.gochalice(t, &faultproxy.Fault{Mode: mode, K: k, Delay: 1500 * time.Millisecond}, sc.args()...)
	calls := s.px.Mutating()
	var faulted faultproxy.Call
	for _, c := range calls {
		if c.Faulted != "" {
			faulted = c
		}
	}
	what += " (" + faulted.String() + ")"
	if !fired {
		t.Errorf("%s: the fault did not fire; the run made %d mutating calls:\n%s", what, len(calls), out)
		return
	}
	// A faulted AddPermission whose answer was lost, then resent by the SDK
	// (the next mutating call is the same).
	lostAnswer := ""
	resent := slices.ContainsFunc(calls[:max(len(calls)-1, 0)], func(c faultproxy.Call) bool { return c.Faulted != "" }) &&
		calls[slices.IndexFunc(calls, func(c faultproxy.Call) bool { return c.Faulted != "" })+1].Operation == faulted.Operation
	if resent && (mode == faultproxy.Drop || mode == faultproxy.Delay) && faulted.Service == "lambda" && strings.HasSuffix(strings.SplitN(faulted.Operation, "?", 2)[0], "/policy") {
		p := strings.Split(faulted.Operation, "/")
		lostAnswer = p[len(p)-2]
	}
	s.validState(t, what)
	ctx := context.Background()
	o := s.opts(sc.target)
	if _, err := deploy.Deploy(ctx, o); err != nil {
		t.Errorf("%s: re-run: %v\n%v\nfaulted run:\n%s", what, err, o.Reporter.(*report.Recorder).Events(), out)
		return
	}
	s.converged(t, sc.target, what, lostAnswer)
	if _, err := deploy.Deploy(ctx, s.opts(sc.target)); err != nil || len(s.rec.Mutating()) != 0 {
		t.Errorf("%s: second redeploy: %v, mutating calls %v", what, err, s.rec.Mutating())
	}
	o = s.opts("")
	if err := deploy.Delete(ctx, o); err != nil {
		t.Errorf("%s: delete: %v\n%v", what, err, o.Reporter.(*report.Recorder).Events())
	}
	s.empty(t, what)
	if t.Failed() {
		t.Logf("%s: faulted run's output:\n%s", what, out)
	}
	s.trials++
	s.byMode[mode]++
}
