// Package queue is two levels down from main.
package queue

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

type Queue struct{ c *sqs.Client }

func New(c *sqs.Client) *Queue { return &Queue{c: c} }

func (q *Queue) Notify(ctx context.Context, id string) error {
	_, err := q.c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(id)})
	return err
}
