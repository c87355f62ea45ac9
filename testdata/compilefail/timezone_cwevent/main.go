// A time zone on an event rule: only schedules have one.
//
// want: chalice.ScheduleOption does not implement chalice.CWEventOption (missing method applyCWEvent)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.OnCWEvent(map[string]any{"source": []string{"shop"}}, func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.TimeZone("Europe/Paris"))
	app.Run()
}
