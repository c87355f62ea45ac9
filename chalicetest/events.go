package chalicetest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// The event generators return the JSON payload Lambda delivers for each
// event source, ready for Client.Invoke. They follow Chalice's
// generate_*_event helpers and fill the fields AWS sends.

const (
	testRegion  = "us-west-2"
	testAccount = "123456789012"
)

var testTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("chalicetest: encoding event: %v", err))
	}
	return b
}

// SNSEvent returns an SNS notification event with one record.
func SNSEvent(message, subject string, attributes map[string]any) []byte {
	if attributes == nil {
		attributes = map[string]any{}
	}
	topic := "arn:aws:sns:" + testRegion + ":" + testAccount + ":mytopic"
	return mustJSON(events.SNSEvent{Records: []events.SNSEventRecord{{
		EventVersion:         "1.0",
		EventSource:          "aws:sns",
		EventSubscriptionArn: topic + ":b9b1d3c0-0000-4000-8000-000000000001",
		SNS: events.SNSEntity{
			Type: "Notification", MessageID: "11111111-2222-4333-8444-555555555555", TopicArn: topic,
			Subject: subject, Message: message, Timestamp: testTime, SignatureVersion: "1",
			Signature: "EXAMPLE", SigningCertURL: "EXAMPLE", UnsubscribeURL: "EXAMPLE", MessageAttributes: attributes,
		},
	}}})
}

// S3Event returns an S3 notification for one object. eventName defaults to
// "ObjectCreated:Put"; the key is URL-encoded as S3 does ('+' for spaces).
func S3Event(bucket, key, eventName string) []byte {
	if eventName == "" {
		eventName = "ObjectCreated:Put"
	}
	return mustJSON(events.S3Event{Records: []events.S3EventRecord{{
		EventVersion: "2.0", EventSource: "aws:s3", AWSRegion: testRegion, EventTime: testTime, EventName: eventName,
		PrincipalID:       events.S3UserIdentity{PrincipalID: "AWS:EXAMPLE"},
		RequestParameters: events.S3RequestParameters{SourceIPAddress: "127.0.0.1"},
		ResponseElements:  map[string]string{"x-amz-request-id": "EXAMPLE", "x-amz-id-2": "EXAMPLE"},
		S3: events.S3Entity{
			SchemaVersion: "1.0", ConfigurationID: "chalice-test",
			Bucket: events.S3Bucket{Name: bucket, OwnerIdentity: events.S3UserIdentity{PrincipalID: "EXAMPLE"}, Arn: "arn:aws:s3:::" + bucket},
			Object: events.S3Object{Key: url.QueryEscape(key), Size: 1024, ETag: "0123456789abcdef0123456789abcdef", Sequencer: "0A1B2C3D4E5F678901"},
		},
	}}})
}

// SQSEvent returns an SQS batch with one record per body. queue defaults to
// "queue-name".
func SQSEvent(bodies []string, queue string) []byte {
	if queue == "" {
		queue = "queue-name"
	}
	ev := events.SQSEvent{Records: []events.SQSMessage{}}
	for i, b := range bodies {
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId:     fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1),
			ReceiptHandle: "AQEB" + strconv.Itoa(i+1),
			Body:          b,
			Attributes: map[string]string{
				"ApproximateReceiveCount": "1", "SentTimestamp": strconv.FormatInt(testTime.UnixMilli(), 10),
				"SenderId": "AIDAEXAMPLE", "ApproximateFirstReceiveTimestamp": strconv.FormatInt(testTime.UnixMilli(), 10),
			},
			MessageAttributes: map[string]events.SQSMessageAttribute{},
			Md5OfBody:         "EXAMPLE",
			EventSource:       "aws:sqs",
			EventSourceARN:    "arn:aws:sqs:" + testRegion + ":" + testAccount + ":" + queue,
			AWSRegion:         testRegion,
		})
	}
	return mustJSON(ev)
}

// CloudWatchEvent returns an EventBridge event. region defaults to
// us-west-2; a scheduled event has source "aws.events" and detail type
// "Scheduled Event".
func CloudWatchEvent(source, detailType string, detail any, resources []string, region string) []byte {
	if region == "" {
		region = testRegion
	}
	if resources == nil {
		resources = []string{}
	}
	if detail == nil {
		detail = map[string]any{}
	}
	return mustJSON(events.CloudWatchEvent{
		Version: "0", ID: "7bf73129-1428-4cd3-a780-95db273d1602", DetailType: detailType, Source: source,
		AccountID: testAccount, Time: testTime, Region: region, Resources: resources, Detail: mustJSON(detail),
	})
}

// KinesisEvent returns a Kinesis batch with one record per data blob.
// stream defaults to "stream-name".
func KinesisEvent(data [][]byte, stream string) []byte {
	if stream == "" {
		stream = "stream-name"
	}
	ev := events.KinesisEvent{Records: []events.KinesisEventRecord{}}
	for i, d := range data {
		ev.Records = append(ev.Records, events.KinesisEventRecord{
			AwsRegion: testRegion, EventID: fmt.Sprintf("shardId-000000000000:%d", i+1), EventName: "aws:kinesis:record",
			EventSource: "aws:kinesis", EventSourceArn: "arn:aws:kinesis:" + testRegion + ":" + testAccount + ":stream/" + stream,
			EventVersion: "1.0", InvokeIdentityArn: "arn:aws:iam::" + testAccount + ":role/EXAMPLE",
			Kinesis: events.KinesisRecord{
				ApproximateArrivalTimestamp: events.SecondsEpochTime{Time: testTime}, Data: d, PartitionKey: "1",
				SequenceNumber: fmt.Sprintf("4959033345908698710541217409624393963300640000%d", i+1), KinesisSchemaVersion: "1.0",
			},
		})
	}
	return mustJSON(ev)
}

// DynamoDBEvent returns a stream batch of INSERT records for table, one
// per item (string attributes); keyName is the partition key attribute.
func DynamoDBEvent(table, keyName string, items []map[string]string) []byte {
	ev := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{}}
	arn := "arn:aws:dynamodb:" + testRegion + ":" + testAccount + ":table/" + table + "/stream/2026-01-01T00:00:00.000"
	for i, item := range items {
		img := map[string]events.DynamoDBAttributeValue{}
		for k, v := range item {
			img[k] = events.NewStringAttribute(v)
		}
		keys := map[string]events.DynamoDBAttributeValue{keyName: events.NewStringAttribute(item[keyName])}
		ev.Records = append(ev.Records, events.DynamoDBEventRecord{
			AWSRegion: testRegion, EventID: fmt.Sprintf("c4ca4238a0b923820dcc509a6f75849%d", i), EventName: "INSERT",
			EventSource: "aws:dynamodb", EventVersion: "1.1", EventSourceArn: arn,
			Change: events.DynamoDBStreamRecord{
				ApproximateCreationDateTime: events.SecondsEpochTime{Time: testTime}, Keys: keys, NewImage: img,
				SequenceNumber: strconv.Itoa(111 + i), SizeBytes: int64(26 + i), StreamViewType: "NEW_AND_OLD_IMAGES",
			},
		})
	}
	return mustJSON(ev)
}

// WebsocketEvent returns a websocket event for routeKey ($connect,
// $default, $disconnect) on a connection.
func WebsocketEvent(routeKey, connectionID, body string) []byte {
	eventType := map[string]string{"$connect": "CONNECT", "$disconnect": "DISCONNECT"}[routeKey]
	if eventType == "" {
		eventType = "MESSAGE"
	}
	ev := events.APIGatewayWebsocketProxyRequest{
		Headers: map[string]string{"Host": "abcd123.execute-api." + testRegion + ".amazonaws.com"},
		Body:    body,
		RequestContext: events.APIGatewayWebsocketProxyRequestContext{
			RouteKey: routeKey, EventType: eventType, ConnectionID: connectionID, APIID: "abcd123", Stage: "api",
			DomainName: "abcd123.execute-api." + testRegion + ".amazonaws.com", RequestID: "req-" + strings.ToLower(eventType),
			MessageDirection: "IN", ConnectedAt: testTime.UnixMilli(), RequestTimeEpoch: testTime.UnixMilli(),
		},
	}
	return mustJSON(ev)
}
