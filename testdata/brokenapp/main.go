// Command brokenapp is a gochalice app with several definition mistakes,
// used by the root package's tests of manifest mode (exit status 3).
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	h := func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
	app := chalice.New("brokenapp")
	app.Get("/users", h, chalice.Name("list"))
	app.Get("/users", h, chalice.Name("list_again"))
	app.Get("/trailing/", h)
	app.OnSQSMessage("", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("worker"))
	app.Schedule(chalice.Rate(0, chalice.Minutes), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("never"))
	app.Run()
}
