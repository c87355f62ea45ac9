package chalice_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/manifest"
)

// resourceApp declares one resource of every kind and uses each from a
// route, an event handler or a pure Lambda.
func resourceApp() *chalice.App {
	app := chalice.New("shop")
	users := app.Table("users", chalice.StringKey("username"),
		chalice.SortKey(chalice.NumberKey("created")),
		chalice.GlobalIndex("by-email", chalice.StringKey("email"), chalice.IndexSortKey(chalice.NumberKey("created"))),
		chalice.GlobalIndex("by-team", chalice.StringKey("team"), chalice.IncludeProjection("name")),
		chalice.TimeToLive("expires"),
		chalice.Stream(chalice.NewAndOldImages))
	counters := app.Table("counters", chalice.StringKey("id"), chalice.Provisioned(5, 2))
	uploads := app.Bucket("uploads", chalice.Versioned())
	failed := app.Queue("jobs-failed", chalice.MessageRetention(14*24*time.Hour))
	jobs := app.Queue("jobs", chalice.VisibilityTimeout(2*time.Minute), chalice.DeadLetter(failed, 3))
	orders := app.Queue("orders.fifo", chalice.FIFO())
	news := app.Topic("news")
	bus := app.Bus("shop-events")

	app.Get("/users/{username}", func(ctx context.Context, r *chalice.Request) (any, error) { return nil, nil },
		chalice.Name("getUser"), chalice.Uses(users, chalice.Read))
	app.Post("/users", func(ctx context.Context, r *chalice.Request) (any, error) { return nil, nil },
		chalice.Name("createUser"), chalice.Uses(users, chalice.Write), chalice.Uses(jobs, chalice.Write))
	app.OnQueueMessage(jobs, func(ctx context.Context, ev *chalice.SQSEvent) error { return nil },
		chalice.Name("work"), chalice.BatchSize(10), chalice.Uses(uploads, chalice.ReadWrite), chalice.Uses(counters, chalice.ReadWrite))
	app.OnQueueMessage(orders, func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("order"))
	app.OnBucketEvent(uploads, func(ctx context.Context, ev *chalice.S3Event) error { return nil },
		chalice.Name("uploaded"), chalice.Suffix(".csv"), chalice.Uses(news, chalice.Write))
	app.OnTopicMessage(news, func(ctx context.Context, ev *chalice.SNSEvent) error { return nil }, chalice.Name("announce"))
	app.OnTableRecord(users, func(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil },
		chalice.Name("audit"), chalice.Uses(bus, chalice.Write))
	app.Schedule(chalice.Rate(1, chalice.Hours), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.Name("hourly"), chalice.Uses(counters, chalice.Read), chalice.Uses(counters, chalice.Write))
	app.OnCWEvent(map[string]any{"source": []string{"shop"}}, func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.Name("onShop"), chalice.OnBus(bus))
	return app
}

// TestResourceManifest: declarations, grants and the sources on declared
// resources, as the CLI reads them (golden file; -update rewrites it).
func TestResourceManifest(t *testing.T) {
	m, err := resourceApp().Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	goldenCompare(t, "resources.golden.json", []byte(buf.String()))
	if _, err := manifest.Read(strings.NewReader(buf.String())); err != nil {
		t.Fatalf("manifest.Read refuses it: %v", err)
	}
	// Two grants of one resource to one function are one, the union.
	var hourly []manifest.Grant
	for _, g := range m.Grants {
		if g.Function == "hourly" {
			hourly = append(hourly, g)
		}
	}
	if len(hourly) != 1 || hourly[0].Access != manifest.AccessReadWrite {
		t.Errorf("hourly's grants = %+v, want one read-write grant of counters", hourly)
	}
}

// TestResourceDefinitionErrors: every mistake of the declarations is
// listed in one definition error.
func TestResourceDefinitionErrors(t *testing.T) {
	app := chalice.New("bad")
	other := chalice.New("other")
	foreign := other.Queue("elsewhere")
	noStream := app.Table("plain", chalice.StringKey("id"))
	app.Table("mixed", chalice.StringKey("id"), chalice.SortKey(chalice.StringKey("id")),
		chalice.GlobalIndex("by-id", chalice.NumberKey("id")), chalice.GlobalIndex("x", chalice.StringKey("y")),
		chalice.TimeToLive("id"), chalice.Provisioned(0, 1))
	app.Queue("orders", chalice.FIFO())
	app.Queue("events.fifo")
	app.Queue("jobs", chalice.VisibilityTimeout(13*time.Hour), chalice.DeadLetter(nil, 0))
	fifoDLQ := app.Queue("dlq.fifo", chalice.FIFO())
	app.Queue("std", chalice.DeadLetter(fifoDLQ, 5))
	app.Bucket("Uploads_1")
	app.Topic("plain")
	app.Table("9lives", chalice.StringKey("id"))
	app.OnTableRecord(noStream, func(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil }, chalice.Name("audit"))
	app.OnQueueMessage(foreign, func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("work"))
	app.OnQueueMessage(nil, func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("nothing"))
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil }, chalice.Name("fn"),
		chalice.Uses(noStream, "admin"))

	_, err := app.Manifest()
	var de *chalice.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("Manifest() = %v, want a *DefinitionError", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`table mixed: sort key "id" is also the partition key`,
		`table mixed: global index "by-id" partition key "id" is of type N, but the attribute is of type S elsewhere in the table's keys`,
		`table mixed: global index "x": an index name is 3-255 letters`,
		`table mixed: time-to-live attribute "id" is a key of type S; it must hold a number`,
		`table mixed: provisioned capacity must be at least 1 read and 1 write unit, got 0 and 1`,
		`queue orders: a FIFO queue's name must end in ".fifo" (e.g. "orders.fifo")`,
		`queue events.fifo: a name ending in ".fifo" is for a FIFO queue: add chalice.FIFO() or rename it`,
		`queue jobs: visibility timeout 13h0m0s must be whole seconds from 0s to 12h`,
		`queue jobs: DeadLetter queue is nil; declare it with App.Queue first`,
		`queue jobs: DeadLetter max receives 0 is out of range 1..1000`,
		`queue std: dead-letter queue "dlq.fifo" must be FIFO exactly when this queue is`,
		`bucket Uploads_1: a bucket name is lower case letters, digits and '-'`,
		`table "plain" and topic "plain": two resources with one name`,
		`table "9lives": a resource name is 1-40 letters, digits, '-' or '_', starting with a letter`,
		`dynamodb handler audit: table "plain" has no stream; declare it with chalice.Stream(...)`,
		`sqs handler work: queue "elsewhere" was declared by another app`,
		`sqs handler nothing: the queue is nil; declare it with App.Queue`,
		`function fn: access "admin" to table "plain" must be chalice.Read, chalice.Write or chalice.ReadWrite`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the definition error lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("it says:\n%s", msg)
	}
}

// TestResourceHandles: at run time a handle reads the function's
// environment, and falls back to the declared name.
func TestResourceHandles(t *testing.T) {
	app := chalice.New("shop")
	users := app.Table("users", chalice.StringKey("username"), chalice.Stream(chalice.NewImage))
	orders := app.Queue("orders.fifo", chalice.FIFO())
	news := app.Topic("news")
	bus := app.Bus("shop-events")
	uploads := app.Bucket("uploads")
	if users.Name() != "users" || users.ARN() != "" || orders.URL() != "" {
		t.Errorf("without an environment: %q %q %q", users.Name(), users.ARN(), orders.URL())
	}
	t.Setenv("GOCHALICE_TABLE_USERS_NAME", "shop-dev-users")
	t.Setenv("GOCHALICE_TABLE_USERS_STREAM_ARN", "arn:aws:dynamodb:us-west-2:1:table/shop-dev-users/stream/x")
	t.Setenv("GOCHALICE_QUEUE_ORDERS_FIFO_URL", "https://sqs.us-west-2.amazonaws.com/1/shop-dev-orders.fifo")
	t.Setenv("GOCHALICE_TOPIC_NEWS_ARN", "arn:aws:sns:us-west-2:1:shop-dev-news")
	t.Setenv("GOCHALICE_BUS_SHOP_EVENTS_NAME", "shop-dev-shop-events")
	t.Setenv("GOCHALICE_BUCKET_UPLOADS_NAME", "shop-dev-uploads-1a2b")
	for got, want := range map[string]string{
		users.Name():      "shop-dev-users",
		users.StreamARN(): "arn:aws:dynamodb:us-west-2:1:table/shop-dev-users/stream/x",
		orders.URL():      "https://sqs.us-west-2.amazonaws.com/1/shop-dev-orders.fifo",
		news.ARN():        "arn:aws:sns:us-west-2:1:shop-dev-news",
		bus.Name():        "shop-dev-shop-events",
		uploads.Name():    "shop-dev-uploads-1a2b",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	var nilTable *chalice.Table
	if nilTable.Name() != "" {
		t.Error("a nil handle has a name")
	}
}
