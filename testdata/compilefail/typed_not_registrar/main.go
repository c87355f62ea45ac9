// A typed route registered on something that is not an app or a blueprint.
//
// want: chalice.Handler does not implement chalice.Registrar
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

type in struct{}

type out struct{}

func main() {
	var r chalice.Handler
	chalice.Get(r, "/", func(ctx context.Context, in *in) (*out, error) { return nil, nil })
}
