// App-wide HTTP middleware in the untyped Chalice shape.
//
// want: as func(next chalice.Handler) chalice.Handler value in argument to app.UseHTTP
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.UseHTTP(func(ctx context.Context, ev any, next chalice.Next) (any, error) { return next(ctx, ev) })
	app.Run()
}
