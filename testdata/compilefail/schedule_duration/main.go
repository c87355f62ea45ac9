// A schedule given a time.Duration instead of a schedule expression.
//
// want: Duration does not implement chalice.ScheduleExpression (missing method scheduleExpression)
package main

import (
	"context"
	"time"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.Schedule(time.Hour, func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("tick"))
	app.Run()
}
