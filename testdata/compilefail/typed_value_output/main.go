// A typed handler returning its output by value instead of a pointer.
//
// want: (out, error) {…} does not match inferred type func(ctx "context".Context, in *in) (*O, error)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

type in struct{}

type out struct{}

func main() {
	app := chalice.New("compilefail")
	chalice.Post(app, "/", func(ctx context.Context, in *in) (out, error) { return out{}, nil })
	app.Run()
}
