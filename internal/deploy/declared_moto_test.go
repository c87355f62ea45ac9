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
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
)

// shopApp is the app of the root golden manifest
// testdata/manifest/resources.golden.json (resourceApp in the root
// resources_test.go); key is the users table's partition key, withOrders
// keeps the FIFO queue and its handler, withCounters the counters table.
func shopApp(key string, withOrders, withCounters bool) string {
	counters, uses := "", ""
	if withCounters {
		counters = "\tcounters := app.Table(\"counters\", chalice.StringKey(\"id\"), chalice.Provisioned(5, 2))\n"
		uses = ", chalice.Uses(counters, chalice.ReadWrite)"
	}
	orders := ""
	if withOrders {
		orders = `	orders := app.Queue("orders.fifo", chalice.FIFO())
	app.OnQueueMessage(orders, func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("order"))
`
	}
	hourly := ""
	if withCounters {
		hourly = ", chalice.Uses(counters, chalice.Read), chalice.Uses(counters, chalice.Write)"
	}
	return `package main

import (
	"context"
	"time"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("shop")
	users := app.Table("users", chalice.StringKey("` + key + `"),
		chalice.SortKey(chalice.NumberKey("created")),
		chalice.GlobalIndex("by-email", chalice.StringKey("email"), chalice.IndexSortKey(chalice.NumberKey("created"))),
		chalice.GlobalIndex("by-team", chalice.StringKey("team"), chalice.IncludeProjection("name")),
		chalice.TimeToLive("expires"),
		chalice.Stream(chalice.NewAndOldImages))
` + counters + `	uploads := app.Bucket("uploads", chalice.Versioned())
	failed := app.Queue("jobs-failed", chalice.MessageRetention(14*24*time.Hour))
	jobs := app.Queue("jobs", chalice.VisibilityTimeout(2*time.Minute), chalice.DeadLetter(failed, 3))
	news := app.Topic("news")
	bus := app.Bus("shop-events")

	app.Get("/users/{username}", func(ctx context.Context, r *chalice.Request) (any, error) { return nil, nil },
		chalice.Name("getUser"), chalice.Uses(users, chalice.Read))
	app.Post("/users", func(ctx context.Context, r *chalice.Request) (any, error) { return nil, nil },
		chalice.Name("createUser"), chalice.Uses(users, chalice.Write), chalice.Uses(jobs, chalice.Write))
	app.OnQueueMessage(jobs, func(ctx context.Context, ev *chalice.SQSEvent) error { return nil },
		chalice.Name("work"), chalice.BatchSize(10), chalice.Uses(uploads, chalice.ReadWrite)` + uses + `)
` + orders + `	app.OnBucketEvent(uploads, func(ctx context.Context, ev *chalice.S3Event) error { return nil },
		chalice.Name("uploaded"), chalice.Suffix(".csv"), chalice.Uses(news, chalice.Write))
	app.OnTopicMessage(news, func(ctx context.Context, ev *chalice.SNSEvent) error { return nil }, chalice.Name("announce"))
	app.OnTableRecord(users, func(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil },
		chalice.Name("audit"), chalice.Uses(bus, chalice.Write))
	app.Schedule(chalice.Rate(1, chalice.Hours), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.Name("hourly")` + hourly + `)
	app.OnCWEvent(map[string]any{"source": []string{"shop"}}, func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.Name("onShop"), chalice.OnBus(bus))
	app.Run()
}
`
}

// TestDeployDeclaredResourcesAgainstMoto deploys the golden resources app:
// every declared resource is created with its settings, and recorded;
// the functions' environments name them and their roles are scoped to
// them; the plan is what deploy runs; a redeploy makes no call; a
// changed setting is updated in place, a key-schema change is refused; a
// removed declaration is deleted unless retained; delete keeps the
// retained ones unless told otherwise.
func TestDeployDeclaredResourcesAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app and runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.Endpoint+"/moto-api/config", "application/json", strings.NewReader(`{"lambda": {"use_docker": false}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := newRemote(srv, cfg)
	ddb := dynamodb.NewFromConfig(cfg)

	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".chalice"), 0o755)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module shop\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\nreplace github.com/gochalice/chalice => "+libraryRoot()+"\n"), 0o644)
	writeShop := func(t *testing.T, key string, orders, counters bool, stageResources string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(shopApp(key, orders, counters)), 0o644); err != nil {
			t.Fatal(err)
		}
		conf := `{"version": "2.0", "app_name": "shop", "stages": {"dev": {"api_gateway_stage": "api"` + stageResources + `}}}`
		if err := os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeShop(t, "username", true, true, "")
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	build := func(t *testing.T) *packager.Built {
		t.Helper()
		b, err := packager.Build(ctx, &packager.Options{ProjectDir: dir, DeclaredResources: true})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rec := &awsapi.Recorder{}
	var warnings bytes.Buffer
	opts := func(b *packager.Built) *deploy.Options {
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Recorder: rec, Retry: fast, Built: b, Reporter: report.New(&warnings)}
	}
	agree := func(t *testing.T, b *packager.Built) ([]string, *deploy.Result) {
		t.Helper()
		plan, err := deploy.PlanOnly(ctx, opts(b))
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		if m := madeOps(rec); len(m) != 0 {
			t.Fatalf("dev plan made mutating calls: %v", m)
		}
		planned := plannedOps(plan)
		res, err := deploy.Deploy(ctx, opts(b))
		if err != nil {
			t.Fatalf("deploy: %v", err)
		}
		if made := madeOps(rec); strings.Join(made, "\n") != strings.Join(planned, "\n") {
			var printed bytes.Buffer
			plan.Print(&printed)
			t.Errorf("deploy made %d mutating calls, the plan printed %d:\nmade:\n  %s\nplanned:\n  %s\nprinted plan:\n%s",
				len(made), len(planned), strings.Join(made, "\n  "), strings.Join(planned, "\n  "), printed.String())
		}
		return planned, res
	}
	const (
		account = "123456789012"
		region  = "us-east-1"
	)
	bucket := "shop-dev-uploads-" + account + "-" + region
	loadState := func(t *testing.T) *state.Deployed {
		t.Helper()
		d, err := state.LocalFile(dir, "dev").Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	env := func(t *testing.T, fn string) map[string]string {
		t.Helper()
		c, err := r.lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(fn)})
		if err != nil {
			t.Fatal(err)
		}
		if c.Environment == nil {
			return nil
		}
		return c.Environment.Variables
	}
	queueURL := func(t *testing.T, name string) string {
		t.Helper()
		out, err := r.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
		if err != nil {
			t.Fatalf("queue %s: %v", name, err)
		}
		return *out.QueueUrl
	}
	tableExists := func(name string) bool {
		_, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		return err == nil
	}

	b1 := build(t)
	t.Run("first deploy creates and records every resource", func(t *testing.T) {
		planned, _ := agree(t, b1)
		t.Logf("first deploy: %d mutating calls: %s", len(planned), strings.Join(planned, " "))
		for _, want := range []string{"dynamodb:CreateTable", "dynamodb:UpdateTimeToLive", "s3:CreateBucket", "s3:PutBucketTagging", "s3:PutPublicAccessBlock",
			"s3:PutBucketVersioning", "sqs:CreateQueue", "sns:CreateTopic", "eventbridge:CreateEventBus", "lambda:CreateEventSourceMapping",
			"sns:Subscribe", "s3:PutBucketNotificationConfiguration", "eventbridge:PutRule"} {
			if !slices.Contains(planned, want) {
				t.Errorf("the first deploy has no %s: %v", want, planned)
			}
		}
		// Declared resources first, in declaration order.
		if got := strings.Join(planned[:4], " "); got != "dynamodb:CreateTable dynamodb:UpdateTimeToLive dynamodb:CreateTable s3:CreateBucket" {
			t.Errorf("first calls = %s", got)
		}
		st := loadState(t)
		var names []string
		for _, rec := range st.Resources[:8] {
			names = append(names, rec.Name+"="+rec.ResourceType)
		}
		if got := strings.Join(names, " "); got != "users-table=dynamodb_table counters-table=dynamodb_table uploads-bucket=s3_bucket jobs-failed-queue=sqs_queue jobs-queue=sqs_queue news-topic=sns_topic shop-events-bus=eventbridge_bus orders.fifo-queue=sqs_queue" {
			t.Errorf("records = %s", got)
		}
		users, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shop-dev-users")})
		if err != nil {
			t.Fatal(err)
		}
		tb := users.Table
		if tb.BillingModeSummary == nil || tb.BillingModeSummary.BillingMode != "PAY_PER_REQUEST" || len(tb.GlobalSecondaryIndexes) != 2 ||
			tb.StreamSpecification == nil || tb.StreamSpecification.StreamViewType != "NEW_AND_OLD_IMAGES" || len(tb.KeySchema) != 2 {
			t.Errorf("users table = %+v", tb)
		}
		u := st.Find("users-table")
		if u.Get("table_arn") != *tb.TableArn || u.Get("stream_arn") != *tb.LatestStreamArn || !strings.Contains(string(mustJSON(t, u)), `"retain":true`) {
			t.Errorf("users record = %+v", u)
		}
		ttl, err := ddb.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("shop-dev-users")})
		if err != nil || ttl.TimeToLiveDescription == nil || aws.ToString(ttl.TimeToLiveDescription.AttributeName) != "expires" {
			t.Errorf("users TTL = %+v, %v", ttl, err)
		}
		tags, err := ddb.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: tb.TableArn})
		if err != nil || len(tags.Tags) != 3 {
			t.Errorf("users tags = %+v, %v", tags, err)
		}
		counters, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shop-dev-counters")})
		if err != nil || aws.ToInt64(counters.Table.ProvisionedThroughput.ReadCapacityUnits) != 5 || aws.ToInt64(counters.Table.ProvisionedThroughput.WriteCapacityUnits) != 2 {
			t.Errorf("counters = %+v, %v", counters, err)
		}
		v, err := r.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
		if err != nil || v.Status != "Enabled" {
			t.Errorf("bucket versioning = %+v, %v", v, err)
		}
		pab, err := r.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
		if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) {
			t.Errorf("bucket public access = %+v, %v", pab, err)
		}
		jobs, err := r.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL(t, "shop-dev-jobs")), AttributeNames: []sqstypes.QueueAttributeName{"All"}})
		if err != nil {
			t.Fatal(err)
		}
		var redrive map[string]any
		json.Unmarshal([]byte(jobs.Attributes["RedrivePolicy"]), &redrive)
		if jobs.Attributes["VisibilityTimeout"] != "120" || redrive["deadLetterTargetArn"] != "arn:aws:sqs:us-east-1:123456789012:shop-dev-jobs-failed" || redrive["maxReceiveCount"] != float64(3) {
			t.Errorf("jobs attributes = %v", jobs.Attributes)
		}
		failed, _ := r.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL(t, "shop-dev-jobs-failed")), AttributeNames: []sqstypes.QueueAttributeName{"All"}})
		if failed.Attributes["MessageRetentionPeriod"] != "1209600" {
			t.Errorf("jobs-failed attributes = %v", failed.Attributes)
		}
		fifo, _ := r.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL(t, "shop-dev-orders.fifo")), AttributeNames: []sqstypes.QueueAttributeName{"All"}})
		if fifo.Attributes["FifoQueue"] != "true" {
			t.Errorf("orders.fifo attributes = %v", fifo.Attributes)
		}
		if _, err := r.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:shop-dev-news")}); err != nil {
			t.Errorf("topic: %v", err)
		}
		if _, err := r.events.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("shop-dev-shop-events")}); err != nil {
			t.Errorf("bus: %v", err)
		}
		rules, err := r.events.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("shop-dev-shop-events")})
		if err != nil || len(rules.Rules) != 1 {
			t.Errorf("rules on the bus = %+v, %v", rules, err)
		}

		// The environments name what each function uses.
		work := env(t, "shop-dev-work")
		if work["GOCHALICE_BUCKET_UPLOADS_NAME"] != bucket || work["GOCHALICE_TABLE_COUNTERS_ARN"] != "arn:aws:dynamodb:us-east-1:123456789012:table/shop-dev-counters" ||
			work["GOCHALICE_QUEUE_JOBS_URL"] != queueURL(t, "shop-dev-jobs") {
			t.Errorf("work's environment = %v", work)
		}
		if audit := env(t, "shop-dev-audit"); audit["GOCHALICE_TABLE_USERS_STREAM_ARN"] != *tb.LatestStreamArn || audit["GOCHALICE_BUS_SHOP_EVENTS_NAME"] != "shop-dev-shop-events" {
			t.Errorf("audit's environment = %v", audit)
		}
		if api := env(t, "shop-dev"); api["GOCHALICE_TABLE_USERS_NAME"] != "shop-dev-users" || api["GOCHALICE_QUEUE_JOBS_ARN"] == "" {
			t.Errorf("api_handler's environment = %v", api)
		}

		// The mappings read the declared queue and the table's stream.
		maps, err := r.lambda.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var sources []string
		for _, m := range maps.EventSourceMappings {
			sources = append(sources, aws.ToString(m.EventSourceArn))
		}
		for _, want := range []string{"arn:aws:sqs:us-east-1:123456789012:shop-dev-jobs", "arn:aws:sqs:us-east-1:123456789012:shop-dev-orders.fifo", *tb.LatestStreamArn} {
			if !slices.Contains(sources, want) {
				t.Errorf("no mapping of %s: %v", want, sources)
			}
		}

		// Policies: scoped to the resources' ARNs, never "*".
		var roles []string
		for _, rec := range st.Resources {
			if rec.ResourceType == "iam_role" && rec.Get("role_name") != "shop-dev" {
				roles = append(roles, rec.Get("role_name"))
			}
		}
		for _, want := range []string{"shop-dev-work", "shop-dev-audit", "shop-dev-uploaded"} {
			if !slices.Contains(roles, want) {
				t.Errorf("no role %s of its own: %v", want, roles)
			}
		}
		for _, role := range roles {
			out, err := r.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(role)})
			if err != nil {
				t.Fatalf("policy of %s: %v", role, err)
			}
			doc, _ := url.QueryUnescape(*out.PolicyDocument)
			var p struct {
				Statement []struct {
					Action   any
					Resource any
				}
			}
			if err := json.Unmarshal([]byte(doc), &p); err != nil {
				t.Fatalf("policy of %s: %v\n%s", role, err, doc)
			}
			scoped := 0
			for _, s := range p.Statement {
				a, _ := json.Marshal(s.Action)
				res, _ := json.Marshal(s.Resource)
				if strings.Contains(string(a), "dynamodb:") || strings.Contains(string(a), "sqs:") || strings.Contains(string(a), "s3:") ||
					strings.Contains(string(a), "sns:") || strings.Contains(string(a), "events:") {
					if strings.Contains(string(res), `"*"`) || strings.Contains(string(res), "${") {
						t.Errorf("role %s: statement %s on %s", role, a, res)
					}
					scoped++
				}
			}
			if scoped == 0 {
				t.Errorf("role %s has no statement on its resources:\n%s", role, doc)
			}
			if role == "shop-dev-audit" && !strings.Contains(doc, *tb.LatestStreamArn) {
				t.Errorf("audit's policy does not name the stream:\n%s", doc)
			}
		}
	})

	t.Run("no-op redeploy makes 0 mutating calls", func(t *testing.T) {
		if planned, _ := agree(t, b1); len(planned) != 0 {
			t.Errorf("planned %v, want nothing", planned)
		}
	})

	t.Run("a changed setting is updated in place", func(t *testing.T) {
		writeShop(t, "username", true, true, `, "resources": {"counters": {"billing_mode": "PAY_PER_REQUEST"}}`)
		planned, _ := agree(t, build(t))
		if strings.Join(planned, " ") != "dynamodb:UpdateTable" {
			t.Errorf("planned %v, want one UpdateTable", planned)
		}
		c, _ := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shop-dev-counters")})
		if c.Table.BillingModeSummary == nil || c.Table.BillingModeSummary.BillingMode != "PAY_PER_REQUEST" {
			t.Errorf("counters billing = %+v", c.Table.BillingModeSummary)
		}
		if planned, _ := agree(t, build(t)); len(planned) != 0 {
			t.Errorf("redeploy planned %v", planned)
		}
	})

	t.Run("a key schema change is refused before any call", func(t *testing.T) {
		writeShop(t, "login", true, true, `, "resources": {"counters": {"billing_mode": "PAY_PER_REQUEST"}}`)
		_, err := deploy.Deploy(ctx, opts(build(t)))
		var re *deploy.ReplacementError
		if !errors.As(err, &re) || re.Resource != "users-table" || re.Setting != "key schema" || !strings.Contains(err.Error(), "stage dev") {
			t.Fatalf("err = %v, want a ReplacementError of users-table's key schema", err)
		}
		if m := madeOps(rec); len(m) != 0 {
			t.Errorf("made %v", m)
		}
		t.Log(err)
	})

	t.Run("AllowReplace replaces a table that is not retained", func(t *testing.T) {
		writeShop(t, "login", true, true, `, "resources": {"counters": {"billing_mode": "PAY_PER_REQUEST"}, "users": {"retain": false}}`)
		b := build(t)
		_, err := deploy.Deploy(ctx, opts(b))
		var re *deploy.ReplacementError
		if !errors.As(err, &re) || re.Retained || !strings.Contains(err.Error(), "--allow-replace") {
			t.Fatalf("err = %v, want a ReplacementError naming --allow-replace", err)
		}
		old := loadState(t).Find("users-table").Get("stream_arn")
		o := opts(b)
		o.AllowReplace = true
		plan, err := deploy.PlanOnly(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		planned := plannedOps(plan)
		o = opts(b)
		o.AllowReplace = true
		if _, err := deploy.Deploy(ctx, o); err != nil {
			t.Fatal(err)
		}
		if made := madeOps(rec); strings.Join(made, " ") != strings.Join(planned, " ") {
			t.Errorf("made %v, planned %v", made, planned)
		}
		for _, want := range []string{"dynamodb:DeleteTable", "dynamodb:CreateTable", "lambda:DeleteEventSourceMapping", "lambda:CreateEventSourceMapping"} {
			if !slices.Contains(planned, want) {
				t.Errorf("no %s: %v", want, planned)
			}
		}
		users, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shop-dev-users")})
		if err != nil || aws.ToString(users.Table.KeySchema[0].AttributeName) != "login" {
			t.Fatalf("users = %+v, %v", users, err)
		}
		stream := aws.ToString(users.Table.LatestStreamArn)
		if stream == old || loadState(t).Find("users-table").Get("stream_arn") != stream {
			t.Errorf("stream %s, old %s, recorded %s", stream, old, loadState(t).Find("users-table").Get("stream_arn"))
		}
		if audit := env(t, "shop-dev-audit"); audit["GOCHALICE_TABLE_USERS_STREAM_ARN"] != stream {
			t.Errorf("audit's environment = %v", audit)
		}
		if planned, _ := agree(t, b); len(planned) != 0 {
			t.Errorf("redeploy planned %v", planned)
		}
		writeShop(t, "username", true, true, `, "resources": {"counters": {"billing_mode": "PAY_PER_REQUEST"}, "users": {"retain": false}}`)
		o = opts(build(t))
		o.AllowReplace = true
		if _, err := deploy.Deploy(ctx, o); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("removed declarations are deleted unless retained", func(t *testing.T) {
		warnings.Reset()
		writeShop(t, "username", false, false, "")
		planned, res := agree(t, build(t))
		for _, want := range []string{"sqs:DeleteQueue", "lambda:DeleteFunction", "lambda:DeleteEventSourceMapping"} {
			if !slices.Contains(planned, want) {
				t.Errorf("no %s: %v", want, planned)
			}
		}
		if slices.Contains(planned, "dynamodb:DeleteTable") {
			t.Errorf("the retained table is deleted: %v", planned)
		}
		if _, err := r.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("shop-dev-orders.fifo")}); err == nil {
			t.Error("the removed queue still exists")
		}
		if !tableExists("shop-dev-counters") {
			t.Error("the retained table was deleted")
		}
		if loadState(t).Find("counters-table") != nil {
			t.Error("the kept table is still recorded")
		}
		if !slices.Contains(res.Kept, "DynamoDB table shop-dev-counters") || !strings.Contains(warnings.String(), "kept DynamoDB table shop-dev-counters") {
			t.Errorf("kept = %v, warnings:\n%s", res.Kept, warnings.String())
		}
	})

	t.Run("delete keeps retained resources, and deletes them with DeleteRetained", func(t *testing.T) {
		warnings.Reset()
		o := opts(nil)
		if err := deploy.Delete(ctx, o); err != nil {
			t.Fatal(err)
		}
		if !tableExists("shop-dev-users") {
			t.Error("delete deleted the retained users table")
		}
		if _, err := r.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Errorf("delete deleted the retained bucket: %v", err)
		}
		if _, err := r.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("shop-dev-jobs")}); err == nil {
			t.Error("the jobs queue still exists")
		}
		if !strings.Contains(warnings.String(), "kept DynamoDB table shop-dev-users") || !strings.Contains(warnings.String(), "kept S3 bucket "+bucket) {
			t.Errorf("warnings:\n%s", warnings.String())
		}
		if n := len(loadState(t).Resources); n != 0 {
			t.Errorf("%d records left", n)
		}
		// A redeploy adopts the kept ones (found by their names): it
		// creates neither.
		agree(t, build(t))
		for _, c := range madeOps(rec) {
			if c == "dynamodb:CreateTable" || c == "s3:CreateBucket" {
				t.Errorf("the redeploy created a kept resource again: %s", c)
			}
		}
		o = opts(nil)
		o.DeleteRetained = true
		if err := deploy.Delete(ctx, o); err != nil {
			t.Fatal(err)
		}
		if tableExists("shop-dev-users") {
			t.Error("DeleteRetained left the users table")
		}
		if _, err := r.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err == nil {
			t.Error("DeleteRetained left the bucket")
		}
		if _, err := r.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:shop-dev-news")}); err == nil {
			t.Error("the topic still exists")
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const tableQueueApp = `package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("tq")
	items := app.Table("items", chalice.StringKey("id"), chalice.TimeToLive("expires"))
	failed := app.Queue("jobs-failed")
	jobs := app.Queue("jobs", chalice.DeadLetter(failed, 2))
	app.OnQueueMessage(jobs, func(ctx context.Context, ev *chalice.SQSEvent) error { return nil },
		chalice.Name("work"), chalice.Uses(items, chalice.ReadWrite))
	app.Run()
}
`

// TestDeclaredFaultInjection fails each mutating call of the first deploy
// of a table + queue app in turn: the state then records every declared
// resource that exists, a re-deploy converges (one table, two queues, one
// mapping), the next makes 0 mutating calls, and delete with
// DeleteRetained leaves nothing.
func TestDeclaredFaultInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app and runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lambdaEcho := func() {
		resp, err := http.Post(srv.Endpoint+"/moto-api/config", "application/json", strings.NewReader(`{"lambda": {"use_docker": false}}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	lambdaEcho()
	r := newRemote(srv, cfg)
	ddb := dynamodb.NewFromConfig(cfg)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".chalice"), 0o755)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module tq\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\nreplace github.com/gochalice/chalice => "+libraryRoot()+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(tableQueueApp), 0o644)
	os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(`{"version": "2.0", "app_name": "tq", "stages": {"dev": {}}}`), 0o644)
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	built, err := packager.Build(ctx, &packager.Options{ProjectDir: dir, DeclaredResources: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := &awsapi.Recorder{}
	opts := func(b *packager.Built) *deploy.Options {
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Recorder: rec, Retry: fast, Built: b, DeleteRetained: true}
	}
	// declaredInv lists the tables and queues moto has.
	declaredInv := func(t *testing.T) []string {
		t.Helper()
		var out []string
		tables, err := ddb.ListTables(ctx, &dynamodb.ListTablesInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range tables.TableNames {
			out = append(out, "table "+n)
		}
		qs, err := r.sqs.ListQueues(ctx, &sqs.ListQueuesInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range qs.QueueUrls {
			out = append(out, "queue "+u[strings.LastIndex(u, "/")+1:])
		}
		slices.Sort(out)
		return out
	}
	recordedInv := func(t *testing.T) []string {
		t.Helper()
		d, err := state.LocalFile(dir, "dev").Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, rec := range d.Resources {
			switch rec.ResourceType {
			case "dynamodb_table":
				out = append(out, "table "+rec.Get("table_name"))
			case "sqs_queue":
				out = append(out, "queue "+rec.Get("queue_name"))
			}
		}
		slices.Sort(out)
		return out
	}
	want := "queue tq-dev-jobs queue tq-dev-jobs-failed table tq-dev-items"
	if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
		t.Fatal(err)
	}
	n := len(rec.Mutating())
	if got := strings.Join(declaredInv(t), " "); got != want {
		t.Fatalf("first deploy made %s", got)
	}
	if err := deploy.Delete(ctx, opts(nil)); err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= n; k++ {
		if err := srv.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		lambdaEcho()
		os.Remove(state.LocalFile(dir, "dev").Path)
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
		if have, recorded := declaredInv(t), recordedInv(t); !slices.Equal(have, recorded) {
			t.Errorf("k=%d (failed %s): moto has %v, the state records %v", k, failed, have, recorded)
		}
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("k=%d (failed %s): re-deploy: %v", k, failed, err)
		}
		if got := strings.Join(declaredInv(t), " "); got != want {
			t.Errorf("k=%d (failed %s): after the re-deploy moto has %s", k, failed, got)
		}
		maps, _ := r.lambda.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
		if len(maps.EventSourceMappings) != 1 {
			t.Errorf("k=%d (failed %s): %d mappings", k, failed, len(maps.EventSourceMappings))
		}
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatal(err)
		}
		if m := madeOps(rec); len(m) != 0 {
			t.Errorf("k=%d (failed %s): the second re-deploy made %v", k, failed, m)
		}
		if err := deploy.Delete(ctx, opts(nil)); err != nil {
			t.Fatalf("k=%d: delete: %v", k, err)
		}
		if left := declaredInv(t); len(left) != 0 {
			t.Errorf("k=%d: delete left %v", k, left)
		}
	}
	t.Logf("fault injected at each of the %d mutating calls of the first deploy; every re-deploy converged", n)
}
