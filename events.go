package chalice

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/gochalice/chalice/manifest"
)

// CloudWatchEvent is what schedule and EventBridge handlers receive.
type CloudWatchEvent struct {
	events.CloudWatchEvent
	invocation
	raw json.RawMessage
}

// Raw returns the event as Lambda delivered it (Chalice's to_dict).
func (e *CloudWatchEvent) Raw() json.RawMessage { return e.raw }

// S3Event is what S3 handlers receive. Bucket and Key come from the first
// record; Key is URL-unescaped ('+' is a space), as in Chalice.
type S3Event struct {
	events.S3Event
	Bucket string
	Key    string
	invocation
	raw json.RawMessage
}

// Raw returns the event as Lambda delivered it.
func (e *S3Event) Raw() json.RawMessage { return e.raw }

// SNSEvent is what SNS handlers receive; Message, Subject and
// MessageAttributes come from the first record.
type SNSEvent struct {
	events.SNSEvent
	Message           string
	Subject           string
	MessageAttributes map[string]any
	invocation
	raw json.RawMessage
}

// Raw returns the event as Lambda delivered it.
func (e *SNSEvent) Raw() json.RawMessage { return e.raw }

// batchFailures collects record IDs for partial batch responses.
type batchFailures struct{ ids []string }

// Fail marks a record (by SQS message ID or stream sequence number) as
// failed: with ReportBatchItemFailures only failed records are retried.
func (b *batchFailures) Fail(id string) { b.ids = append(b.ids, id) }

// Failed returns the IDs marked with Fail.
func (b *batchFailures) Failed() []string { return b.ids }

// SQSEvent is what SQS handlers receive.
type SQSEvent struct {
	events.SQSEvent
	batchFailures
	invocation
	raw json.RawMessage
}

// Raw returns the event as Lambda delivered it.
func (e *SQSEvent) Raw() json.RawMessage { return e.raw }

// KinesisEvent is what Kinesis handlers receive; each record's Data is
// already base64-decoded.
type KinesisEvent struct {
	events.KinesisEvent
	batchFailures
	invocation
	raw json.RawMessage
}

// Raw returns the event as Lambda delivered it.
func (e *KinesisEvent) Raw() json.RawMessage { return e.raw }

// DynamoDBEvent is what DynamoDB stream handlers receive.
type DynamoDBEvent struct {
	events.DynamoDBEvent
	batchFailures
	invocation
	raw json.RawMessage
}

// Raw returns the event as Lambda delivered it.
func (e *DynamoDBEvent) Raw() json.RawMessage { return e.raw }

// eventEntry is a registered event handler: its Lambda function and its
// source.
type eventEntry struct {
	name   string
	source manifest.EventSource
	grants []grant
	// res is the declared resource the source reads, or the bus it runs
	// on (nil: none).
	res Resource
	// invoker builds the function (named name) inside the app's
	// middleware, reporting mistakes of the middleware through problem.
	invoker func(mws []middlewareEntry, name string, problem func(format string, args ...any)) invokeFunc
}

// eventInvoker returns the invoker of an event handler fn of kind (for
// messages) and middleware event type t: decode builds the event from the
// payload; result, if set, builds the function's return value (null
// otherwise).
func eventInvoker[E Event](kind string, t EventType, decode func(payload []byte) (E, error), fn EventHandler[E], result func(E) any) func([]middlewareEntry, string, func(string, ...any)) invokeFunc {
	ad := eventAdapters(kind, result)
	return func(mws []middlewareEntry, name string, problem func(string, ...any)) invokeFunc {
		final := EventHandler[E](func(ctx context.Context, ev E) error {
			if ev == nil {
				return fmt.Errorf("%s middleware passed a nil %T to next, want the event it received", kind, ev)
			}
			handled(ev)
			return fn(ctx, ev)
		})
		h := buildChain(mws, t, final, ad, nil, problem)
		return func(ctx context.Context, payload []byte) ([]byte, error) {
			ev, err := decode(payload)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if err := h(ctx, ev); err != nil {
				return nil, err
			}
			return json.Marshal(eventResult(ev, result))
		}
	}
}

// addEvent registers an event handler under name (the Name option or the
// Go function's name) once the registration has begun.
func (r *registry) addEvent(kind, name string, nilFn bool, src manifest.EventSource,
	invoker func([]middlewareEntry, string, func(string, ...any)) invokeFunc) *eventEntry {
	if nilFn {
		r.problem("%s handler %s: function is nil", kind, orName(name, ""))
		return nil
	}
	if name == "" {
		r.problem("%s handler registered with an anonymous function needs chalice.Name(...)", kind)
		return nil
	}
	src.Function = name
	e := &eventEntry{name: name, source: src, invoker: invoker}
	r.events = append(r.events, e)
	return e
}

// withUses gives an event handler added by addEvent (nil when it was
// not) its grants, and the declared resource its source reads or the bus
// it runs on.
func (r *registry) withUses(e *eventEntry, o *eventConfig, res Resource) {
	if e == nil {
		return
	}
	e.grants = o.grants
	if res != nil {
		e.res = res
	} else if o.busSet {
		if o.bus == nil {
			r.problem("%s handler %s: chalice.OnBus with a nil bus", e.source.Type, e.name)
		} else {
			e.res = o.bus
		}
	}
}

func (r *registry) beginHandler(kind, name string) bool {
	return r.begin(func() string { return kind + " handler " + orName(name, "") })
}

// ScheduleExpression is when a scheduled function runs: a RateExpr
// (Rate), a CronExpr (Cron) or a raw Expression.
type ScheduleExpression interface {
	fmt.Stringer
	scheduleExpression()
}

// Schedule runs fn on a schedule: Rate(5, Minutes), Cron(...), or a raw
// Expression("rate(5 minutes)"). Options: Name, Description.
func (r *registry) Schedule(expression ScheduleExpression, fn func(context.Context, *CloudWatchEvent) error, opts ...ScheduleOption) {
	o := eventConfigOf(opts, ScheduleOption.applySchedule)
	name := orKnownName(o.name, fn)
	if !r.beginHandler("schedule", name) {
		return
	}
	defer r.mu.Unlock()
	expr := ""
	if expression != nil {
		expr = expression.String()
	}
	if err := ValidateScheduleExpression(expr); err != nil {
		r.problem("schedule %s: %v", orName(name, ""), err)
	}
	if o.timeZone != "" && !timeZoneChars.MatchString(o.timeZone) {
		r.problem("schedule %s: chalice.TimeZone(%q) is not an IANA time zone name (e.g. \"Europe/Paris\", \"America/New_York\", \"UTC\")", orName(name, ""), o.timeZone)
	}
	e := r.addEvent("schedule", name, fn == nil, manifest.EventSource{Type: manifest.SourceSchedule, Schedule: expr, Description: o.description, TimeZone: o.timeZone},
		eventInvoker("scheduled", EventScheduled, decodeCloudWatch, fn, nil))
	r.withUses(e, o, nil)
}

func orName(a, b string) string {
	if a != "" {
		return a
	}
	if b != "" {
		return b
	}
	return "(anonymous)"
}

// orKnownName is the registration's name: the Name option, or the Go
// function's name ("" for a closure).
func orKnownName(name string, fn any) string {
	if name != "" {
		return name
	}
	return funcName(fn)
}

// OnCWEvent runs fn for EventBridge events matching pattern (Chalice's
// on_cw_event). Option: Name.
func (r *registry) OnCWEvent(pattern map[string]any, fn func(context.Context, *CloudWatchEvent) error, opts ...CWEventOption) {
	o := eventConfigOf(opts, CWEventOption.applyCWEvent)
	name := orKnownName(o.name, fn)
	if !r.beginHandler("cloudwatch event", name) {
		return
	}
	defer r.mu.Unlock()
	raw, err := json.Marshal(pattern)
	if err != nil || len(pattern) == 0 {
		r.problem("cloudwatch event handler %s: event pattern must be a non-empty JSON object", orName(name, ""))
	}
	src := manifest.EventSource{Type: manifest.SourceCWEvent, EventPattern: raw}
	if o.busNameSet {
		switch msg := checkBusName(o.busName); {
		case msg != "":
			r.problem("cloudwatch event handler %s: chalice.EventBus: %s", orName(name, ""), msg)
		case o.busSet:
			r.problem("cloudwatch event handler %s: chalice.OnBus and chalice.EventBus both name a bus; keep one", orName(name, ""))
		default:
			src.Bus = o.busName
		}
	}
	e := r.addEvent("cloudwatch event", name, fn == nil, src,
		eventInvoker("cloudwatch", EventCloudWatch, decodeCloudWatch, fn, nil))
	r.withUses(e, o, nil)
}

func decodeCloudWatch(payload []byte) (*CloudWatchEvent, error) {
	ev := &CloudWatchEvent{raw: payload}
	ev.start()
	if err := json.Unmarshal(payload, &ev.CloudWatchEvent); err != nil {
		return nil, fmt.Errorf("decoding CloudWatch event: %w", err)
	}
	return ev, nil
}

// OnS3Event runs fn for notifications of an existing bucket. Options: Name,
// S3Events (default s3:ObjectCreated:*), Prefix, Suffix.
func (r *registry) OnS3Event(bucket string, fn func(context.Context, *S3Event) error, opts ...S3Option) {
	r.onS3(bucket, nil, false, fn, opts)
}

// OnBucketEvent runs fn for notifications of a bucket the app declares
// (App.Bucket). Options as OnS3Event.
func (r *registry) OnBucketEvent(b *Bucket, fn func(context.Context, *S3Event) error, opts ...S3Option) {
	r.onS3("", resourceOf(b), true, fn, opts)
}

func (r *registry) onS3(bucket string, res Resource, declared bool, fn func(context.Context, *S3Event) error, opts []S3Option) {
	o := eventConfigOf(opts, S3Option.applyS3)
	name := orKnownName(o.name, fn)
	if !r.beginHandler("s3", name) {
		return
	}
	defer r.mu.Unlock()
	evs := o.s3Events
	if len(evs) == 0 {
		evs = []string{"s3:ObjectCreated:*"}
	}
	if declared && res == nil {
		r.problem("s3 handler %s: the bucket is nil; declare it with App.Bucket", orName(name, ""))
	} else if !declared && bucket == "" {
		r.problem("s3 handler %s: bucket name is empty", orName(name, ""))
	}
	e := r.addEvent("s3", name, fn == nil, manifest.EventSource{Type: manifest.SourceS3, Bucket: bucket, Events: evs, Prefix: o.prefix, Suffix: o.suffix},
		eventInvoker("s3", EventS3, decodeS3, fn, nil))
	r.withUses(e, o, res)
}

func decodeS3(payload []byte) (*S3Event, error) {
	ev := &S3Event{raw: payload}
	ev.start()
	if err := json.Unmarshal(payload, &ev.S3Event); err != nil {
		return nil, fmt.Errorf("decoding S3 event: %w", err)
	}
	if len(ev.Records) > 0 {
		ev.Bucket = ev.Records[0].S3.Bucket.Name
		key := ev.Records[0].S3.Object.Key
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		ev.Key = key
	}
	return ev, nil
}

// OnSNSMessage runs fn for messages on a topic (name or ARN). Option: Name.
func (r *registry) OnSNSMessage(topic string, fn func(context.Context, *SNSEvent) error, opts ...SNSOption) {
	r.onSNS(topic, nil, false, fn, opts)
}

// OnTopicMessage runs fn for messages on a topic the app declares
// (App.Topic). Option: Name.
func (r *registry) OnTopicMessage(t *Topic, fn func(context.Context, *SNSEvent) error, opts ...SNSOption) {
	r.onSNS("", resourceOf(t), true, fn, opts)
}

func (r *registry) onSNS(topic string, res Resource, declared bool, fn func(context.Context, *SNSEvent) error, opts []SNSOption) {
	o := eventConfigOf(opts, SNSOption.applySNS)
	name := orKnownName(o.name, fn)
	if !r.beginHandler("sns", name) {
		return
	}
	defer r.mu.Unlock()
	if declared && res == nil {
		r.problem("sns handler %s: the topic is nil; declare it with App.Topic", orName(name, ""))
	} else if !declared && topic == "" {
		r.problem("sns handler %s: topic is empty", orName(name, ""))
	}
	e := r.addEvent("sns", name, fn == nil, manifest.EventSource{Type: manifest.SourceSNS, Topic: topic},
		eventInvoker("sns", EventSNS, decodeSNS, fn, nil))
	r.withUses(e, o, res)
}

func decodeSNS(payload []byte) (*SNSEvent, error) {
	ev := &SNSEvent{raw: payload}
	ev.start()
	if err := json.Unmarshal(payload, &ev.SNSEvent); err != nil {
		return nil, fmt.Errorf("decoding SNS event: %w", err)
	}
	if len(ev.Records) > 0 {
		e := ev.Records[0].SNS
		ev.Message, ev.Subject, ev.MessageAttributes = e.Message, e.Subject, e.MessageAttributes
	}
	return ev, nil
}

// OnSQSMessage runs fn for batches from a queue, named by queue name or by
// the QueueARN option. Options: Name, QueueARN, BatchSize (default 1),
// MaxBatchingWindow, MaxConcurrency, ReportBatchItemFailures.
func (r *registry) OnSQSMessage(queue string, fn func(context.Context, *SQSEvent) error, opts ...SQSOption) {
	r.onSQS(queue, nil, false, fn, opts)
}

// OnQueueMessage runs fn for batches from a queue the app declares
// (App.Queue). Options as OnSQSMessage, but QueueARN.
func (r *registry) OnQueueMessage(q *Queue, fn func(context.Context, *SQSEvent) error, opts ...SQSOption) {
	r.onSQS("", resourceOf(q), true, fn, opts)
}

func (r *registry) onSQS(queue string, res Resource, declared bool, fn func(context.Context, *SQSEvent) error, opts []SQSOption) {
	o := eventConfigOf(opts, SQSOption.applySQS)
	name := orKnownName(o.name, fn)
	if !r.beginHandler("sqs", name) {
		return
	}
	defer r.mu.Unlock()
	shown := orName(name, "")
	switch {
	case declared && res == nil:
		r.problem("sqs handler %s: the queue is nil; declare it with App.Queue", shown)
	case declared && o.queueARN != "":
		r.problem("sqs handler %s: a declared queue takes no chalice.QueueARN(...)", shown)
	case !declared && queue == "" && o.queueARN == "":
		r.problem("sqs handler %s: must provide either a queue name or chalice.QueueARN(...)", shown)
	}
	if queue != "" && o.queueARN != "" {
		r.problem("sqs handler %s: give either a queue name or chalice.QueueARN(...), not both", shown)
	}
	batch := o.batchSize
	if batch == 0 {
		batch = 1
	}
	if batch < 1 || batch > 10000 {
		r.problem("sqs handler %s: batch size %d is out of range 1..10000", shown, batch)
	}
	if o.maxConcurrency != nil && (*o.maxConcurrency < 2 || *o.maxConcurrency > 1000) {
		r.problem("sqs handler %s: maximum concurrency %d is out of range 2..1000", shown, *o.maxConcurrency)
	}
	src := manifest.EventSource{Type: manifest.SourceSQS, Queue: queue, QueueARN: o.queueARN, BatchSize: batch,
		MaxBatchingWindow: o.maxBatchingWindow, MaxConcurrency: o.maxConcurrency, ReportBatchItemFailures: o.partialBatch}
	e := r.addEvent("sqs", name, fn == nil, src, eventInvoker("sqs", EventSQS, decodeSQS, fn,
		func(ev *SQSEvent) any { return batchResponse(&ev.batchFailures) }))
	r.withUses(e, o, res)
}

func decodeSQS(payload []byte) (*SQSEvent, error) {
	ev := &SQSEvent{raw: payload}
	ev.start()
	if err := json.Unmarshal(payload, &ev.SQSEvent); err != nil {
		return nil, fmt.Errorf("decoding SQS event: %w", err)
	}
	return ev, nil
}

// batchResponse is Lambda's partial batch response document.
func batchResponse(b *batchFailures) any {
	items := make([]map[string]string, 0, len(b.ids))
	for _, id := range b.ids {
		items = append(items, map[string]string{"itemIdentifier": id})
	}
	return map[string]any{"batchItemFailures": items}
}

func streamOptions(r *registry, kind, name string, o *eventConfig) (int, string) {
	batch := o.batchSize
	if batch == 0 {
		batch = 100
	}
	if batch < 1 || batch > 10000 {
		r.problem("%s handler %s: batch size %d is out of range 1..10000", kind, name, batch)
	}
	pos := o.startingPosition
	if pos == "" {
		pos = "LATEST"
	}
	if pos != "LATEST" && pos != "TRIM_HORIZON" {
		r.problem("%s handler %s: starting position %q must be LATEST or TRIM_HORIZON", kind, name, pos)
	}
	return batch, pos
}

// OnKinesisRecord runs fn for batches from a Kinesis stream (by name).
// Options: Name, BatchSize (default 100), StartingPosition,
// MaxBatchingWindow, ReportBatchItemFailures.
func (r *registry) OnKinesisRecord(stream string, fn func(context.Context, *KinesisEvent) error, opts ...KinesisOption) {
	o := eventConfigOf(opts, KinesisOption.applyKinesis)
	name := orKnownName(o.name, fn)
	if !r.beginHandler("kinesis", name) {
		return
	}
	defer r.mu.Unlock()
	if stream == "" {
		r.problem("kinesis handler %s: stream name is empty", orName(name, ""))
	}
	batch, pos := streamOptions(r, "kinesis", orName(name, ""), o)
	src := manifest.EventSource{Type: manifest.SourceKinesis, Stream: stream, BatchSize: batch, StartingPosition: pos,
		MaxBatchingWindow: o.maxBatchingWindow, ReportBatchItemFailures: o.partialBatch}
	e := r.addEvent("kinesis", name, fn == nil, src, eventInvoker("kinesis", EventKinesis, decodeKinesis, fn,
		func(ev *KinesisEvent) any { return batchResponse(&ev.batchFailures) }))
	r.withUses(e, o, nil)
}

func decodeKinesis(payload []byte) (*KinesisEvent, error) {
	ev := &KinesisEvent{raw: payload}
	ev.start()
	if err := json.Unmarshal(payload, &ev.KinesisEvent); err != nil {
		return nil, fmt.Errorf("decoding Kinesis event: %w", err)
	}
	return ev, nil
}

// OnDynamoDBRecord runs fn for batches from a DynamoDB stream (by ARN).
// Options: Name, BatchSize (default 100), StartingPosition,
// MaxBatchingWindow, ReportBatchItemFailures.
func (r *registry) OnDynamoDBRecord(streamARN string, fn func(context.Context, *DynamoDBEvent) error, opts ...DynamoDBOption) {
	r.onDynamoDB(streamARN, nil, false, fn, opts)
}

// OnTableRecord runs fn for batches from the stream of a table the app
// declares (App.Table with chalice.Stream). Options as OnDynamoDBRecord.
func (r *registry) OnTableRecord(t *Table, fn func(context.Context, *DynamoDBEvent) error, opts ...DynamoDBOption) {
	r.onDynamoDB("", resourceOf(t), true, fn, opts)
}

func (r *registry) onDynamoDB(streamARN string, res Resource, declared bool, fn func(context.Context, *DynamoDBEvent) error, opts []DynamoDBOption) {
	o := eventConfigOf(opts, DynamoDBOption.applyDynamoDB)
	name := orKnownName(o.name, fn)
	if !r.beginHandler("dynamodb", name) {
		return
	}
	defer r.mu.Unlock()
	if declared && res == nil {
		r.problem("dynamodb handler %s: the table is nil; declare it with App.Table", orName(name, ""))
	} else if !declared && !strings.HasPrefix(streamARN, "arn:") {
		r.problem("dynamodb handler %s: stream ARN %q must be an ARN (arn:aws:dynamodb:...:table/T/stream/...)", orName(name, ""), streamARN)
	}
	batch, pos := streamOptions(r, "dynamodb", orName(name, ""), o)
	src := manifest.EventSource{Type: manifest.SourceDynamoDB, StreamARN: streamARN, BatchSize: batch, StartingPosition: pos,
		MaxBatchingWindow: o.maxBatchingWindow, ReportBatchItemFailures: o.partialBatch}
	e := r.addEvent("dynamodb", name, fn == nil, src, eventInvoker("dynamodb", EventDynamoDB, decodeDynamoDB, fn,
		func(ev *DynamoDBEvent) any { return batchResponse(&ev.batchFailures) }))
	r.withUses(e, o, res)
}

func decodeDynamoDB(payload []byte) (*DynamoDBEvent, error) {
	ev := &DynamoDBEvent{raw: payload}
	ev.start()
	if err := json.Unmarshal(payload, &ev.DynamoDBEvent); err != nil {
		return nil, fmt.Errorf("decoding DynamoDB event: %w", err)
	}
	return ev, nil
}

// pureEntry is a pure Lambda function.
type pureEntry struct {
	name   string
	fn     LambdaHandler
	grants []grant
}

// LambdaFunction registers a plain Lambda function that receives the raw
// event and returns any JSON-encodable value. Option: Name.
func (r *registry) LambdaFunction(fn func(ctx context.Context, event json.RawMessage) (any, error), opts ...LambdaOption) {
	o := eventConfigOf(opts, LambdaOption.applyLambda)
	name := orKnownName(o.name, fn)
	if !r.begin(func() string { return "lambda function " + orName(name, "") }) {
		return
	}
	defer r.mu.Unlock()
	if fn == nil {
		r.problem("lambda function %s: function is nil", name)
		return
	}
	if name == "" {
		r.problem("lambda function registered with an anonymous function needs chalice.Name(...)")
		return
	}
	r.pure = append(r.pure, &pureEntry{name: name, fn: fn, grants: o.grants})
}
