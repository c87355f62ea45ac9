// Command typedbroken is a gochalice app whose typed routes have
// definition mistakes, used by the root package's tests of manifest mode
// (exit status 3, every mistake listed).
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

type out struct {
	ID string `json:"id"`
}

// wrongPath binds {id}, which /users does not have.
type wrongPath struct {
	ID string `path:"id"`
}

// badQuery binds a query parameter of a type no parameter can have, and
// has a rule with a bound that is not a number.
type badQuery struct {
	Filter map[string]string `query:"filter"`
	Body   struct {
		Age int `json:"age" validate:"min=abc"`
	}
}

// streamOut has no JSON form.
type streamOut struct {
	C chan int `json:"c"`
}

func main() {
	app := chalice.New("typedbroken")
	chalice.Get(app, "/users", func(ctx context.Context, in *wrongPath) (*out, error) { return nil, nil }, chalice.Name("listUsers"))
	chalice.Get(app, "/users/{id}", func(ctx context.Context, in *struct{}) (*out, error) { return nil, nil }, chalice.Name("getUser"))
	chalice.Post(app, "/search", func(ctx context.Context, in *badQuery) (*out, error) { return nil, nil }, chalice.Name("search"))
	chalice.Get(app, "/stream", func(ctx context.Context, in *struct{}) (*streamOut, error) { return nil, nil }, chalice.Name("stream"))
	app.Run()
}
