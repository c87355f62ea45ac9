// A route given an SQS/Kinesis/DynamoDB batch option.
//
// want: chalice.BatchOption does not implement chalice.RouteOption (missing method applyRoute)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.Get("/", func(ctx context.Context, r *chalice.Request) (any, error) { return "ok", nil }, chalice.BatchSize(5))
	app.Run()
}
