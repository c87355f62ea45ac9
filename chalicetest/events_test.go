package chalicetest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
)

// TestEventGenerators: each generator's payload reaches the matching
// handler with the fields Chalice's event objects expose.
func TestEventGenerators(t *testing.T) {
	var got []string
	record := func(format string, args ...any) { got = append(got, fmt.Sprintf(format, args...)) }
	app := chalice.New("events")
	app.OnS3Event("bucket", func(ctx context.Context, ev *chalice.S3Event) error {
		record("s3 %s %s %s", ev.Bucket, ev.Key, ev.Records[0].EventName)
		return nil
	}, chalice.Name("ons3"))
	app.OnSNSMessage("topic", func(ctx context.Context, ev *chalice.SNSEvent) error {
		record("sns %s %s %v", ev.Subject, ev.Message, ev.MessageAttributes["k"])
		return nil
	}, chalice.Name("onsns"))
	app.OnCWEvent(map[string]any{"source": []string{"my.app"}}, func(ctx context.Context, ev *chalice.CloudWatchEvent) error {
		record("cw %s %s %s %s %s", ev.Source, ev.DetailType, ev.Region, ev.Detail, strings.Join(ev.Resources, ","))
		return nil
	}, chalice.Name("oncw"))
	app.OnKinesisRecord("stream", func(ctx context.Context, ev *chalice.KinesisEvent) error {
		for _, r := range ev.Records {
			record("kinesis %s %s", r.Kinesis.Data, r.EventSourceArn[strings.LastIndex(r.EventSourceArn, "/")+1:])
		}
		return nil
	}, chalice.Name("onkinesis"))
	app.OnDynamoDBRecord("arn:aws:dynamodb:us-west-2:123456789012:table/users/stream/x", func(ctx context.Context, ev *chalice.DynamoDBEvent) error {
		for _, r := range ev.Records {
			record("ddb %s %s %s", r.EventName, r.Change.Keys["username"].String(), r.Change.NewImage["name"].String())
		}
		return nil
	}, chalice.Name("onddb"))
	app.OnWSMessage(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
		record("ws %s %s %s", ev.RequestContext.RouteKey, ev.ConnectionID, ev.Body)
		return nil, nil
	})
	c := chalicetest.New(t, app, chalicetest.ProjectDir(t.TempDir()))
	calls := []struct {
		fn      string
		payload []byte
	}{
		{"ons3", chalicetest.S3Event("bucket", "dir/my file.txt", "")},
		{"onsns", chalicetest.SNSEvent("hello", "greeting", map[string]any{"k": "v"})},
		{"oncw", chalicetest.CloudWatchEvent("my.app", "Thing Happened", map[string]int{"n": 1}, []string{"arn:r"}, "")},
		{"onkinesis", chalicetest.KinesisEvent([][]byte{[]byte("one"), []byte("two")}, "")},
		{"onddb", chalicetest.DynamoDBEvent("users", "username", []map[string]string{{"username": "ana", "name": "Ana"}})},
		{"websocket_message", chalicetest.WebsocketEvent("$default", "conn-1", `{"a":1}`)},
	}
	for _, call := range calls {
		if _, err := c.Invoke(call.fn, call.payload); err != nil {
			t.Fatalf("%s: %v", call.fn, err)
		}
	}
	want := []string{
		"s3 bucket dir/my file.txt ObjectCreated:Put",
		"sns greeting hello v",
		`cw my.app Thing Happened us-west-2 {"n":1} arn:r`,
		"kinesis one stream-name",
		"kinesis two stream-name",
		"ddb INSERT ana Ana",
		`ws $default conn-1 {"a":1}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("handlers saw:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
