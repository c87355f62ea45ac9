package chalice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// EventType selects which invocations a Chalice-style Middleware wraps.
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

// Middleware wraps invocations whatever their kind, as Chalice's
// middleware(event, get_response). What event is, and what next returns,
// depends on the kind of invocation:
//
//	http:        *Request        -> *Response (a returned error becomes the generic 500)
//	websocket:   *WebsocketEvent -> *Response
//	s3/sns/sqs/cloudwatch/scheduled/kinesis/dynamodb:
//	             *S3Event, *SNSEvent, *SQSEvent, *CloudWatchEvent, *KinesisEvent, *DynamoDBEvent -> the function's result
//	pure_lambda: json.RawMessage -> the function's result
//
// Middleware must pass next the event it received (or a copy of the
// same type); another type fails the invocation.
type Middleware func(ctx context.Context, event any, next Next) (any, error)

// LambdaHandler is a pure Lambda function (LambdaFunction): the raw event
// in, any JSON-encodable value out.
type LambdaHandler func(ctx context.Context, event json.RawMessage) (any, error)

// EventHandler handles one event: the function OnS3Event, OnSNSMessage,
// OnSQSMessage, OnCWEvent, Schedule, OnKinesisRecord and OnDynamoDBRecord
// register, and what event middleware (UseEvents) wraps. The function's
// result is Lambda's partial batch response for SQS, Kinesis and DynamoDB
// handlers with ReportBatchItemFailures (from the event's Fail calls), and
// null otherwise.
type EventHandler[E Event] func(ctx context.Context, event E) error

// Event is the type of the events that event handlers receive and event
// middleware wraps. *CloudWatchEvent covers both schedules and EventBridge
// handlers (a scheduled event's DetailType is "Scheduled Event").
type Event interface {
	*S3Event | *SNSEvent | *SQSEvent | *CloudWatchEvent | *KinesisEvent | *DynamoDBEvent
	inv() *invocation
}

type middlewareEntry struct {
	// eventType and mw are a Chalice-style middleware (Use, UseAll).
	eventType EventType
	mw        Middleware
	// typed is a func(next H) H of a typed middleware (UseHTTP,
	// UseEvents, UseLambda, UseWebsocket, WithMiddleware); desc says where
	// it was registered ("UseHTTP middleware 2").
	typed any
	desc  string
}

// UseHTTP registers app-wide HTTP middleware: each wraps every HTTP
// request (405 answers and CORS preflights included) and runs outside the
// middleware of the routes (WithMiddleware). A *Error a middleware returns
// is answered as a view's is (Chalice's error body, through App.OnError),
// and the middleware around it sees that response; another error becomes
// the generic 500. To answer without calling next, return a response or a
// *Error:
//
//	app.UseHTTP(func(next chalice.Handler) chalice.Handler {
//		return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
//			if req.Headers.Get("x-api-version") == "1" {
//				return nil, chalice.BadRequestError("API version 1 is retired")
//			}
//			resp, err := next(ctx, req)
//			if err == nil {
//				resp.SetHeader("X-Served-By", "gochalice")
//			}
//			return resp, err
//		}
//	})
//
// Middleware in gochalice has chi's shape, a function from the next
// handler to the handler to run in its place, typed for each kind of
// invocation so that it needs no type assertions:
//
//	HTTP, app-wide:     App.UseHTTP(func(next Handler) Handler)
//	HTTP, one route:    WithMiddleware(func(next Handler) Handler)
//	event handlers:     UseEvents(app, func(next EventHandler[E]) EventHandler[E]),
//	                    E one of *S3Event, *SNSEvent, *SQSEvent, *CloudWatchEvent
//	                    (schedules and EventBridge), *KinesisEvent, *DynamoDBEvent
//	pure Lambdas:       App.UseLambda(func(next LambdaHandler) LambdaHandler)
//	websocket handlers: App.UseWebsocket(func(next WebsocketHandler) WebsocketHandler)
//	every invocation:   App.UseAll(Middleware)
//
// Order: app-wide middleware wraps route middleware, which wraps the view.
// Among app-wide middleware (UseHTTP, UseAll and the deprecated Use alike)
// the first registered is outermost; among a route's, the first given to
// WithMiddleware. Middleware registered on a blueprint becomes app-wide
// when the blueprint is registered, as in Chalice. The middleware
// functions run when the app is built, once for each chain they are part
// of (the app's HTTP chain, each route, each event handler), and the
// handlers they return serve every invocation.
func (r *registry) UseHTTP(mw ...func(next Handler) Handler) { useTyped(r, "UseHTTP", mw) }

// UseLambda registers middleware around every pure Lambda function
// (LambdaFunction); the first given is outermost (see UseHTTP for the
// order of middleware).
func (r *registry) UseLambda(mw ...func(next LambdaHandler) LambdaHandler) {
	useTyped(r, "UseLambda", mw)
}

// UseWebsocket registers middleware around every websocket handler
// (OnWSConnect, OnWSMessage, OnWSDisconnect); the first given is
// outermost (see UseHTTP for the order of middleware). A *Error from the chain is answered with its status and
// Chalice's error body; another error fails the invocation.
func (r *registry) UseWebsocket(mw ...func(next WebsocketHandler) WebsocketHandler) {
	useTyped(r, "UseWebsocket", mw)
}

// UseEvents registers middleware on r around every event handler whose
// event is an E; the first given is outermost (see App.UseHTTP for the
// order of middleware). For example, to log every
// SQS batch:
//
//	chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.SQSEvent]) chalice.EventHandler[*chalice.SQSEvent] {
//		return func(ctx context.Context, ev *chalice.SQSEvent) error {
//			slog.InfoContext(ctx, "batch", "records", len(ev.Records))
//			return next(ctx, ev)
//		}
//	})
//
// Pass next the event received, or a copy of it: the partial batch
// response is what Fail recorded on the event and its copies.
func UseEvents[E Event](r Registrar, mw ...func(next EventHandler[E]) EventHandler[E]) {
	if r == nil {
		return
	}
	var e E
	useTyped(r.registrar(), fmt.Sprintf("UseEvents[%T]", e), mw)
}

func useTyped[H any](r *registry, origin string, mws []func(next H) H) {
	if !r.begin(func() string { return origin + " middleware" }) {
		return
	}
	defer r.mu.Unlock()
	for i, m := range mws {
		if m == nil {
			r.problem("%s: middleware %d of %d is nil", origin, i+1, len(mws))
			continue
		}
		r.middleware = append(r.middleware, middlewareEntry{typed: m, desc: fmt.Sprintf("%s middleware %d", origin, i+1)})
	}
}

// UseAll registers Chalice-style middleware around every invocation of
// the app, whatever its kind: HTTP requests, event handlers, pure Lambdas
// and websocket handlers. It is the form for what applies to everything
// (timing, logging, tracing): one function can only take all kinds of
// events as any, and such middleware usually just passes the event on.
// Middleware for one kind is better typed: UseHTTP, UseEvents, UseLambda,
// UseWebsocket.
func (r *registry) UseAll(mw Middleware) { r.Use(EventAll, mw) }

var knownEventTypes = map[EventType]bool{
	EventAll: true, EventHTTP: true, EventWebsocket: true, EventS3: true, EventSNS: true, EventSQS: true,
	EventCloudWatch: true, EventScheduled: true, EventPureLambda: true, EventKinesis: true, EventDynamoDB: true,
}

// Use registers Chalice-style middleware for an event type (EventAll for
// everything), as Chalice's register_middleware.
//
// Deprecated: the event is an any that the middleware must assert to the
// type of its kind. Use the typed forms: UseHTTP for EventHTTP, UseEvents
// for s3, sns, sqs, cloudwatch, scheduled, kinesis and dynamodb, UseLambda
// for EventPureLambda, UseWebsocket for EventWebsocket, and UseAll for
// EventAll.
func (r *registry) Use(eventType EventType, mw Middleware) {
	if !r.begin(func() string { return fmt.Sprintf("%s middleware", eventType) }) {
		return
	}
	defer r.mu.Unlock()
	if !knownEventTypes[eventType] {
		r.problem("middleware: unknown event type %q (valid: all, http, websocket, s3, sns, sqs, cloudwatch, scheduled, pure_lambda, kinesis, dynamodb)", eventType)
		return
	}
	if mw == nil {
		r.problem("middleware for %s: function is nil", eventType)
		return
	}
	r.middleware = append(r.middleware, middlewareEntry{eventType: eventType, mw: mw})
}

// adapters convert a kind's typed handler H to and from the Next of
// Chalice-style middleware, so both forms share one chain.
type adapters[H any] struct {
	toNext   func(H) Next
	fromNext func(Next) H
}

// buildChain wraps final in the middleware of entries that apply to
// invocations of type t with handlers of type H: the first entry is
// outermost. wrap, if set, wraps each typed middleware's handler. It runs
// the middleware functions; a nil handler or a panic is reported through
// problem.
func buildChain[H any](entries []middlewareEntry, t EventType, final H, ad adapters[H], wrap func(H) H, problem func(format string, args ...any)) H {
	h := final
	var n Next
	untyped := false
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.mw != nil {
			if e.eventType != EventAll && e.eventType != t {
				continue
			}
			if !untyped {
				n, untyped = ad.toNext(h), true
			}
			inner, mw := n, e.mw
			n = func(ctx context.Context, ev any) (any, error) { return mw(ctx, ev, inner) }
			continue
		}
		tm, ok := e.typed.(func(H) H)
		if !ok {
			continue
		}
		if untyped {
			h, untyped = ad.fromNext(n), false
		}
		next, err := callMiddleware(tm, h)
		switch {
		case err != nil:
			problem("%s panicked when given its next handler: %v", e.desc, err)
			continue
		case reflectNil(next):
			problem("%s returned a nil handler; return next, or a handler that calls it", e.desc)
			continue
		}
		h = next
		if wrap != nil {
			h = wrap(h)
		}
	}
	if untyped {
		h = ad.fromNext(n)
	}
	return h
}

func callMiddleware[H any](mw func(H) H, next H) (h H, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return mw(next), nil
}

// httpAdapters convert HTTP handlers.
var httpAdapters = adapters[Handler]{
	toNext: func(h Handler) Next {
		return func(ctx context.Context, event any) (any, error) {
			req, ok := event.(*Request)
			if !ok || req == nil {
				return nil, fmt.Errorf("http middleware passed %T to next, want the *chalice.Request it received", event)
			}
			resp, err := h(ctx, req)
			if err != nil {
				return nil, err
			}
			return resp, nil
		}
	},
	fromNext: func(n Next) Handler {
		return func(ctx context.Context, req *Request) (*Response, error) {
			out, err := n(ctx, req)
			if err != nil {
				return nil, err
			}
			resp, ok := out.(*Response)
			if !ok || resp == nil {
				return nil, fmt.Errorf("http middleware returned %T, want a non-nil *chalice.Response", out)
			}
			return resp, nil
		}
	},
}

// answerErrors answers a *Error a typed HTTP middleware returns as a
// view's (errors wrapping ErrUnhandled pass on).
func (rt *runtimeApp) answerErrors(h Handler) Handler {
	return func(ctx context.Context, req *Request) (*Response, error) {
		resp, err := h(ctx, req)
		if err != nil && !errors.Is(err, ErrUnhandled) {
			var ce *Error
			if errors.As(err, &ce) {
				return rt.errorResponse(ctx, req, ce, nil), nil
			}
		}
		return resp, err
	}
}

// lambdaAdapters convert pure Lambda handlers.
var lambdaAdapters = adapters[LambdaHandler]{
	toNext: func(h LambdaHandler) Next {
		return func(ctx context.Context, event any) (any, error) {
			switch raw := event.(type) {
			case json.RawMessage:
				return h(ctx, raw)
			case []byte:
				return h(ctx, raw)
			}
			return nil, fmt.Errorf("pure_lambda middleware passed %T to next, want the json.RawMessage it received", event)
		}
	},
	fromNext: func(n Next) LambdaHandler {
		return func(ctx context.Context, event json.RawMessage) (any, error) { return n(ctx, event) }
	},
}

// websocketAdapters convert websocket handlers.
var websocketAdapters = adapters[WebsocketHandler]{
	toNext: func(h WebsocketHandler) Next {
		return func(ctx context.Context, event any) (any, error) {
			ev, ok := event.(*WebsocketEvent)
			if !ok || ev == nil {
				return nil, fmt.Errorf("websocket middleware passed %T to next, want the *chalice.WebsocketEvent it received", event)
			}
			resp, err := h(ctx, ev)
			if err != nil {
				return nil, err
			}
			return resp, nil
		}
	},
	fromNext: func(n Next) WebsocketHandler {
		return func(ctx context.Context, ev *WebsocketEvent) (*Response, error) {
			out, err := n(ctx, ev)
			if err != nil {
				return nil, err
			}
			resp, _ := out.(*Response) // anything else: no response (status 200)
			return resp, nil
		}
	},
}

// invocation is what the runtime keeps on an event while its function
// runs, shared with the copies middleware makes of the event (result
// points at own of the decoded event).
type invocation struct {
	result *invocationResult
	own    invocationResult
}

type invocationResult struct {
	// handled is the event the function received, when it ran.
	handled any
	// out is what a Chalice-style middleware returned, when set.
	out any
	set bool
}

func (i *invocation) inv() *invocation { return i }

// start prepares a decoded event for its invocation.
func (i *invocation) start() { i.result = &i.own }

// handled records that the function received ev.
func handled[E Event](ev E) {
	if r := ev.inv().result; r != nil {
		r.handled = ev
	}
}

func setResult[E Event](ev E, out any) {
	if r := ev.inv().result; r != nil {
		r.out, r.set = out, true
	}
}

// eventResult is the function's result for the event ev: what a
// Chalice-style middleware returned, or else result of the event the
// function received (ev, or the copy middleware passed on).
func eventResult[E Event](ev E, result func(E) any) any {
	r := ev.inv().result
	if r != nil && r.set {
		return r.out
	}
	if result == nil {
		return nil
	}
	if r != nil {
		if h, ok := r.handled.(E); ok && h != nil {
			ev = h
		}
	}
	return result(ev)
}

// eventAdapters convert event handlers of kind (for messages).
func eventAdapters[E Event](kind string, result func(E) any) adapters[EventHandler[E]] {
	return adapters[EventHandler[E]]{
		toNext: func(h EventHandler[E]) Next {
			return func(ctx context.Context, event any) (any, error) {
				ev, ok := event.(E)
				if !ok || ev == nil {
					return nil, fmt.Errorf("%s middleware passed %T to next, want the %T it received", kind, event, ev)
				}
				if err := h(ctx, ev); err != nil {
					return nil, err
				}
				return eventResult(ev, result), nil
			}
		},
		fromNext: func(n Next) EventHandler[E] {
			return func(ctx context.Context, ev E) error {
				out, err := n(ctx, ev)
				if err != nil {
					return err
				}
				setResult(ev, out)
				return nil
			}
		},
	}
}

// PanicError is the error a recovered panic becomes.
type PanicError struct {
	Value any
	Stack []byte
}

func (p *PanicError) Error() string { return fmt.Sprintf("panic: %v", p.Value) }
