// A Kinesis handler given the SQS-only QueueARN.
//
// want: chalice.SQSOption does not implement chalice.KinesisOption (missing method applyKinesis)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.OnKinesisRecord("clicks", func(ctx context.Context, ev *chalice.KinesisEvent) error { return nil },
		chalice.Name("on_click"), chalice.QueueARN("arn:aws:sqs:us-west-2:123456789012:q"))
	app.Run()
}
