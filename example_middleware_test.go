package chalice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gochalice/chalice"
)

// get runs GET path through the app's api_handler, as API Gateway would.
func get(app *chalice.App, path string, headers map[string]string) string {
	ev := map[string]any{
		"resource": path, "path": path, "httpMethod": "GET", "headers": headers,
		"requestContext": map[string]any{"resourcePath": path, "httpMethod": "GET"},
	}
	payload, _ := json.Marshal(ev)
	out, err := app.Invoke(context.Background(), "api_handler", payload)
	if err != nil {
		return err.Error()
	}
	var resp struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	_ = json.Unmarshal(out, &resp)
	return fmt.Sprint(resp.StatusCode, " ", resp.Body)
}

// App-wide middleware wraps every request; a *chalice.Error it returns is
// answered with Chalice's error body.
func ExampleApp_UseHTTP() {
	app := chalice.New("shop")
	app.UseHTTP(func(next chalice.Handler) chalice.Handler {
		return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
			if req.Headers.Get("x-api-key") == "" {
				return nil, chalice.UnauthorizedError("no API key")
			}
			resp, err := next(ctx, req)
			if err == nil {
				resp.SetHeader("X-Served-By", "shop")
			}
			return resp, err
		}
	})
	app.Get("/orders", func(ctx context.Context, req *chalice.Request) (any, error) {
		return []string{"o-1", "o-2"}, nil
	})

	fmt.Println(get(app, "/orders", nil))
	fmt.Println(get(app, "/orders", map[string]string{"X-Api-Key": "k"}))
	// Output:
	// 401 {"Code":"UnauthorizedError","Message":"no API key"}
	// 200 ["o-1","o-2"]
}

// Route middleware wraps one view, inside the app's middleware.
func ExampleWithMiddleware() {
	var trace []string
	mark := func(name string) func(chalice.Handler) chalice.Handler {
		return func(next chalice.Handler) chalice.Handler {
			return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) {
				trace = append(trace, name)
				return next(ctx, req)
			}
		}
	}
	app := chalice.New("shop")
	app.UseHTTP(mark("app"))
	app.Get("/admin", func(ctx context.Context, req *chalice.Request) (any, error) {
		trace = append(trace, "view")
		return "ok", nil
	}, chalice.WithMiddleware(mark("audit"), mark("admin-only")))

	fmt.Println(get(app, "/admin", nil))
	fmt.Println(strings.Join(trace, " > "))
	// Output:
	// 200 ok
	// app > audit > admin-only > view
}

// Event middleware is typed by the event it wraps: here every SQS batch.
func ExampleUseEvents() {
	app := chalice.New("shop")
	chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.SQSEvent]) chalice.EventHandler[*chalice.SQSEvent] {
		return func(ctx context.Context, ev *chalice.SQSEvent) error {
			fmt.Println("batch of", len(ev.Records))
			return next(ctx, ev)
		}
	})
	app.OnSQSMessage("orders", func(ctx context.Context, ev *chalice.SQSEvent) error {
		for _, r := range ev.Records {
			if r.Body == "bad" {
				ev.Fail(r.MessageId) // retried; the others are done
			}
		}
		return nil
	}, chalice.Name("on_order"), chalice.BatchSize(10), chalice.ReportBatchItemFailures())

	out, err := app.Invoke(context.Background(), "on_order",
		[]byte(`{"Records":[{"messageId":"m1","body":"ok"},{"messageId":"m2","body":"bad"}]}`))
	fmt.Println(string(out), err)
	// Output:
	// batch of 2
	// {"batchItemFailures":[{"itemIdentifier":"m2"}]} <nil>
}
