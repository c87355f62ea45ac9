// A schedule on a custom bus by name: EventBridge takes schedule
// expressions on the default bus only.
//
// want: chalice.CWEventOption does not implement chalice.ScheduleOption (missing method applySchedule)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.Schedule(chalice.Rate(1, chalice.Hours), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.EventBus("orders"))
	app.Run()
}
