package localevents

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/manifest"
)

// asyncAttempts is how many times Lambda runs an asynchronous invocation
// (SNS and S3 invoke asynchronously): once and two retries.
const asyncAttempts = 3

// bridge delivers the notifications a topic or bucket sends to a queue of
// its own to the function, one invocation per notification, as Lambda's
// asynchronous invocation does: a failed one is tried again (the message
// becomes visible again) and dropped after asyncAttempts.
type bridge struct {
	*env
	src     *manifest.EventSource
	what    string // "topic NAME" or "bucket NAME"
	url     string
	convert func(body string) (payload []byte, skip bool, err error)
}

// ensureQueue creates (or finds) a bridge queue and returns its URL and ARN.
func (e *env) ensureQueue(ctx context.Context, name, function string, fifo bool) (string, string, error) {
	vis := e.o.Timeout(function) + 5*time.Second
	attrs := map[string]string{"VisibilityTimeout": strconv.Itoa(int(min(vis, 12*time.Hour).Seconds()))}
	if fifo {
		name += ".fifo"
		attrs["FifoQueue"] = "true"
		attrs["ContentBasedDeduplication"] = "true"
	}
	out, err := e.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		// An existing queue with other attributes (a changed timeout):
		// use it as it is.
		got, gerr := e.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
		if gerr != nil {
			return "", "", fmt.Errorf("creating bridge queue %s: %w", name, err)
		}
		out = &sqs.CreateQueueOutput{QueueUrl: got.QueueUrl}
	}
	a, err := e.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return "", "", fmt.Errorf("reading bridge queue %s: %w", name, err)
	}
	return aws.ToString(out.QueueUrl), a.Attributes[string(sqstypes.QueueAttributeNameQueueArn)], nil
}

// topicBridge subscribes a queue to the topic (raw delivery off, so each
// message is SNS's JSON notification) and turns each into an SNS event.
func (e *env) topicBridge(ctx context.Context, src *manifest.EventSource, res *provision.Resource) (*bridge, error) {
	topicARN := res.Values[appgraph.AttrARN]
	fifo := res.Declared.Spec.Topic != nil && res.Declared.Spec.Topic.FIFO
	qURL, qARN, err := e.ensureQueue(ctx, bridgeName(res.Values[appgraph.AttrName], src.Function, "sns"), src.Function, fifo)
	if err != nil {
		return nil, err
	}
	sub, err := e.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"),
		Endpoint: aws.String(qARN), ReturnSubscriptionArn: true})
	if err != nil {
		return nil, err
	}
	subARN := aws.ToString(sub.SubscriptionArn)
	return &bridge{env: e, src: src, what: "topic " + src.Resource, url: qURL, convert: func(body string) ([]byte, bool, error) {
		var n events.SNSEntity
		if err := json.Unmarshal([]byte(body), &n); err != nil {
			return nil, false, fmt.Errorf("not an SNS notification: %w", err)
		}
		if n.Type != "" && n.Type != "Notification" {
			return nil, true, nil
		}
		if n.Type == "" {
			n.Type = "Notification"
		}
		if n.TopicArn == "" {
			n.TopicArn = topicARN
		}
		b, err := json.Marshal(SNSEvent(n, subARN))
		return b, false, err
	}}, nil
}

// busBridge puts a rule with the source's event pattern on the declared
// bus, targeting a queue of its own; EventBridge's events arrive there as
// the JSON Lambda receives.
func (e *env) busBridge(ctx context.Context, src *manifest.EventSource, res *provision.Resource) (*bridge, error) {
	bus := res.Values[appgraph.AttrName]
	name := bridgeName(bus, src.Function, "events")
	qURL, qARN, err := e.ensureQueue(ctx, name, src.Function, false)
	if err != nil {
		return nil, err
	}
	pattern := string(src.EventPattern)
	if pattern == "" {
		return nil, fmt.Errorf("the source has no event pattern")
	}
	eb := eventbridge.NewFromConfig(e.o.AWS)
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(name), EventBusName: aws.String(bus), EventPattern: aws.String(pattern)}); err != nil {
		return nil, err
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(name), EventBusName: aws.String(bus),
		Targets: []ebtypes.Target{{Id: aws.String("local"), Arn: aws.String(qARN)}}}); err != nil {
		return nil, err
	}
	return &bridge{env: e, src: src, what: "bus " + src.Resource, url: qURL, convert: func(body string) ([]byte, bool, error) {
		var ev events.CloudWatchEvent
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			return nil, false, fmt.Errorf("not an EventBridge event: %w", err)
		}
		return []byte(body), false, nil
	}}, nil
}

// SNSEvent is the event Lambda sends for the notification n delivered
// through the subscription subARN.
func SNSEvent(n events.SNSEntity, subARN string) events.SNSEvent {
	if n.MessageAttributes == nil {
		n.MessageAttributes = map[string]any{}
	}
	return events.SNSEvent{Records: []events.SNSEventRecord{{EventVersion: "1.0", EventSubscriptionArn: subARN, EventSource: "aws:sns", SNS: n}}}
}

type bucketSource struct {
	src *manifest.EventSource
	res *provision.Resource
}

// bucketBridges gives each source on one bucket a queue and sets the
// bucket's notification configuration to send its events there (the
// configuration is the bucket's whole one: it is replaced).
func (e *env) bucketBridges(ctx context.Context, sources []bucketSource) ([]*bridge, error) {
	bucket := sources[0].res.Values[appgraph.AttrName]
	var (
		out  []*bridge
		conf []s3types.QueueConfiguration
	)
	for _, bs := range sources {
		src := bs.src
		qURL, qARN, err := e.ensureQueue(ctx, bridgeName(bucket, src.Function, "s3"), src.Function, false)
		if err != nil {
			return nil, err
		}
		evs := src.Events
		if len(evs) == 0 {
			evs = []string{"s3:ObjectCreated:*"}
		}
		qc := s3types.QueueConfiguration{QueueArn: aws.String(qARN)}
		for _, ev := range evs {
			qc.Events = append(qc.Events, s3types.Event(ev))
		}
		var rules []s3types.FilterRule
		if src.Prefix != "" {
			rules = append(rules, s3types.FilterRule{Name: s3types.FilterRuleNamePrefix, Value: aws.String(src.Prefix)})
		}
		if src.Suffix != "" {
			rules = append(rules, s3types.FilterRule{Name: s3types.FilterRuleNameSuffix, Value: aws.String(src.Suffix)})
		}
		if len(rules) > 0 {
			qc.Filter = &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: rules}}
		}
		conf = append(conf, qc)
		out = append(out, &bridge{env: e, src: src, what: "bucket " + src.Resource, url: qURL, convert: func(body string) ([]byte, bool, error) {
			return S3Payload(body, src.Prefix, src.Suffix)
		}})
	}
	_, err := e.s3.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String(bucket),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: conf}})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// S3Payload turns the body of an S3 notification to a queue into the
// event Lambda sends, keeping the records whose key has prefix and
// suffix; skip is true for S3's test event and when no record is left.
// An eventTime without a zone (moto writes local-less times) is given
// S3's form, 2006-01-02T15:04:05.000Z.
func S3Payload(body, prefix, suffix string) (payload []byte, skip bool, err error) {
	if strings.Contains(body, `"s3:TestEvent"`) {
		return nil, true, nil
	}
	var ev struct {
		Records []map[string]any `json:"Records"`
	}
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		return nil, false, fmt.Errorf("not an S3 event: %w", err)
	}
	var kept []map[string]any
	for _, r := range ev.Records {
		var obj struct {
			S3 struct {
				Object struct {
					Key string `json:"key"`
				} `json:"object"`
			} `json:"s3"`
		}
		b, _ := json.Marshal(r)
		_ = json.Unmarshal(b, &obj)
		key, err := url.QueryUnescape(obj.S3.Object.Key)
		if err != nil {
			key = obj.S3.Object.Key
		}
		if !strings.HasPrefix(key, prefix) || !strings.HasSuffix(key, suffix) {
			continue
		}
		if t, ok := r["eventTime"].(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, t); err != nil {
				if v, err := time.Parse("2006-01-02T15:04:05.999999999", t); err == nil {
					r["eventTime"] = v.UTC().Format("2006-01-02T15:04:05.000Z")
				}
			}
		}
		kept = append(kept, r)
	}
	if len(kept) == 0 {
		return nil, true, nil
	}
	b, err := json.Marshal(map[string]any{"Records": kept})
	return b, false, err
}

func (b *bridge) run(ctx context.Context) {
	for ctx.Err() == nil {
		out, err := b.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(b.url), MaxNumberOfMessages: 10, WaitTimeSeconds: longPoll,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameApproximateReceiveCount}})
		if err != nil {
			if isCancel(ctx, err) {
				return
			}
			b.o.Log.Warn("receiving notifications", "source", b.what, "reason", err.Error())
			sleep(ctx, backoff)
			continue
		}
		for _, m := range out.Messages {
			b.one(m) // the batch received is worked through, also when draining
		}
	}
}

func (b *bridge) one(m sqstypes.Message) {
	ctx := b.invokeCtx
	if ctx.Err() != nil {
		return
	}
	done := func() {
		b.delete(ctx, b.url, []sqstypes.DeleteMessageBatchRequestEntry{{Id: aws.String("0"), ReceiptHandle: m.ReceiptHandle}})
	}
	payload, skip, err := b.convert(aws.ToString(m.Body))
	if err != nil {
		b.o.Log.Error("dropping notification", "function", b.src.Function, "source", b.what, "reason", err.Error())
		done()
		return
	}
	if skip {
		done()
		return
	}
	if _, err := b.invoke(b.src, b.what, payload); err != nil {
		if ctx.Err() != nil {
			return
		}
		if n, _ := strconv.Atoi(m.Attributes[string(sqstypes.MessageSystemAttributeNameApproximateReceiveCount)]); n >= asyncAttempts {
			b.o.Log.Error("dropping notification after the retries of an asynchronous invocation", "function", b.src.Function, "source", b.what, "attempts", n)
			done()
		}
		return
	}
	done()
}
