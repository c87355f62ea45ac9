package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/gochalice/chalice"
)

// TaskFunc processes one task's payload. A returned error (or a panic)
// marks the message failed: SQS redelivers it after its visibility
// timeout, and then sends it to the queue's dead-letter queue if one is
// configured.
type TaskFunc func(ctx context.Context, payload json.RawMessage) error

// SQSClient is the part of *sqs.Client Tasks uses.
type SQSClient interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
	GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, opts ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error)
}

// ErrNoSQSClient is returned by Enqueue when Tasks has no SQS client.
var ErrNoSQSClient = errors.New("web: tasks: no SQS client (use web.WithAWSConfig or web.WithSQSClient)")

// ErrUnknownTask is returned by Enqueue for a task name nothing registered.
var ErrUnknownTask = errors.New("web: unknown task")

// Tasks is an SQS tasking controller (chalice-http-toolkit's
// TaskingController): handlers enqueue named tasks with a JSON payload and
// an SQS handler registered in the same app runs them.
type Tasks struct {
	app      *chalice.App
	queue    string
	fifo     bool
	function string

	mu       sync.RWMutex
	client   SQSClient
	queueURL string
	handlers map[string]TaskFunc
}

// TaskOption configures NewTasks.
type TaskOption func(*taskSettings)

type taskSettings struct {
	client    SQSClient
	queueURL  string
	function  string
	batchSize int
	extra     []chalice.SQSOption
}

// WithAWSConfig sends messages with an SQS client built from cfg (for
// example config.LoadDefaultConfig's result; on Lambda it carries the
// function role's credentials).
func WithAWSConfig(cfg aws.Config) TaskOption {
	return func(s *taskSettings) { s.client = sqs.NewFromConfig(cfg) }
}

// WithSQSClient sends messages with c (an *sqs.Client or a fake).
func WithSQSClient(c SQSClient) TaskOption { return func(s *taskSettings) { s.client = c } }

// QueueURL sets the queue URL, skipping the GetQueueUrl lookup.
func QueueURL(url string) TaskOption { return func(s *taskSettings) { s.queueURL = url } }

// TaskFunction names the Lambda function that processes the queue
// (default "tasks", deployed as {app}-{stage}-tasks).
func TaskFunction(name string) TaskOption { return func(s *taskSettings) { s.function = name } }

// TaskBatchSize sets the SQS batch size (default 10, the FIFO maximum).
func TaskBatchSize(n int) TaskOption { return func(s *taskSettings) { s.batchSize = n } }

// TaskHandlerOptions passes more options to app.OnSQSMessage
// (chalice.MaxConcurrency...).
func TaskHandlerOptions(opts ...chalice.SQSOption) TaskOption {
	return func(s *taskSettings) { s.extra = append(s.extra, opts...) }
}

// NewTasks creates the tasking controller for queueName (a FIFO queue when
// the name ends in ".fifo") and registers its SQS handler in app at once:
// OnSQSMessage(queueName, ..., Name(TaskFunction), BatchSize,
// ReportBatchItemFailures). The queue itself is not created by gochalice.
func NewTasks(app *chalice.App, queueName string, opts ...TaskOption) *Tasks {
	s := &taskSettings{function: "tasks", batchSize: 10}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	t := &Tasks{
		app: app, queue: queueName, fifo: strings.HasSuffix(queueName, ".fifo"), function: s.function,
		client: s.client, queueURL: s.queueURL, handlers: map[string]TaskFunc{},
	}
	hopts := append([]chalice.SQSOption{chalice.Name(s.function), chalice.BatchSize(s.batchSize), chalice.ReportBatchItemFailures()}, s.extra...)
	app.OnSQSMessage(queueName, t.Process, hopts...)
	return t
}

// FunctionName returns the name of the Lambda function processing tasks.
func (t *Tasks) FunctionName() string { return t.function }

// SetClient replaces the SQS client (e.g. once the AWS config is loaded).
func (t *Tasks) SetClient(c SQSClient) {
	t.mu.Lock()
	t.client = c
	t.mu.Unlock()
}

// Register adds the handler of a task name. It panics on an empty name, a
// nil function or a duplicate name (programming errors, found at start-up).
func (t *Tasks) Register(name string, fn TaskFunc) {
	if name == "" || fn == nil {
		panic("web: Tasks.Register needs a name and a function")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, dup := t.handlers[name]; dup {
		panic(fmt.Sprintf("web: task %q registered twice", name))
	}
	t.handlers[name] = fn
}

// envelope is the message body.
type envelope struct {
	Task    string          `json:"task"`
	Payload json.RawMessage `json:"payload"`
}

// EnqueueOption configures one Enqueue.
type EnqueueOption func(*enqueueSettings)

type enqueueSettings struct {
	group, dedup string
	contentDedup bool
	delay        int32
}

// GroupID sets the FIFO message group: messages of one group are
// processed in order, one batch at a time (default: the task name).
func GroupID(id string) EnqueueOption { return func(s *enqueueSettings) { s.group = id } }

// DedupID sets the FIFO deduplication id: SQS drops a message whose id it
// has seen in the last 5 minutes (default: a random id, so every Enqueue
// runs once).
func DedupID(id string) EnqueueOption { return func(s *enqueueSettings) { s.dedup = id } }

// ContentDedup derives the deduplication id from the task name and
// payload, so identical tasks enqueued within 5 minutes run once.
func ContentDedup() EnqueueOption { return func(s *enqueueSettings) { s.contentDedup = true } }

// Delay delays delivery (standard queues only; FIFO queues only support
// a queue-wide delay).
func Delay(seconds int32) EnqueueOption { return func(s *enqueueSettings) { s.delay = seconds } }

// Enqueue sends task name with payload (json.RawMessage and []byte are
// sent as is, anything else is JSON-encoded) and returns the SQS message
// id. Enqueueing a name no handler is registered for is an error, unless
// this app registers no task at all (a producer-only app).
func (t *Tasks) Enqueue(ctx context.Context, name string, payload any, opts ...EnqueueOption) (string, error) {
	var es enqueueSettings
	for _, o := range opts {
		if o != nil {
			o(&es)
		}
	}
	t.mu.RLock()
	_, known := t.handlers[name]
	n, client := len(t.handlers), t.client
	t.mu.RUnlock()
	if name == "" || (!known && n > 0) {
		return "", fmt.Errorf("%w %q", ErrUnknownTask, name)
	}
	if client == nil {
		return "", ErrNoSQSClient
	}
	var raw json.RawMessage
	switch p := payload.(type) {
	case json.RawMessage:
		raw = p
	case []byte:
		raw = p
	default:
		b, err := json.Marshal(p)
		if err != nil {
			return "", fmt.Errorf("web: task %s: encoding payload: %w", name, err)
		}
		raw = b
	}
	if !json.Valid(raw) {
		return "", fmt.Errorf("web: task %s: payload is not valid JSON", name)
	}
	body, err := json.Marshal(envelope{Task: name, Payload: raw})
	if err != nil {
		return "", err
	}
	url, err := t.url(ctx, client)
	if err != nil {
		return "", err
	}
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(string(body))}
	if t.fifo {
		group := es.group
		if group == "" {
			group = name
		}
		dedup := es.dedup
		switch {
		case dedup != "":
		case es.contentDedup:
			sum := sha256.Sum256(body)
			dedup = hex.EncodeToString(sum[:])
		default:
			var b [16]byte
			_, _ = rand.Read(b[:])
			dedup = hex.EncodeToString(b[:])
		}
		in.MessageGroupId, in.MessageDeduplicationId = aws.String(group), aws.String(dedup)
	} else {
		in.DelaySeconds = es.delay
	}
	out, err := client.SendMessage(ctx, in)
	if err != nil {
		return "", fmt.Errorf("web: enqueueing task %s: %w", name, err)
	}
	return aws.ToString(out.MessageId), nil
}

func (t *Tasks) url(ctx context.Context, client SQSClient) (string, error) {
	t.mu.RLock()
	u := t.queueURL
	t.mu.RUnlock()
	if u != "" {
		return u, nil
	}
	out, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(t.queue)})
	if err != nil {
		return "", fmt.Errorf("web: looking up queue %s: %w", t.queue, err)
	}
	u = aws.ToString(out.QueueUrl)
	t.mu.Lock()
	t.queueURL = u
	t.mu.Unlock()
	return u, nil
}

type taskMessageKey struct{}

// TaskMessage returns the SQS message a task is running for (message id,
// receive count, group id...), for idempotency checks and logging.
func TaskMessage(ctx context.Context) (*events.SQSMessage, bool) {
	m, ok := ctx.Value(taskMessageKey{}).(*events.SQSMessage)
	return m, ok
}

// Process is the SQS handler NewTasks registers. Each record runs its
// task; failures are reported with ev.Fail (partial batch response), so
// only they are redelivered. On a FIFO queue, once a message of a group
// fails, the later messages of that group in the batch are reported failed
// without running, preserving the group's order.
func (t *Tasks) Process(ctx context.Context, ev *chalice.SQSEvent) error {
	failedGroups := map[string]bool{}
	for i := range ev.Records {
		rec := &ev.Records[i]
		group := rec.Attributes["MessageGroupId"]
		if t.fifo && group != "" && failedGroups[group] {
			ev.Fail(rec.MessageId)
			continue
		}
		if err := t.run(ctx, rec); err != nil {
			t.app.Log.Error("task failed", "message_id", rec.MessageId, "group", group, "error", err)
			ev.Fail(rec.MessageId)
			if group != "" {
				failedGroups[group] = true
			}
		}
	}
	return nil
}

func (t *Tasks) run(ctx context.Context, rec *events.SQSMessage) (err error) {
	var env envelope
	if err := json.Unmarshal([]byte(rec.Body), &env); err != nil || env.Task == "" {
		return fmt.Errorf("message body is not a task envelope {\"task\",\"payload\"}: %q", truncate(rec.Body, 200))
	}
	t.mu.RLock()
	fn := t.handlers[env.Task]
	t.mu.RUnlock()
	if fn == nil {
		return fmt.Errorf("%w %q", ErrUnknownTask, env.Task)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("task %s panicked: %v\n%s", env.Task, p, debug.Stack())
		}
	}()
	if len(env.Payload) == 0 {
		env.Payload = json.RawMessage("null")
	}
	return fn(context.WithValue(ctx, taskMessageKey{}, rec), env.Payload)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
