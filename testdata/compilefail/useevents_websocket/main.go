// Event middleware for a type that is not an event of an event handler.
//
// want: *chalice.WebsocketEvent does not satisfy chalice.Event
package main

import (
	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	chalice.UseEvents[*chalice.WebsocketEvent](app)
	app.Run()
}
