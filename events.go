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
	raw    json.RawMessage
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
	raw               json.RawMessage
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
	raw json.RawMessage
}

// Raw returns the event as Lambda delivered it.
func (e *SQSEvent) Raw() json.RawMessage { return e.raw }

// KinesisEvent is what Kinesis handlers receive; each record's Data is
// already base64-decoded.
type KinesisEvent struct {
	events.KinesisEvent
	batchFailures
	raw json.RawMessage
}

// Raw returns the event as Lambda delivered it.
func (e *KinesisEvent) Raw() json.RawMessage { return e.raw }

// DynamoDBEvent is what DynamoDB stream handlers receive.
type DynamoDBEvent struct {
	events.DynamoDBEvent
	batchFailures
	raw json.RawMessage
}

// Raw returns the event as Lambda delivered it.
func (e *DynamoDBEvent) Raw() json.RawMessage { return e.raw }

// eventEntry is a registered event handler: its Lambda function, its
// source, and how to decode and call it.
type eventEntry struct {
	name   string
	source manifest.EventSource
	// decode turns the payload into the event object (*S3Event, ...) that
	// the middleware chain and then call receive.
	decode func(payload []byte) (any, error)
	call   Next
	mwType EventType
}

// eventCall calls a typed handler with the event object the middleware
// chain passes on; result builds the function's return value (nil: null).
func eventCall[E any](kind string, fn func(context.Context, *E) error, result func(*E) any) Next {
	return func(ctx context.Context, event any) (any, error) {
		ev, ok := event.(*E)
		if !ok || ev == nil {
			return nil, fmt.Errorf("%s middleware passed %T to next, want the %T it received", kind, event, ev)
		}
		if err := fn(ctx, ev); err != nil {
			return nil, err
		}
		if result == nil {
			return nil, nil
		}
		return result(ev), nil
	}
}

func (r *registry) addEvent(kind string, fn any, o *options, bad []string, src manifest.EventSource, mw EventType,
	decode func(payload []byte) (any, error), call Next) {
	name := o.name
	if name == "" {
		name = funcName(fn)
	}
	if len(bad) > 0 {
		r.problem("%s handler %s: options %s do not apply to %s", kind, name, strings.Join(bad, ", "), kind)
	}
	if reflectNil(fn) {
		r.problem("%s handler %s: function is nil", kind, name)
		return
	}
	if name == "" {
		r.problem("%s handler registered with an anonymous function needs chalice.Name(...)", kind)
		return
	}
	src.Function = name
	r.events = append(r.events, &eventEntry{name: name, source: src, decode: decode, call: call, mwType: mw})
}

// Schedule runs fn on a schedule: a Rate, a Cron, or a raw "rate(...)" /
// "cron(...)" expression. Options: Name, Description.
func (r *registry) Schedule(expression fmt.Stringer, fn func(context.Context, *CloudWatchEvent) error, opts ...Option) {
	o, bad := buildOptions(opts, "Name", "Description")
	expr := ""
	if expression != nil {
		expr = expression.String()
	}
	if err := ValidateScheduleExpression(expr); err != nil {
		r.problem("schedule %s: %v", orName(o.name, funcName(fn)), err)
	}
	r.addEvent("schedule", fn, o, bad, manifest.EventSource{Type: manifest.SourceSchedule, Schedule: expr, Description: o.description}, EventScheduled,
		decodeCloudWatch, eventCall("scheduled", fn, nil))
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

// OnCWEvent runs fn for EventBridge events matching pattern (Chalice's
// on_cw_event). Option: Name.
func (r *registry) OnCWEvent(pattern map[string]any, fn func(context.Context, *CloudWatchEvent) error, opts ...Option) {
	o, bad := buildOptions(opts, "Name")
	raw, err := json.Marshal(pattern)
	if err != nil || len(pattern) == 0 {
		r.problem("cloudwatch event handler %s: event pattern must be a non-empty JSON object", orName(o.name, funcName(fn)))
	}
	r.addEvent("cloudwatch event", fn, o, bad, manifest.EventSource{Type: manifest.SourceCWEvent, EventPattern: raw}, EventCloudWatch,
		decodeCloudWatch, eventCall("cloudwatch", fn, nil))
}

func decodeCloudWatch(payload []byte) (any, error) {
	ev := &CloudWatchEvent{raw: payload}
	if err := json.Unmarshal(payload, &ev.CloudWatchEvent); err != nil {
		return nil, fmt.Errorf("decoding CloudWatch event: %w", err)
	}
	return ev, nil
}

// OnS3Event runs fn for notifications of an existing bucket. Options: Name,
// S3Events (default s3:ObjectCreated:*), Prefix, Suffix.
func (r *registry) OnS3Event(bucket string, fn func(context.Context, *S3Event) error, opts ...Option) {
	o, bad := buildOptions(opts, "Name", "S3Events", "Prefix", "Suffix")
	evs := o.s3Events
	if len(evs) == 0 {
		evs = []string{"s3:ObjectCreated:*"}
	}
	if bucket == "" {
		r.problem("s3 handler %s: bucket name is empty", orName(o.name, funcName(fn)))
	}
	r.addEvent("s3", fn, o, bad, manifest.EventSource{Type: manifest.SourceS3, Bucket: bucket, Events: evs, Prefix: o.prefix, Suffix: o.suffix}, EventS3,
		func(payload []byte) (any, error) {
			ev := &S3Event{raw: payload}
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
		}, eventCall("s3", fn, nil))
}

// OnSNSMessage runs fn for messages on a topic (name or ARN). Option: Name.
func (r *registry) OnSNSMessage(topic string, fn func(context.Context, *SNSEvent) error, opts ...Option) {
	o, bad := buildOptions(opts, "Name")
	if topic == "" {
		r.problem("sns handler %s: topic is empty", orName(o.name, funcName(fn)))
	}
	r.addEvent("sns", fn, o, bad, manifest.EventSource{Type: manifest.SourceSNS, Topic: topic}, EventSNS,
		func(payload []byte) (any, error) {
			ev := &SNSEvent{raw: payload}
			if err := json.Unmarshal(payload, &ev.SNSEvent); err != nil {
				return nil, fmt.Errorf("decoding SNS event: %w", err)
			}
			if len(ev.Records) > 0 {
				e := ev.Records[0].SNS
				ev.Message, ev.Subject, ev.MessageAttributes = e.Message, e.Subject, e.MessageAttributes
			}
			return ev, nil
		}, eventCall("sns", fn, nil))
}

// OnSQSMessage runs fn for batches from a queue, named by queue name or by
// the QueueARN option. Options: Name, QueueARN, BatchSize (default 1),
// MaxBatchingWindow, MaxConcurrency, ReportBatchItemFailures.
func (r *registry) OnSQSMessage(queue string, fn func(context.Context, *SQSEvent) error, opts ...Option) {
	o, bad := buildOptions(opts, "Name", "QueueARN", "BatchSize", "MaxBatchingWindow", "MaxConcurrency", "ReportBatchItemFailures")
	name := orName(o.name, funcName(fn))
	if queue == "" && o.queueARN == "" {
		r.problem("sqs handler %s: must provide either a queue name or chalice.QueueARN(...)", name)
	}
	if queue != "" && o.queueARN != "" {
		r.problem("sqs handler %s: give either a queue name or chalice.QueueARN(...), not both", name)
	}
	batch := o.batchSize
	if batch == 0 {
		batch = 1
	}
	if batch < 1 || batch > 10000 {
		r.problem("sqs handler %s: batch size %d is out of range 1..10000", name, batch)
	}
	if o.maxConcurrency != nil && (*o.maxConcurrency < 2 || *o.maxConcurrency > 1000) {
		r.problem("sqs handler %s: maximum concurrency %d is out of range 2..1000", name, *o.maxConcurrency)
	}
	src := manifest.EventSource{Type: manifest.SourceSQS, Queue: queue, QueueARN: o.queueARN, BatchSize: batch,
		MaxBatchingWindow: o.maxBatchingWindow, MaxConcurrency: o.maxConcurrency, ReportBatchItemFailures: o.partialBatch}
	r.addEvent("sqs", fn, o, bad, src, EventSQS, func(payload []byte) (any, error) {
		ev := &SQSEvent{raw: payload}
		if err := json.Unmarshal(payload, &ev.SQSEvent); err != nil {
			return nil, fmt.Errorf("decoding SQS event: %w", err)
		}
		return ev, nil
	}, eventCall("sqs", fn, func(ev *SQSEvent) any { return batchResponse(&ev.batchFailures) }))
}

// batchResponse is Lambda's partial batch response document.
func batchResponse(b *batchFailures) any {
	items := make([]map[string]string, 0, len(b.ids))
	for _, id := range b.ids {
		items = append(items, map[string]string{"itemIdentifier": id})
	}
	return map[string]any{"batchItemFailures": items}
}

func streamOptions(r *registry, kind, name string, o *options) (int, string) {
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
func (r *registry) OnKinesisRecord(stream string, fn func(context.Context, *KinesisEvent) error, opts ...Option) {
	o, bad := buildOptions(opts, "Name", "BatchSize", "StartingPosition", "MaxBatchingWindow", "ReportBatchItemFailures")
	name := orName(o.name, funcName(fn))
	if stream == "" {
		r.problem("kinesis handler %s: stream name is empty", name)
	}
	batch, pos := streamOptions(r, "kinesis", name, o)
	src := manifest.EventSource{Type: manifest.SourceKinesis, Stream: stream, BatchSize: batch, StartingPosition: pos,
		MaxBatchingWindow: o.maxBatchingWindow, ReportBatchItemFailures: o.partialBatch}
	r.addEvent("kinesis", fn, o, bad, src, EventKinesis, func(payload []byte) (any, error) {
		ev := &KinesisEvent{raw: payload}
		if err := json.Unmarshal(payload, &ev.KinesisEvent); err != nil {
			return nil, fmt.Errorf("decoding Kinesis event: %w", err)
		}
		return ev, nil
	}, eventCall("kinesis", fn, func(ev *KinesisEvent) any { return batchResponse(&ev.batchFailures) }))
}

// OnDynamoDBRecord runs fn for batches from a DynamoDB stream (by ARN).
// Options: Name, BatchSize (default 100), StartingPosition,
// MaxBatchingWindow, ReportBatchItemFailures.
func (r *registry) OnDynamoDBRecord(streamARN string, fn func(context.Context, *DynamoDBEvent) error, opts ...Option) {
	o, bad := buildOptions(opts, "Name", "BatchSize", "StartingPosition", "MaxBatchingWindow", "ReportBatchItemFailures")
	name := orName(o.name, funcName(fn))
	if !strings.HasPrefix(streamARN, "arn:") {
		r.problem("dynamodb handler %s: stream ARN %q must be an ARN (arn:aws:dynamodb:...:table/T/stream/...)", name, streamARN)
	}
	batch, pos := streamOptions(r, "dynamodb", name, o)
	src := manifest.EventSource{Type: manifest.SourceDynamoDB, StreamARN: streamARN, BatchSize: batch, StartingPosition: pos,
		MaxBatchingWindow: o.maxBatchingWindow, ReportBatchItemFailures: o.partialBatch}
	r.addEvent("dynamodb", fn, o, bad, src, EventDynamoDB, func(payload []byte) (any, error) {
		ev := &DynamoDBEvent{raw: payload}
		if err := json.Unmarshal(payload, &ev.DynamoDBEvent); err != nil {
			return nil, fmt.Errorf("decoding DynamoDB event: %w", err)
		}
		return ev, nil
	}, eventCall("dynamodb", fn, func(ev *DynamoDBEvent) any { return batchResponse(&ev.batchFailures) }))
}

// pureEntry is a pure Lambda function.
type pureEntry struct {
	name string
	fn   func(context.Context, json.RawMessage) (any, error)
}

// LambdaFunction registers a plain Lambda function that receives the raw
// event and returns any JSON-encodable value. Option: Name.
func (r *registry) LambdaFunction(fn func(ctx context.Context, event json.RawMessage) (any, error), opts ...Option) {
	o, bad := buildOptions(opts, "Name")
	name := o.name
	if name == "" {
		name = funcName(fn)
	}
	if len(bad) > 0 {
		r.problem("lambda function %s: options %s do not apply to a lambda function", name, strings.Join(bad, ", "))
	}
	if fn == nil {
		r.problem("lambda function %s: function is nil", name)
		return
	}
	if name == "" {
		r.problem("lambda function registered with an anonymous function needs chalice.Name(...)")
		return
	}
	r.pure = append(r.pure, &pureEntry{name: name, fn: fn})
}
