// A built-in authorizer given a route's Methods.
//
// want: chalice.RouteOption does not implement chalice.AuthorizerOption (missing method applyAuthorizer)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil },
		chalice.Name("auth"), chalice.Methods("GET"))
	app.Run()
}
