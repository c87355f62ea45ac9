// An SQS handler given a route's CORS option.
//
// want: chalice.RouteOption does not implement chalice.SQSOption (missing method applySQS)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.OnSQSMessage("jobs", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil },
		chalice.Name("jobs"), chalice.WithCORS(chalice.DefaultCORS()))
	app.Run()
}
