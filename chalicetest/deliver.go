package chalicetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/localevents"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/manifest"
)

// Sending to declared resources: with AWSEndpoint, these helpers put a
// message, an object or a notification on a resource the app declares,
// run the handlers that resource feeds — as Lambda would, with the real
// names and ARNs from the emulator — and return once they have run, so a
// test can check the handler's effect right after.

// ErrNoEmulator is the error of the delivery helpers without AWSEndpoint.
var ErrNoEmulator = errors.New("chalicetest: the app's resources are on no emulator: make the client with chalicetest.AWSEndpoint(url)")

func (c *Client) declared(kind, name string) (*provision.Resource, error) {
	if c.resources == nil {
		return nil, ErrNoEmulator
	}
	r := c.resources.Resource(name)
	if r == nil || r.Declared.Spec.Kind != kind {
		return nil, fmt.Errorf("chalicetest: the app declares no %s %q", kind, name)
	}
	return r, nil
}

// sources are the event sources of type typ on the declared resource.
func (c *Client) sources(typ, resource string) []manifest.EventSource {
	var out []manifest.EventSource
	for _, src := range c.m.EventSources {
		if src.Type == typ && src.Resource == resource {
			out = append(out, src)
		}
	}
	return out
}

// SendMessage sends body to the declared queue, then receives what the
// queue delivers and runs the queue's SQS handler with it as Lambda's
// event source mapping does: handled messages are deleted, failed ones
// (the handler's error, or its batch item failures) stay on the queue
// for redelivery. It returns the handler's error, if any.
func (c *Client) SendMessage(queue, body string) error {
	r, err := c.declared(manifest.ResourceQueue, queue)
	if err != nil {
		return err
	}
	ctx := context.Background()
	client := sqs.NewFromConfig(c.aws)
	url := r.Values[appgraph.AttrURL]
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}
	if r.Declared.Spec.Queue != nil && r.Declared.Spec.Queue.FIFO {
		in.MessageGroupId, in.MessageDeduplicationId = aws.String("chalicetest"), aws.String(strconv.Itoa(len(body))+body)
	}
	if _, err := client.SendMessage(ctx, in); err != nil {
		return fmt.Errorf("chalicetest: sending to queue %s: %w", queue, err)
	}
	srcs := c.sources(manifest.SourceSQS, queue)
	if len(srcs) == 0 {
		return nil // nothing consumes it: the message waits on the queue
	}
	src := srcs[0]
	out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: int32(min(10, max(1, src.BatchSize))),
		WaitTimeSeconds: 1, MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}, MessageAttributeNames: []string{"All"}})
	if err != nil {
		return fmt.Errorf("chalicetest: receiving from queue %s: %w", queue, err)
	}
	if len(out.Messages) == 0 {
		return fmt.Errorf("chalicetest: queue %s delivered nothing", queue)
	}
	payload, err := json.Marshal(localevents.SQSEvent(out.Messages, r.Values[appgraph.AttrARN], c.aws.Region))
	if err != nil {
		return err
	}
	resp, herr := c.invokeRaw(ctx, src.Function, payload)
	if herr != nil {
		return herr
	}
	ids := make([]string, len(out.Messages))
	for i, m := range out.Messages {
		ids[i] = aws.ToString(m.MessageId)
	}
	handled, err := localevents.Handled(ids, resp, src.ReportBatchItemFailures)
	if err != nil {
		return err
	}
	var failed []string
	for i, m := range out.Messages {
		if !handled[ids[i]] {
			failed = append(failed, ids[i])
			continue
		}
		if _, err := client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
			return fmt.Errorf("chalicetest: deleting a handled message: %w", err)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("chalicetest: %s reported batch item failures for %s", src.Function, strings.Join(failed, ", "))
	}
	return nil
}

// PutObject puts body at key in the declared bucket and runs the bucket's
// S3 handlers whose prefix and suffix match, with the notification S3
// sends. It returns the first handler error.
func (c *Client) PutObject(bucket, key string, body []byte) error {
	r, err := c.declared(manifest.ResourceBucket, bucket)
	if err != nil {
		return err
	}
	ctx := context.Background()
	name := r.Values[appgraph.AttrName]
	client := s3.NewFromConfig(c.aws, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String(key), Body: strings.NewReader(string(body))}); err != nil {
		return fmt.Errorf("chalicetest: putting %s in bucket %s: %w", key, bucket, err)
	}
	for _, src := range c.sources(manifest.SourceS3, bucket) {
		if !strings.HasPrefix(key, src.Prefix) || !strings.HasSuffix(key, src.Suffix) || !createsMatch(src.Events) {
			continue
		}
		if _, err := c.invokeRaw(ctx, src.Function, S3Event(name, key, "ObjectCreated:Put")); err != nil {
			return err
		}
	}
	return nil
}

// createsMatch reports whether S3 notification types include a put.
func createsMatch(types []string) bool {
	for _, t := range types {
		if t == "s3:ObjectCreated:*" || t == "s3:ObjectCreated:Put" {
			return true
		}
	}
	return len(types) == 0
}

// Publish publishes message to the declared topic and runs the topic's
// SNS handlers with the notification. It returns the first handler
// error.
func (c *Client) Publish(topic, message string) error {
	r, err := c.declared(manifest.ResourceTopic, topic)
	if err != nil {
		return err
	}
	ctx := context.Background()
	arn := r.Values[appgraph.AttrARN]
	out, err := sns.NewFromConfig(c.aws).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(arn), Message: aws.String(message)})
	if err != nil {
		return fmt.Errorf("chalicetest: publishing to topic %s: %w", topic, err)
	}
	for _, src := range c.sources(manifest.SourceSNS, topic) {
		payload := mustJSON(events.SNSEvent{Records: []events.SNSEventRecord{{EventVersion: "1.0", EventSource: "aws:sns",
			EventSubscriptionArn: arn + ":chalicetest",
			SNS: events.SNSEntity{Type: "Notification", MessageID: aws.ToString(out.MessageId), TopicArn: arn, Message: message,
				Timestamp: testTime, SignatureVersion: "1", MessageAttributes: map[string]any{}}}}})
		if _, err := c.invokeRaw(ctx, src.Function, payload); err != nil {
			return err
		}
	}
	return nil
}
