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

func TestMiddlewareOrder(t *testing.T) {
	var trace []string
	app := newApp()
	mark := func(name string) chalice.Middleware {
		return func(ctx context.Context, event any, next chalice.Next) (any, error) {
			trace = append(trace, name+" before")
			out, err := next(ctx, event)
			trace = append(trace, name+" after")
			return out, err
		}
	}
	app.Use(chalice.EventHTTP, mark("first"))
	app.Use(chalice.EventAll, mark("all"))
	app.Use(chalice.EventS3, mark("s3-only"))
	app.Use(chalice.EventHTTP, mark("last"))
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) {
		trace = append(trace, "view")
		return "ok", nil
	})
	got := call(t, app, restEvent{Resource: "/"})
	checkResponse(t, got, 200, "ok", nil)
	want := []string{"first before", "all before", "last before", "view", "last after", "all after", "first after"}
	if !reflect.DeepEqual(trace, want) {
		t.Errorf("trace = %v, want %v", trace, want)
	}
}

func TestMiddlewareModifiesResponseAndRequest(t *testing.T) {
	app := newApp()
	app.Use(chalice.EventHTTP, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		req := event.(*chalice.Request)
		if req.Headers.Get("x-block") != "" {
			return chalice.NewResponse(403, map[string]string{"blocked": req.Path}), nil
		}
		req.URIParams["injected"] = "yes"
		out, err := next(ctx, req)
		if err != nil {
			return nil, err
		}
		resp := out.(*chalice.Response)
		resp.SetHeader("X-Request-Path", req.URLPath)
		resp.StatusCode = 299
		return resp, nil
	})
	app.Get("/items/{id}", func(ctx context.Context, req *chalice.Request) (any, error) {
		return req.URIParams, nil
	})
	got := call(t, app, restEvent{Resource: "/items/{id}", Path: "/items/3", PathParams: map[string]string{"id": "3"}})
	checkResponse(t, got, 299, `{"id":"3","injected":"yes"}`, map[string]*string{"X-Request-Path": str("/items/3")})
	got = call(t, app, restEvent{Resource: "/items/{id}", Path: "/items/3", PathParams: map[string]string{"id": "3"}, Headers: map[string]string{"X-Block": "1"}})
	checkResponse(t, got, 403, `{"blocked":"/items/{id}"}`, nil)
}

func TestMiddlewareErrors(t *testing.T) {
	generic := `{"Code":"InternalServerError","Message":"An internal server error occurred."}`
	tests := []struct {
		name   string
		mw     chalice.Middleware
		view   chalice.HandlerFunc
		status int
		body   string
	}{
		{
			name: "middleware error is a generic 500",
			mw: func(ctx context.Context, event any, next chalice.Next) (any, error) {
				return nil, errors.New("middleware failed")
			},
			status: 500, body: generic,
		},
		{
			name: "middleware returning a chalice error is still a generic 500",
			mw: func(ctx context.Context, event any, next chalice.Next) (any, error) {
				return nil, chalice.BadRequestError("from middleware")
			},
			status: 500, body: generic,
		},
		{
			name: "middleware panic",
			mw: func(ctx context.Context, event any, next chalice.Next) (any, error) {
				panic("mw panic")
			},
			status: 500, body: generic,
		},
		{
			name: "middleware returns wrong type",
			mw: func(ctx context.Context, event any, next chalice.Next) (any, error) {
				return "not a response", nil
			},
			status: 500, body: generic,
		},
		{
			name: "middleware passes wrong event",
			mw: func(ctx context.Context, event any, next chalice.Next) (any, error) {
				return next(ctx, "not a request")
			},
			status: 500, body: generic,
		},
		{
			name: "unhandled error reaches middleware",
			mw: func(ctx context.Context, event any, next chalice.Next) (any, error) {
				out, err := next(ctx, event)
				if errors.Is(err, chalice.ErrUnhandled) {
					return chalice.NewResponse(503, map[string]string{"handled": err.Error()}), nil
				}
				return out, err
			},
			view: func(ctx context.Context, req *chalice.Request) (any, error) {
				return nil, fmt.Errorf("db down: %w", chalice.ErrUnhandled)
			},
			status: 503, body: `{"handled":"db down: chalice: unhandled error"}`,
		},
		{
			name: "unhandled error not handled is a generic 500",
			mw: func(ctx context.Context, event any, next chalice.Next) (any, error) {
				return next(ctx, event)
			},
			view: func(ctx context.Context, req *chalice.Request) (any, error) {
				return nil, chalice.ErrUnhandled
			},
			status: 500, body: generic,
		},
		{
			name: "ordinary view errors are converted before middleware",
			mw: func(ctx context.Context, event any, next chalice.Next) (any, error) {
				out, err := next(ctx, event)
				if err != nil {
					return nil, fmt.Errorf("middleware saw an error: %w", err)
				}
				return out, nil
			},
			view: func(ctx context.Context, req *chalice.Request) (any, error) {
				return nil, errors.New("plain")
			},
			status: 500, body: generic,
		},
		{
			name: "view chalice error passes through middleware as a response",
			mw: func(ctx context.Context, event any, next chalice.Next) (any, error) {
				out, err := next(ctx, event)
				if err != nil {
					return nil, err
				}
				out.(*chalice.Response).SetHeader("X-Seen", "1")
				return out, nil
			},
			view: func(ctx context.Context, req *chalice.Request) (any, error) {
				return nil, chalice.NotFoundError("nope")
			},
			status: 404, body: `{"Code":"NotFoundError","Message":"nope"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			app.Use(chalice.EventHTTP, tt.mw)
			view := tt.view
			if view == nil {
				view = func(ctx context.Context, req *chalice.Request) (any, error) { return "view", nil }
			}
			app.Get("/", view)
			got := call(t, app, restEvent{Resource: "/"})
			checkResponse(t, got, tt.status, tt.body, nil)
		})
	}
}

func TestMiddlewareForEvents(t *testing.T) {
	var seen []string
	app := newApp()
	app.Use(chalice.EventAll, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		seen = append(seen, fmt.Sprintf("all:%T", event))
		return next(ctx, event)
	})
	app.Use(chalice.EventS3, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		seen = append(seen, fmt.Sprintf("s3:%T", event))
		if ev, ok := event.(*chalice.S3Event); ok {
			ev.Key = "rewritten/" + ev.Key
		}
		return next(ctx, event)
	})
	app.Use(chalice.EventSQS, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		out, err := next(ctx, event)
		seen = append(seen, fmt.Sprintf("sqs result:%v err:%v", out, err))
		return out, err
	})
	app.Use(chalice.EventPureLambda, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		raw := event.(json.RawMessage)
		return next(ctx, json.RawMessage(strings.Replace(string(raw), "1", "2", 1)))
	})
	app.Use(chalice.EventScheduled, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		seen = append(seen, fmt.Sprintf("scheduled:%T", event))
		return next(ctx, event)
	})
	app.Use(chalice.EventCloudWatch, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		seen = append(seen, fmt.Sprintf("cloudwatch:%T", event))
		return next(ctx, event)
	})
	var key string
	app.OnS3Event("my-upload-bucket", func(ctx context.Context, ev *chalice.S3Event) error {
		key = ev.Key
		return nil
	}, chalice.Name("on_upload"))
	app.OnSQSMessage("my-queue", func(ctx context.Context, ev *chalice.SQSEvent) error {
		return errors.New("sqs failed")
	}, chalice.Name("on_sqs"))
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) {
		return string(ev), nil
	}, chalice.Name("pure"))
	app.Schedule(chalice.Rate(1, chalice.Minutes), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("tick"))
	app.OnCWEvent(map[string]any{"source": []string{"aws.ec2"}}, func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("ec2"))

	ctx := context.Background()
	if _, err := app.Invoke(ctx, "on_upload", readFixture(t, "s3_put.json")); err != nil {
		t.Fatal(err)
	}
	if key != "rewritten/images/summer holiday/café & beach.png" {
		t.Errorf("handler saw key %q: middleware did not receive the decoded *S3Event", key)
	}
	if _, err := app.Invoke(ctx, "on_sqs", readFixture(t, "sqs_batch.json")); err == nil || err.Error() != "sqs failed" {
		t.Errorf("sqs error = %v", err)
	}
	out, err := app.Invoke(ctx, "pure", []byte(`{"n":1}`))
	if err != nil || string(out) != `"{\"n\":2}"` {
		t.Errorf("pure = %s, %v", out, err)
	}
	if _, err := app.Invoke(ctx, "tick", readFixture(t, "scheduled.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Invoke(ctx, "ec2", readFixture(t, "eventbridge.json")); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"all:*chalice.S3Event", "s3:*chalice.S3Event",
		"all:*chalice.SQSEvent", "sqs result:<nil> err:sqs failed",
		"all:json.RawMessage",
		"all:*chalice.CloudWatchEvent", "scheduled:*chalice.CloudWatchEvent",
		"all:*chalice.CloudWatchEvent", "cloudwatch:*chalice.CloudWatchEvent",
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("middleware saw\n %q\nwant\n %q", seen, want)
	}
}

func TestMiddlewareShortCircuitsEvent(t *testing.T) {
	app := newApp()
	called := false
	app.Use(chalice.EventSNS, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		ev := event.(*chalice.SNSEvent)
		if ev.Subject == "Order shipped" {
			return map[string]string{"skipped": ev.Message}, nil
		}
		return next(ctx, event)
	})
	app.OnSNSMessage("my-topic", func(ctx context.Context, ev *chalice.SNSEvent) error { called = true; return nil }, chalice.Name("sns"))
	out, err := app.Invoke(context.Background(), "sns", readFixture(t, "sns.json"))
	if err != nil || called || string(out) != `{"skipped":"{\"order\": 1234, \"status\": \"shipped\"}"}` {
		t.Errorf("out %s err %v called %v", out, err, called)
	}
}

func TestOnErrorHook(t *testing.T) {
	type hookCall struct {
		Path   string
		Status int
		Code   string
		Msg    string
	}
	var calls []hookCall
	app := newApp()
	app.OnError = func(ctx context.Context, req *chalice.Request, e *chalice.Error) *chalice.Response {
		path := "<nil>"
		if req != nil {
			path = req.Path
		}
		calls = append(calls, hookCall{path, e.StatusCode, e.Code, e.Message})
		if e.Code == "ConflictError" {
			return nil // keep the default body
		}
		return &chalice.Response{StatusCode: e.StatusCode, Headers: map[string]string{"Content-Type": "application/problem+json"},
			Body: map[string]any{"title": e.Message, "status": e.StatusCode}}
	}
	app.Route("/r", func(ctx context.Context, req *chalice.Request) (any, error) {
		switch req.Method {
		case "GET":
			return nil, chalice.NotFoundError("no such thing")
		case "PUT":
			return nil, chalice.ConflictError("exists")
		}
		return nil, errors.New("secret internal detail")
	}, chalice.Methods("GET", "POST", "PUT"))
	app.Post("/json", func(ctx context.Context, req *chalice.Request) (any, error) { return "ok", nil }, chalice.WithCORS(chalice.DefaultCORS()))

	tests := []struct {
		ev     restEvent
		status int
		body   string
		call   hookCall
	}{
		{restEvent{Resource: "/r"}, 404, `{"status":404,"title":"no such thing"}`, hookCall{"/r", 404, "NotFoundError", "no such thing"}},
		{restEvent{Resource: "/r", Method: "DELETE"}, 405, `{"status":405,"title":"Unsupported method: DELETE"}`, hookCall{"/r", 405, "MethodNotAllowedError", "Unsupported method: DELETE"}},
		{restEvent{Resource: "/r", Method: "POST"}, 500, `{"status":500,"title":"An internal server error occurred."}`, hookCall{"/r", 500, "InternalServerError", "An internal server error occurred."}},
		{restEvent{Resource: "/json", Method: "POST", Headers: map[string]string{"Content-Type": "text/plain"}}, 415, `{"status":415,"title":"Unsupported media type: text/plain"}`, hookCall{"/json", 415, "UnsupportedMediaType", "Unsupported media type: text/plain"}},
		{restEvent{Resource: "/r", Method: "PUT"}, 409, `{"Code":"ConflictError","Message":"exists"}`, hookCall{"/r", 409, "ConflictError", "exists"}},
	}
	for _, tt := range tests {
		calls = nil
		got := call(t, app, tt.ev)
		checkResponse(t, got, tt.status, tt.body, nil)
		if len(calls) != 1 || calls[0] != tt.call {
			t.Errorf("%s %s: hook calls = %+v, want [%+v]", tt.ev.Method, tt.ev.Resource, calls, tt.call)
		}
		if tt.status != 409 && got.Headers["Content-Type"] != "application/problem+json" {
			t.Errorf("hook headers lost: %v", got.Headers)
		}
		// Headers the runtime adds survive the hook.
		if tt.status == 405 && got.Headers["Allow"] != "GET, POST, PUT" {
			t.Errorf("405 lost Allow: %v", got.Headers)
		}
		if tt.status == 415 && got.Headers["Access-Control-Allow-Origin"] != "*" {
			t.Errorf("415 lost CORS: %v", got.Headers)
		}
	}
}

func TestUseRejectsUnknownEventType(t *testing.T) {
	app := newApp()
	app.Use("nonsense", func(ctx context.Context, event any, next chalice.Next) (any, error) { return next(ctx, event) })
	app.Use(chalice.EventHTTP, nil)
	err := app.Validate()
	var de *chalice.DefinitionError
	if !errors.As(err, &de) || len(de.Problems) != 2 {
		t.Fatalf("Validate() = %v", err)
	}
	if !strings.Contains(de.Problems[0], `unknown event type "nonsense"`) || !strings.Contains(de.Problems[1], "nil") {
		t.Errorf("problems = %q", de.Problems)
	}
}
