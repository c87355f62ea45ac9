package localevents

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/manifest"
)

func TestHandled(t *testing.T) {
	ids := []string{"a", "b", "c"}
	for _, tc := range []struct {
		name     string
		resp     string
		report   bool
		want     string // handled ids, sorted
		wantFail bool
	}{
		{"no report", `{"batchItemFailures":[{"itemIdentifier":"a"}]}`, false, "abc", false},
		{"null", `null`, true, "abc", false},
		{"empty list", `{"batchItemFailures":[]}`, true, "abc", false},
		{"one failed", `{"batchItemFailures":[{"itemIdentifier":"b"}]}`, true, "ac", false},
		{"not json", `ok`, true, "abc", false},
		{"unknown id", `{"batchItemFailures":[{"itemIdentifier":"z"}]}`, true, "", true},
		{"null id", `{"batchItemFailures":[{"itemIdentifier":null}]}`, true, "", true},
		{"empty id", `{"batchItemFailures":[{"itemIdentifier":""}]}`, true, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Handled(ids, []byte(tc.resp), tc.report)
			if (err != nil) != tc.wantFail {
				t.Fatalf("err = %v, want failure %v", err, tc.wantFail)
			}
			var s string
			for _, id := range ids {
				if got[id] {
					s += id
				}
			}
			if s != tc.want {
				t.Errorf("handled %q, want %q", s, tc.want)
			}
		})
	}
}

func TestParseSchedule(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ expr, from, next string }{
		{"cron(0 10 * * ? *)", "2026-12-02T09:59:00Z", "2026-12-02T10:00:00Z"},
		{"cron(0 10 * * ? *)", "2026-12-02T10:00:00Z", "2026-12-03T10:00:00Z"},
		{"cron(*/15 * * * ? *)", "2026-12-02T10:01:30Z", "2026-12-02T10:15:00Z"},
		{"cron(0/5 8-17 ? * MON-FRI *)", "2026-12-04T17:56:00Z", "2026-12-07T08:00:00Z"}, // Friday evening → Monday
		{"cron(0 0 1 JAN,JUL ? 2027)", "2026-12-02T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"cron(30 12 ? * 1 *)", "2026-12-02T00:00:00Z", "2026-12-06T12:30:00Z"}, // 1 = Sunday
		{"cron(15 6 29 FEB ? *)", "2026-03-01T00:00:00Z", "2028-02-29T06:15:00Z"},
	} {
		s, err := ParseSchedule(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got := s.Next(at(tc.from)); !got.Equal(at(tc.next)) {
			t.Errorf("%s after %s: %s, want %s", tc.expr, tc.from, got.Format(time.RFC3339), tc.next)
		}
	}
	r, err := ParseSchedule("rate(5 minutes)")
	if err != nil {
		t.Fatal(err)
	}
	start := at("2026-12-02T10:00:00Z")
	if got := r.Next(start); !got.Equal(start.Add(5 * time.Minute)) {
		t.Errorf("rate: first %s", got)
	}
	if got := r.Next(start.Add(5 * time.Minute)); !got.Equal(start.Add(10 * time.Minute)) {
		t.Errorf("rate: second %s", got)
	}
	for expr, want := range map[string]string{
		"rate(0 minutes)":      "positive",
		"rate(1 week)":         "unit",
		"cron(0 10 * * *)":     "six fields",
		"cron(0 10 * * * *)":   "exactly one of",
		"cron(0 10 L * ? *)":   "L, W and # are not supported",
		"cron(0 10 ? * 6#3 *)": "L, W and # are not supported",
		"cron(0 25 * * ? *)":   "hours",
		"cron(0 10 * FOO ? *)": "month",
		"every day":            "not a rate",
	} {
		if _, err := ParseSchedule(expr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", expr, err, want)
		}
	}
}

func TestS3Payload(t *testing.T) {
	body := `{"Records":[{"eventName":"ObjectCreated:Put","eventTime":"2026-12-02T02:16:40.466956","s3":{"bucket":{"name":"b"},"object":{"key":"in/a+b.csv"}}},{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"in/x.txt"}}}]}`
	out, skip, err := S3Payload(body, "in/", ".csv")
	if err != nil || skip {
		t.Fatalf("skip %v, err %v", skip, err)
	}
	var ev events.S3Event
	if err := json.Unmarshal(out, &ev); err != nil || len(ev.Records) != 1 || ev.Records[0].S3.Object.Key != "in/a+b.csv" || ev.Records[0].EventTime.IsZero() {
		t.Errorf("payload %s (%v)", out, err)
	}
	if _, skip, _ := S3Payload(`{"Service":"Amazon S3","Event":"s3:TestEvent"}`, "", ""); !skip {
		t.Error("test event not skipped")
	}
	if _, skip, _ := S3Payload(body, "out/", ""); !skip {
		t.Error("no matching record not skipped")
	}
}

// recorder is an Invoker that keeps the payloads per function and fails
// those whose payload contains "fail".
type recorder struct {
	mu  sync.Mutex
	got map[string][][]byte
	hit chan string
}

func (r *recorder) invoke(_ context.Context, function string, payload []byte) ([]byte, error) {
	r.mu.Lock()
	r.got[function] = append(r.got[function], payload)
	r.mu.Unlock()
	r.hit <- function
	return []byte("null"), nil
}

// TestBridges: on moto, a topic publish reaches an SNS handler as an SNS
// event and an object put reaches an S3 handler as an S3 event, both
// through the bridge queues Start sets up.
func TestBridges(t *testing.T) {
	srv := moto.Start(t)
	ctx := context.Background()
	awsCfg := aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(srv.Endpoint), Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
	m := &manifest.Manifest{App: "br", Resources: []manifest.Resource{
		{Kind: manifest.ResourceTopic, Name: "news", EnvPrefix: "GOCHALICE_TOPIC_NEWS", Topic: &manifest.TopicSpec{}},
		{Kind: manifest.ResourceBucket, Name: "uploads", EnvPrefix: "GOCHALICE_BUCKET_UPLOADS", Bucket: &manifest.BucketSpec{}},
		{Kind: manifest.ResourceBus, Name: "shop", EnvPrefix: "GOCHALICE_BUS_SHOP"},
	}, Functions: []manifest.Function{{Name: "announce", Handler: "announce", Kind: manifest.KindEvent}, {Name: "imported", Handler: "imported", Kind: manifest.KindEvent},
		{Name: "onshop", Handler: "onshop", Kind: manifest.KindEvent}},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceSNS, Function: "announce", Resource: "news"},
			{Type: manifest.SourceS3, Function: "imported", Resource: "uploads", Events: []string{"s3:ObjectCreated:*"}, Suffix: ".csv"},
			{Type: manifest.SourceSchedule, Function: "announce", Schedule: "rate(1 hour)"},
			{Type: manifest.SourceCWEvent, Function: "onshop", Resource: "shop", EventPattern: json.RawMessage(`{"source":["shop"]}`)},
		}}
	cfg, err := config.Parse("config.json", []byte(`{"app_name": "br"}`))
	if err != nil {
		t.Fatal(err)
	}
	model, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: "dev", DeclaredResources: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := provision.Ensure(ctx, awsCfg, model.Declared)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{got: map[string][][]byte{}, hit: make(chan string, 10)}
	r, err := Start(ctx, Options{AWS: awsCfg, Manifest: m, Resources: res, App: "br", Stage: "dev", Invoke: rec.invoke,
		Timeout: func(string) time.Duration { return time.Second }, Log: slog.New(slog.NewTextHandler(tWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if len(r.Sources) != 3 || len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0], "schedules are off") {
		t.Errorf("sources %q, skipped %q", r.Sources, r.Skipped)
	}
	wait := func(fn string) []byte {
		t.Helper()
		select {
		case got := <-rec.hit:
			if got != fn {
				t.Fatalf("invoked %s, want %s", got, fn)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s not invoked", fn)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return rec.got[fn][len(rec.got[fn])-1]
	}

	topicARN := res.Resource("news").Values[appgraph.AttrARN]
	if _, err := sns.NewFromConfig(awsCfg).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String("hello"), Subject: aws.String("greeting")}); err != nil {
		t.Fatal(err)
	}
	var snsEv events.SNSEvent
	if err := json.Unmarshal(wait("announce"), &snsEv); err != nil || len(snsEv.Records) != 1 {
		t.Fatalf("SNS event: %v", err)
	}
	if e := snsEv.Records[0]; e.EventSource != "aws:sns" || e.SNS.Message != "hello" || e.SNS.Subject != "greeting" || e.SNS.TopicArn != topicARN || e.EventSubscriptionArn == "" {
		t.Errorf("SNS record %+v", e)
	}

	s3c := s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true })
	bucket := res.Resource("uploads").Values[appgraph.AttrName]
	for _, key := range []string{"skip.txt", "data/a.csv"} {
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	var s3Ev events.S3Event
	if err := json.Unmarshal(wait("imported"), &s3Ev); err != nil || len(s3Ev.Records) != 1 {
		t.Fatalf("S3 event: %v", err)
	}
	if rec := s3Ev.Records[0]; rec.S3.Object.URLDecodedKey != "data/a.csv" || rec.S3.Bucket.Name != bucket || !strings.HasPrefix(rec.EventName, "ObjectCreated") {
		t.Errorf("S3 record %+v", rec)
	}
	bus := res.Resource("shop").Values[appgraph.AttrName]
	ebc := eventbridge.NewFromConfig(awsCfg)
	for _, source := range []string{"other", "shop"} {
		if _, err := ebc.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{EventBusName: aws.String(bus),
			Source: aws.String(source), DetailType: aws.String("order"), Detail: aws.String(`{"id":1}`)}}}); err != nil {
			t.Fatal(err)
		}
	}
	var cwEv events.CloudWatchEvent
	if err := json.Unmarshal(wait("onshop"), &cwEv); err != nil {
		t.Fatalf("EventBridge event: %v", err)
	}
	if cwEv.Source != "shop" || cwEv.DetailType != "order" || string(cwEv.Detail) != `{"id": 1}` && string(cwEv.Detail) != `{"id":1}` {
		t.Errorf("EventBridge event %+v (detail %s)", cwEv, cwEv.Detail)
	}
	select {
	case fn := <-rec.hit:
		t.Errorf("unexpected invocation of %s", fn)
	case <-time.After(500 * time.Millisecond):
	}
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestScheduleFires: a cron schedule fires at its next minute (the clock
// is set just before it) with EventBridge's scheduled event.
func TestScheduleFires(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 59, 900e6, time.UTC)
	rec := &recorder{got: map[string][][]byte{}, hit: make(chan string, 10)}
	m := &manifest.Manifest{App: "sc", EventSources: []manifest.EventSource{{Type: manifest.SourceSchedule, Function: "tick", Schedule: "cron(* * * * ? *)"}}}
	r, err := Start(context.Background(), Options{AWS: aws.Config{Region: "us-west-2"}, Manifest: m, App: "sc", Stage: "dev", Schedules: true,
		Invoke: rec.invoke, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	select {
	case <-rec.hit:
	case <-time.After(5 * time.Second):
		t.Fatal("schedule did not fire")
	}
	var ev events.CloudWatchEvent
	if err := json.Unmarshal(rec.got["tick"][0], &ev); err != nil {
		t.Fatal(err)
	}
	if ev.DetailType != "Scheduled Event" || ev.Source != "aws.events" || !ev.Time.Equal(time.Date(2026, 12, 2, 10, 1, 0, 0, time.UTC)) ||
		len(ev.Resources) != 1 || ev.Resources[0] != "arn:aws:events:us-west-2:123456789012:rule/sc-dev-tick" || ev.ID == "" {
		t.Errorf("event %+v", ev)
	}
}

// TestSQSDrain: the SQS poller hands a message to the function as
// Lambda's SQS event, and Drain lets the invocation in flight finish and
// its message be deleted before it returns.
func TestSQSDrain(t *testing.T) {
	srv := moto.Start(t)
	ctx := context.Background()
	awsCfg := aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(srv.Endpoint), Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
	m := &manifest.Manifest{App: "dr", Resources: []manifest.Resource{{Kind: manifest.ResourceQueue, Name: "jobs", EnvPrefix: "GOCHALICE_QUEUE_JOBS", Queue: &manifest.QueueSpec{}}},
		Functions:    []manifest.Function{{Name: "work", Handler: "work", Kind: manifest.KindEvent}},
		EventSources: []manifest.EventSource{{Type: manifest.SourceSQS, Function: "work", Resource: "jobs", BatchSize: 10}}}
	cfg, err := config.Parse("config.json", []byte(`{"app_name": "dr"}`))
	if err != nil {
		t.Fatal(err)
	}
	model, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: "dev", DeclaredResources: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := provision.Ensure(ctx, awsCfg, model.Declared)
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan []byte, 1), make(chan struct{})
	r, err := Start(ctx, Options{AWS: awsCfg, Manifest: m, Resources: res, App: "dr", Stage: "dev",
		Invoke: func(_ context.Context, _ string, payload []byte) ([]byte, error) {
			started <- payload
			<-release
			return []byte("null"), nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	q := res.Resource("jobs").Values
	client := sqs.NewFromConfig(awsCfg)
	if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q[appgraph.AttrURL]), MessageBody: aws.String("hi"),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{"k": {DataType: aws.String("String"), StringValue: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	var payload []byte
	select {
	case payload = <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("not invoked")
	}
	var ev events.SQSEvent
	if err := json.Unmarshal(payload, &ev); err != nil || len(ev.Records) != 1 {
		t.Fatalf("SQS event %s: %v", payload, err)
	}
	if rec := ev.Records[0]; rec.Body != "hi" || rec.EventSource != "aws:sqs" || rec.EventSourceARN != q[appgraph.AttrARN] || rec.AWSRegion != "us-west-2" ||
		rec.ReceiptHandle == "" || rec.Attributes["ApproximateReceiveCount"] != "1" || rec.MessageAttributes["k"].StringValue == nil || *rec.MessageAttributes["k"].StringValue != "v" {
		t.Errorf("SQS record %+v", rec)
	}
	drained := make(chan struct{})
	go func() { r.Drain(); close(drained) }()
	select {
	case <-drained:
		t.Fatal("Drain returned with an invocation in flight")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	select {
	case <-drained:
	case <-time.After(10 * time.Second):
		t.Fatal("Drain did not return")
	}
	attrs, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(q[appgraph.AttrURL]),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	if n, nv := attrs.Attributes["ApproximateNumberOfMessages"], attrs.Attributes["ApproximateNumberOfMessagesNotVisible"]; n != "0" || nv != "0" {
		t.Errorf("after Drain the queue holds %s visible and %s in flight, want none (deleted)", n, nv)
	}
}

// A schedule with chalice.TimeZone reads its cron on that zone's wall
// clock, as EventBridge Scheduler does: a time skipped when the clocks go
// forward does not fire that day, a time passed twice fires once.
func TestParseScheduleInTimeZone(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, expr, zone, from string
		next                   []string // successive firings, in UTC
	}{
		{"UTC when no zone", "cron(0 9 * * ? *)", "", "2026-01-10T00:00:00Z", []string{"2026-01-10T09:00:00Z"}},
		{"Berlin winter (UTC+1)", "cron(0 9 * * ? *)", "Europe/Berlin", "2026-01-10T00:00:00Z", []string{"2026-01-10T08:00:00Z", "2026-01-11T08:00:00Z"}},
		{"Berlin summer (UTC+2)", "cron(0 9 * * ? *)", "Europe/Berlin", "2026-07-10T00:00:00Z", []string{"2026-07-10T07:00:00Z"}},
		{"across the spring change", "cron(0 9 * * ? *)", "Europe/Berlin", "2026-03-28T12:00:00Z", []string{"2026-03-29T07:00:00Z"}},
		{"repeated hour fires once", "cron(30 1 * * ? *)", "America/New_York", "2026-10-31T12:00:00Z",
			[]string{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		{"weekday in the zone, not in UTC", "cron(0 1 ? * MON *)", "Asia/Tokyo", "2026-01-01T00:00:00Z", []string{"2026-01-04T16:00:00Z"}},
		{"rate ignores the zone", "rate(1 hour)", "Asia/Tokyo", "2026-01-01T00:00:00Z", []string{"2026-01-01T01:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseScheduleIn(tt.expr, tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			from := at(tt.from)
			for _, want := range tt.next {
				got := s.Next(from)
				if !got.Equal(at(want)) {
					t.Fatalf("after %s: %s, want %s", from.UTC().Format(time.RFC3339), got.UTC().Format(time.RFC3339), want)
				}
				from = got
			}
		})
	}
	// The spring-forward day: 02:30 does not exist on 8 March 2026 in New
	// York, so the firing after 7 March's is 9 March's.
	s, err := ParseScheduleIn("cron(30 2 * * ? *)", "America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	first := s.Next(at("2026-03-07T12:00:00Z"))
	if want := at("2026-03-09T06:30:00Z"); !first.Equal(want) {
		t.Errorf("over the skipped hour: %s, want %s", first.UTC().Format(time.RFC3339), want.Format(time.RFC3339))
	}
	if _, err := ParseScheduleIn("cron(0 9 * * ? *)", "Mars/Olympus_Mons"); err == nil || !strings.Contains(err.Error(), `"Mars/Olympus_Mons"`) {
		t.Errorf("unknown zone: %v", err)
	}
}
