// A mounted http.Handler given an authorizer option.
//
// want: chalice.LambdaAuthorizerOption does not implement chalice.RouteOption (missing method applyRoute)
package main

import (
	"net/http"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.Mount("/legacy", http.NotFoundHandler(), chalice.TTL(3))
	app.Run()
}
