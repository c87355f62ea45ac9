// An SQS handler on a declared table.
//
// want: cannot use users (variable of type *chalice.Table) as *chalice.Queue value in argument to app.OnQueueMessage
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	users := app.Table("users", chalice.StringKey("username"))
	app.OnQueueMessage(users, func(ctx context.Context, ev *chalice.SQSEvent) error { return nil })
	app.Run()
}
