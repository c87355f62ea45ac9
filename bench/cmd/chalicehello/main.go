// Command chalicehello is the same hello app written with gochalice.
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("hello")
	app.Get("/", func(ctx context.Context, r *chalice.Request) (any, error) {
		return map[string]string{"hello": "world"}, nil
	})
	app.Run()
}
