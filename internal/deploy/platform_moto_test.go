package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/packager"
)

// edgeApp is an app using the Lambda platform features: its routes behind
// the API handler's Function URL (api_type "url"), a pure Lambda with a
// URL of its own and asynchronous delivery settings, a schedule with a
// time zone (EventBridge Scheduler), and an event rule on a custom bus.
func edgeApp(extraRoute string) string {
	return `package main

import (
	"context"
	"encoding/json"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("edge")
	app.Get("/", index)
` + extraRoute + `	app.LambdaFunction(purefn)
	app.Schedule(chalice.Cron("0", "9", "*", "*", "?", "*"), morning` + edgeZone + `)
	app.OnCWEvent(map[string]any{"source": []string{"shop"}}, onOrder, chalice.EventBus("` + edgeBus + `"))
	app.Run()
}

func index(ctx context.Context, r *chalice.Request) (any, error) { return map[string]string{"hello": "world"}, nil }

func purefn(ctx context.Context, ev json.RawMessage) (any, error) { return ev, nil }

func morning(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }

func onOrder(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }
`
}

// edgeBus is the custom bus of the edge app's rule (not declared by the
// app: a fixture); a subtest names it by ARN in another region.
var edgeBus = "orders"

// edgeZone is the schedule's time zone option ("" for none: an
// EventBridge rule).
var edgeZone = `, chalice.TimeZone("Europe/Paris")`

const edgeAccount = "123456789012"

func edgeQueueARN(name string) string {
	return "arn:aws:sqs:" + moto.Region + ":" + edgeAccount + ":" + name
}

// edgeConfig is the edge app's config: apiType, the pure Lambda's auth
// type, the API handler's invoke mode, the pure Lambda's failure
// destination, and extra keys of the API handler (api_handler entry).
type edgeConfig struct {
	apiType, pureAuth, invokeMode, onFailure, handlerExtra string
}

func (c edgeConfig) write(t *testing.T, dir string) {
	t.Helper()
	handler := `"function_url_invoke_mode": "` + c.invokeMode + `"` + c.handlerExtra
	conf := `{"version": "2.0", "app_name": "edge", "stages": {"dev": {"api_type": "` + c.apiType + `", "publish_versions": true, "lambda_alias": "live",
		"lambda_functions": {"api_handler": {` + handler + `},
			"purefn": {"function_url": true, "function_url_auth_type": "` + c.pureAuth + `", "async_max_retries": 1, "async_on_failure": "` + edgeQueueARN(c.onFailure) + `"}}}}}`
	if c.apiType != "url" {
		// The invoke mode is a Function URL's: refused without one.
		conf = strings.Replace(conf, `"function_url_invoke_mode": "`+c.invokeMode+`"`, `"lambda_memory_size": 128`, 1)
	}
	if err := os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
}

func edgeProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".chalice"), 0o755)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module edge\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\nreplace github.com/gochalice/chalice => "+libraryRoot()+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(edgeApp("")), 0o644)
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	return dir
}

// TestPlatformFeaturesAgainstMoto deploys the edge app step by step and
// checks, at every step, that the mutating calls deploy makes are the
// ones `dev plan` printed just before (call for call, in order), what AWS
// then has, and what the state records: a first deploy, a no-op
// redeploy, a code change (a version published and every alias moved), an
// auth type change, a switch to a REST API and back (the old front end
// swept), a destination and invoke mode change, an input refused before
// any call, provisioned concurrency (plan only: moto has no API for it),
// and delete.
func TestPlatformFeaturesAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app and runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	resp, err := http.Post(srv.Endpoint+"/moto-api/config", "application/json", strings.NewReader(`{"lambda": {"use_docker": false}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rm := newRemote(srv, cfg)
	sched := scheduler.NewFromConfig(cfg)
	for _, q := range []string{"edge-dlq", "edge-dlq2"} {
		if _, err := rm.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(q)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rm.events.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(edgeBus)}); err != nil {
		t.Fatal(err)
	}
	dir := edgeProject(t)

	build := func(t *testing.T, c edgeConfig, route string) *packager.Built {
		t.Helper()
		c.write(t, dir)
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(edgeApp(route)), 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := packager.Build(ctx, &packager.Options{ProjectDir: dir, DeclaredResources: true, Region: moto.Region})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rec := &awsapi.Recorder{}
	opts := func(b *packager.Built) *deploy.Options {
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Recorder: rec, Retry: fast, Built: b}
	}
	// agree plans, deploys and compares; it returns the calls made.
	agree := func(t *testing.T, b *packager.Built) []string {
		_, made := planAgrees(t, ctx, rec, opts, b)
		return made
	}
	// only checks that the calls made are exactly of these operations.
	only := func(t *testing.T, made []string, want ...string) {
		t.Helper()
		ops := slices.Compact(slices.Sorted(slices.Values(made)))
		slices.Sort(want)
		if !slices.Equal(ops, want) {
			t.Errorf("calls made %v, want exactly the operations %v", made, want)
		}
	}
	find := func(t *testing.T, name string) *state.Record {
		t.Helper()
		r := loadState(t, dir).Find(name)
		if r == nil {
			t.Fatalf("no record %s in %v", name, recorded(t, loadState(t, dir)))
		}
		return r
	}
	urlConfig := func(t *testing.T, fn string) (*lambda.GetFunctionUrlConfigOutput, error) {
		t.Helper()
		return rm.lambda.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(fn), Qualifier: aws.String("live")})
	}
	policy := func(t *testing.T, fn string) string {
		t.Helper()
		out, err := rm.lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(fn), Qualifier: aws.String("live")})
		if err != nil {
			return ""
		}
		return aws.ToString(out.Policy)
	}
	alias := func(t *testing.T, fn string) string {
		t.Helper()
		out, err := rm.lambda.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")})
		if err != nil {
			t.Fatalf("lambda:GetAlias %s:live: %v", fn, err)
		}
		return aws.ToString(out.FunctionVersion)
	}
	// rolePolicy is a role's inline policy, compact JSON.
	rolePolicy := func(t *testing.T, role string) string {
		t.Helper()
		pol, err := rm.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(role)})
		if err != nil {
			t.Fatalf("iam:GetRolePolicy %s: %v", role, err)
		}
		doc, err := url.QueryUnescape(aws.ToString(pol.PolicyDocument))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(doc)); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	v1 := edgeConfig{apiType: "url", pureAuth: "AWS_IAM", invokeMode: "BUFFERED", onFailure: "edge-dlq"}
	functions := []string{"edge-dev", "edge-dev-purefn", "edge-dev-morning", "edge-dev-onOrder"}

	t.Run("first deploy", func(t *testing.T) {
		made := agree(t, build(t, v1, ""))
		for _, want := range []string{"lambda:CreateFunctionUrlConfig", "lambda:PublishVersion", "lambda:CreateAlias", "lambda:PutFunctionEventInvokeConfig",
			"scheduler:CreateSchedule", "eventbridge:PutRule", "eventbridge:PutTargets", "lambda:AddPermission"} {
			if !slices.Contains(made, want) {
				t.Errorf("the first deploy made no %s: %v", want, made)
			}
		}
		for _, bad := range []string{"apigateway:CreateRestApi", "apigatewayv2:CreateApi"} {
			if slices.Contains(made, bad) {
				t.Errorf("api_type url made %s", bad)
			}
		}
		// The API handler's URL: public, on the alias, recorded.
		u := find(t, "api_handler_function_url")
		if u.ResourceType != "function_url" || u.Get("function_name") != "edge-dev" || u.Get("auth_type") != "NONE" || u.Get("invoke_mode") != "BUFFERED" ||
			u.Get("qualifier") != "live" || !strings.HasPrefix(u.Get("function_url"), "https://") {
			t.Errorf("api handler URL record: %+v", u)
		}
		got, err := urlConfig(t, "edge-dev")
		if err != nil || aws.ToString(got.FunctionUrl) != u.Get("function_url") || got.AuthType != "NONE" {
			t.Errorf("api handler URL config: %+v, %v", got, err)
		}
		if p := policy(t, "edge-dev"); !strings.Contains(p, "gochalice-function-url-public") || !strings.Contains(p, "gochalice-function-url-invoke") {
			t.Errorf("the public URL's permissions are missing: %s", p)
		}
		if p := policy(t, "edge-dev-purefn"); strings.Contains(p, "gochalice-function-url") {
			t.Errorf("an AWS_IAM URL got public permissions: %s", p)
		}
		if find(t, "purefn_function_url").Get("auth_type") != "AWS_IAM" {
			t.Error("purefn's URL is not recorded with AWS_IAM")
		}
		for _, fn := range functions {
			if v := alias(t, fn); v != "1" {
				t.Errorf("%s:live is version %s, want 1", fn, v)
			}
		}
		if r := find(t, "api_handler"); r.Get("version") != "1" || r.Get("alias") != "live" {
			t.Errorf("api_handler record: %+v", r)
		}
		// The summary shows the URL as it shows a REST API's.
		var sum bytes.Buffer
		deploy.WriteSummary(&sum, deploy.Summary(loadState(t, dir)))
		if !strings.Contains(sum.String(), "  - Function URL: "+u.Get("function_url")+"\n") {
			t.Errorf("summary:\n%s", sum.String())
		}
		if u, err := deploy.URL(ctx, &deploy.Options{ProjectDir: dir}); err != nil || u != find(t, "api_handler_function_url").Get("function_url") {
			t.Errorf("deploy.URL = %q, %v", u, err)
		}
		// Asynchronous delivery of purefn, on its alias, and its role
		// allows exactly the destination.
		ic, err := rm.lambda.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("edge-dev-purefn"), Qualifier: aws.String("live")})
		if err != nil || aws.ToInt32(ic.MaximumRetryAttempts) != 1 || ic.DestinationConfig == nil || aws.ToString(ic.DestinationConfig.OnFailure.Destination) != edgeQueueARN("edge-dlq") {
			t.Errorf("purefn's event invoke config: %+v, %v", ic, err)
		}
		if doc := rolePolicy(t, "edge-dev-purefn"); !strings.Contains(doc, `"Action":"sqs:SendMessage"`) || !strings.Contains(doc, `"Resource":"`+edgeQueueARN("edge-dlq")+`"`) {
			t.Errorf("purefn's role policy lacks its destination: %s", doc)
		}
		// The schedule with a time zone: EventBridge Scheduler, invoking
		// the alias through a role of its own.
		s := find(t, "morning-event")
		if s.ResourceType != "scheduler_schedule" {
			t.Fatalf("morning-event is a %s", s.ResourceType)
		}
		sc, err := sched.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(s.Get("schedule_name"))})
		if err != nil || aws.ToString(sc.ScheduleExpressionTimezone) != "Europe/Paris" || aws.ToString(sc.Target.Arn) != find(t, "morning").Get("lambda_arn")+":live" ||
			aws.ToString(sc.Target.RoleArn) != s.Get("role_arn") || sc.FlexibleTimeWindow.Mode != "OFF" {
			t.Errorf("schedule: %+v %v", sc, err)
		}
		if _, err := rm.events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(s.Get("schedule_name"))}); err == nil {
			t.Error("a schedule with a time zone also has an EventBridge rule")
		}
		// The rule on the custom bus targets the alias.
		r := find(t, "onOrder-event")
		if r.Get("event_bus_name") != edgeBus {
			t.Errorf("rule record: %+v", r)
		}
		targets, err := rm.events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(r.Get("rule_name")), EventBusName: aws.String(edgeBus)})
		if err != nil || len(targets.Targets) != 1 || aws.ToString(targets.Targets[0].Arn) != find(t, "onOrder").Get("lambda_arn")+":live" {
			t.Errorf("targets on bus %s: %+v %v", edgeBus, targets, err)
		}
		if p := policy(t, "edge-dev-onOrder"); !strings.Contains(p, "rule/"+edgeBus+"/"+r.Get("rule_name")) {
			t.Errorf("onOrder's permission is not for the rule on bus %s: %s", edgeBus, p)
		}
	})
	t.Run("no-op redeploy", func(t *testing.T) {
		if made := agree(t, build(t, v1, "")); len(made) != 0 {
			t.Errorf("a no-op redeploy made %v", made)
		}
	})
	t.Run("code change moves every alias", func(t *testing.T) {
		made := agree(t, build(t, v1, "\tapp.Get(\"/new\", index)\n"))
		only(t, made, "lambda:UpdateFunctionCode", "lambda:PublishVersion", "lambda:UpdateAlias")
		for _, fn := range functions {
			if v := alias(t, fn); v != "2" {
				t.Errorf("%s:live is version %s, want 2", fn, v)
			}
		}
		if find(t, "purefn").Get("version") != "2" {
			t.Error("the new version is not recorded")
		}
	})
	v2 := v1
	v2.pureAuth = "NONE"
	t.Run("auth type change", func(t *testing.T) {
		made := agree(t, build(t, v2, "\tapp.Get(\"/new\", index)\n"))
		only(t, made, "lambda:UpdateFunctionUrlConfig", "lambda:AddPermission")
		if got, err := urlConfig(t, "edge-dev-purefn"); err != nil || got.AuthType != "NONE" {
			t.Errorf("purefn URL: %+v %v", got, err)
		}
		if p := policy(t, "edge-dev-purefn"); !strings.Contains(p, "gochalice-function-url-public") {
			t.Errorf("purefn's public permissions are missing: %s", p)
		}
	})
	t.Run("provisioned concurrency is planned", func(t *testing.T) {
		// moto 5.2.1 implements no provisioned-concurrency API: the plan
		// is checked, not deployed.
		c := v2
		c.handlerExtra = `, "provisioned_concurrency": 2`
		plan, err := deploy.PlanOnly(ctx, opts(build(t, c, "\tapp.Get(\"/new\", index)\n")))
		if err != nil {
			t.Fatal(err)
		}
		if got := plan.Calls(); len(got) != 1 || got[0].String() != "lambda:PutProvisionedConcurrencyConfig edge-dev:live (2 provisioned)" {
			t.Errorf("planned %v", got)
		}
		// Removed: deleted from the alias (a state that says it was put).
		d := loadState(t, dir)
		saved := d.Clone()
		r := d.Find("api_handler")
		r.Set("provisioned_concurrency", "2")
		d.Put(*r)
		st := state.LocalFile(dir, "dev")
		if err := st.Save(ctx, d); err != nil {
			t.Fatal(err)
		}
		plan, err = deploy.PlanOnly(ctx, opts(build(t, v2, "\tapp.Get(\"/new\", index)\n")))
		if err != nil {
			t.Fatal(err)
		}
		if got := plan.Calls(); len(got) != 1 || got[0].String() != "lambda:DeleteProvisionedConcurrencyConfig edge-dev:live" {
			t.Errorf("planned %v", got)
		}
		if err := st.Save(ctx, saved); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("switch to a REST API and back", func(t *testing.T) {
		rest := v2
		rest.apiType = "rest"
		made := agree(t, build(t, rest, "\tapp.Get(\"/new\", index)\n"))
		for _, want := range []string{"apigateway:CreateRestApi", "lambda:DeleteFunctionUrlConfig"} {
			if !slices.Contains(made, want) {
				t.Errorf("switching to rest made no %s: %v", want, made)
			}
		}
		if _, err := urlConfig(t, "edge-dev"); err == nil {
			t.Error("the API handler still has a Function URL")
		}
		if loadState(t, dir).Find("api_handler_function_url") != nil {
			t.Error("the API handler's URL is still recorded")
		}
		// The REST API invokes the alias.
		if p := policy(t, "edge-dev"); !strings.Contains(p, "apigateway.amazonaws.com") || strings.Contains(p, "gochalice-function-url-public") {
			t.Errorf("api handler's policy on the alias: %s", p)
		}
		made = agree(t, build(t, v2, "\tapp.Get(\"/new\", index)\n"))
		for _, want := range []string{"apigateway:DeleteRestApi", "lambda:CreateFunctionUrlConfig"} {
			if !slices.Contains(made, want) {
				t.Errorf("switching back to url made no %s: %v", want, made)
			}
		}
		apis, err := rm.apigw.GetRestApis(ctx, &apigateway.GetRestApisInput{})
		if err != nil || len(apis.Items) != 0 {
			t.Errorf("REST APIs left: %+v %v", apis, err)
		}
	})
	t.Run("a schedule losing and regaining its time zone", func(t *testing.T) {
		// The app's code changes too (its manifest is in the binary).
		code := []string{"lambda:UpdateFunctionCode", "lambda:PublishVersion", "lambda:UpdateAlias"}
		edgeZone = ""
		made := agree(t, build(t, v2, "\tapp.Get(\"/new\", index)\n"))
		only(t, made, append(code, "scheduler:DeleteSchedule", "iam:DeleteRolePolicy", "iam:DeleteRole", "eventbridge:PutRule", "eventbridge:PutTargets", "lambda:AddPermission")...)
		if r := find(t, "morning-event"); r.ResourceType != "cloudwatch_event" {
			t.Errorf("morning-event is a %s", r.ResourceType)
		}
		if s, err := sched.ListSchedules(ctx, &scheduler.ListSchedulesInput{}); err != nil || len(s.Schedules) != 0 {
			t.Errorf("schedules left: %+v %v", s, err)
		}
		edgeZone = `, chalice.TimeZone("Europe/Paris")`
		made = agree(t, build(t, v2, "\tapp.Get(\"/new\", index)\n"))
		only(t, made, append(code, "eventbridge:RemoveTargets", "eventbridge:DeleteRule", "iam:CreateRole", "iam:PutRolePolicy", "scheduler:CreateSchedule")...)
		if r := find(t, "morning-event"); r.ResourceType != "scheduler_schedule" {
			t.Errorf("morning-event is a %s", r.ResourceType)
		}
		if _, err := rm.events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(find(t, "morning-event").Get("schedule_name"))}); err == nil {
			t.Error("the rule is left")
		}
	})
	t.Run("destination and invoke mode change", func(t *testing.T) {
		// moto 5.2.1 appends each PutFunctionEventInvokeConfig and answers
		// the first, and UpdateFunctionUrlConfig keeps the old InvokeMode:
		// what this change made is checked by its calls and the record.
		c := v2
		c.onFailure, c.invokeMode = "edge-dlq2", "RESPONSE_STREAM"
		made := agree(t, build(t, c, "\tapp.Get(\"/new\", index)\n"))
		// The role's policy (the destination), the invoke config, and the
		// API handler: its environment names the invoke mode (a new
		// configuration, so a version and the alias), and its URL.
		only(t, made, "iam:PutRolePolicy", "lambda:PutFunctionEventInvokeConfig", "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion",
			"lambda:UpdateAlias", "lambda:UpdateFunctionUrlConfig")
		if n := strings.Count(strings.Join(made, " "), "lambda:PublishVersion"); n != 1 {
			t.Errorf("%d versions published, want the API handler's only", n)
		}
		if doc := rolePolicy(t, "edge-dev-purefn"); !strings.Contains(doc, `"Resource":"`+edgeQueueARN("edge-dlq2")+`"`) || strings.Contains(doc, `"Resource":"`+edgeQueueARN("edge-dlq")+`"`) {
			t.Errorf("purefn's role policy: %s", doc)
		}
		if find(t, "api_handler_function_url").Get("invoke_mode") != "RESPONSE_STREAM" {
			t.Error("the new invoke mode is not recorded")
		}
		cur, err := rm.lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("edge-dev"), Qualifier: aws.String("live")})
		if err != nil || cur.Environment == nil || cur.Environment.Variables["GOCHALICE_INVOKE_MODE"] != "RESPONSE_STREAM" {
			t.Errorf("the alias's version does not stream: %+v %v", cur, err)
		}
	})
	t.Run("a bus in another region is refused before any call", func(t *testing.T) {
		edgeBus = "arn:aws:events:eu-west-1:" + edgeAccount + ":event-bus/orders"
		defer func() { edgeBus = "orders" }()
		v1.write(t, dir)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte(edgeApp("")), 0o644)
		rec.Reset()
		before, _ := os.ReadFile(state.LocalFile(dir, "dev").Path)
		_, err := deploy.Deploy(ctx, &deploy.Options{ProjectDir: dir, Recorder: rec, Retry: fast})
		if err == nil || !strings.Contains(err.Error(), "eu-west-1") || !strings.Contains(err.Error(), moto.Region) || !strings.Contains(err.Error(), "onOrder") {
			t.Errorf("err = %v, want the bus's region refused", err)
		}
		if calls := rec.Calls(); len(calls) != 0 {
			t.Errorf("calls made: %v", calls)
		}
		if after, _ := os.ReadFile(state.LocalFile(dir, "dev").Path); !bytes.Equal(before, after) {
			t.Error("the state changed")
		}
	})
	t.Run("delete", func(t *testing.T) {
		rec.Reset()
		if err := deploy.Delete(ctx, &deploy.Options{ProjectDir: dir, Recorder: rec, Retry: fast}); err != nil {
			t.Fatal(err)
		}
		made := madeOps(rec)
		for _, want := range []string{"lambda:DeleteFunctionUrlConfig", "scheduler:DeleteSchedule", "eventbridge:DeleteRule", "lambda:DeleteFunction", "iam:DeleteRole"} {
			if !slices.Contains(made, want) {
				t.Errorf("delete made no %s: %v", want, made)
			}
		}
		if d := loadState(t, dir); len(d.Resources) != 0 {
			t.Errorf("records left: %v", recorded(t, d))
		}
		// Every kind of resource is gone: functions (with their versions,
		// aliases, URL configs and event invoke configs), roles, the
		// schedule, the rule on the custom bus.
		fns, err := rm.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{})
		if err != nil || len(fns.Functions) != 0 {
			t.Errorf("functions left: %d %v", len(fns.Functions), err)
		}
		for _, fn := range functions {
			if _, err := rm.lambda.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")}); err == nil {
				t.Errorf("alias %s:live left", fn)
			}
			if _, err := urlConfig(t, fn); err == nil {
				t.Errorf("URL config of %s left", fn)
			}
			if _, err := rm.lambda.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(fn)}); err == nil {
				t.Errorf("event invoke config of %s left", fn)
			}
		}
		roles, err := rm.iam.ListRoles(ctx, &iam.ListRolesInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range roles.Roles {
			if strings.HasPrefix(aws.ToString(r.RoleName), "edge-dev") {
				t.Errorf("role %s left", aws.ToString(r.RoleName))
			}
		}
		schedules, err := sched.ListSchedules(ctx, &scheduler.ListSchedulesInput{})
		if err != nil || len(schedules.Schedules) != 0 {
			t.Errorf("schedules left: %+v %v", schedules, err)
		}
		rules, err := rm.events.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("orders")})
		if err != nil || len(rules.Rules) != 0 {
			t.Errorf("rules left on bus orders: %+v %v", rules, err)
		}
		var nothing *deploy.NothingRecordedError
		if err := deploy.Delete(ctx, &deploy.Options{ProjectDir: dir, Retry: fast}); !errors.As(err, &nothing) {
			t.Errorf("second delete: %v", err)
		}
	})
}
