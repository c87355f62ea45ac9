package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/logs"
	"github.com/gochalice/chalice/internal/deploy/remoteinvoke"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
)

func libraryRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

const appHeader = `package main

import (
	"context"
	"encoding/json"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("sample")
	auth := app.Authorizer(func(ctx context.Context, r *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "u"}, nil
	}, chalice.Name("myauth"))
	app.Get("/", index)
	app.Get("/secret", index, chalice.WithAuthorizer(auth))
	app.Get("/cors", index, chalice.WithCORS(chalice.DefaultCORS()))
	app.Schedule(chalice.Rate(5, chalice.Minutes), everyFive)
`

const appFooter = `	app.Run()
}

func index(ctx context.Context, r *chalice.Request) (any, error) { return map[string]string{"hello": "world"}, nil }

func purefn(ctx context.Context, ev json.RawMessage) (any, error) { return ev, nil }

func everyFive(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }

func onQueue(ctx context.Context, ev *chalice.SQSEvent) error { return nil }

func onStream(ctx context.Context, ev *chalice.KinesisEvent) error { return nil }

func onTable(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil }

func onTopic(ctx context.Context, ev *chalice.SNSEvent) error { return nil }

func onUpload(ctx context.Context, ev *chalice.S3Event) error { return nil }

var _, _ = onTable, onUpload

var _ = purefn
`

// sampleQueue is the queue of the sample app's SQS handler (a subtest
// changes it).
var sampleQueue = "sample-queue"

// eventHandlers registers the sample app's event sources.
func eventHandlers() string {
	return `	app.OnSQSMessage("` + sampleQueue + `", onQueue, chalice.BatchSize(5), chalice.MaxBatchingWindow(2), chalice.MaxConcurrency(3), chalice.ReportBatchItemFailures())
	app.OnKinesisRecord("sample-stream", onStream, chalice.BatchSize(50), chalice.StartingPosition("TRIM_HORIZON"))
	app.OnSNSMessage("sample-topic", onTopic)
	app.OnS3Event("sample-bucket", onUpload, chalice.Prefix("in/"), chalice.Suffix(".csv"))
`
}

// writeConfig writes the sample config; withPurefn adds purefn's log
// retention (refused by the config check when the app has no purefn).
func writeConfig(dir string, withPurefn bool) {
	fns := ""
	if withPurefn {
		fns = `, "lambda_functions": {"purefn": {"log_retention_in_days": 14}}`
	}
	os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(`{"version": "2.0", "app_name": "sample", "stages": {"dev": {"api_gateway_stage": "api", "environment_variables": {"MODE": "test"}`+fns+`}}}`), 0o644)
}

func writeApp(t *testing.T, dir, extra string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(appHeader+eventHandlers()+extra+appFooter), 0o644); err != nil {
		t.Fatal(err)
	}
}

// project writes the sample app into a temporary module.
func project(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".chalice"), 0o755)
	writeConfig(dir, true)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module sample\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\nreplace github.com/gochalice/chalice => "+libraryRoot()+"\n"), 0o644)
	writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n")
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	return dir
}

type remote struct {
	srv    *moto.Server
	lambda *lambda.Client
	iam    *iam.Client
	apigw  *apigateway.Client
	apigw2 *apigatewayv2.Client
	events *eventbridge.Client
	sqs    *sqs.Client
	sns    *sns.Client
	s3     *s3.Client
	logs   *cloudwatchlogs.Client
}

func newRemote(srv *moto.Server, cfg aws.Config) *remote {
	return &remote{srv: srv, lambda: lambda.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), apigw: apigateway.NewFromConfig(cfg), apigw2: apigatewayv2.NewFromConfig(cfg), events: eventbridge.NewFromConfig(cfg),
		sqs: sqs.NewFromConfig(cfg), sns: sns.NewFromConfig(cfg), s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle, o.DisableLogOutputChecksumValidationSkipped = true, true }), logs: cloudwatchlogs.NewFromConfig(cfg)}
}

// awsJSON sends one JSON-protocol call (services whose SDK module the
// project does not pin: Kinesis, DynamoDB) to moto.
func awsJSON(t *testing.T, srv *moto.Server, service, target, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.Endpoint+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+moto.AccessKeyID+"/20260101/"+moto.Region+"/"+service+"/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s: %s", target, resp.Status, b)
	}
	out := map[string]any{}
	json.Unmarshal(b, &out)
	return out
}

// fixtures creates what the sample app's event sources use (they are not
// part of the app): two queues, a stream, a topic, a bucket.
func (r *remote) fixtures(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{"sample-queue", "other-queue"} {
		if _, err := r.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(q)}); err != nil {
			t.Fatal(err)
		}
	}
	awsJSON(t, r.srv, "kinesis", "Kinesis_20131202.CreateStream", `{"StreamName": "sample-stream", "ShardCount": 1}`)
	if _, err := r.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("sample-topic")}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sample-bucket")}); err != nil {
		t.Fatal(err)
	}
	// A notification of someone else's: deploys must keep it.
	if _, err := r.s3.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("sample-bucket"),
		NotificationConfiguration: &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{{
			Id: aws.String("theirs"), LambdaFunctionArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:someone-else"), Events: []s3types.Event{"s3:ObjectRemoved:*"}}}}}); err != nil {
		t.Fatal(err)
	}
}

// inventory lists what exists in moto: function names, role names, rule
// names, REST API ids.
func (r *remote) inventory(t *testing.T) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	fns, err := r.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fns.Functions {
		out["functions"] = append(out["functions"], *f.FunctionName)
	}
	roles, err := r.iam.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range roles.Roles {
		out["roles"] = append(out["roles"], *x.RoleName)
	}
	rules, err := r.events.ListRules(ctx, &eventbridge.ListRulesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range rules.Rules {
		out["rules"] = append(out["rules"], *x.Name)
	}
	apis, err := r.apigw.GetRestApis(ctx, &apigateway.GetRestApisInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range apis.Items {
		out["apis"] = append(out["apis"], *x.Id)
	}
	v2, err := r.apigw2.GetApis(ctx, &apigatewayv2.GetApisInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range v2.Items {
		out["v2apis"] = append(out["v2apis"], *x.ApiId)
	}
	maps, err := r.lambda.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range maps.EventSourceMappings {
		out["mappings"] = append(out["mappings"], *x.UUID)
	}
	subs, err := r.sns.ListSubscriptions(ctx, &sns.ListSubscriptionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range subs.Subscriptions {
		if *x.Protocol == "lambda" {
			out["subscriptions"] = append(out["subscriptions"], *x.SubscriptionArn)
		}
	}
	nc, err := r.s3.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("sample-bucket")})
	if err == nil {
		for _, x := range nc.LambdaFunctionConfigurations {
			if fn := *x.LambdaFunctionArn; !strings.HasSuffix(fn, ":someone-else") {
				out["notifications"] = append(out["notifications"], "sample-bucket "+fn[strings.LastIndex(fn, ":")+1:])
			}
		}
	}
	groups, err := r.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range groups.LogGroups {
		if x.RetentionInDays != nil {
			out["loggroups"] = append(out["loggroups"], *x.LogGroupName)
		}
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

// recorded returns the same inventory from the state file.
func recorded(t *testing.T, d *state.Deployed) map[string][]string {
	out := map[string][]string{}
	for _, r := range d.Resources {
		switch r.ResourceType {
		case "lambda_function":
			arn := r.Get("lambda_arn")
			out["functions"] = append(out["functions"], arn[strings.LastIndex(arn, ":")+1:])
		case "iam_role":
			out["roles"] = append(out["roles"], r.Get("role_name"))
		case "cloudwatch_event":
			out["rules"] = append(out["rules"], r.Get("rule_name"))
		case "rest_api":
			out["apis"] = append(out["apis"], r.Get("rest_api_id"))
		case "http_api", "websocket_api":
			out["v2apis"] = append(out["v2apis"], r.Get(r.ResourceType+"_id"))
		case "sqs_event", "kinesis_event", "dynamodb_event":
			out["mappings"] = append(out["mappings"], r.Get("event_uuid"))
		case "sns_event":
			out["subscriptions"] = append(out["subscriptions"], r.Get("subscription_arn"))
		case "s3_event":
			arn := r.Get("lambda_arn")
			out["notifications"] = append(out["notifications"], r.Get("bucket")+" "+arn[strings.LastIndex(arn, ":")+1:])
		case "log_group":
			out["loggroups"] = append(out["loggroups"], r.Get("log_group_name"))
		default:
			t.Errorf("unexpected record %+v", r)
		}
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

func loadState(t *testing.T, dir string) *state.Deployed {
	t.Helper()
	d, err := state.LocalFile(dir, "dev").Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mutating(rec *awsapi.Recorder) []string {
	var out []string
	for _, c := range rec.Mutating() {
		out = append(out, c.Operation)
	}
	return out
}

var fast = deploy.Retry{RoleAttempts: 3, RoleDelay: 10 * time.Millisecond, PollInterval: 10 * time.Millisecond, WaitTimeout: 10 * time.Second}

func TestDeployAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app and runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	dir := project(t)
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// moto runs functions in Docker unless switched to echoing the payload
	// (done first: switching resets moto's Lambda backend).
	resp, err := http.Post(srv.Endpoint+"/moto-api/config", "application/json", strings.NewReader(`{"lambda": {"use_docker": false}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rm := newRemote(srv, cfg)
	rm.fixtures(t)

	build := func(t *testing.T) *packager.Built {
		b, err := packager.Build(ctx, &packager.Options{ProjectDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	built := build(t)
	rec := &awsapi.Recorder{}
	var out bytes.Buffer
	opts := func(b *packager.Built) *deploy.Options {
		out.Reset()
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Reporter: report.New(&out), Recorder: rec, Retry: fast, Built: b}
	}
	wantInventory := map[string][]string{
		"functions": {"sample-dev", "sample-dev-everyFive", "sample-dev-myauth", "sample-dev-onQueue", "sample-dev-onStream", "sample-dev-onTopic", "sample-dev-onUpload", "sample-dev-purefn"},
		"roles":     {"sample-dev"},
		"rules":     {"sample-dev-everyFive-event"},
		// one SQS and one Kinesis mapping, checked by count below
		"notifications": {"sample-bucket sample-dev-onUpload"},
		"loggroups":     {"/aws/lambda/sample-dev-purefn"},
	}
	checkConverged := func(t *testing.T) {
		t.Helper()
		inv := rm.inventory(t)
		st := loadState(t, dir)
		if rec := recorded(t, st); !equalInv(inv, rec) {
			t.Errorf("moto has %v, the state records %v", inv, rec)
		}
		for k, v := range wantInventory {
			if !slices.Equal(inv[k], v) {
				t.Errorf("%s = %v, want %v", k, inv[k], v)
			}
		}
		if len(inv["apis"]) != 1 {
			t.Errorf("REST APIs = %v, want exactly one", inv["apis"])
		}
		if len(inv["mappings"]) != 2 || len(inv["subscriptions"]) != 1 {
			t.Errorf("mappings = %v, subscriptions = %v, want 2 and 1", inv["mappings"], inv["subscriptions"])
		}
	}

	var firstCalls []string
	t.Run("first deploy", func(t *testing.T) {
		plan, err := deploy.PlanOnly(ctx, opts(built))
		if err != nil || len(mutating(rec)) != 0 {
			t.Fatalf("plan: %v, mutating calls %v", err, mutating(rec))
		}
		var printed bytes.Buffer
		plan.Print(&printed)
		if !strings.Contains(printed.String(), "Creating IAM role: sample-dev\n  iam:CreateRole sample-dev\n") {
			t.Errorf("plan:\n%s", printed.String())
		}
		if _, err := os.Stat(state.LocalFile(dir, "dev").Path); err == nil {
			t.Error("dev plan wrote the state file")
		}
		start := time.Now()
		res, err := deploy.Deploy(ctx, opts(built))
		if err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		deploy.WriteSummary(&out, res.Resources)
		firstCalls = mutating(rec)
		if len(firstCalls) != plan.MutatingCalls() {
			t.Errorf("plan announced %d mutating calls, deploy made %d", plan.MutatingCalls(), len(firstCalls))
		}
		t.Logf("first deploy: %d calls, %d mutating %v, %v\n%s", len(rec.Calls()), len(firstCalls), firstCalls, time.Since(start), out.String())
		for _, line := range []string{"Creating deployment package.", "Creating IAM role: sample-dev", "Creating lambda function: sample-dev-purefn",
			"Creating lambda function: sample-dev", "Creating Rest API", "Resources deployed:", "  - Lambda ARN: arn:aws:lambda:us-east-1:123456789012:function:sample-dev-purefn", "  - Rest API URL: https://"} {
			if !strings.Contains(out.String(), line+"\n") && !strings.Contains(out.String(), line) {
				t.Errorf("output lacks %q:\n%s", line, out.String())
			}
		}
		checkConverged(t)
		st := loadState(t, dir)
		var names []string
		for _, r := range st.Resources {
			names = append(names, r.Name)
		}
		if want := []string{"default-role", "purefn-log-group", "purefn", "everyFive", "everyFive-event", "onQueue", "onQueue-sqs-event-source",
			"onStream", "onStream-kinesis-event-source", "onTopic", "onTopic-sns-subscription", "onUpload", "onUpload-s3event", "api_handler", "myauth", "rest_api"}; !slices.Equal(names, want) {
			t.Errorf("records = %v, want %v", names, want)
		}
		checkEventSources(t, rm, st)
		api := st.Find("rest_api")
		if u := api.Get("rest_api_url"); u != "https://"+api.Get("rest_api_id")+".execute-api.us-east-1.amazonaws.com/api/" {
			t.Errorf("rest_api_url = %q", u)
		}
		raw, _ := os.ReadFile(state.LocalFile(dir, "dev").Path)
		if !bytes.HasSuffix(raw, []byte("\n}\n")) || !bytes.Contains(raw, []byte(`"schema_version": "2.0"`)) {
			t.Errorf("state file:\n%s", raw)
		}
		// The function is really configured.
		fn, err := rm.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("sample-dev-purefn")})
		if err != nil {
			t.Fatal(err)
		}
		c := fn.Configuration
		if string(c.Runtime) != "provided.al2023" || *c.Handler != "purefn" || c.Environment.Variables["MODE"] != "test" || *c.CodeSha256 != built.Package.CodeSha256 {
			t.Errorf("function configuration = %+v", c)
		}
		u, err := deploy.URL(ctx, &deploy.Options{ProjectDir: dir})
		if err != nil || u != api.Get("rest_api_url") {
			t.Errorf("url = %q, %v", u, err)
		}
	})

	t.Run("no-op redeploy makes 0 mutating calls", func(t *testing.T) {
		before, _ := os.ReadFile(state.LocalFile(dir, "dev").Path)
		start := time.Now()
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		t.Logf("no-op redeploy: %d calls (all read-only), %v", len(rec.Calls()), time.Since(start))
		if m := mutating(rec); len(m) != 0 {
			t.Errorf("mutating calls = %v, want none", m)
		}
		if o := strings.TrimPrefix(out.String(), "Creating deployment package.\n"); strings.Contains(o, "Creating ") || strings.Contains(o, "Updating ") {
			t.Errorf("output:\n%s", out.String())
		}
		after, _ := os.ReadFile(state.LocalFile(dir, "dev").Path)
		if !bytes.Equal(before, after) {
			t.Errorf("state changed:\n%s\n%s", before, after)
		}
		p, err := deploy.PlanOnly(ctx, opts(built))
		if err != nil || p.MutatingCalls() != 0 || len(mutating(rec)) != 0 {
			t.Errorf("plan: %v, %d planned, made %v", err, p.MutatingCalls(), mutating(rec))
		}
	})

	t.Run("invoke", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		var err error
		o := &remoteinvoke.Options{Options: deploy.Options{ProjectDir: dir}, Out: &stdout, Name: "purefn", Payload: strings.NewReader(`{"hello": "world"}`), ErrOut: &stderr}
		if err := remoteinvoke.Invoke(ctx, o); err != nil {
			t.Fatalf("invoke: %v (%s)", err, stderr.String())
		}
		if stdout.String() != `{"hello": "world"}`+"\n" {
			t.Errorf("stdout = %q", stdout.String())
		}
		o = &remoteinvoke.Options{Options: deploy.Options{ProjectDir: dir}, Out: &stdout, Name: "nope"}
		err = remoteinvoke.Invoke(ctx, o)
		if err == nil || err.Error() != "could not find a lambda function named nope." || remoteinvoke.ExitCode(err) != 2 {
			t.Errorf("unknown function: %v (exit %d)", err, remoteinvoke.ExitCode(err))
		}
		// A Lambda error (the function deleted behind the state's back) exits 1.
		o = &remoteinvoke.Options{Options: deploy.Options{ProjectDir: dir, Recorder: &awsapi.Recorder{Hook: func(c awsapi.Call) error {
			return &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "Function not found"}
		}}}, Out: &stdout, Name: "purefn"}
		err = remoteinvoke.Invoke(ctx, o)
		if err == nil || err.Error() != "got 'ResourceNotFoundException' exception back from Lambda\nFunction not found" || remoteinvoke.ExitCode(err) != 1 {
			t.Errorf("remote error: %v (exit %d)", err, remoteinvoke.ExitCode(err))
		}
	})

	t.Run("logs", func(t *testing.T) {
		group, stream := "/aws/lambda/sample-dev", "2026/11/22/[$LATEST]0123456789abcdef"
		if _, err := rm.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
			t.Fatal(err)
		}
		if _, err := rm.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
			t.Fatal(err)
		}
		defer rm.logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(group)})
		base := time.Now().Add(-30 * time.Minute).Truncate(time.Second)
		put := func(at time.Time, msgs ...string) {
			var evs []cwtypes.InputLogEvent
			for i, m := range msgs {
				evs = append(evs, cwtypes.InputLogEvent{Message: aws.String(m), Timestamp: aws.Int64(at.Add(time.Duration(i) * time.Millisecond).UnixMilli())})
			}
			if _, err := rm.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: evs}); err != nil {
				t.Fatal(err)
			}
		}
		put(base, "START RequestId: 1 Version: $LATEST", "hello from the handler\n", "END RequestId: 1", "REPORT RequestId: 1\tDuration: 1 ms")
		var buf bytes.Buffer
		lo := func() *logs.Options {
			buf.Reset()
			return &logs.Options{Options: deploy.Options{ProjectDir: dir}, Out: &buf}
		}
		if err := logs.Print(ctx, lo()); err != nil {
			t.Fatal(err)
		}
		want := base.UTC().Format("2006-01-02 15:04:05") + ".001000 012345 hello from the handler\n"
		if buf.String() != want {
			t.Errorf("logs = %q, want %q", buf.String(), want)
		}
		o := lo()
		o.IncludeLambdaMessages = true
		if err := logs.Print(ctx, o); err != nil || strings.Count(buf.String(), "\n") != 4 || !strings.HasPrefix(buf.String(), base.UTC().Format("2006-01-02 15:04:05")+" 012345 START RequestId: 1") {
			t.Errorf("with lambda messages: %v\n%s", err, buf.String())
		}
		o = lo()
		o.Since = "5m"
		if err := logs.Print(ctx, o); err != nil || buf.String() != "" {
			t.Errorf("since 5m: %v %q", err, buf.String())
		}
		o = lo()
		o.Name = "nope"
		if err := logs.Print(ctx, o); err == nil || err.Error() != "could not find a lambda function named nope." {
			t.Errorf("unknown function: %v", err)
		}
		// Follow: prints new events as they come, outlives two failed polls
		// (a network error, then a server error), stops when ctx ends.
		var mu sync.Mutex
		var followed, followWarnings bytes.Buffer
		fctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		polls := 0
		flaky := &awsapi.Recorder{Hook: func(c awsapi.Call) error {
			if c.Operation != "FilterLogEvents" {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			switch polls++; polls {
			case 2:
				return errors.New("read tcp 127.0.0.1:1: connection reset by peer")
			case 3:
				return &smithy.GenericAPIError{Code: "ServiceUnavailableException", Message: "try again"}
			}
			return nil
		}}
		go func() {
			done <- logs.Print(fctx, &logs.Options{Options: deploy.Options{ProjectDir: dir, Recorder: flaky}, Out: lockedWriter{&mu, &followed}, ErrOut: lockedWriter{&mu, &followWarnings},
				Follow: true, Since: "1h", PollInterval: 20 * time.Millisecond})
		}()
		time.Sleep(200 * time.Millisecond)
		put(time.Now(), "second message")
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			got := followed.String()
			mu.Unlock()
			if strings.Contains(got, "second message") || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("follow: %v", err)
		}
		if got := followed.String(); strings.Count(got, "hello from the handler") != 1 || strings.Count(got, "second message") != 1 {
			t.Errorf("followed:\n%s", got)
		}
		if w := followWarnings.String(); strings.Count(w, "Warning: reading the logs failed (") != 1 || !strings.Contains(w, "connection reset by peer") || !strings.Contains(w, "Reading the logs again.") {
			t.Errorf("follow warnings:\n%s", w)
		}
	})

	t.Run("changed route updates the code and the API only", func(t *testing.T) {
		writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n\tapp.Get(\"/extra\", index)\n")
		built = build(t)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		m := mutating(rec)
		slices.Sort(m)
		// Every function shares the binary, so each gets the new code; the
		// re-imported API gets its CORS preflight integration again.
		want := []string{"CreateDeployment", "PutIntegration", "PutIntegrationResponse", "PutRestApi"}
		for range 8 {
			want = append(want, "UpdateFunctionCode")
		}
		if !slices.Equal(m, want) {
			t.Errorf("mutating calls = %v, want %v", m, want)
		}
		if !strings.Contains(out.String(), "Updating rest API\n") {
			t.Errorf("output:\n%s", out.String())
		}
		checkConverged(t)
	})

	t.Run("changed queue remaps only that handler", func(t *testing.T) {
		oldUUID := loadState(t, dir).Find("onQueue-sqs-event-source").Get("event_uuid")
		sampleQueue = "other-queue"
		defer func() { sampleQueue = "sample-queue" }()
		writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n\tapp.Get(\"/extra\", index)\n")
		built = build(t)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		var other []string
		for _, op := range mutating(rec) {
			if op != "UpdateFunctionCode" {
				other = append(other, op)
			}
		}
		if want := []string{"DeleteEventSourceMapping", "CreateEventSourceMapping"}; !slices.Equal(other, want) {
			t.Errorf("mutating calls besides the code updates = %v, want %v", other, want)
		}
		if !strings.Contains(out.String(), "Subscribing sample-dev-onQueue to SQS queue other-queue\n") {
			t.Errorf("output:\n%s", out.String())
		}
		st := loadState(t, dir)
		checkEventSources(t, rm, st)
		if st.Find("onQueue-sqs-event-source").Get("event_uuid") == oldUUID {
			t.Error("the mapping was not recreated")
		}
		if _, err := rm.lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(oldUUID)}); err == nil {
			t.Error("the old mapping still exists")
		}
		checkConverged(t)
		// Settings changed in place: UpdateEventSourceMapping only.
		writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n\tapp.Get(\"/extra\", index)\n")
		src, _ := os.ReadFile(filepath.Join(dir, "main.go"))
		os.WriteFile(filepath.Join(dir, "main.go"), bytes.Replace(src, []byte("chalice.BatchSize(5)"), []byte("chalice.BatchSize(7)"), 1), 0o644)
		built = build(t)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		other = nil
		for _, op := range mutating(rec) {
			if op != "UpdateFunctionCode" {
				other = append(other, op)
			}
		}
		if want := []string{"UpdateEventSourceMapping"}; !slices.Equal(other, want) {
			t.Errorf("mutating calls besides the code updates = %v, want %v", other, want)
		}
		m, err := rm.lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(loadState(t, dir).Find("onQueue-sqs-event-source").Get("event_uuid"))})
		if err != nil || *m.BatchSize != 7 || *m.ScalingConfig.MaximumConcurrency != 3 {
			t.Errorf("mapping after update = %+v, %v", m, err)
		}
	})

	t.Run("dynamodb stream mapping", func(t *testing.T) {
		table := awsJSON(t, srv, "dynamodb", "DynamoDB_20120810.CreateTable", `{"TableName": "sample-table", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
			"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST",
			"StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}`)
		streamARN, _ := table["TableDescription"].(map[string]any)["LatestStreamArn"].(string)
		if streamARN == "" {
			t.Fatalf("CreateTable: %v", table)
		}
		writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n\tapp.OnDynamoDBRecord(\""+streamARN+"\", onTable, chalice.BatchSize(10))\n")
		built = build(t)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		st := loadState(t, dir)
		r := st.Find("onTable-dynamodb-event-source")
		if r == nil || r.ResourceType != "dynamodb_event" || !slices.Equal(fieldKeys(r), []string{"stream_arn", "event_uuid", "lambda_arn"}) || r.Get("stream_arn") != streamARN {
			t.Fatalf("dynamodb record = %+v", r)
		}
		m, err := rm.lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(r.Get("event_uuid"))})
		if err != nil || *m.EventSourceArn != streamARN || *m.BatchSize != 10 {
			t.Errorf("dynamodb mapping = %+v, %v", m, err)
		}
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
			t.Errorf("redeploy: %v, mutating calls %v", err, mutating(rec))
		}
		// Removing the handler sweeps the function and its mapping.
		writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n")
		built = build(t)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if _, err := rm.lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(r.Get("event_uuid"))}); err == nil {
			t.Error("the dynamodb mapping was not swept")
		}
		if !strings.Contains(out.String(), "Deleting event source mapping: "+r.Get("event_uuid")+"\n") {
			t.Errorf("output:\n%s", out.String())
		}
		checkConverged(t)
	})

	t.Run("removed function is swept", func(t *testing.T) {
		writeApp(t, dir, "\tapp.Get(\"/extra\", index)\n")
		writeConfig(dir, false)
		built = build(t)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		for _, line := range []string{"Deleting function: arn:aws:lambda:us-east-1:123456789012:function:sample-dev-purefn\n", "Deleting retention policy for log group: /aws/lambda/sample-dev-purefn\n"} {
			if !strings.Contains(out.String(), line) {
				t.Errorf("output lacks %q:\n%s", line, out.String())
			}
		}
		inv := rm.inventory(t)
		if slices.Contains(inv["functions"], "sample-dev-purefn") || loadState(t, dir).Find("purefn") != nil || len(inv["loggroups"]) != 0 || loadState(t, dir).Find("purefn-log-group") != nil {
			t.Errorf("purefn not swept: %v", inv)
		}
		// Back to the full app for the next subtests.
		writeConfig(dir, true)
		writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n")
		built = build(t)
	})

	t.Run("fault injection converges", func(t *testing.T) {
		statePath := state.LocalFile(dir, "dev").Path
		n := len(firstCalls)
		if n == 0 {
			t.Fatal("no first deploy")
		}
		for k := 1; k <= n; k++ {
			if err := srv.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			rm.fixtures(t)
			os.Remove(statePath)
			o := opts(built)
			count := 0
			rec.Hook = func(c awsapi.Call) error {
				if c.Mutating() {
					count++
					if count == k {
						return &smithy.GenericAPIError{Code: "InjectedFault", Message: "injected failure of call " + c.String()}
					}
				}
				return nil
			}
			_, err := deploy.Deploy(ctx, o)
			rec.Hook = nil
			if err == nil || !strings.Contains(err.Error(), "InjectedFault") {
				t.Fatalf("k=%d: deploy error = %v", k, err)
			}
			failed := rec.Mutating()[k-1].String()
			inv := rm.inventory(t)
			st := loadState(t, dir)
			if r := recorded(t, st); !equalInv(inv, r) {
				t.Errorf("k=%d (failed %s): moto has %v but the state records %v", k, failed, inv, r)
			}
			if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
				t.Fatalf("k=%d: re-deploy: %v\n%s", k, err, out.String())
			}
			checkConverged(t)
			if t.Failed() {
				t.Fatalf("k=%d (failed %s) did not converge", k, failed)
			}
			// delete then leaves nothing of the app in moto.
			if err := deploy.Delete(ctx, opts(nil)); err != nil {
				t.Fatalf("k=%d: delete: %v\n%s", k, err, out.String())
			}
			for kind, v := range rm.inventory(t) {
				if len(v) != 0 {
					t.Errorf("k=%d: %s left after delete: %v", k, kind, v)
				}
			}
		}
		t.Logf("fault injected at each of the %d mutating calls; every re-deploy converged and delete left nothing", n)
	})

	t.Run("IAM propagation retry", func(t *testing.T) {
		if err := srv.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		rm.fixtures(t)
		os.Remove(state.LocalFile(dir, "dev").Path)
		o := opts(built)
		fails := 2
		rec.Hook = func(c awsapi.Call) error {
			if c.Operation == "CreateFunction" && fails > 0 {
				fails--
				return &smithy.GenericAPIError{Code: "InvalidParameterValueException", Message: "The role defined for the function cannot be assumed by Lambda."}
			}
			return nil
		}
		defer func() { rec.Hook = nil }()
		if _, err := deploy.Deploy(ctx, o); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		checkConverged(t)
	})

	t.Run("lost state file: a redeploy adopts everything", func(t *testing.T) {
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		before := rm.inventory(t)
		os.Remove(state.LocalFile(dir, "dev").Path)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		for _, c := range mutating(rec) {
			if strings.HasPrefix(c, "Create") && c != "CreateDeployment" || c == "Subscribe" || c == "ImportRestApi" {
				t.Errorf("a deploy after a lost state made %s (all: %v)", c, mutating(rec))
			}
		}
		if !strings.Contains(out.String(), "Adopting Rest API: "+before["apis"][0]+" (found by its tags; it had no record)\n") {
			t.Errorf("output:\n%s", out.String())
		}
		if after := rm.inventory(t); !equalInv(before, after) {
			t.Errorf("inventory before %v, after %v", before, after)
		}
		checkConverged(t)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
			t.Errorf("second redeploy: %v, mutating %v", err, mutating(rec))
		}
	})

	t.Run("records whose resource is gone are re-created, never stuck", func(t *testing.T) {
		st := loadState(t, dir)
		sub := st.Find("onTopic-sns-subscription").Get("subscription_arn")
		if _, err := rm.sns.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(sub)}); err != nil {
			t.Fatal(err)
		}
		oldAPI := st.Find("rest_api").Get("rest_api_id")
		if _, err := rm.apigw.DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{RestApiId: aws.String(oldAPI)}); err != nil {
			t.Fatal(err)
		}
		mapping := st.Find("onQueue-sqs-event-source").Get("event_uuid")
		if _, err := rm.lambda.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: aws.String(mapping)}); err != nil {
			t.Fatal(err)
		}
		// A function record that lost its ARN, and a record of nothing.
		fn := st.Find("purefn")
		fn.Delete("lambda_arn")
		st.Put(state.Record{Name: "ghost", ResourceType: "lambda_function"})
		if err := state.LocalFile(dir, "dev").Save(ctx, st); err != nil {
			t.Fatal(err)
		}
		p, err := deploy.PlanOnly(ctx, opts(built))
		if err != nil {
			t.Fatalf("dev plan: %v", err)
		}
		var printed bytes.Buffer
		p.Print(&printed)
		for _, call := range []string{"sns:Subscribe", "apigateway:CreateRestApi", "lambda:CreateEventSourceMapping"} {
			if !strings.Contains(printed.String(), call) {
				t.Errorf("plan lacks %s:\n%s", call, printed.String())
			}
		}
		var warnings bytes.Buffer
		o := opts(built)
		o.Reporter = report.New(&warnings)
		if _, err := deploy.Deploy(ctx, o); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		for _, w := range []string{"Warning: the recorded SNS subscription " + sub + " no longer exists", "Warning: the recorded Rest API " + oldAPI + " no longer exists",
			"Warning: the recorded event source mapping " + mapping + " of onQueue-sqs-event-source no longer exists", "Warning: the record ghost (lambda_function) has no lambda_arn"} {
			if !strings.Contains(warnings.String(), w) {
				t.Errorf("warnings lack %q:\n%s", w, warnings.String())
			}
		}
		checkConverged(t)
		st = loadState(t, dir)
		if st.Find("ghost") != nil || st.Find("purefn").Get("lambda_arn") == "" || st.Find("rest_api").Get("rest_api_id") == oldAPI {
			t.Errorf("state = %+v", st.Resources)
		}
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
			t.Errorf("redeploy: %v, mutating %v", err, mutating(rec))
		}
	})

	t.Run("an unrecorded mapping is adopted, a duplicate API removed", func(t *testing.T) {
		st := loadState(t, dir)
		uuid := st.Find("onQueue-sqs-event-source").Get("event_uuid")
		st.Remove("onQueue-sqs-event-source")
		if err := state.LocalFile(dir, "dev").Save(ctx, st); err != nil {
			t.Fatal(err)
		}
		api := st.Find("rest_api").Get("rest_api_id")
		dup, err := rm.apigw.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("sample"),
			Tags: map[string]string{deploy.TagApp: "sample", deploy.TagStage: "dev", deploy.TagResource: "rest_api"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if m := mutating(rec); !slices.Equal(m, []string{"DeleteRestApi"}) {
			t.Errorf("mutating calls = %v, want only the duplicate's DeleteRestApi", m)
		}
		if !strings.Contains(out.String(), "Deleting duplicate Rest API: "+*dup.Id+"\n") {
			t.Errorf("output:\n%s", out.String())
		}
		st = loadState(t, dir)
		if st.Find("onQueue-sqs-event-source").Get("event_uuid") != uuid || st.Find("rest_api").Get("rest_api_id") != api {
			t.Errorf("state = %+v", st.Resources)
		}
		checkConverged(t)
	})

	t.Run("two deploys of one stage cannot interleave", func(t *testing.T) {
		for _, stateURL := range []string{"", "s3://lock-bucket/sample/"} {
			if stateURL != "" {
				if _, err := rm.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lock-bucket")}); err != nil {
					t.Fatal(err)
				}
				b := &state.S3{Client: rm.s3, Bucket: "lock-bucket", Key: "sample/dev.json"}
				if err := b.Save(ctx, loadState(t, dir)); err != nil {
					t.Fatal(err)
				}
			}
			// The first deploy (a changed app) stops at its first change.
			writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n\tapp.Get(\"/locked\", index)\n")
			changed := build(t)
			gate, held := make(chan struct{}), make(chan struct{})
			var once sync.Once
			first := &awsapi.Recorder{Hook: func(c awsapi.Call) error {
				if c.Mutating() && c.Operation != "PutObject" {
					once.Do(func() { close(held); <-gate })
				}
				return nil
			}}
			done := make(chan error, 1)
			go func() {
				_, err := deploy.Deploy(ctx, &deploy.Options{ProjectDir: dir, Recorder: first, Retry: fast, Built: changed, StateURL: stateURL})
				done <- err
			}()
			<-held
			o := opts(built)
			o.StateURL = stateURL
			_, err := deploy.Deploy(ctx, o)
			var le *state.LockedError
			if !errors.As(err, &le) || le.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), "another gochalice deploy of this stage is running") {
				t.Errorf("%s: second deploy: %v", stateURL, err)
			}
			for _, c := range mutating(rec) {
				if c != "PutObject" {
					t.Errorf("%s: the refused deploy made %v", stateURL, mutating(rec))
				}
			}
			del := opts(nil)
			del.StateURL = stateURL
			if err := deploy.Delete(ctx, del); !errors.As(err, &le) || !strings.Contains(err.Error(), "another gochalice deploy of this stage is running") {
				t.Errorf("%s: delete during a deploy: %v", stateURL, err)
			}
			close(gate)
			if err := <-done; err != nil {
				t.Fatalf("%s: first deploy: %v", stateURL, err)
			}
			// Once it is done, the other deploy runs.
			if _, err := deploy.Deploy(ctx, o); err != nil {
				t.Fatalf("%s: deploy after the first: %v\n%s", stateURL, err, out.String())
			}
		}
		// A lock left by a killed deploy on another machine is taken over
		// once it expired, with a notice.
		stale, _ := json.Marshal(state.LockInfo{Owner: "ci@elsewhere", Host: "elsewhere", PID: 4242, Operation: "deploy", Started: time.Now().Add(-time.Hour), Expires: time.Now().Add(-time.Minute)})
		if _, err := rm.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lock-bucket"), Key: aws.String("sample/dev.json.lock"), Body: bytes.NewReader(stale)}); err != nil {
			t.Fatal(err)
		}
		var warnings bytes.Buffer
		o := opts(built)
		o.StateURL, o.Reporter = "s3://lock-bucket/sample/", report.New(&warnings)
		if _, err := deploy.Deploy(ctx, o); err != nil {
			t.Fatalf("after a stale lock: %v", err)
		}
		if !strings.Contains(warnings.String(), "Warning: took over the lock s3://lock-bucket/sample/dev.json.lock left by an interrupted deploy of ci@elsewhere (pid 4242") {
			t.Errorf("warnings:\n%s", warnings.String())
		}
		// One that has not expired is not.
		fresh, _ := json.Marshal(state.LockInfo{Owner: "ci@elsewhere", Host: "elsewhere", PID: 4242, Operation: "delete", Started: time.Now(), Expires: time.Now().Add(time.Hour)})
		rm.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lock-bucket"), Key: aws.String("sample/dev.json.lock"), Body: bytes.NewReader(fresh)})
		var le *state.LockedError
		if _, err := deploy.Deploy(ctx, o); !errors.As(err, &le) || !strings.Contains(err.Error(), "another gochalice delete of this stage is running: ci@elsewhere (pid 4242)") {
			t.Errorf("fresh lock: %v", err)
		}
		rm.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("lock-bucket"), Key: aws.String("sample/dev.json.lock")})
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("state in S3 with conditional writes", func(t *testing.T) {
		if _, err := rm.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("state-bucket")}); err != nil {
			t.Fatal(err)
		}
		b := &state.S3{Client: rm.s3, Bucket: "state-bucket", Key: "sample/dev.json"}
		empty, err := b.Load(ctx)
		if err != nil || len(empty.Resources) != 0 || empty.Version != "" {
			t.Fatalf("empty S3 state: %+v, %v", empty, err)
		}
		local := loadState(t, dir)
		if err := b.Save(ctx, local); err != nil || local.Version == "" {
			t.Fatalf("save: %v (version %q)", err, local.Version)
		}
		// A deploy reading the state from S3 (s3://bucket/prefix/ ⇒ <prefix>/dev.json) changes nothing.
		o := opts(built)
		o.StateURL = "s3://state-bucket/sample/"
		if _, err := deploy.Deploy(ctx, o); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		// Only the stage lock is written (and removed).
		if m := mutating(rec); !slices.Equal(m, []string{"PutObject", "DeleteObject"}) {
			t.Errorf("mutating calls = %v, want the lock's PutObject and DeleteObject only", m)
		}
		u, err := deploy.URL(ctx, &deploy.Options{ProjectDir: dir, StateURL: "s3://state-bucket/sample/dev.json"})
		if err != nil || u != local.Find("rest_api").Get("rest_api_url") {
			t.Errorf("url from S3 = %q, %v", u, err)
		}
		// Two writers that read the same version: the second one fails.
		a, _ := b.Load(ctx)
		c, _ := b.Load(ctx)
		a.Put(state.Record{Name: "extra", ResourceType: "log_group", Fields: []state.Field{{Key: "log_group_name", Value: "x"}}})
		if err := b.Save(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := b.Save(ctx, c); !errors.Is(err, state.ErrConflict) || !strings.Contains(err.Error(), "s3://state-bucket/sample/dev.json") {
			t.Errorf("second writer: %v, want ErrConflict", err)
		}
		// A writer that saw no object fails when one appeared meanwhile.
		if err := b.Save(ctx, &state.Deployed{}); !errors.Is(err, state.ErrConflict) {
			t.Errorf("create over an existing object: %v, want ErrConflict", err)
		}
	})

	t.Run("large package goes through S3", func(t *testing.T) {
		if err := srv.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		rm.fixtures(t)
		os.Remove(state.LocalFile(dir, "dev").Path)
		o := opts(built)
		o.MaxDirectUpload = 1
		var tooLarge *deploy.PackageTooLargeError
		if _, err := deploy.Deploy(ctx, o); !errors.As(err, &tooLarge) || tooLarge.Limit != 1 || !strings.Contains(err.Error(), "set a deployment bucket") {
			t.Fatalf("no bucket: %v", err)
		}
		if m := mutating(rec); len(m) != 0 {
			t.Errorf("refused deploy made calls %v", m)
		}
		if _, err := rm.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("deploy-bucket")}); err != nil {
			t.Fatal(err)
		}
		o = opts(built)
		o.MaxDirectUpload, o.DeploymentBucket = 1, "deploy-bucket"
		plan, err := deploy.PlanOnly(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		o = opts(built)
		o.MaxDirectUpload, o.DeploymentBucket = 1, "deploy-bucket"
		if _, err := deploy.Deploy(ctx, o); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		m := mutating(rec)
		if m[0] != "CreateRole" || slices.Index(m, "PutObject") < 0 || strings.Count(strings.Join(m, " "), "PutObject") != 1 || len(m) != plan.MutatingCalls() {
			t.Errorf("mutating calls = %v (plan %d)", m, plan.MutatingCalls())
		}
		if !strings.Contains(out.String(), "Uploading deployment package to s3://deploy-bucket/gochalice/sample/dev/") {
			t.Errorf("output:\n%s", out.String())
		}
		checkConverged(t)
		fn, err := rm.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("sample-dev-purefn")})
		if err != nil || *fn.Configuration.CodeSha256 != built.Package.CodeSha256 {
			t.Errorf("function code sha = %v, want %s (%v)", fn.Configuration.CodeSha256, built.Package.CodeSha256, err)
		}
		o = opts(built)
		o.MaxDirectUpload, o.DeploymentBucket = 1, "deploy-bucket"
		if _, err := deploy.Deploy(ctx, o); err != nil || len(mutating(rec)) != 0 {
			t.Errorf("redeploy: %v, mutating %v", err, mutating(rec))
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := deploy.Delete(ctx, opts(nil)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		inv := rm.inventory(t)
		for k, v := range inv {
			if len(v) != 0 {
				t.Errorf("%s left after delete: %v", k, v)
			}
		}
		raw, _ := os.ReadFile(state.LocalFile(dir, "dev").Path)
		if !bytes.Contains(raw, []byte(`"resources": []`)) {
			t.Errorf("state after delete:\n%s", raw)
		}
		var nr *deploy.NoRestAPIError
		if _, err := deploy.URL(ctx, &deploy.Options{ProjectDir: dir}); !errors.As(err, &nr) || err.Error() != "Could not find a record of a Rest API in chalice stage: 'dev'" {
			t.Errorf("url after delete: %v", err)
		}
		// Deleting again says there is nothing recorded, and changes nothing.
		var nothing *deploy.NothingRecordedError
		if err := deploy.Delete(ctx, opts(nil)); !errors.As(err, &nothing) || nothing.Missing || len(mutating(rec)) != 0 ||
			!strings.Contains(err.Error(), "nothing was deleted: the deployed state of stage dev") || !strings.Contains(err.Error(), "records no resources") ||
			!strings.Contains(err.Error(), "gochalice delete --stage dev --by-tag") {
			t.Errorf("second delete: %v, calls %v", err, mutating(rec))
		}
		os.Remove(state.LocalFile(dir, "dev").Path)
		if err := deploy.Delete(ctx, opts(nil)); !errors.As(err, &nothing) || !nothing.Missing || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("delete without a state file: %v", err)
		}
	})

	t.Run("corrupted state makes no AWS call", func(t *testing.T) {
		p := state.LocalFile(dir, "dev").Path
		for _, content := range []string{"{not json", `{"resources": [], "schema_version": "9.9", "backend": "api"}`, `{"resources": null, "schema_version": "2.0", "backend": "api"}`} {
			os.WriteFile(p, []byte(content), 0o644)
			_, err := deploy.Deploy(ctx, opts(built))
			if err == nil || !strings.Contains(err.Error(), p) {
				t.Errorf("deploy with %q: err = %v, want an error naming %s", content, err, p)
			}
			if err := deploy.Delete(ctx, opts(nil)); err == nil {
				t.Errorf("delete with %q succeeded", content)
			}
			if c := rec.Calls(); len(c) != 0 {
				t.Errorf("AWS calls made: %v", c)
			}
		}
	})
}

// inventoryKinds are the kinds of resource a deploy creates, as inventory
// and recorded count them.
var inventoryKinds = []string{"functions", "roles", "rules", "apis", "v2apis", "mappings", "subscriptions", "notifications", "loggroups"}

func equalInv(a, b map[string][]string) bool {
	for _, k := range inventoryKinds {
		if !slices.Equal(a[k], b[k]) {
			return false
		}
	}
	return true
}

func fieldKeys(r *state.Record) []string {
	var out []string
	for _, f := range r.Fields {
		out = append(out, f.Key)
	}
	return out
}

// checkEventSources checks the records of the sample app's event sources
// and what moto has for them.
func checkEventSources(t *testing.T, rm *remote, st *state.Deployed) {
	t.Helper()
	ctx := context.Background()
	fn := func(name string) string { return "arn:aws:lambda:us-east-1:123456789012:function:sample-dev-" + name }
	sq := st.Find("onQueue-sqs-event-source")
	if sq == nil || sq.ResourceType != "sqs_event" || !slices.Equal(fieldKeys(sq), []string{"queue_arn", "event_uuid", "queue", "lambda_arn"}) ||
		sq.Get("queue_arn") != "arn:aws:sqs:us-east-1:123456789012:"+sampleQueue || sq.Get("queue") != sampleQueue || sq.Get("lambda_arn") != fn("onQueue") {
		t.Fatalf("sqs record = %+v", sq)
	}
	m, err := rm.lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(sq.Get("event_uuid"))})
	if err != nil {
		t.Fatal(err)
	}
	if *m.EventSourceArn != sq.Get("queue_arn") || *m.BatchSize != 5 || *m.MaximumBatchingWindowInSeconds != 2 || m.ScalingConfig == nil || *m.ScalingConfig.MaximumConcurrency != 3 ||
		len(m.FunctionResponseTypes) != 1 || m.FunctionResponseTypes[0] != "ReportBatchItemFailures" {
		t.Errorf("sqs mapping = %+v", m)
	}
	ks := st.Find("onStream-kinesis-event-source")
	if ks == nil || ks.ResourceType != "kinesis_event" || !slices.Equal(fieldKeys(ks), []string{"kinesis_arn", "event_uuid", "stream", "lambda_arn"}) ||
		ks.Get("kinesis_arn") != "arn:aws:kinesis:us-east-1:123456789012:stream/sample-stream" || ks.Get("stream") != "sample-stream" {
		t.Fatalf("kinesis record = %+v", ks)
	}
	if m, err := rm.lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(ks.Get("event_uuid"))}); err != nil || *m.BatchSize != 50 || m.StartingPosition != "TRIM_HORIZON" {
		t.Errorf("kinesis mapping = %+v, %v", m, err)
	}
	sn := st.Find("onTopic-sns-subscription")
	if sn == nil || sn.ResourceType != "sns_event" || !slices.Equal(fieldKeys(sn), []string{"topic", "lambda_arn", "subscription_arn", "topic_arn"}) ||
		sn.Get("topic") != "sample-topic" || sn.Get("topic_arn") != "arn:aws:sns:us-east-1:123456789012:sample-topic" || sn.Get("lambda_arn") != fn("onTopic") {
		t.Fatalf("sns record = %+v", sn)
	}
	s3r := st.Find("onUpload-s3event")
	if s3r == nil || s3r.ResourceType != "s3_event" || !slices.Equal(fieldKeys(s3r), []string{"bucket", "lambda_arn"}) || s3r.Get("bucket") != "sample-bucket" {
		t.Fatalf("s3 record = %+v", s3r)
	}
	nc, err := rm.s3.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("sample-bucket")})
	if err != nil {
		t.Fatal(err)
	}
	var theirs, ours int
	for _, c := range nc.LambdaFunctionConfigurations {
		switch *c.LambdaFunctionArn {
		case "arn:aws:lambda:us-east-1:123456789012:function:someone-else":
			theirs++
		case fn("onUpload"):
			ours++
			if c.Filter == nil || len(c.Filter.Key.FilterRules) != 2 || len(c.Events) != 1 || c.Events[0] != "s3:ObjectCreated:*" {
				t.Errorf("notification = %+v", c)
			}
		}
	}
	if theirs != 1 || ours != 1 {
		t.Errorf("bucket notifications: %d of another function (want 1, kept), %d of onUpload (want 1)", theirs, ours)
	}
	lg := st.Find("purefn-log-group")
	if lg == nil || lg.ResourceType != "log_group" || lg.Get("log_group_name") != "/aws/lambda/sample-dev-purefn" {
		t.Fatalf("log group record = %+v", lg)
	}
	groups, err := rm.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/sample-dev-purefn")})
	if err != nil || len(groups.LogGroups) != 1 || groups.LogGroups[0].RetentionInDays == nil || *groups.LogGroups[0].RetentionInDays != 14 {
		t.Errorf("log group = %+v, %v", groups, err)
	}
	pol, err := rm.lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("sample-dev-onUpload")})
	if err != nil || !strings.Contains(*pol.Policy, "arn:aws:s3:::sample-bucket") {
		t.Errorf("onUpload policy = %v, %v", pol, err)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
