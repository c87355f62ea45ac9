// An untyped view given to a typed registration.
//
// want: does not match inferred type func(ctx "context".Context, in *chalice.Request) (*O, error)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	chalice.Get(app, "/", func(ctx context.Context, r *chalice.Request) (any, error) { return nil, nil })
	app.Run()
}
