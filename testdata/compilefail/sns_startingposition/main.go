// An SNS handler given a stream option.
//
// want: chalice.StreamOption does not implement chalice.SNSOption (missing method applySNS)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.OnSNSMessage("alerts", func(ctx context.Context, ev *chalice.SNSEvent) error { return nil },
		chalice.Name("on_alert"), chalice.StartingPosition("TRIM_HORIZON"))
	app.Run()
}
