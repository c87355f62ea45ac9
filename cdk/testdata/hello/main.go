// Command hello is the gochalice app the cdk package's tests synthesize: a
// REST API, a plain Lambda function, an extra route that only exists
// when HELLO_EXTRA_ROUTE=1 is in the packaging environment, and a
// declared table with a route using it when HELLO_TABLE=1 is.
package main

import (
	"context"
	"encoding/json"
	"os"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("hello")
	app.Get("/", func(ctx context.Context, r *chalice.Request) (any, error) {
		return map[string]string{"hello": os.Getenv("GREETING")}, nil
	})
	if os.Getenv("HELLO_EXTRA_ROUTE") == "1" {
		app.Get("/extra", func(ctx context.Context, r *chalice.Request) (any, error) {
			return map[string]string{"extra": "yes"}, nil
		})
	}
	if os.Getenv("HELLO_TABLE") == "1" {
		notes := app.Table("notes", chalice.StringKey("id"))
		app.Get("/notes", func(ctx context.Context, r *chalice.Request) (any, error) {
			return map[string]string{"table": notes.Name()}, nil
		}, chalice.Uses(notes, chalice.Read))
	}
	app.LambdaFunction(worker, chalice.Name("worker"))
	app.Run()
}

func worker(ctx context.Context, event json.RawMessage) (any, error) {
	return map[string]int{"bytes": len(event)}, nil
}
