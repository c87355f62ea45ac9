package chalice_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
)

func TestDefinitionErrorsListEveryProblem(t *testing.T) {
	h := func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
	sns := func(ctx context.Context, ev *chalice.SNSEvent) error { return nil }
	ws := func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil }

	app := chalice.New("broken", chalice.WithLogger(discardLogger()))
	app.Get("/dup", h, chalice.Name("first_view"))
	app.Route("/dup", h, chalice.Name("second_view"), chalice.Methods("POST", "GET"))
	app.Get("/trailing/", h)
	app.Post("/ct", h, chalice.ContentTypes("json"))
	app.Post("/nothing-accepted", h, chalice.ContentTypes())
	app.Route("/opt", h, chalice.Methods("GET", "OPTIONS"), chalice.WithCORS(chalice.DefaultCORS()))
	app.Get("/opt2", h, chalice.WithCORS(chalice.DefaultCORS()))
	app.Route("/opt2", h, chalice.Methods("OPTIONS"))
	app.Get("/cors", h, chalice.WithCORS(chalice.DefaultCORS()))
	app.Post("/cors", h, chalice.WithCORS(&chalice.CORSConfig{AllowOrigin: "https://other.example"}))
	app.Put("/upload", h, chalice.ContentTypes("image/png", "application/json"))
	app.Get("/nil", nil)
	app.Get("/bad/{a}{b}", h)
	app.OnSQSMessage("", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("no_queue"))
	app.OnSQSMessage("q", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("both_queues"), chalice.QueueARN("arn:aws:sqs:us-west-2:1:q"))
	app.OnSQSMessage("q", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("big_batch"), chalice.BatchSize(20000), chalice.MaxConcurrency(1))
	app.OnKinesisRecord("s", func(ctx context.Context, ev *chalice.KinesisEvent) error { return nil }, chalice.Name("bad_position"), chalice.StartingPosition("AT_TIMESTAMP"))
	app.OnDynamoDBRecord("Orders", func(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil }, chalice.Name("not_arn"))
	app.OnWSConnect(ws)
	app.OnWSConnect(ws)
	app.OnSNSMessage("t", sns, chalice.Name("dup_name"))
	app.OnSNSMessage("t2", sns, chalice.Name("dup_name"))
	app.OnSNSMessage("t3", func(ctx context.Context, ev *chalice.SNSEvent) error { return nil })
	app.OnS3Event("bucket", nil, chalice.Name("nil_s3"))
	app.OnS3Event("", func(ctx context.Context, ev *chalice.S3Event) error { return nil }, chalice.Name("no_bucket"))
	app.Schedule(chalice.Expression("rate(5 minute)"), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("bad_rate"))
	app.OnCWEvent(nil, func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("no_pattern"))
	app.LambdaFunction(nil, chalice.Name("nil_pure"))
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil }, chalice.Name("has space"))
	app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil }, chalice.Name("auth"))

	want := []string{
		`Duplicate method: 'GET' detected for route: '/dup' between view functions: "first_view" and "second_view". A specific method may only be specified once for a particular path.`,
		"Route cannot end with a trailing slash: /trailing/",
		`route /ct (): content type "json" is not a media type`,
		"route /nothing-accepted (): content types must list at least one media type",
		"route /opt: CORS is enabled on the path and it also defines an OPTIONS method",
		"route /opt2: CORS is enabled on the path and it also defines an OPTIONS method",
		"route /cors: CORS configuration for method POST differs",
		"route /upload (): content types [image/png application/json] mix binary and non-binary types",
		"route /nil: handler is nil",
		`route /bad/{a}{b}`,
		"sqs handler no_queue: must provide either a queue name or chalice.QueueARN(...)",
		"sqs handler both_queues: give either a queue name or chalice.QueueARN(...), not both",
		"sqs handler big_batch: batch size 20000 is out of range 1..10000",
		"sqs handler big_batch: maximum concurrency 1 is out of range 2..1000",
		`kinesis handler bad_position: starting position "AT_TIMESTAMP" must be LATEST or TRIM_HORIZON`,
		`dynamodb handler not_arn: stream ARN "Orders" must be an ARN`,
		"Duplicate websocket handler: 'OnWSConnect'. There can only be one handler for each websocket route ($connect).",
		`duplicate function name "dup_name"`,
		"sns handler registered with an anonymous function needs chalice.Name(...)",
		"s3 handler nil_s3: function is nil",
		"s3 handler no_bucket: bucket name is empty",
		`schedule bad_rate: rate expression rate(5 minute): a value of 5 takes the plural unit "minutes"`,
		"cloudwatch event handler no_pattern: event pattern must be a non-empty JSON object",
		"lambda function nil_pure: function is nil",
		`function name "has space" may use only letters, digits, '-' and '_'`,
	}
	err := app.Validate()
	var de *chalice.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("Validate() = %v, want *DefinitionError", err)
	}
	if de.App != "broken" {
		t.Errorf("App = %q", de.App)
	}
	used := make([]bool, len(de.Problems))
	for _, w := range want {
		found := false
		for i, p := range de.Problems {
			if !used[i] && strings.Contains(p, w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("no problem mentions %q", w)
		}
	}
	for i, p := range de.Problems {
		if !used[i] {
			t.Errorf("unexpected problem %q", p)
		}
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, `app "broken" has `) || strings.Count(msg, "\n  - ") != len(de.Problems) {
		t.Errorf("Error() = %q", msg)
	}

	// The same error comes back from Manifest and Invoke, every time.
	if _, merr := app.Manifest(); merr != err {
		t.Errorf("Manifest() error = %v", merr)
	}
	if _, ierr := app.Invoke(context.Background(), "api_handler", restEvent{Resource: "/dup"}.JSON()); ierr != err {
		t.Errorf("Invoke() error = %v", ierr)
	}
}

func TestDefinitionErrorSingleCases(t *testing.T) {
	h := func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
	tests := []struct {
		name  string
		setup func(app *chalice.App)
		want  string // "" = valid
	}{
		{"valid", func(app *chalice.App) { app.Get("/", h) }, ""},
		{"empty app is valid", func(app *chalice.App) {}, ""},
		{"same path, different methods", func(app *chalice.App) { app.Get("/a", h); app.Post("/a", h) }, ""},
		{"same shape different names", func(app *chalice.App) { app.Get("/a/{x}", h); app.Post("/a/{y}", h) }, "route /a/{y}"},
		{"empty path", func(app *chalice.App) { app.Get("", h) }, "route  ("},
		{"CORS on every method, equal configs", func(app *chalice.App) {
			app.Get("/c", h, chalice.WithCORS(chalice.DefaultCORS()))
			app.Post("/c", h, chalice.WithCORS(&chalice.CORSConfig{AllowOrigin: "*"}))
		}, ""},
		{"CORS and no CORS on one path", func(app *chalice.App) {
			app.Get("/c", h, chalice.WithCORS(chalice.DefaultCORS()))
			app.Post("/c", h)
		}, ""},
		{"app CORS with opt-out on one method", func(app *chalice.App) {
			app.API.CORS = chalice.DefaultCORS()
			app.Get("/c", h)
			app.Post("/c", h, chalice.WithCORS(nil))
		}, ""},
		{"OPTIONS without CORS", func(app *chalice.App) { app.Route("/o", h, chalice.Methods("OPTIONS")) }, ""},
		{"OPTIONS with app CORS", func(app *chalice.App) {
			app.API.CORS = chalice.DefaultCORS()
			app.Route("/o", h, chalice.Methods("OPTIONS"))
		}, "CORS is enabled on the path"},
		{"binary content types only", func(app *chalice.App) { app.Put("/b", h, chalice.ContentTypes("image/png", "application/zip")) }, ""},
		{"custom binary type makes json binary", func(app *chalice.App) {
			app.API.BinaryTypes = append(app.API.BinaryTypes, "application/json")
			app.Put("/b", h, chalice.ContentTypes("image/png", "application/json"))
		}, ""},
		{"star with a binary type is mixed, as in Chalice", func(app *chalice.App) { app.Put("/b", h, chalice.ContentTypes("*/*", "image/png")) }, "mix binary and non-binary"},
		{"star alone", func(app *chalice.App) { app.Put("/b", h, chalice.ContentTypes("*/*")) }, ""},
		{"content type with parameters", func(app *chalice.App) { app.Put("/b", h, chalice.ContentTypes("text/plain; charset=utf-8")) }, ""},
		{"bad app name", func(app *chalice.App) { app.Name = "bad name" }, `app name "bad name"`},
		{"authorizer from another app", func(app *chalice.App) {
			other := newApp()
			a := other.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil }, chalice.Name("a"))
			app.Get("/", h, chalice.WithAuthorizer(a))
		}, `uses built-in authorizer "a", which was registered on another app or blueprint`},
		{"two authorizers with one name", func(app *chalice.App) {
			app.Get("/a", h, chalice.WithAuthorizer(chalice.NewCustomAuthorizer("x", "uri1")))
			app.Get("/b", h, chalice.WithAuthorizer(chalice.NewCustomAuthorizer("x", "uri2")))
		}, `authorizer name "x" is used by two different authorizers`},
		{"same custom authorizer twice is fine", func(app *chalice.App) {
			c := chalice.NewCustomAuthorizer("x", "uri1")
			app.Get("/a", h, chalice.WithAuthorizer(c))
			app.Get("/b", h, chalice.WithAuthorizer(c))
		}, ""},
		{"nil mount", func(app *chalice.App) { app.Mount("/m", nil) }, "mount /m: handler is nil"},
		{"mount with a nil option", func(app *chalice.App) { app.Mount("/m", noopHandler{}, nil) }, ""},
		{"websocket handler with a name", func(app *chalice.App) {
			app.OnWSMessage(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil }, chalice.Name("ignored"))
		}, ""},
		{"nil websocket handler", func(app *chalice.App) { app.OnWSDisconnect(nil) }, "OnWSDisconnect: handler is nil"},
		{"websocket on app and blueprint", func(app *chalice.App) {
			ws := func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil }
			app.OnWSMessage(ws)
			bp := chalice.NewBlueprint("bp")
			bp.OnWSMessage(ws)
			app.RegisterBlueprint(bp)
		}, `duplicate function name "websocket_message"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			tt.setup(app)
			err := app.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			var de *chalice.DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("Validate() = %v, want a *DefinitionError", err)
			}
			if len(de.Problems) != 1 || !strings.Contains(de.Problems[0], tt.want) {
				t.Errorf("problems = %q, want one mentioning %q", de.Problems, tt.want)
			}
		})
	}
}

type noopHandler struct{}

func (noopHandler) ServeHTTP(http.ResponseWriter, *http.Request) {}
