// Schedules run on the default bus only: OnBus is not a schedule option.
//
// want: chalice.CWEventOption does not implement chalice.ScheduleOption (missing method applySchedule)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	bus := app.Bus("events")
	app.Schedule(chalice.Rate(1, chalice.Hours), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.Name("hourly"), chalice.OnBus(bus))
	app.Run()
}
