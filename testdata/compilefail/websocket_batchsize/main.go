// A websocket handler given a batch option.
//
// want: chalice.BatchOption does not implement chalice.WebsocketOption (missing method applyWebsocket)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.OnWSMessage(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil }, chalice.BatchSize(1))
	app.Run()
}
