package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/manifest"
	"github.com/gochalice/chalice/web"
)

type signup struct {
	Email string `json:"email"`
}

// taskApp is a site whose POST /signup enqueues tasks processed by the
// same app's "tasks" function.
type taskApp struct {
	app   *chalice.App
	tasks *web.Tasks
	mu    sync.Mutex
	ran   []string
}

func newTaskApp(t *testing.T, opts ...web.TaskOption) *taskApp {
	ta := &taskApp{app: chalice.New("site")}
	ta.tasks = web.NewTasks(ta.app, "tasks.fifo", opts...)
	ta.tasks.Register("welcome_email", func(ctx context.Context, payload json.RawMessage) error {
		var s signup
		if err := json.Unmarshal(payload, &s); err != nil {
			return err
		}
		msg, ok := web.TaskMessage(ctx)
		if !ok || msg.MessageId == "" {
			return errors.New("no SQS message in the task context")
		}
		if strings.HasPrefix(s.Email, "bad") {
			return errors.New("mail server said no")
		}
		ta.mu.Lock()
		ta.ran = append(ta.ran, "welcome_email:"+s.Email)
		ta.mu.Unlock()
		return nil
	})
	ta.tasks.Register("track", func(ctx context.Context, payload json.RawMessage) error {
		ta.mu.Lock()
		ta.ran = append(ta.ran, "track:"+string(payload))
		ta.mu.Unlock()
		return nil
	})
	ta.app.Post("/signup", func(ctx context.Context, req *chalice.Request) (any, error) {
		var s signup
		if err := req.DecodeJSON(&s); err != nil {
			return nil, err
		}
		id, err := ta.tasks.Enqueue(ctx, "welcome_email", s, web.GroupID("user-"+s.Email))
		if err != nil {
			return nil, err
		}
		if _, err := ta.tasks.Enqueue(ctx, "track", map[string]string{"event": "signup"}, web.GroupID("analytics")); err != nil {
			return nil, err
		}
		return map[string]string{"queued": id}, nil
	}, chalice.Name("signup"))
	return ta
}

func (ta *taskApp) results() []string {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	return append([]string(nil), ta.ran...)
}

func TestTasksRegistration(t *testing.T) {
	ta := newTaskApp(t)
	m, err := ta.app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var src *manifest.EventSource
	for i := range m.EventSources {
		if m.EventSources[i].Function == "tasks" {
			src = &m.EventSources[i]
		}
	}
	if src == nil || src.Type != "sqs" || src.Queue != "tasks.fifo" || !src.ReportBatchItemFailures || src.BatchSize != 10 {
		t.Fatalf("tasks event source: %+v", src)
	}
	if _, err := ta.tasks.Enqueue(context.Background(), "nope", nil); !errors.Is(err, web.ErrUnknownTask) {
		t.Errorf("unknown task: %v", err)
	}
	if _, err := ta.tasks.Enqueue(context.Background(), "track", nil); !errors.Is(err, web.ErrNoSQSClient) {
		t.Errorf("no client: %v", err)
	}
}

// sqsEvent turns received messages into the event Lambda's SQS poller
// delivers, keeping the real ids, bodies and attributes.
func sqsEvent(msgs []types.Message, queueARN string) events.SQSEvent {
	ev := events.SQSEvent{}
	for _, m := range msgs {
		attrs := map[string]string{}
		for k, v := range m.Attributes {
			attrs[k] = v
		}
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
			Md5OfBody: aws.ToString(m.MD5OfBody), Attributes: attrs, MessageAttributes: map[string]events.SQSMessageAttribute{},
			EventSource: "aws:sqs", EventSourceARN: queueARN, AWSRegion: moto.Region,
		})
	}
	return ev
}

func TestTasksRoundTripMoto(t *testing.T) {
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := sqs.NewFromConfig(cfg)
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("tasks.fifo"), Attributes: map[string]string{
		"FifoQueue": "true", "VisibilityTimeout": "1",
	}})
	if err != nil {
		t.Fatal(err)
	}
	qa, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	queueARN := qa.Attributes["QueueArn"]

	ta := newTaskApp(t, web.WithAWSConfig(cfg)) // the queue URL is looked up by name
	c := chalicetest.New(t, ta.app)
	var ids []string
	for _, email := range []string{"ann@example.com", "bad@example.com"} {
		res := c.Post("/signup", chalicetest.WithJSON(signup{email}))
		var out map[string]string
		if res.StatusCode != 200 || res.JSON(&out) != nil || out["queued"] == "" {
			t.Fatalf("POST /signup: %d %s", res.StatusCode, res.Body)
		}
		ids = append(ids, out["queued"])
	}

	recv, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(recv.Messages) != 4 {
		t.Fatalf("received %d messages, want 4", len(recv.Messages))
	}
	groups := map[string]string{}
	for _, m := range recv.Messages {
		groups[aws.ToString(m.MessageId)] = m.Attributes["MessageGroupId"]
		if m.Attributes["MessageDeduplicationId"] == "" {
			t.Errorf("message %s has no deduplication id", aws.ToString(m.MessageId))
		}
	}
	if groups[ids[0]] != "user-ann@example.com" || groups[ids[1]] != "user-bad@example.com" {
		t.Errorf("groups: %v", groups)
	}

	inv, err := c.Invoke("tasks", sqsEvent(recv.Messages, queueARN))
	if err != nil {
		t.Fatal(err)
	}
	var resp events.SQSEventResponse
	if err := inv.JSON(&resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != ids[1] {
		t.Errorf("batch failures %+v, want only %s (the bad address)", resp.BatchItemFailures, ids[1])
	}
	got := strings.Join(ta.results(), ",")
	if got != `welcome_email:ann@example.com,track:{"event":"signup"},track:{"event":"signup"}` {
		t.Errorf("tasks ran: %s", got)
	}

	// As Lambda would: delete the successes; the failure comes back after
	// its visibility timeout.
	for _, m := range recv.Messages {
		if aws.ToString(m.MessageId) == ids[1] {
			continue
		}
		if _, err := client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		again, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Messages) == 1 && aws.ToString(again.Messages[0].MessageId) == ids[1] {
			break
		}
		if len(again.Messages) > 0 || time.Now().After(deadline) {
			t.Fatalf("redelivery: got %d messages", len(again.Messages))
		}
	}
}

// fakeSQS records SendMessage calls.
type fakeSQS struct{ sent []*sqs.SendMessageInput }

func (f *fakeSQS) SendMessage(ctx context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	f.sent = append(f.sent, in)
	return &sqs.SendMessageOutput{MessageId: aws.String("m" + string(rune('0'+len(f.sent))))}, nil
}

func (f *fakeSQS) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, _ ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	return &sqs.GetQueueUrlOutput{QueueUrl: aws.String("https://sqs.local/" + aws.ToString(in.QueueName))}, nil
}

func TestTasksEnqueueOptions(t *testing.T) {
	fake := &fakeSQS{}
	ta := newTaskApp(t, web.WithSQSClient(fake), web.QueueURL("https://q/tasks.fifo"))
	ctx := context.Background()
	must := func(_ string, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ta.tasks.Enqueue(ctx, "track", json.RawMessage(`{"a":1}`)))
	must(ta.tasks.Enqueue(ctx, "track", json.RawMessage(`{"a":1}`)))
	must(ta.tasks.Enqueue(ctx, "track", json.RawMessage(`{"a":1}`), web.ContentDedup()))
	must(ta.tasks.Enqueue(ctx, "track", json.RawMessage(`{"a":1}`), web.ContentDedup()))
	must(ta.tasks.Enqueue(ctx, "track", nil, web.GroupID("g"), web.DedupID("d")))
	s := fake.sent
	if aws.ToString(s[0].QueueUrl) != "https://q/tasks.fifo" || aws.ToString(s[0].MessageGroupId) != "track" {
		t.Errorf("defaults: url %s group %s", aws.ToString(s[0].QueueUrl), aws.ToString(s[0].MessageGroupId))
	}
	if aws.ToString(s[0].MessageDeduplicationId) == aws.ToString(s[1].MessageDeduplicationId) {
		t.Error("default deduplication ids repeat")
	}
	if aws.ToString(s[2].MessageDeduplicationId) != aws.ToString(s[3].MessageDeduplicationId) {
		t.Error("ContentDedup ids differ for the same task")
	}
	if aws.ToString(s[4].MessageGroupId) != "g" || aws.ToString(s[4].MessageDeduplicationId) != "d" || aws.ToString(s[4].MessageBody) != `{"task":"track","payload":null}` {
		t.Errorf("explicit: %s %s %s", aws.ToString(s[4].MessageGroupId), aws.ToString(s[4].MessageDeduplicationId), aws.ToString(s[4].MessageBody))
	}
	if _, err := ta.tasks.Enqueue(ctx, "track", []byte("{not json")); err == nil {
		t.Error("invalid JSON payload accepted")
	}
}

func TestTasksFIFOGroupOrderOnFailure(t *testing.T) {
	ta := newTaskApp(t)
	c := chalicetest.New(t, ta.app)
	body := func(task, payload string) string { return `{"task":"` + task + `","payload":` + payload + `}` }
	rec := func(id, group, b string) events.SQSMessage {
		return events.SQSMessage{MessageId: id, Body: b, Attributes: map[string]string{"MessageGroupId": group}, EventSource: "aws:sqs"}
	}
	ev := events.SQSEvent{Records: []events.SQSMessage{
		rec("1", "u1", body("welcome_email", `{"email":"bad1"}`)),
		rec("2", "u1", body("welcome_email", `{"email":"ok-after-failure"}`)), // same group: must not run
		rec("3", "u2", body("welcome_email", `{"email":"ok2"}`)),
		rec("4", "u3", `not json`),
		rec("5", "u4", body("unknown", `{}`)),
		rec("6", "u5", body("track", `"x"`)),
	}}
	inv, err := c.Invoke("tasks", ev)
	if err != nil {
		t.Fatal(err)
	}
	var resp events.SQSEventResponse
	if err := inv.JSON(&resp); err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if strings.Join(failed, ",") != "1,2,4,5" {
		t.Errorf("failed %v, want 1,2,4,5", failed)
	}
	if got := strings.Join(ta.results(), ","); got != `welcome_email:ok2,track:"x"` {
		t.Errorf("ran %s", got)
	}
}
