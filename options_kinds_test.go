package chalice_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/manifest"
)

// TestSharedOptionsReachEveryKind: each shared option (Name, BatchSize,
// MaxBatchingWindow, ReportBatchItemFailures, StartingPosition,
// Description) sets the same field on every kind it applies to.
func TestSharedOptionsReachEveryKind(t *testing.T) {
	cw := func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }
	tests := []struct {
		name     string
		register func(app *chalice.App)
		want     manifest.EventSource
	}{
		{"schedule", func(app *chalice.App) {
			app.Schedule(chalice.Rate(2, chalice.Hours), cw, chalice.Name("every_two"), chalice.Description("two hours"))
		}, manifest.EventSource{Type: manifest.SourceSchedule, Function: "every_two", Schedule: "rate(2 hours)", Description: "two hours"}},
		{"cloudwatch event", func(app *chalice.App) {
			app.OnCWEvent(map[string]any{"source": []string{"aws.ec2"}}, cw, chalice.Name("on_ec2"))
		}, manifest.EventSource{Type: manifest.SourceCWEvent, Function: "on_ec2", EventPattern: json.RawMessage(`{"source":["aws.ec2"]}`)}},
		{"s3", func(app *chalice.App) {
			app.OnS3Event("b", func(ctx context.Context, ev *chalice.S3Event) error { return nil }, chalice.Name("on_s3"),
				chalice.S3Events("s3:ObjectRemoved:*"), chalice.Prefix("in/"), chalice.Suffix(".png"))
		}, manifest.EventSource{Type: manifest.SourceS3, Function: "on_s3", Bucket: "b", Events: []string{"s3:ObjectRemoved:*"}, Prefix: "in/", Suffix: ".png"}},
		{"sns", func(app *chalice.App) {
			app.OnSNSMessage("t", func(ctx context.Context, ev *chalice.SNSEvent) error { return nil }, chalice.Name("on_sns"))
		}, manifest.EventSource{Type: manifest.SourceSNS, Function: "on_sns", Topic: "t"}},
		{"sqs", func(app *chalice.App) {
			app.OnSQSMessage("", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("on_sqs"),
				chalice.QueueARN("arn:aws:sqs:us-west-2:1:q"), chalice.BatchSize(7), chalice.MaxBatchingWindow(3), chalice.MaxConcurrency(4), chalice.ReportBatchItemFailures())
		}, manifest.EventSource{Type: manifest.SourceSQS, Function: "on_sqs", QueueARN: "arn:aws:sqs:us-west-2:1:q", BatchSize: 7, MaxBatchingWindow: 3,
			MaxConcurrency: intp(4), ReportBatchItemFailures: true}},
		{"kinesis", func(app *chalice.App) {
			app.OnKinesisRecord("s", func(ctx context.Context, ev *chalice.KinesisEvent) error { return nil }, chalice.Name("on_kinesis"),
				chalice.BatchSize(8), chalice.MaxBatchingWindow(4), chalice.StartingPosition("TRIM_HORIZON"), chalice.ReportBatchItemFailures())
		}, manifest.EventSource{Type: manifest.SourceKinesis, Function: "on_kinesis", Stream: "s", BatchSize: 8, MaxBatchingWindow: 4,
			StartingPosition: "TRIM_HORIZON", ReportBatchItemFailures: true}},
		{"dynamodb", func(app *chalice.App) {
			app.OnDynamoDBRecord("arn:aws:dynamodb:us-west-2:1:table/t/stream/x", func(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil },
				chalice.Name("on_ddb"), chalice.BatchSize(9), chalice.MaxBatchingWindow(5), chalice.StartingPosition("TRIM_HORIZON"), chalice.ReportBatchItemFailures())
		}, manifest.EventSource{Type: manifest.SourceDynamoDB, Function: "on_ddb", StreamARN: "arn:aws:dynamodb:us-west-2:1:table/t/stream/x", BatchSize: 9,
			MaxBatchingWindow: 5, StartingPosition: "TRIM_HORIZON", ReportBatchItemFailures: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			tt.register(app)
			m, err := app.Manifest()
			if err != nil {
				t.Fatal(err)
			}
			if len(m.EventSources) != 1 || !reflect.DeepEqual(m.EventSources[0], tt.want) {
				t.Errorf("event sources %+v\nwant [%+v]", m.EventSources, tt.want)
			}
		})
	}
}

// TestNameOnEveryKind: Name names routes, mounts, authorizers, pure
// Lambdas and event handlers; websocket functions keep their names.
func TestNameOnEveryKind(t *testing.T) {
	app := newApp()
	view := func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
	app.Get("/", view, chalice.Name("home"), chalice.Description("The home page."))
	app.Mount("/m", http.NotFoundHandler(), chalice.Name("legacy"))
	app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil }, chalice.Name("gate"))
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil }, chalice.Name("pure"))
	app.OnWSMessage(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil }, chalice.Name("ignored"))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var routes, functions []string
	for _, r := range m.Routes {
		routes = append(routes, r.Method+" "+r.Path+" "+r.Name+" "+r.Description)
	}
	for _, f := range m.Functions {
		functions = append(functions, f.Name)
	}
	if !slices.Contains(routes, "GET / home The home page.") || !slices.Contains(routes, "GET /m legacy ") {
		t.Errorf("routes %q", routes)
	}
	if want := []string{"api_handler", "gate", "pure", "websocket_message"}; !reflect.DeepEqual(functions, want) {
		t.Errorf("functions %q, want %q", functions, want)
	}
}

// TestScheduleExpressions: the three ScheduleExpressions and a nil one.
func TestScheduleExpressions(t *testing.T) {
	fn := func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }
	tests := []struct {
		expr    chalice.ScheduleExpression
		want    string
		problem string
	}{
		{chalice.Rate(1, chalice.Days), "rate(1 day)", ""},
		{chalice.Rate(5, chalice.Minutes), "rate(5 minutes)", ""},
		{chalice.Cron("0", "10", "*", "*", "?", "*"), "cron(0 10 * * ? *)", ""},
		{chalice.Expression("rate(1 hour)"), "rate(1 hour)", ""},
		{chalice.Expression("every hour"), "", `schedule tick: schedule expression "every hour" must be rate(value unit) or cron(`},
		{chalice.Rate(2, "week"), "", `schedule tick: rate expression rate(2 weeks): unit "weeks" must be minute(s), hour(s) or day(s)`},
		{nil, "", `schedule tick: schedule expression "" must be rate(value unit)`},
	}
	for _, tt := range tests {
		app := newApp()
		app.Schedule(tt.expr, fn, chalice.Name("tick"))
		m, err := app.Manifest()
		if tt.problem != "" {
			var de *chalice.DefinitionError
			if !errors.As(err, &de) || len(de.Problems) != 1 || !strings.HasPrefix(de.Problems[0], tt.problem) {
				t.Errorf("%v: %v\nwant a problem starting %q", tt.expr, err, tt.problem)
			}
			continue
		}
		if err != nil || m.EventSources[0].Schedule != tt.want {
			t.Errorf("%v: %v %+v, want schedule %q", tt.expr, err, m, tt.want)
		}
	}
}

// TestExportedListsAreCopies: DefaultBinaryTypes and MountMethods return
// a new slice each time, so no caller can change another's defaults.
func TestExportedListsAreCopies(t *testing.T) {
	for name, get := range map[string]func() []string{"DefaultBinaryTypes": chalice.DefaultBinaryTypes, "MountMethods": chalice.MountMethods} {
		a := get()
		orig := slices.Clone(a)
		a[0] = "changed"
		_ = append(a[:1], "appended")
		if b := get(); !slices.Equal(b, orig) {
			t.Errorf("%s() = %q after changing an earlier result, want %q", name, b, orig)
		}
	}
	app := newApp()
	app.API.BinaryTypes[0] = "changed"
	if got := newApp().API.BinaryTypes[0]; got != "application/octet-stream" {
		t.Errorf("a new app's first binary type = %q", got)
	}
	if got := chalice.MountMethods(); !slices.Equal(got, []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}) {
		t.Errorf("MountMethods() = %q", got)
	}
}

// TestRegistrarServesAppsAndBlueprints: a function taking a Registrar
// registers on an app or, through a blueprint, with its prefixes.
func TestRegistrarServesAppsAndBlueprints(t *testing.T) {
	register := func(r chalice.Registrar) {
		r.Get("/items", func(ctx context.Context, req *chalice.Request) (any, error) { return req.Path, nil }, chalice.Name("items"))
		r.OnSQSMessage("q", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("worker"))
	}
	app := newApp()
	register(app)
	bp := chalice.NewBlueprint("v2")
	register(bp)
	app.RegisterBlueprint(bp, chalice.URLPrefix("/v2"), chalice.NamePrefix("v2_"))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range m.Routes {
		got = append(got, r.Path+" "+r.Name)
	}
	for _, e := range m.EventSources {
		got = append(got, e.Function)
	}
	if want := []string{"/items items", "/v2/items v2_items", "worker", "v2_worker"}; !reflect.DeepEqual(got, want) {
		t.Errorf("registered %q, want %q", got, want)
	}
	checkResponse(t, call(t, app, restEvent{Resource: "/v2/items"}), 200, "/v2/items", nil)
}

// TestNilOptionsAreIgnored: a nil option of any kind changes nothing.
func TestNilOptionsAreIgnored(t *testing.T) {
	app := newApp()
	var route chalice.RouteOption
	var sqs chalice.SQSOption
	var auth chalice.AuthorizerOption
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return "ok", nil }, route, chalice.Name("home"))
	app.OnSQSMessage("q", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, sqs, chalice.Name("jobs"))
	app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil }, auth, chalice.Name("gate"))
	if err := app.Validate(); err != nil {
		t.Fatal(err)
	}
	checkResponse(t, call(t, app, restEvent{Resource: "/"}), 200, "ok", nil)
}
