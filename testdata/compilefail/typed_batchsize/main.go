// A batch option on a typed route.
//
// want: chalice.BatchOption does not implement chalice.RouteOption (missing method applyRoute)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

type in struct{}

type out struct{}

func main() {
	app := chalice.New("compilefail")
	chalice.Get(app, "/", func(ctx context.Context, in *in) (*out, error) { return nil, nil }, chalice.BatchSize(5))
	app.Run()
}
