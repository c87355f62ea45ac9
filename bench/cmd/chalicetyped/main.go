// Command chalicetyped is the gochalice hello app with a typed route: the
// binder and the schema generator linked in.
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

type helloIn struct {
	Name string `query:"name" default:"world" validate:"min=1,max=32"`
}

type hello struct {
	Hello string `json:"hello"`
}

func main() {
	app := chalice.New("hello")
	chalice.Get(app, "/", func(ctx context.Context, in *helloIn) (*hello, error) {
		return &hello{Hello: in.Name}, nil
	})
	app.Run()
}
