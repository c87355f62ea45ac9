// OnBus is an option of schedules and event rules, not of SQS handlers.
//
// want: chalice.CWEventOption does not implement chalice.SQSOption (missing method applySQS)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	bus := app.Bus("events")
	jobs := app.Queue("jobs")
	app.OnQueueMessage(jobs, func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.OnBus(bus))
	app.Run()
}
