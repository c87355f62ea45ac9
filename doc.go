// Package chalice is AWS Chalice for Go: write an application of HTTP
// routes, authorizers, event handlers and websocket handlers, and one
// binary serves every function of it on AWS Lambda behind API Gateway.
//
// # An app
//
// An App is the registry of everything the application serves. main
// registers on it and ends with Run:
//
//	package main
//
//	import (
//		"context"
//
//		"github.com/gochalice/chalice"
//	)
//
//	type HelloIn struct {
//		Name string `path:"name" validate:"min=1,max=32"`
//	}
//
//	type Hello struct {
//		Message string `json:"message"`
//	}
//
//	func hello(ctx context.Context, in *HelloIn) (*Hello, error) {
//		return &Hello{Message: "hello " + in.Name}, nil
//	}
//
//	func main() {
//		app := chalice.New("helloworld")
//		chalice.Get(app, "/hello/{name}", hello)
//		app.Run()
//	}
//
// On Lambda, Run serves the function the _HANDLER environment variable
// names: api_handler for every route, and one function per authorizer,
// event handler and pure Lambda. Started by the gochalice CLI in
// manifest mode, it prints what the app registered as JSON (the
// manifest) and exits, or lists every mistake in the app's definition
// and exits with status 3. The CLI builds on that: gochalice local runs
// the binary behind an API Gateway emulator, gochalice package writes
// SAM or Terraform templates, gochalice deploy deploys it, and
// gochalice generate-models prints the API as OpenAPI 3.1 or Swagger
// 2.0.
//
// Registration happens before the app is built; the first Run, Invoke,
// Manifest or Validate builds it, and a registration after that is
// itself a definition error.
//
// # Routes
//
// A route is a path template and methods. Templates use Chalice's
// {name} parameters (one segment) and greedy {name+} parameters (the
// rest of the path). Routes come in two forms that share everything
// else.
//
// Typed routes take the request as a Go struct and answer with a Go
// value, as in the example above:
//
//	chalice.Get(app, "/users/{id}", getUser)      // func(ctx, *GetUserIn) (*User, error)
//	chalice.Post(app, "/users", createUser)       // func(ctx, *CreateUserIn) (*Created, error)
//	chalice.Route(app, "/items/{id}", putItem, chalice.Methods("PUT", "PATCH"))
//
// The input struct says where each value comes from and what it must
// be:
//
//	type CreateUserIn struct {
//		Org    string `path:"org" validate:"min=2"`
//		DryRun bool   `query:"dry_run"`
//		Trace  string `header:"X-Trace-Id" validate:"omitempty,uuid"`
//		Body   struct {
//			Username string `json:"username" validate:"required,min=3,max=32"`
//			Email    string `json:"email" validate:"required,email"`
//		}
//	}
//
// The request is bound and checked before the handler runs; one that
// does not fit is answered 400 with Chalice's error body naming every
// field that failed:
//
//	{"Code":"BadRequestError","Message":"body.username is required; body.email must be an email address"}
//
// A non-nil output is sent as JSON with status 200, or the status and
// headers its StatusCode and ResponseHeaders methods return (StatusCoder,
// ResponseHeaderer); a nil output is 204 No Content. The same types
// describe the route: the manifest carries JSON Schemas of the
// parameters, the body and the output, which become the OpenAPI
// document's components and API Gateway's models. Mistakes the types
// make (a path field the template lacks, a rule that cannot apply) are
// definition errors, found before the app is deployed. docs/TYPED.md
// lists the tags and rules.
//
// Untyped routes take the *Request and return any value, sent as JSON,
// or a *Response for full control, as Chalice's views do:
//
//	app.Get("/hello/{name}", func(ctx context.Context, r *chalice.Request) (any, error) {
//		return map[string]string{"hello": r.URIParams["name"]}, nil
//	})
//
// Each registration takes options of its own kind, so a misplaced one
// does not compile: routes take RouteOptions such as Name, Methods,
// WithAuthorizer, WithCORS, ContentTypes, APIKeyRequired and
// WithMiddleware; chalice.Get(app, "/", h, chalice.BatchSize(5)) is a
// compile error. Mount serves a prefix with any http.Handler.
//
// The same routes serve API Gateway REST APIs (payload 1.0, Chalice's
// default), HTTP APIs (payload 2.0) and Lambda Function URLs.
//
// # Errors
//
// A handler answers with an error by returning a *Error, built with the
// constructor named after Chalice's exception:
//
//	return nil, chalice.NotFoundError("user %s not found", id) // 404 {"Code":"NotFoundError","Message":"user bob not found"}
//
// BadRequestError, UnauthorizedError, ForbiddenError, ConflictError,
// UnprocessableEntityError, TooManyRequestsError and NewError for any
// status work the same way. Any other error is logged and answered with
// Chalice's generic 500; so is a panic. App.OnError may replace the body
// of any error response; for a typed route's bad request it can find the
// fields with errors.As and a *ValidationError.
//
// # Authorizers
//
// App.Authorizer registers a built-in authorizer, a Lambda function API
// Gateway calls with the request's token before the routes that use it:
//
//	auth := app.Authorizer(func(ctx context.Context, r *chalice.AuthRequest) (*chalice.AuthResponse, error) {
//		if r.Token != "allow" {
//			return nil, chalice.ErrUnauthorized // 401
//		}
//		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "ana"}, nil
//	}, chalice.Name("tokens"))
//	chalice.Get(app, "/secret", secret, chalice.WithAuthorizer(auth))
//
// NewCognitoUserPoolAuthorizer, NewIAMAuthorizer, NewCustomAuthorizer
// and, for HTTP APIs, NewJWTAuthorizer protect routes with API Gateway's
// own authorizers. What an authorizer returns reaches the handler in
// Request.Context.Authorizer (RequestFromContext in a typed handler).
//
// # Events
//
// Every event handler is a Lambda function of its own, named by the Name
// option or the Go function's name:
//
//	app.Schedule(chalice.Rate(5, chalice.Minutes), tick)                  // EventBridge schedule
//	app.OnCWEvent(map[string]any{"source": []string{"aws.ec2"}}, onEC2)    // EventBridge pattern
//	app.OnS3Event("uploads", onUpload, chalice.Suffix(".png"))
//	app.OnSNSMessage("alerts", onAlert)
//	app.OnSQSMessage("jobs", onJob, chalice.BatchSize(10), chalice.ReportBatchItemFailures())
//	app.OnKinesisRecord("clicks", onClicks)
//	app.OnDynamoDBRecord(streamARN, onChange)
//	app.LambdaFunction(handle, chalice.Name("resize"))                   // any JSON in, any JSON out
//	app.OnWSMessage(onMessage)                                            // websocket API
//
// EventBus puts a rule on another event bus, by name or ARN; TimeZone
// runs a cron schedule in local time (EventBridge Scheduler):
//
//	app.OnCWEvent(pattern, onOrder, chalice.EventBus("orders"))
//	app.Schedule(chalice.Cron("0", "7", "?", "*", "MON-FRI", "*"), digest, chalice.TimeZone("Europe/Paris"))
//
// # Function URLs and streaming
//
// With "api_type": "url" in .chalice/config.json the routes are served by
// a Lambda Function URL instead of API Gateway, and with
// "function_url_invoke_mode": "RESPONSE_STREAM" a handler can stream its
// body: StreamResponse sends the status and headers at once and each
// write as it happens (on a buffered front end the body is collected and
// sent whole, so the handler runs unchanged everywhere):
//
//	app.Get("/export", func(ctx context.Context, r *chalice.Request) (any, error) {
//		return chalice.StreamResponse(200, map[string]string{"Content-Type": "text/csv"},
//			func(ctx context.Context, w io.Writer) error { return writeRows(ctx, w) }), nil
//	})
//
// Versions, aliases, provisioned concurrency and asynchronous delivery
// (retries, event age, on-success and on-failure destinations) are
// config.json keys too; see docs/CONFIG.md.
//
// # Middleware
//
// Middleware has chi's shape, a function from the next handler to the
// handler to run in its place, typed for each kind of invocation:
// App.UseHTTP around every HTTP request, WithMiddleware around one
// route, UseEvents around event handlers of one event type, UseLambda,
// UseWebsocket, and UseAll around everything. Route middleware runs
// before a typed route binds its input, so an authentication check
// answers before validation does.
//
// # Blueprints
//
// A Blueprint collects registrations, made through the same Registrar
// interface (typed routes included), and adds them to an app with a URL
// prefix and a name prefix:
//
//	bp := chalice.NewBlueprint("admin")
//	chalice.Get(bp, "/users/{id}", getUser)
//	app.RegisterBlueprint(bp, chalice.URLPrefix("/admin"), chalice.NamePrefix("admin_"))
//
// # Testing
//
// Package chalicetest runs the app in process behind the same API
// Gateway emulation gochalice local uses, with the stage's environment
// from .chalice/config.json:
//
//	c := chalicetest.New(t, app)
//	resp := c.Post("/users", chalicetest.WithJSON(map[string]any{"username": "ana"}))
//	out, resp, err := chalicetest.Call[User](c, "GET", "/users/{id}", GetUserIn{ID: "u-1"})
//	res, err := c.Invoke("worker", chalicetest.SQSEvent([]string{"job"}, "jobs"))
//
// App.Invoke runs one function with a raw event payload, exactly as the
// Lambda runtime does.
//
// # Deploying
//
// The application is a project with a .chalice/config.json (stages,
// environment variables, memory, timeouts, as in Chalice), created by
// gochalice new-project. gochalice deploy deploys a stage straight
// through the AWS SDK and records what it made in
// .chalice/deployed/<stage>.json; gochalice package writes a SAM or
// Terraform template next to the deployment package for other tools to
// deploy. With api_gateway_request_validation in the config, a REST
// API's API Gateway itself refuses requests that do not fit a typed
// route's schemas before the function runs.
package chalice
