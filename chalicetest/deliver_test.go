package chalicetest_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
	"github.com/gochalice/chalice/chalicetest/moto"
)

// TestDeliveries: a message sent to a declared queue, an object put in a
// declared bucket and a publish to a declared topic each run their
// handler, with the emulator's real names, before the helper returns; a
// failing handler's error comes back; without AWSEndpoint the helpers
// say what is missing.
func TestDeliveries(t *testing.T) {
	srv := moto.Start(t)
	app := chalice.New("deliver")
	jobs := app.Queue("jobs")
	uploads := app.Bucket("uploads")
	news := app.Topic("news")
	var mu sync.Mutex
	var got []string
	note := func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() }
	app.OnQueueMessage(jobs, func(ctx context.Context, ev *chalice.SQSEvent) error {
		for _, r := range ev.Records {
			if r.Body == "fail" {
				return errors.New("cannot do this job")
			}
			note("job " + r.Body + " from " + r.EventSourceARN[strings.LastIndex(r.EventSourceARN, ":")+1:])
		}
		return nil
	}, chalice.Name("work"))
	app.OnBucketEvent(uploads, func(ctx context.Context, ev *chalice.S3Event) error {
		note("object " + ev.Key + " in " + ev.Bucket)
		return nil
	}, chalice.Name("imported"), chalice.Suffix(".csv"))
	app.OnTopicMessage(news, func(ctx context.Context, ev *chalice.SNSEvent) error {
		note("news " + ev.Message)
		return nil
	}, chalice.Name("announce"))

	c := chalicetest.New(t, app, chalicetest.AWSEndpoint(srv.Endpoint), chalicetest.ProjectDir(t.TempDir()))
	if err := c.SendMessage("jobs", "one"); err != nil {
		t.Fatal(err)
	}
	if err := c.PutObject("uploads", "skip.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := c.PutObject("uploads", "data/a.csv", []byte("a,b")); err != nil {
		t.Fatal(err)
	}
	if err := c.Publish("news", "hello"); err != nil {
		t.Fatal(err)
	}
	want := []string{"job one from deliver-dev-jobs", "object data/a.csv in deliver-dev-uploads-123456789012-us-west-2", "news hello"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("handlers saw %q, want %q", got, want)
	}
	if err := c.SendMessage("jobs", "fail"); err == nil || !strings.Contains(err.Error(), "cannot do this job") {
		t.Errorf("a failing job: %v", err)
	}
	if err := c.SendMessage("nope", "x"); err == nil || !strings.Contains(err.Error(), `declares no queue "nope"`) {
		t.Errorf("an undeclared queue: %v", err)
	}
	plain := chalicetest.New(t, app, chalicetest.ProjectDir(t.TempDir()))
	if err := plain.SendMessage("jobs", "x"); !errors.Is(err, chalicetest.ErrNoEmulator) {
		t.Errorf("without AWSEndpoint: %v", err)
	}
}
