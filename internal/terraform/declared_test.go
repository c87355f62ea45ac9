package terraform

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// resourcesApp declares every kind of resource (the root package's
// golden manifest of that app, so the two cannot drift apart); the stage
// adopts the "counters" table by name and keeps the bucket from being
// retained.
func resourcesApp(t *testing.T) *appgraph.Application {
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
	return build(t, m, `{"version": "2.0", "app_name": "shop", "stages": {"dev": {
	  "resources": {"counters": {"name": "legacy-counters"}, "uploads": {"retain": false}}}}}`, nil)
}

// TestDeclaredResources: each declared resource with its settings,
// prevent_destroy on retained stores, environments naming what each
// function uses, and every statement on a declared resource scoped to
// its ARNs.
func TestDeclaredResources(t *testing.T) {
	doc, data := generate(t, resourcesApp(t), Options{Policies: map[string]any{
		"default-role": logsOnly, "work_role": logsOnly, "order_role": logsOnly, "uploaded_role": logsOnly,
		"audit_role": logsOnly, "hourly_role": logsOnly, "api_handler_role": logsOnly,
	}})
	checkSchema(t, doc)
	res := doc["resource"].(map[string]any)
	for typ, name := range map[string]string{
		"aws_dynamodb_table": "users-table", "aws_s3_bucket": "uploads-bucket", "aws_sqs_queue": "orders_fifo-queue",
		"aws_sns_topic": "news-topic", "aws_cloudwatch_event_bus": "shop-events-bus",
		"aws_s3_bucket_versioning": "uploads-bucket", "aws_s3_bucket_public_access_block": "uploads-bucket",
	} {
		if _, ok := res[typ].(map[string]any)[name]; !ok {
			t.Errorf("no %s.%s", typ, name)
		}
	}
	tables := res["aws_dynamodb_table"].(map[string]any)
	if _, ok := tables["counters-table"]; ok {
		t.Error("the adopted table is declared")
	}
	s := string(data)
	for _, frag := range []string{
		`"prevent_destroy": true`,
		`"GOCHALICE_TABLE_USERS_STREAM_ARN": "${aws_dynamodb_table.users-table.stream_arn}"`,
		`"GOCHALICE_QUEUE_JOBS_URL": "${aws_sqs_queue.jobs-queue.url}"`,
		`"GOCHALICE_TABLE_COUNTERS_NAME": "legacy-counters"`,
		`"event_source_arn": "${aws_dynamodb_table.users-table.stream_arn}"`,
		`"event_bus_name": "${aws_cloudwatch_event_bus.shop-events-bus.name}"`,
		`"bucket": "${aws_s3_bucket.uploads-bucket.id}"`,
		`"visibility_timeout_seconds": 360`,
		`\"deadLetterTargetArn\":\"${aws_sqs_queue.jobs-failed-queue.arn}\"`,
	} {
		if !strings.Contains(s, frag) {
			t.Errorf("the document lacks %s", frag)
		}
	}
	if b := res["aws_s3_bucket"].(map[string]any)["uploads-bucket"].(map[string]any); b["lifecycle"] != nil {
		t.Errorf("the bucket is retained though the stage says not: %v", b)
	}
	// Every statement of every role names ARNs, never "*".
	for name, p := range res["aws_iam_role_policy"].(map[string]any) {
		text := strings.NewReplacer("$${", "${").Replace(p.(map[string]any)["policy"].(string))
		var doc struct{ Statement []struct{ Resource any } }
		if err := json.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatalf("policy %s: %v", name, err)
		}
		for _, st := range doc.Statement {
			if b, _ := json.Marshal(st.Resource); strings.Contains(string(b), `"*"`) {
				t.Errorf("policy %s allows a statement on *: %s", name, text)
			}
		}
	}
}
