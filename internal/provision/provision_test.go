package provision_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/manifest"
)

// model is the root package's golden app declaring every kind of
// resource, for stage dev.
func model(t *testing.T, cfgJSON string) *appgraph.Application {
	t.Helper()
	f, err := os.Open("../../testdata/manifest/resources.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := manifest.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("/p/.chalice/config.json", []byte(cfgJSON))
	if err != nil {
		t.Fatal(err)
	}
	app, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: "/p", DeclaredResources: true})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func awsConfig(endpoint string) aws.Config {
	return aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

// TestEnsure: against moto, every declared resource is created with its
// settings and its identifiers read; a second run creates nothing and
// gives the same identifiers; an adopted resource that does not exist
// is an error naming it.
func TestEnsure(t *testing.T) {
	srv := moto.Start(t)
	ctx := context.Background()
	cfg := awsConfig(srv.Endpoint)
	app := model(t, `{"app_name": "shop"}`)
	first, err := provision.Ensure(ctx, cfg, app.Declared)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Resources) != len(app.Declared) {
		t.Fatalf("%d resources, want %d", len(first.Resources), len(app.Declared))
	}
	for _, r := range first.Resources {
		if !r.Created && r.Declared.Spec.Kind != manifest.ResourceTopic {
			t.Errorf("%s was not created", r.Declared.Spec.Name)
		}
	}
	env := first.Env()
	for _, k := range []string{"GOCHALICE_TABLE_USERS_NAME", "GOCHALICE_TABLE_USERS_STREAM_ARN", "GOCHALICE_QUEUE_JOBS_URL",
		"GOCHALICE_QUEUE_ORDERS_FIFO_ARN", "GOCHALICE_BUCKET_UPLOADS_NAME", "GOCHALICE_TOPIC_NEWS_ARN", "GOCHALICE_BUS_SHOP_EVENTS_ARN"} {
		if env[k] == "" {
			t.Errorf("%s is not set: %v", k, env)
		}
	}
	if got := env["GOCHALICE_BUCKET_UPLOADS_NAME"]; got != "shop-dev-uploads-123456789012-us-west-2" {
		t.Errorf("bucket name = %q", got)
	}

	// Settings reached moto.
	desc, err := dynamodb.NewFromConfig(cfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shop-dev-users")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(desc.Table.GlobalSecondaryIndexes); n != 2 || desc.Table.StreamSpecification == nil {
		t.Errorf("users table: %d indexes, stream %+v", n, desc.Table.StreamSpecification)
	}
	attrs, err := sqs.NewFromConfig(cfg).GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(env["GOCHALICE_QUEUE_JOBS_URL"]), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	if attrs.Attributes["VisibilityTimeout"] != "120" || attrs.Attributes["RedrivePolicy"] == "" {
		t.Errorf("jobs queue attributes = %v", attrs.Attributes)
	}

	again, err := provision.Ensure(ctx, cfg, app.Declared)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again.Resources {
		if r.Created {
			t.Errorf("%s was created again", r.Declared.Spec.Name)
		}
	}
	if a, b := first.Env(), again.Env(); len(a) != len(b) || a["GOCHALICE_QUEUE_JOBS_ARN"] != b["GOCHALICE_QUEUE_JOBS_ARN"] {
		t.Errorf("identifiers changed: %v then %v", a, b)
	}

	adopted := model(t, `{"app_name": "shop", "stages": {"dev": {"resources": {"jobs-failed": {"name": "nowhere"}}}}}`)
	_, err = provision.Ensure(ctx, cfg, adopted.Declared)
	if err == nil || !strings.Contains(err.Error(), "queue jobs-failed (nowhere): the stage adopts it by name, and it does not exist") {
		t.Errorf("adopting a missing queue: %v", err)
	}
}
