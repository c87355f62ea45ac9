// Command compileok is the control of the compile-failure tests: every
// sound way to register, with the options of each kind, shared options
// on every kind they apply to, and the typed middleware. It must build.
package main

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/gochalice/chalice"
)

func index(ctx context.Context, r *chalice.Request) (any, error) { return "ok", nil }

func onJob(ctx context.Context, ev *chalice.SQSEvent) error { return nil }

// users registers on an app or a blueprint.
func users(r chalice.Registrar) {
	r.Get("/users", index, chalice.Name("list_users"))
	chalice.UseEvents(r, func(next chalice.EventHandler[*chalice.SQSEvent]) chalice.EventHandler[*chalice.SQSEvent] {
		return next
	})
}

func main() {
	app := chalice.New("compileok")
	auth := app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil },
		chalice.Name("auth"), chalice.Header("X-Token"), chalice.TTL(60), chalice.ExecutionRole("arn:aws:iam::123456789012:role/r"),
		chalice.PayloadFormat("2.0"), chalice.SimpleResponses(), chalice.IdentitySources("$request.header.X-Token"))
	pool := chalice.NewCognitoUserPoolAuthorizer("pool", []string{"arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_x"}, chalice.Header("X-Pool"))
	custom := chalice.NewCustomAuthorizer("partner", "arn:aws:apigateway:us-west-2:lambda:path/fn", chalice.Header("X-Partner"), chalice.TTL(0),
		chalice.ExecutionRole("arn:aws:iam::123456789012:role/p"), chalice.PayloadFormat("1.0"), chalice.IdentitySources("$request.header.X-Partner"))
	jwt := chalice.NewJWTAuthorizer("jwt", "https://idp.example.com", []string{"client"}, chalice.IdentitySources("$request.querystring.token"))
	var iam *chalice.IAMAuthorizer = chalice.NewIAMAuthorizer()
	_, _ = jwt, custom

	app.Get("/", index, chalice.WithCORS(chalice.DefaultCORS()))
	app.Route("/items/{id}", index, chalice.Methods("GET", "PUT"), chalice.Name("item"), chalice.WithAuthorizer(auth),
		chalice.APIKeyRequired(), chalice.ContentTypes("application/json"), chalice.Summary("An item"), chalice.Description("By id."),
		chalice.WithMiddleware(func(next chalice.Handler) chalice.Handler { return next }))
	app.Post("/pool", index, chalice.WithAuthorizer(pool.WithScopes("write")))
	app.Put("/iam", index, chalice.WithAuthorizer(iam))
	app.Patch("/p", index)
	app.Delete("/d", index)
	app.Mount("/legacy", http.NotFoundHandler(), chalice.Name("legacy"), chalice.Methods("GET"))

	app.Schedule(chalice.Rate(5, chalice.Minutes), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.Name("every_five"), chalice.Description("ping"))
	app.Schedule(chalice.Cron("0", "10", "*", "*", "?", "*"), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("daily"))
	app.Schedule(chalice.Expression("rate(1 hour)"), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("hourly"))
	app.OnCWEvent(map[string]any{"source": []string{"aws.ec2"}}, func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("ec2"))
	app.OnS3Event("uploads", func(ctx context.Context, ev *chalice.S3Event) error { return nil },
		chalice.Name("on_upload"), chalice.S3Events("s3:ObjectCreated:*"), chalice.Prefix("in/"), chalice.Suffix(".png"))
	app.OnSNSMessage("alerts", func(ctx context.Context, ev *chalice.SNSEvent) error { return nil }, chalice.Name("on_alert"))
	sqsOpts := []chalice.SQSOption{chalice.Name("jobs"), chalice.BatchSize(5), chalice.MaxBatchingWindow(1), chalice.MaxConcurrency(2), chalice.ReportBatchItemFailures()}
	app.OnSQSMessage("jobs", onJob, sqsOpts...)
	app.OnSQSMessage("", onJob, chalice.Name("by_arn"), chalice.QueueARN("arn:aws:sqs:us-west-2:123456789012:q"))
	app.OnKinesisRecord("clicks", func(ctx context.Context, ev *chalice.KinesisEvent) error { return nil },
		chalice.Name("on_click"), chalice.BatchSize(10), chalice.StartingPosition("TRIM_HORIZON"), chalice.MaxBatchingWindow(2), chalice.ReportBatchItemFailures())
	app.OnDynamoDBRecord("arn:aws:dynamodb:us-west-2:123456789012:table/t/stream/s", func(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil },
		chalice.Name("on_row"), chalice.BatchSize(10), chalice.StartingPosition("LATEST"))
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil }, chalice.Name("pure"))
	app.OnWSMessage(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil }, chalice.Name("ws"))

	app.UseHTTP(func(next chalice.Handler) chalice.Handler {
		return func(ctx context.Context, req *chalice.Request) (*chalice.Response, error) { return next(ctx, req) }
	})
	chalice.UseEvents(app, func(next chalice.EventHandler[*chalice.CloudWatchEvent]) chalice.EventHandler[*chalice.CloudWatchEvent] {
		return func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return next(ctx, ev) }
	})
	app.UseLambda(func(next chalice.LambdaHandler) chalice.LambdaHandler { return next })
	app.UseWebsocket(func(next chalice.WebsocketHandler) chalice.WebsocketHandler { return next })
	app.UseAll(func(ctx context.Context, event any, next chalice.Next) (any, error) { return next(ctx, event) })

	bp := chalice.NewBlueprint("bp")
	users(app)
	users(bp)
	app.RegisterBlueprint(bp, chalice.URLPrefix("/bp"), chalice.NamePrefix("bp_"))

	app.API.BinaryTypes = append(chalice.DefaultBinaryTypes(), "application/x-protobuf")
	_ = chalice.MountMethods()
	app.Run()
}
