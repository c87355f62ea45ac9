// The IAM prefix of eventbridge is "events".
package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
)

func main() {
	c := eventbridge.New(eventbridge.Options{})
	_, _ = c.PutEvents(context.Background(), &eventbridge.PutEventsInput{})
}
