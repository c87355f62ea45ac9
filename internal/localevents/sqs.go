package localevents

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/gochalice/chalice/manifest"
)

// Lambda's defaults for an SQS event source mapping.
const (
	defaultSQSBatch = 10
	longPoll        = 20 // seconds, SQS's longest wait
)

// sqsPoller is Lambda's SQS event source mapping for one source: it
// receives batches, invokes the function with each and deletes what the
// function handled. Failed messages stay on the queue and are received
// again once their visibility timeout passes, so the queue's redrive
// policy moves them to its dead-letter queue after maxReceiveCount.
type sqsPoller struct {
	*env
	src      *manifest.EventSource
	url, arn string
}

func (p *sqsPoller) run(ctx context.Context) {
	for ctx.Err() == nil {
		msgs, err := p.receive(ctx)
		if err != nil {
			if isCancel(ctx, err) {
				return
			}
			p.o.Log.Warn("receiving from queue", "queue", p.src.Resource, "reason", err.Error())
			sleep(ctx, backoff)
			continue
		}
		if len(msgs) == 0 {
			continue
		}
		p.handle(msgs)
	}
}

// receive gathers one batch: up to BatchSize messages, waiting up to the
// batching window for more once the first arrive (Lambda's
// MaximumBatchingWindowInSeconds).
func (p *sqsPoller) receive(ctx context.Context) ([]sqstypes.Message, error) {
	size := p.src.BatchSize
	if size <= 0 {
		size = defaultSQSBatch
	}
	var (
		batch    []sqstypes.Message
		deadline time.Time
	)
	for len(batch) < size {
		wait := int32(longPoll)
		if len(batch) > 0 {
			left := time.Until(deadline)
			if left <= 0 {
				break
			}
			wait = int32(min(longPoll, int(left.Seconds())))
		}
		out, err := p.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(p.url),
			MaxNumberOfMessages:         int32(min(10, size-len(batch))),
			WaitTimeSeconds:             wait,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"},
		})
		if err != nil {
			if len(batch) > 0 && !isCancel(ctx, err) {
				break
			}
			return batch, err
		}
		if len(batch) == 0 && len(out.Messages) > 0 {
			deadline = time.Now().Add(time.Duration(p.src.MaxBatchingWindow) * time.Second)
		}
		batch = append(batch, out.Messages...)
		if len(batch) > 0 && (p.src.MaxBatchingWindow == 0 || len(out.Messages) == 0) {
			break
		}
	}
	return batch, nil
}

// SQSEvent is the event Lambda sends for msgs received from the queue
// queueARN in region.
func SQSEvent(msgs []sqstypes.Message, queueARN, region string) events.SQSEvent {
	ev := events.SQSEvent{Records: make([]events.SQSMessage, 0, len(msgs))}
	for _, m := range msgs {
		rec := events.SQSMessage{
			MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
			Md5OfBody: aws.ToString(m.MD5OfBody), Md5OfMessageAttributes: aws.ToString(m.MD5OfMessageAttributes),
			Attributes: m.Attributes, MessageAttributes: map[string]events.SQSMessageAttribute{},
			EventSourceARN: queueARN, EventSource: "aws:sqs", AWSRegion: region,
		}
		if rec.Attributes == nil {
			rec.Attributes = map[string]string{}
		}
		for k, a := range m.MessageAttributes {
			rec.MessageAttributes[k] = events.SQSMessageAttribute{StringValue: a.StringValue, BinaryValue: a.BinaryValue,
				StringListValues: a.StringListValues, BinaryListValues: a.BinaryListValues, DataType: aws.ToString(a.DataType)}
		}
		ev.Records = append(ev.Records, rec)
	}
	return ev
}

// Handled says which of the batch's message ids the invocation handled,
// given its response and whether the source reports batch item failures:
// all of them, or all but the failures listed in
// {"batchItemFailures":[{"itemIdentifier":id}]}. As on Lambda, a failure
// that names no message of the batch fails the whole batch.
func Handled(ids []string, response []byte, reportFailures bool) (map[string]bool, error) {
	handled := make(map[string]bool, len(ids))
	for _, id := range ids {
		handled[id] = true
	}
	if !reportFailures {
		return handled, nil
	}
	var doc struct {
		BatchItemFailures []struct {
			ItemIdentifier *string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if len(response) == 0 || string(response) == "null" || json.Unmarshal(response, &doc) != nil {
		return handled, nil // not a partial batch response: the batch succeeded
	}
	for _, f := range doc.BatchItemFailures {
		if f.ItemIdentifier == nil || !contains(ids, *f.ItemIdentifier) {
			return nil, fmt.Errorf("batchItemFailures names %s, which is not a message of the batch: the whole batch failed", quoteOrNull(f.ItemIdentifier))
		}
		delete(handled, *f.ItemIdentifier)
	}
	return handled, nil
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func quoteOrNull(s *string) string {
	if s == nil {
		return "null"
	}
	return strconv.Quote(*s)
}

func (p *sqsPoller) handle(msgs []sqstypes.Message) {
	payload, err := json.Marshal(SQSEvent(msgs, p.arn, p.o.AWS.Region))
	if err != nil {
		p.o.Log.Error("encoding SQS event", "reason", err.Error())
		return
	}
	out, err := p.invoke(p.src, "queue "+p.src.Resource, payload)
	if err != nil {
		return // every message is received again after its visibility timeout
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = aws.ToString(m.MessageId)
	}
	handled, err := Handled(ids, out, p.src.ReportBatchItemFailures)
	if err != nil {
		p.o.Log.Error("event invocation failed", "function", p.src.Function, "source", "queue "+p.src.Resource, "reason", err.Error())
		return
	}
	if n := len(msgs) - len(handled); n > 0 {
		p.o.Log.Warn("batch item failures: left for redelivery", "function", p.src.Function, "source", "queue "+p.src.Resource, "failed", n, "of", len(msgs))
	}
	var del []sqstypes.DeleteMessageBatchRequestEntry
	for i, m := range msgs {
		if handled[ids[i]] {
			del = append(del, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
		}
	}
	p.delete(p.invokeCtx, p.url, del)
}

// delete removes entries from the queue at url, ten at a time.
func (e *env) delete(ctx context.Context, url string, entries []sqstypes.DeleteMessageBatchRequestEntry) {
	for len(entries) > 0 {
		n := min(10, len(entries))
		out, err := e.sqs.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries[:n]})
		switch {
		case err != nil && !isCancel(ctx, err):
			e.o.Log.Warn("deleting handled messages", "queue", url, "reason", err.Error())
		case err == nil && len(out.Failed) > 0:
			e.o.Log.Warn("deleting handled messages", "queue", url, "failed", len(out.Failed), "reason", aws.ToString(out.Failed[0].Message))
		}
		entries = entries[n:]
	}
}
