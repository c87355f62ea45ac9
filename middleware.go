package chalice

import (
	"context"
	"fmt"
)

// EventType selects which invocations a middleware wraps.
type EventType string

// Event types, as Chalice's middleware event_type values.
const (
	EventAll        EventType = "all"
	EventHTTP       EventType = "http"
	EventWebsocket  EventType = "websocket"
	EventS3         EventType = "s3"
	EventSNS        EventType = "sns"
	EventSQS        EventType = "sqs"
	EventCloudWatch EventType = "cloudwatch"
	EventScheduled  EventType = "scheduled"
	EventPureLambda EventType = "pure_lambda"
	EventKinesis    EventType = "kinesis"
	EventDynamoDB   EventType = "dynamodb"
)

// Next calls the rest of the chain.
type Next func(ctx context.Context, event any) (any, error)

// Middleware wraps invocations, as Chalice's middleware(event, get_response).
// What event is, and what next returns, depends on the event type:
//
//	http:        *Request        -> *Response (a returned error becomes the generic 500)
//	websocket:   *WebsocketEvent -> *Response
//	s3/sns/sqs/cloudwatch/scheduled/kinesis/dynamodb:
//	             *S3Event, *SNSEvent, *SQSEvent, *CloudWatchEvent, *KinesisEvent, *DynamoDBEvent -> handler result
//	pure_lambda: json.RawMessage -> the function's result
//
// Middleware registered first is outermost.
type Middleware func(ctx context.Context, event any, next Next) (any, error)

type middlewareEntry struct {
	eventType EventType
	mw        Middleware
}

var knownEventTypes = map[EventType]bool{
	EventAll: true, EventHTTP: true, EventWebsocket: true, EventS3: true, EventSNS: true, EventSQS: true,
	EventCloudWatch: true, EventScheduled: true, EventPureLambda: true, EventKinesis: true, EventDynamoDB: true,
}

// Use registers middleware for an event type (EventAll for everything).
func (r *registry) Use(eventType EventType, mw Middleware) {
	if !knownEventTypes[eventType] {
		r.problem("middleware: unknown event type %q (valid: all, http, websocket, s3, sns, sqs, cloudwatch, scheduled, pure_lambda, kinesis, dynamodb)", eventType)
		return
	}
	if mw == nil {
		r.problem("middleware for %s: function is nil", eventType)
		return
	}
	r.middleware = append(r.middleware, middlewareEntry{eventType, mw})
}

// chain builds the middleware chain for one event type around final.
func chain(entries []middlewareEntry, t EventType, final Next) Next {
	next := final
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.eventType != EventAll && e.eventType != t {
			continue
		}
		inner := next
		mw := e.mw
		next = func(ctx context.Context, ev any) (any, error) { return mw(ctx, ev, inner) }
	}
	return next
}

// PanicError is the error a recovered panic becomes.
type PanicError struct {
	Value any
	Stack []byte
}

func (p *PanicError) Error() string { return fmt.Sprintf("panic: %v", p.Value) }
