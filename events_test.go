package chalice_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/gochalice/chalice"
)

func invokeJSON(t *testing.T, app *chalice.App, fn string, payload []byte) string {
	t.Helper()
	out, err := app.Invoke(context.Background(), fn, payload)
	if err != nil {
		t.Fatalf("Invoke(%s): %v", fn, err)
	}
	return string(out)
}

func TestS3Event(t *testing.T) {
	app := newApp()
	var got *chalice.S3Event
	app.OnS3Event("my-upload-bucket", func(ctx context.Context, ev *chalice.S3Event) error {
		got = ev
		return nil
	}, chalice.Name("on_upload"), chalice.Prefix("images/"), chalice.Suffix(".png"))
	payload := readFixture(t, "s3_put.json")
	if out := invokeJSON(t, app, "on_upload", payload); out != "null" {
		t.Errorf("result = %s, want null", out)
	}
	if got.Bucket != "my-upload-bucket" {
		t.Errorf("Bucket = %q", got.Bucket)
	}
	if got.Key != "images/summer holiday/café & beach.png" {
		t.Errorf("Key = %q, want it unquote_plus'd", got.Key)
	}
	if got.Records[0].EventName != "ObjectCreated:Put" || got.Records[0].S3.Object.Size != 1024 {
		t.Errorf("record = %+v", got.Records[0])
	}
	if string(got.Raw()) != string(payload) {
		t.Error("Raw() is not the payload")
	}

	// Keys with '+' for spaces and a literal '%' that is not an escape.
	for raw, want := range map[string]string{
		"a+b%2Bc":        "a b+c",
		"plain.txt":      "plain.txt",
		"100%25+done":    "100% done",
		"caf%C3%A9.jpg":  "café.jpg",
		"dir%2Ffile.txt": "dir/file.txt",
	} {
		ev := events.S3Event{Records: []events.S3EventRecord{{S3: events.S3Entity{Bucket: events.S3Bucket{Name: "b"}, Object: events.S3Object{Key: raw}}}}}
		invokeJSON(t, app, "on_upload", mustJSON(t, ev))
		if got.Key != want {
			t.Errorf("key %q -> %q, want %q", raw, got.Key, want)
		}
	}

	// No records: fields stay empty.
	invokeJSON(t, app, "on_upload", []byte(`{"Records":[]}`))
	if got.Bucket != "" || got.Key != "" {
		t.Errorf("empty event: %q %q", got.Bucket, got.Key)
	}
}

func TestSNSEvent(t *testing.T) {
	app := newApp()
	var got *chalice.SNSEvent
	app.OnSNSMessage("my-topic", func(ctx context.Context, ev *chalice.SNSEvent) error { got = ev; return nil }, chalice.Name("on_sns"))
	invokeJSON(t, app, "on_sns", readFixture(t, "sns.json"))
	if got.Message != `{"order": 1234, "status": "shipped"}` || got.Subject != "Order shipped" {
		t.Errorf("Message %q Subject %q", got.Message, got.Subject)
	}
	want := map[string]any{"priority": map[string]any{"Type": "String", "Value": "high"}}
	if !reflect.DeepEqual(got.MessageAttributes, want) {
		t.Errorf("MessageAttributes = %v", got.MessageAttributes)
	}
	if got.Records[0].SNS.TopicArn != "arn:aws:sns:us-west-2:123456789012:my-topic" {
		t.Errorf("TopicArn = %q", got.Records[0].SNS.TopicArn)
	}
}

func TestSQSEventBatchFailures(t *testing.T) {
	app := newApp()
	var bodies []string
	app.OnSQSMessage("my-queue", func(ctx context.Context, ev *chalice.SQSEvent) error {
		bodies = nil
		for _, r := range ev.Records {
			bodies = append(bodies, r.Body)
			if strings.Contains(r.Body, "fail") {
				ev.Fail(r.MessageId)
			}
		}
		return nil
	}, chalice.Name("worker"), chalice.BatchSize(10), chalice.ReportBatchItemFailures())
	app.OnSQSMessage("", func(ctx context.Context, ev *chalice.SQSEvent) error {
		if len(ev.Failed()) != 0 {
			t.Error("Failed() not empty")
		}
		return nil
	}, chalice.Name("all_good"), chalice.QueueARN("arn:aws:sqs:us-west-2:123456789012:other"))

	out := invokeJSON(t, app, "worker", readFixture(t, "sqs_batch.json"))
	if out != `{"batchItemFailures":[{"itemIdentifier":"2e1424d4-f796-459a-8184-9c92662be6da"}]}` {
		t.Errorf("result = %s", out)
	}
	if want := []string{"first message", `{"fail": true}`, "third message"}; !reflect.DeepEqual(bodies, want) {
		t.Errorf("bodies = %q", bodies)
	}
	if out := invokeJSON(t, app, "all_good", readFixture(t, "sqs_batch.json")); out != `{"batchItemFailures":[]}` {
		t.Errorf("result = %s", out)
	}
}

func TestKinesisEvent(t *testing.T) {
	app := newApp()
	var data []string
	app.OnKinesisRecord("lambda-stream", func(ctx context.Context, ev *chalice.KinesisEvent) error {
		for _, r := range ev.Records {
			data = append(data, string(r.Kinesis.Data))
			if strings.HasPrefix(string(r.Kinesis.Data), "{") {
				ev.Fail(r.Kinesis.SequenceNumber)
			}
		}
		return nil
	}, chalice.Name("stream"), chalice.ReportBatchItemFailures())
	out := invokeJSON(t, app, "stream", readFixture(t, "kinesis.json"))
	if out != `{"batchItemFailures":[{"itemIdentifier":"49590338271490256608559692540925702759324208523137515618"}]}` {
		t.Errorf("result = %s", out)
	}
	if want := []string{"Hello, this is a test.", `{"bytes": [0, 255]}`}; !reflect.DeepEqual(data, want) {
		t.Errorf("data = %q", data)
	}
}

func TestDynamoDBEvent(t *testing.T) {
	app := newApp()
	var got *chalice.DynamoDBEvent
	app.OnDynamoDBRecord("arn:aws:dynamodb:us-west-2:12345:table/MyTable/stream/2020-09-28T16:49:14.209", func(ctx context.Context, ev *chalice.DynamoDBEvent) error {
		got = ev
		ev.Fail(ev.Records[0].Change.SequenceNumber)
		return nil
	}, chalice.Name("ddb"), chalice.StartingPosition("TRIM_HORIZON"))
	out := invokeJSON(t, app, "ddb", readFixture(t, "dynamodb_insert.json"))
	if out != `{"batchItemFailures":[{"itemIdentifier":"1700000000020701978607"}]}` {
		t.Errorf("result = %s", out)
	}
	r := got.Records[0]
	if r.EventName != "INSERT" || r.EventID != "da037887f71a88a1f6f4cfd149709d5a" || r.AWSRegion != "us-west-2" {
		t.Errorf("record = %+v", r)
	}
	if r.Change.Keys["PK"].String() != "foo" || r.Change.NewImage["count"].Number() != "3" || r.Change.StreamViewType != "NEW_AND_OLD_IMAGES" || r.Change.SizeBytes != 20 {
		t.Errorf("change = %+v", r.Change)
	}
	if !r.Change.ApproximateCreationDateTime.Time.Equal(time.Unix(1601317140, 0)) {
		t.Errorf("time = %v", r.Change.ApproximateCreationDateTime)
	}
}

func TestCloudWatchEvents(t *testing.T) {
	app := newApp()
	var sched, cw *chalice.CloudWatchEvent
	app.Schedule(chalice.Rate(1, chalice.Minutes), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { sched = ev; return nil }, chalice.Name("every_minute"))
	app.OnCWEvent(map[string]any{"source": []string{"aws.ec2"}}, func(ctx context.Context, ev *chalice.CloudWatchEvent) error { cw = ev; return nil }, chalice.Name("ec2_state"))
	if out := invokeJSON(t, app, "every_minute", readFixture(t, "scheduled.json")); out != "null" {
		t.Errorf("result = %s", out)
	}
	if sched.DetailType != "Scheduled Event" || sched.Source != "aws.events" || sched.AccountID != "123456789012" || sched.Region != "us-west-2" ||
		sched.ID != "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa" || sched.Version != "0" ||
		!reflect.DeepEqual(sched.Resources, []string{"arn:aws:events:us-west-2:123456789012:rule/testapp-dev-every_minute-event"}) ||
		!sched.Time.Equal(time.Date(2025, 4, 9, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("scheduled event = %+v", sched.CloudWatchEvent)
	}
	invokeJSON(t, app, "ec2_state", readFixture(t, "eventbridge.json"))
	var detail map[string]string
	if err := json.Unmarshal(cw.Detail, &detail); err != nil || detail["instance-id"] != "i-abcd1111" {
		t.Errorf("detail = %s (%v)", cw.Detail, err)
	}
	if cw.DetailType != "EC2 Instance State-change Notification" || string(cw.Raw()) != string(readFixture(t, "eventbridge.json")) {
		t.Errorf("event = %+v", cw.CloudWatchEvent)
	}
}

func TestEventHandlerErrors(t *testing.T) {
	app := newApp()
	sentinel := errors.New("handler failed")
	app.OnSNSMessage("t", func(ctx context.Context, ev *chalice.SNSEvent) error { return sentinel }, chalice.Name("fails"))
	app.OnSNSMessage("t", func(ctx context.Context, ev *chalice.SNSEvent) error { panic("sns panic") }, chalice.Name("panics"))
	app.OnSQSMessage("q", func(ctx context.Context, ev *chalice.SQSEvent) error {
		ev.Fail("x")
		return chalice.BadRequestError("whole batch")
	}, chalice.Name("sqs_fails"))
	ctx := context.Background()

	out, err := app.Invoke(ctx, "fails", readFixture(t, "sns.json"))
	if !errors.Is(err, sentinel) || out != nil {
		t.Errorf("Invoke = %s, %v; want the handler's error", out, err)
	}
	_, err = app.Invoke(ctx, "panics", readFixture(t, "sns.json"))
	var pe *chalice.PanicError
	if !errors.As(err, &pe) || pe.Value != "sns panic" || len(pe.Stack) == 0 || err.Error() != "panic: sns panic" {
		t.Errorf("panic error = %#v", err)
	}
	_, err = app.Invoke(ctx, "sqs_fails", readFixture(t, "sqs_batch.json"))
	if err == nil || err.Error() != "BadRequestError: whole batch" {
		t.Errorf("sqs error = %v", err)
	}
	if _, err := app.Invoke(ctx, "fails", []byte(`not json`)); err == nil || !strings.Contains(err.Error(), "decoding SNS event") {
		t.Errorf("garbage payload error = %v", err)
	}
}

func TestPureLambda(t *testing.T) {
	app := newApp()
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) {
		var in struct {
			A, B int
		}
		if err := json.Unmarshal(ev, &in); err != nil {
			return nil, err
		}
		return map[string]any{"sum": in.A + in.B, "raw": ev}, nil
	}, chalice.Name("adder"))
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, errors.New("nope") }, chalice.Name("failer"))
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil }, chalice.Name("nothing"))
	if out := invokeJSON(t, app, "adder", []byte(`{"A": 2, "B": 3}`)); out != `{"raw":{"A":2,"B":3},"sum":5}` {
		t.Errorf("adder = %s", out)
	}
	if out := invokeJSON(t, app, "nothing", []byte(`[]`)); out != "null" {
		t.Errorf("nothing = %s", out)
	}
	if _, err := app.Invoke(context.Background(), "failer", []byte(`{}`)); err == nil || err.Error() != "nope" {
		t.Errorf("failer err = %v", err)
	}
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := m.Function("adder"); !ok || f.Kind != "pure_lambda" || f.Handler != "adder" {
		t.Errorf("manifest function = %+v %v", f, ok)
	}
	if _, ok := m.Function("api_handler"); ok {
		t.Error("an app without routes has an api_handler")
	}
}
