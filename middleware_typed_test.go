package chalice_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
)

// traceHTTP is typed HTTP middleware appending name before and after the
// rest of the chain.
func traceHTTP(trace *[]string, name string) func(chalice.Handler) chalice.Handler {
	return func(next chalice.Handler) chalice.Handler {
		return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
			*trace = append(*trace, name+" before")
			resp, err := next(ctx, req)
			*trace = append(*trace, name+" after")
			return resp, err
		}
	}
}

func traceUntyped(trace *[]string, name string) chalice.Middleware {
	return func(ctx context.Context, event any, next chalice.Next) (any, error) {
		*trace = append(*trace, name+" before")
		out, err := next(ctx, event)
		*trace = append(*trace, name+" after")
		return out, err
	}
}

// TestHTTPMiddlewareOrder: app-wide middleware (UseHTTP, UseAll, Use, a
// blueprint's) runs in registration order, outermost first, around the
// route's WithMiddleware in the order given, around the view; a route
// without middleware runs only the app's.
func TestHTTPMiddlewareOrder(t *testing.T) {
	var trace []string
	app := newApp()
	app.UseHTTP(traceHTTP(&trace, "app1"), traceHTTP(&trace, "app2"))
	app.Use(chalice.EventHTTP, traceUntyped(&trace, "use-http"))
	app.UseAll(traceUntyped(&trace, "all"))
	bp := chalice.NewBlueprint("bp")
	bp.UseHTTP(traceHTTP(&trace, "bp"))
	app.UseHTTP(traceHTTP(&trace, "app3"))
	view := func(ctx context.Context, req *chalice.Request) (any, error) {
		trace = append(trace, "view")
		return "ok", nil
	}
	app.Get("/r", view, chalice.WithMiddleware(traceHTTP(&trace, "route1"), traceHTTP(&trace, "route2")),
		chalice.WithMiddleware(traceHTTP(&trace, "route3")))
	app.Get("/plain", view)
	app.RegisterBlueprint(bp)

	appWide := []string{"app1", "app2", "use-http", "all", "app3", "bp"}
	wrap := func(names []string, inner ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, n+" before")
		}
		out = append(out, inner...)
		for i := len(names) - 1; i >= 0; i-- {
			out = append(out, names[i]+" after")
		}
		return out
	}
	tests := []struct {
		path string
		want []string
	}{
		{"/r", wrap(appWide, wrap([]string{"route1", "route2", "route3"}, "view")...)},
		{"/plain", wrap(appWide, "view")},
	}
	for _, tt := range tests {
		trace = nil
		checkResponse(t, call(t, app, restEvent{Resource: tt.path}), 200, "ok", nil)
		if !reflect.DeepEqual(trace, tt.want) {
			t.Errorf("%s: trace\n %q\nwant\n %q", tt.path, trace, tt.want)
		}
	}
}

// TestHTTPMiddlewareAnswers: what typed HTTP middleware returns, at app
// and route level.
func TestHTTPMiddlewareAnswers(t *testing.T) {
	generic := `{"Code":"InternalServerError","Message":"An internal server error occurred."}`
	mw := func(h func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error)) func(chalice.Handler) chalice.Handler {
		return func(next chalice.Handler) chalice.Handler {
			return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) { return h(next, ctx, req) }
		}
	}
	tests := []struct {
		name    string
		appOnly bool // route middleware runs after the route is matched
		mw      func(chalice.Handler) chalice.Handler
		view    chalice.HandlerFunc
		status  int
		body    string
		headers map[string]*string
	}{
		{
			name: "passes through",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				return next(ctx, req)
			}),
			status: 200, body: "view",
		},
		{
			name: "changes the response and the request",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				req.URIParams["seen"] = "yes"
				resp, err := next(ctx, req)
				if err != nil {
					return nil, err
				}
				resp.StatusCode = 201
				return resp.SetHeader("X-MW", "1"), nil
			}),
			view:   func(ctx context.Context, req *chalice.Request) (any, error) { return req.URIParams, nil },
			status: 201, body: `{"seen":"yes"}`, headers: map[string]*string{"X-MW": str("1")},
		},
		{
			name: "answers without the view",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				return chalice.NewResponse(429, map[string]string{"slow": "down"}), nil
			}),
			status: 429, body: `{"slow":"down"}`,
		},
		{
			name: "a chalice error is answered as a view's",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				return nil, chalice.UnauthorizedError("no token")
			}),
			status: 401, body: `{"Code":"UnauthorizedError","Message":"no token"}`,
		},
		{
			name: "a wrapped chalice error too",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				return nil, fmt.Errorf("checking quota: %w", chalice.TooManyRequestsError("quota"))
			}),
			status: 429, body: `{"Code":"TooManyRequestsError","Message":"quota"}`,
		},
		{
			name: "another error is the generic 500",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				return nil, errors.New("db down")
			}),
			status: 500, body: generic,
		},
		{
			name: "no response and no error is the generic 500",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				return nil, nil
			}),
			status: 500, body: generic,
		},
		{
			name: "a panic is the generic 500",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				panic("boom")
			}),
			status: 500, body: generic,
		},
		{
			name:    "a request the runtime did not make is the generic 500",
			appOnly: true,
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				return next(ctx, &chalice.Request{Method: "GET", Path: req.Path})
			}),
			status: 500, body: generic,
		},
		{
			name: "a copy of the request is fine",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				c := *req
				return next(ctx, &c)
			}),
			status: 200, body: "view",
		},
		{
			name: "an unhandled view error reaches the middleware",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				resp, err := next(ctx, req)
				if errors.Is(err, chalice.ErrUnhandled) {
					return chalice.NewResponse(503, "handled: "+err.Error()), nil
				}
				return resp, err
			}),
			view: func(ctx context.Context, req *chalice.Request) (any, error) {
				return nil, fmt.Errorf("db: %w", chalice.ErrUnhandled)
			},
			status: 503, body: "handled: db: chalice: unhandled error",
		},
		{
			name: "view errors reach the middleware as responses",
			mw: mw(func(next chalice.Handler, ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				resp, err := next(ctx, req)
				if err != nil {
					return nil, err
				}
				return resp.SetHeader("X-Status", fmt.Sprint(resp.StatusCode)), nil
			}),
			view: func(ctx context.Context, req *chalice.Request) (any, error) {
				return nil, chalice.NotFoundError("nope")
			},
			status: 404, body: `{"Code":"NotFoundError","Message":"nope"}`, headers: map[string]*string{"X-Status": str("404")},
		},
	}
	for _, tt := range tests {
		view := tt.view
		if view == nil {
			view = func(ctx context.Context, req *chalice.Request) (any, error) { return "view", nil }
		}
		for _, where := range []string{"app", "route"} {
			if where == "route" && tt.appOnly {
				continue
			}
			t.Run(where+"/"+tt.name, func(t *testing.T) {
				app := newApp()
				var opts []chalice.RouteOption
				if where == "app" {
					app.UseHTTP(tt.mw)
				} else {
					opts = append(opts, chalice.WithMiddleware(tt.mw))
				}
				app.Get("/", view, opts...)
				checkResponse(t, call(t, app, restEvent{Resource: "/"}), tt.status, tt.body, tt.headers)
			})
		}
	}
}

// TestHTTPMiddlewareScope: app-wide middleware sees the runtime's 405s
// and preflights; route middleware runs only for requests that reach its
// view, and its answers get the route's CORS headers; both pass through
// App.OnError.
func TestHTTPMiddlewareScope(t *testing.T) {
	var appSaw, routeSaw []string
	app := newApp()
	app.OnError = func(ctx context.Context, req *chalice.Request, e *chalice.Error) *chalice.Response {
		if e.Code == "ForbiddenError" {
			return chalice.NewResponse(e.StatusCode, map[string]string{"hooked": e.Message})
		}
		return nil
	}
	app.UseHTTP(func(next chalice.Handler) chalice.Handler {
		return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
			resp, err := next(ctx, req)
			if err == nil {
				appSaw = append(appSaw, fmt.Sprintf("%s %d", req.Method, resp.StatusCode))
			}
			return resp, err
		}
	})
	deny := func(next chalice.Handler) chalice.Handler {
		return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
			routeSaw = append(routeSaw, req.Method)
			if req.Headers.Get("x-user") == "" {
				return nil, chalice.ForbiddenError("who are you")
			}
			return next(ctx, req)
		}
	}
	app.Post("/items", func(ctx context.Context, req *chalice.Request) (any, error) { return "made", nil },
		chalice.WithCORS(chalice.DefaultCORS()), chalice.WithMiddleware(deny))

	checkResponse(t, call(t, app, restEvent{Resource: "/items", Method: "POST"}), 403, `{"hooked":"who are you"}`,
		map[string]*string{"Access-Control-Allow-Origin": str("*")})
	checkResponse(t, call(t, app, restEvent{Resource: "/items", Method: "POST", Headers: map[string]string{"X-User": "ana"}}), 200, "made", nil)
	checkResponse(t, call(t, app, restEvent{Resource: "/items", Method: "DELETE"}), 405, `{"Code":"MethodNotAllowedError","Message":"Unsupported method: DELETE"}`, nil)
	checkResponse(t, call(t, app, restEvent{Resource: "/items", Method: "POST", Headers: map[string]string{"Content-Type": "text/plain", "X-User": "ana"}}), 415,
		`{"Code":"UnsupportedMediaType","Message":"Unsupported media type: text/plain"}`, nil)
	if want := []string{"POST 403", "POST 200", "DELETE 405", "POST 415"}; !reflect.DeepEqual(appSaw, want) {
		t.Errorf("app middleware saw %q, want %q", appSaw, want)
	}
	if want := []string{"POST", "POST"}; !reflect.DeepEqual(routeSaw, want) {
		t.Errorf("route middleware saw %q, want %q", routeSaw, want)
	}
}

// TestMiddlewareDefinitionErrors: nil middleware, a middleware that
// returns a nil handler or panics when the chain is built, are definition
// errors naming where they were registered.
func TestMiddlewareDefinitionErrors(t *testing.T) {
	view := func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
	sqs := func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }
	nilHandler := func(next chalice.Handler) chalice.Handler { return nil }
	tests := []struct {
		name  string
		setup func(app *chalice.App)
		want  []string
	}{
		{"nil UseHTTP", func(app *chalice.App) { app.UseHTTP(nil) }, []string{"UseHTTP: middleware 1 of 1 is nil"}},
		{"nil WithMiddleware", func(app *chalice.App) {
			app.Get("/", view, chalice.WithMiddleware(func(next chalice.Handler) chalice.Handler { return next }, nil))
		}, []string{"route /: WithMiddleware: middleware 2 of 2 is nil"}},
		{"nil UseEvents", func(app *chalice.App) { chalice.UseEvents[*chalice.SQSEvent](app, nil) }, []string{"UseEvents[*chalice.SQSEvent]: middleware 1 of 1 is nil"}},
		{"nil UseLambda", func(app *chalice.App) { app.UseLambda(nil) }, []string{"UseLambda: middleware 1 of 1 is nil"}},
		{"nil UseWebsocket", func(app *chalice.App) { app.UseWebsocket(nil) }, []string{"UseWebsocket: middleware 1 of 1 is nil"}},
		{"nil UseAll", func(app *chalice.App) { app.UseAll(nil) }, []string{"middleware for all: function is nil"}},
		{"app middleware returns a nil handler", func(app *chalice.App) {
			app.UseHTTP(func(next chalice.Handler) chalice.Handler { return next }, nilHandler)
		}, []string{"UseHTTP middleware 2 returned a nil handler; return next, or a handler that calls it"}},
		{"route middleware returns a nil handler", func(app *chalice.App) {
			app.Get("/x", view, chalice.WithMiddleware(nilHandler))
		}, []string{"route /x: middleware 1 (WithMiddleware) returned a nil handler; return next, or a handler that calls it"}},
		{"event middleware panics", func(app *chalice.App) {
			app.OnSQSMessage("q", sqs, chalice.Name("jobs"))
			chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.SQSEvent]) chalice.EventHandler[*chalice.SQSEvent] {
				panic("no")
			})
		}, []string{"UseEvents[*chalice.SQSEvent] middleware 1 panicked when given its next handler: no"}},
		{"event middleware of another kind is not run", func(app *chalice.App) {
			app.OnSQSMessage("q", sqs, chalice.Name("jobs"))
			chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.S3Event]) chalice.EventHandler[*chalice.S3Event] { panic("no") })
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			tt.setup(app)
			err := app.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			var de *chalice.DefinitionError
			if !errors.As(err, &de) || !reflect.DeepEqual(de.Problems, tt.want) {
				t.Errorf("Validate() = %v\nwant problems %q", err, tt.want)
			}
		})
	}
}

// TestEventMiddlewareTyped: UseEvents middleware receives the typed
// event of its kind only (*CloudWatchEvent: schedules and EventBridge),
// in registration order among the app's middleware.
func TestEventMiddlewareTyped(t *testing.T) {
	var seen []string
	app := newApp()
	chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.S3Event]) chalice.EventHandler[*chalice.S3Event] {
		return func(ctx context.Context, ev *chalice.S3Event) error {
			seen = append(seen, "s3 "+ev.Bucket)
			ev.Key = "rewritten/" + ev.Key
			return next(ctx, ev)
		}
	})
	chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.SNSEvent]) chalice.EventHandler[*chalice.SNSEvent] {
		return func(ctx context.Context, ev *chalice.SNSEvent) error {
			seen = append(seen, "sns "+ev.Subject)
			return next(ctx, ev)
		}
	})
	chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.CloudWatchEvent]) chalice.EventHandler[*chalice.CloudWatchEvent] {
		return func(ctx context.Context, ev *chalice.CloudWatchEvent) error {
			seen = append(seen, "cw "+ev.DetailType)
			return next(ctx, ev)
		}
	})
	chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.KinesisEvent]) chalice.EventHandler[*chalice.KinesisEvent] {
		return func(ctx context.Context, ev *chalice.KinesisEvent) error {
			seen = append(seen, fmt.Sprintf("kinesis %d", len(ev.Records)))
			return next(ctx, ev)
		}
	})
	chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.DynamoDBEvent]) chalice.EventHandler[*chalice.DynamoDBEvent] {
		return func(ctx context.Context, ev *chalice.DynamoDBEvent) error {
			seen = append(seen, "dynamodb "+ev.Records[0].EventName)
			return next(ctx, ev)
		}
	})
	app.Use(chalice.EventSQS, traceUntyped(&seen, "sqs untyped"))
	chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.SQSEvent]) chalice.EventHandler[*chalice.SQSEvent] {
		return func(ctx context.Context, ev *chalice.SQSEvent) error {
			seen = append(seen, fmt.Sprintf("sqs typed %d", len(ev.Records)))
			return next(ctx, ev)
		}
	})
	var key string
	app.OnS3Event("my-upload-bucket", func(ctx context.Context, ev *chalice.S3Event) error { key = ev.Key; return nil }, chalice.Name("on_upload"))
	app.OnSNSMessage("t", func(ctx context.Context, ev *chalice.SNSEvent) error { return nil }, chalice.Name("on_sns"))
	app.OnSQSMessage("q", func(ctx context.Context, ev *chalice.SQSEvent) error { seen = append(seen, "sqs handler"); return nil }, chalice.Name("on_sqs"))
	app.Schedule(chalice.Rate(1, chalice.Minutes), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("tick"))
	app.OnCWEvent(map[string]any{"source": []string{"aws.ec2"}}, func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("ec2"))
	app.OnKinesisRecord("s", func(ctx context.Context, ev *chalice.KinesisEvent) error { return nil }, chalice.Name("on_kinesis"))
	app.OnDynamoDBRecord("arn:aws:dynamodb:us-west-2:123456789012:table/t/stream/x", func(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil }, chalice.Name("on_ddb"))

	tests := []struct {
		function, fixture string
		want              []string
	}{
		{"on_upload", "s3_put.json", []string{"s3 my-upload-bucket"}},
		{"on_sns", "sns.json", []string{"sns Order shipped"}},
		{"on_sqs", "sqs_batch.json", []string{"sqs untyped before", "sqs typed 3", "sqs handler", "sqs untyped after"}},
		{"tick", "scheduled.json", []string{"cw Scheduled Event"}},
		{"ec2", "eventbridge.json", []string{"cw EC2 Instance State-change Notification"}},
		{"on_kinesis", "kinesis.json", []string{"kinesis 2"}},
		{"on_ddb", "dynamodb_insert.json", []string{"dynamodb INSERT"}},
	}
	for _, tt := range tests {
		seen = nil
		if _, err := app.Invoke(context.Background(), tt.function, readFixture(t, tt.fixture)); err != nil {
			t.Fatalf("%s: %v", tt.function, err)
		}
		if !reflect.DeepEqual(seen, tt.want) {
			t.Errorf("%s: middleware saw %q, want %q", tt.function, seen, tt.want)
		}
	}
	if !strings.HasPrefix(key, "rewritten/") {
		t.Errorf("handler saw key %q: the middleware's change was lost", key)
	}
}

// TestEventMiddlewareResults: the function's result (the partial batch
// response) is what Fail recorded on the event the handler received and
// on the event middleware holds, or what a Chalice-style middleware
// returned, whatever the mix of typed and untyped middleware.
func TestEventMiddlewareResults(t *testing.T) {
	const id1, id2 = "059f36b4-87a3-44ab-83d2-661975830a7d", "2e1424d4-f796-459a-8184-9c92662be6da"
	failFirst := func(ctx context.Context, ev *chalice.SQSEvent) error { ev.Fail(ev.Records[0].MessageId); return nil }
	typed := func(f func(next chalice.EventHandler[*chalice.SQSEvent], ctx context.Context, ev *chalice.SQSEvent) error) func(chalice.EventHandler[*chalice.SQSEvent]) chalice.EventHandler[*chalice.SQSEvent] {
		return func(next chalice.EventHandler[*chalice.SQSEvent]) chalice.EventHandler[*chalice.SQSEvent] {
			return func(ctx context.Context, ev *chalice.SQSEvent) error { return f(next, ctx, ev) }
		}
	}
	passOn := typed(func(next chalice.EventHandler[*chalice.SQSEvent], ctx context.Context, ev *chalice.SQSEvent) error {
		return next(ctx, ev)
	})
	override := func(ctx context.Context, event any, next chalice.Next) (any, error) {
		if _, err := next(ctx, event); err != nil {
			return nil, err
		}
		return map[string]string{"overridden": "yes"}, nil
	}
	tests := []struct {
		name    string
		setup   func(app *chalice.App)
		handler func(ctx context.Context, ev *chalice.SQSEvent) error
		want    string
		wantErr string
	}{
		{"handler fails a record", func(app *chalice.App) { chalice.UseEvents(app, passOn) }, failFirst,
			`{"batchItemFailures":[{"itemIdentifier":"` + id1 + `"}]}`, ""},
		{"middleware fails a record after the handler", func(app *chalice.App) {
			chalice.UseEvents(app, typed(func(next chalice.EventHandler[*chalice.SQSEvent], ctx context.Context, ev *chalice.SQSEvent) error {
				err := next(ctx, ev)
				ev.Fail(ev.Records[1].MessageId)
				return err
			}))
		}, failFirst, `{"batchItemFailures":[{"itemIdentifier":"` + id1 + `"},{"itemIdentifier":"` + id2 + `"}]}`, ""},
		{"middleware passes on a copy", func(app *chalice.App) {
			chalice.UseEvents(app, typed(func(next chalice.EventHandler[*chalice.SQSEvent], ctx context.Context, ev *chalice.SQSEvent) error {
				c := *ev
				c.Records = c.Records[:1]
				return next(ctx, &c)
			}))
		}, failFirst, `{"batchItemFailures":[{"itemIdentifier":"` + id1 + `"}]}`, ""},
		{"middleware answers without the handler", func(app *chalice.App) {
			chalice.UseEvents(app, typed(func(next chalice.EventHandler[*chalice.SQSEvent], ctx context.Context, ev *chalice.SQSEvent) error {
				ev.Fail(ev.Records[1].MessageId)
				return nil
			}))
		}, failFirst, `{"batchItemFailures":[{"itemIdentifier":"` + id2 + `"}]}`, ""},
		{"untyped middleware inside typed overrides the result", func(app *chalice.App) {
			chalice.UseEvents(app, passOn)
			app.Use(chalice.EventSQS, override)
			chalice.UseEvents(app, passOn)
		}, failFirst, `{"overridden":"yes"}`, ""},
		{"untyped middleware outside typed sees the result", func(app *chalice.App) {
			app.Use(chalice.EventSQS, func(ctx context.Context, event any, next chalice.Next) (any, error) {
				out, err := next(ctx, event)
				return map[string]any{"inner": out}, err
			})
			chalice.UseEvents(app, passOn)
		}, failFirst, `{"inner":{"batchItemFailures":[{"itemIdentifier":"` + id1 + `"}]}}`, ""},
		{"an error stops the chain", func(app *chalice.App) {
			chalice.UseEvents(app, typed(func(next chalice.EventHandler[*chalice.SQSEvent], ctx context.Context, ev *chalice.SQSEvent) error {
				if err := next(ctx, ev); err != nil {
					return fmt.Errorf("batch of %d: %w", len(ev.Records), err)
				}
				return nil
			}))
		}, func(ctx context.Context, ev *chalice.SQSEvent) error { return errors.New("queue broke") }, "", "batch of 3: queue broke"},
		{"a nil event is an error", func(app *chalice.App) {
			chalice.UseEvents(app, typed(func(next chalice.EventHandler[*chalice.SQSEvent], ctx context.Context, ev *chalice.SQSEvent) error {
				return next(ctx, nil)
			}))
		}, failFirst, "", "sqs middleware passed a nil *chalice.SQSEvent to next"},
		{"untyped middleware passing another type is an error", func(app *chalice.App) {
			app.UseAll(func(ctx context.Context, event any, next chalice.Next) (any, error) { return next(ctx, "not an event") })
			chalice.UseEvents(app, passOn)
		}, failFirst, "", "sqs middleware passed string to next, want the *chalice.SQSEvent it received"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			tt.setup(app)
			app.OnSQSMessage("q", tt.handler, chalice.Name("jobs"), chalice.ReportBatchItemFailures())
			out, err := app.Invoke(context.Background(), "jobs", readFixture(t, "sqs_batch.json"))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Invoke = %s, %v; want error %q", out, err, tt.wantErr)
				}
				return
			}
			if err != nil || string(out) != tt.want {
				t.Errorf("Invoke = %s, %v\nwant %s", out, err, tt.want)
			}
		})
	}
}

// TestLambdaAndWebsocketMiddleware: UseLambda and UseWebsocket wrap their
// kinds in order, mixed with Chalice-style middleware.
func TestLambdaAndWebsocketMiddleware(t *testing.T) {
	var trace []string
	app := newApp()
	app.UseLambda(func(next chalice.LambdaHandler) chalice.LambdaHandler {
		return func(ctx context.Context, ev json.RawMessage) (any, error) {
			trace = append(trace, "lambda typed")
			out, err := next(ctx, json.RawMessage(strings.ReplaceAll(string(ev), "1", "2")))
			return map[string]any{"wrapped": out}, err
		}
	})
	app.UseAll(traceUntyped(&trace, "all"))
	app.UseWebsocket(func(next chalice.WebsocketHandler) chalice.WebsocketHandler {
		return func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
			trace = append(trace, "ws typed "+ev.ConnectionID)
			if ev.Body == "forbidden" {
				return nil, chalice.ForbiddenError("not that")
			}
			resp, err := next(ctx, ev)
			if resp != nil {
				resp.SetHeader("X-WS", "1")
			}
			return resp, err
		}
	})
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) {
		trace = append(trace, "lambda")
		return string(ev), nil
	}, chalice.Name("pure"))
	app.OnWSMessage(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
		trace = append(trace, "ws")
		return chalice.NewResponse(200, "echo "+ev.Body), nil
	})

	out, err := app.Invoke(context.Background(), "pure", []byte(`{"n":1}`))
	if err != nil || string(out) != `{"wrapped":"{\"n\":2}"}` {
		t.Errorf("pure = %s, %v", out, err)
	}
	if want := []string{"lambda typed", "all before", "lambda", "all after"}; !reflect.DeepEqual(trace, want) {
		t.Errorf("pure trace %q, want %q", trace, want)
	}

	msg := func(body string) []byte {
		return mustJSON(t, map[string]any{"body": body, "requestContext": map[string]any{
			"routeKey": "$default", "connectionId": "c1", "domainName": "abc.execute-api.us-west-2.amazonaws.com", "stage": "api", "apiId": "abc",
		}})
	}
	trace = nil
	out, err = app.Invoke(context.Background(), "websocket_message", msg("hi"))
	if err != nil || !strings.Contains(string(out), `"body":"echo hi"`) || !strings.Contains(string(out), `"X-WS":"1"`) {
		t.Errorf("message = %s, %v", out, err)
	}
	if want := []string{"all before", "ws typed c1", "ws", "all after"}; !reflect.DeepEqual(trace, want) {
		t.Errorf("websocket trace %q, want %q", trace, want)
	}
	out, err = app.Invoke(context.Background(), "websocket_message", msg("forbidden"))
	if err != nil || !strings.Contains(string(out), `"statusCode":403`) || !strings.Contains(string(out), `ForbiddenError`) {
		t.Errorf("forbidden message = %s, %v", out, err)
	}
}
