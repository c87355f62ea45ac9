// A schedule given a bare string: raw expressions are chalice.Expression.
//
// want: string does not implement chalice.ScheduleExpression
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.Schedule("rate(5 minutes)", func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("tick"))
	app.Run()
}
