package chalice_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
)

// client is the in-process API Gateway the examples send requests
// through (chalicetest.New in a test).
func client(app *chalice.App) *chalicetest.Client {
	c, err := chalicetest.NewClient(app)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func show(r *chalicetest.HTTPResponse) {
	fmt.Println(r.StatusCode, strings.TrimSpace(string(r.Body)))
}

// An app is the registry of everything it serves: routes, authorizers,
// event handlers. main ends with app.Run(), which serves the function
// Lambda names, or prints the manifest for the gochalice CLI.
func ExampleNew() {
	app := chalice.New("helloworld")
	app.Get("/", func(ctx context.Context, r *chalice.Request) (any, error) {
		return map[string]string{"hello": "world"}, nil
	})

	m, err := app.Manifest()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.App, m.Routes[0].Method, m.Routes[0].Path, m.Functions[0].Name)
	show(client(app).Get("/"))
	// Output:
	// helloworld GET / api_handler
	// 200 {"hello":"world"}
}

type GetUserIn struct {
	Name   string `path:"name" validate:"min=2,max=32"`
	Format string `query:"format" default:"short" validate:"oneof=short long"`
}

type User struct {
	Name     string `json:"name"`
	Greeting string `json:"greeting"`
}

// A typed route takes its request as a struct and returns its answer as
// a value: the path parameter and the query parameter are bound and
// checked before the handler runs.
func ExampleGet() {
	app := chalice.New("users")
	chalice.Get(app, "/users/{name}", func(ctx context.Context, in *GetUserIn) (*User, error) {
		if in.Name == "nobody" {
			return nil, chalice.NotFoundError("no user %s", in.Name)
		}
		g := "hi " + in.Name
		if in.Format == "long" {
			g = "hello there, " + in.Name
		}
		return &User{Name: in.Name, Greeting: g}, nil
	})

	c := client(app)
	show(c.Get("/users/ana"))
	show(c.Get("/users/ana?format=long"))
	show(c.Get("/users/a?format=poem"))
	show(c.Get("/users/nobody"))
	// Output:
	// 200 {"name":"ana","greeting":"hi ana"}
	// 200 {"name":"ana","greeting":"hello there, ana"}
	// 400 {"Code":"BadRequestError","Message":"path.name must be at least 2 characters; query.format must be one of: short long"}
	// 404 {"Code":"NotFoundError","Message":"no user nobody"}
}

type CreateUserIn struct {
	Body struct {
		Username string `json:"username" validate:"required,min=3,max=32"`
		Age      int    `json:"age" validate:"gte=0,lt=150"`
	}
}

// Created is the answer to a create: a User, with status 201 and a
// Location header.
type Created struct{ User }

func (Created) StatusCode() int { return http.StatusCreated }

func (c Created) ResponseHeaders() map[string]string {
	return map[string]string{"Location": "/users/" + c.Name}
}

// The JSON body goes into the field named Body; the output's methods set
// the status and headers.
func ExamplePost() {
	app := chalice.New("users")
	chalice.Post(app, "/users", func(ctx context.Context, in *CreateUserIn) (*Created, error) {
		return &Created{User{Name: in.Body.Username, Greeting: "welcome"}}, nil
	})

	c := client(app)
	r := c.Post("/users", chalicetest.WithJSON(map[string]any{"username": "ana", "age": 30}))
	fmt.Println(r.StatusCode, r.Header.Get("Location"), string(r.Body))
	show(c.Post("/users", chalicetest.WithJSON(map[string]any{"username": 5})))
	show(c.Post("/users", chalicetest.WithJSON(map[string]any{"age": 200, "nick": "a"})))
	// Output:
	// 201 /users/ana {"name":"ana","greeting":"welcome"}
	// 400 {"Code":"BadRequestError","Message":"body.username must be a string"}
	// 400 {"Code":"BadRequestError","Message":"body.nick is not allowed; body.username is required; body.age must be less than 150"}
}

type ItemIn struct {
	ID   string `path:"id"`
	Body *struct {
		Name string `json:"name" validate:"required"`
	}
}

type Item struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Route registers a typed route for several methods; a nil output with
// a nil error answers 204 No Content.
func ExampleRoute() {
	app := chalice.New("items")
	chalice.Route(app, "/items/{id}", func(ctx context.Context, in *ItemIn) (*Item, error) {
		if in.Body == nil {
			return nil, nil // nothing to change
		}
		return &Item{ID: in.ID, Name: in.Body.Name}, nil
	}, chalice.Methods("PUT", "PATCH"))

	c := client(app)
	show(c.Put("/items/7", chalicetest.WithJSON(map[string]string{"name": "lamp"})))
	show(c.Patch("/items/7"))
	// Output:
	// 200 {"id":"7","name":"lamp"}
	// 204
}

// chalicetest.Call sends an input struct to a typed route and decodes
// the typed answer.
func ExampleGet_testing() {
	app := chalice.New("users")
	chalice.Get(app, "/users/{name}", func(ctx context.Context, in *GetUserIn) (*User, error) {
		return &User{Name: in.Name, Greeting: in.Format}, nil
	})

	c := client(app)
	u, _, err := chalicetest.Call[User](c, "GET", "/users/{name}", GetUserIn{Name: "ana", Format: "long"})
	fmt.Printf("%+v %v\n", *u, err)
	_, resp, err := chalicetest.Call[User](c, "GET", "/users/{name}", GetUserIn{Name: "a"})
	fmt.Println(resp.StatusCode, err)
	// Output:
	// {Name:ana Greeting:long} <nil>
	// 400 chalicetest: GET /users/{name} answered 400 BadRequestError: path.name must be at least 2 characters
}

// The untyped form: the handler reads the request and returns any value,
// sent as JSON (a *chalice.Response sets the status and headers).
func ExampleApp_Get() {
	app := chalice.New("helloworld")
	app.Get("/hello/{name}", func(ctx context.Context, r *chalice.Request) (any, error) {
		name := r.URIParams["name"]
		if name == "nobody" {
			return nil, chalice.NotFoundError("no one is called %s", name)
		}
		return map[string]string{"hello": name, "lang": r.Query.Get("lang")}, nil
	})

	c := client(app)
	show(c.Get("/hello/ana?lang=pt"))
	show(c.Get("/hello/nobody"))
	// Output:
	// 200 {"hello":"ana","lang":"pt"}
	// 404 {"Code":"NotFoundError","Message":"no one is called nobody"}
}

// OnError sees the fields a typed route's request got wrong, and may
// answer in another shape.
func ExampleValidationError() {
	app := chalice.New("users")
	app.OnError = func(ctx context.Context, req *chalice.Request, err *chalice.Error) *chalice.Response {
		var ve *chalice.ValidationError
		if !errors.As(err, &ve) {
			return nil // keep Chalice's error body
		}
		return chalice.NewResponse(http.StatusUnprocessableEntity, map[string]any{"errors": ve.Fields})
	}
	chalice.Post(app, "/users", func(ctx context.Context, in *CreateUserIn) (*User, error) {
		return &User{Name: in.Body.Username}, nil
	})

	show(client(app).Post("/users", chalicetest.WithJSON(map[string]any{"username": "al", "age": -1})))
	// Output:
	// 422 {"errors":[{"field":"body.username","in":"body","reason":"must be at least 3 characters"},{"field":"body.age","in":"body","reason":"must be at least 0"}]}
}

// A typed handler reaches the rest of the request (authorizer context,
// headers, stage variables) through its context.
func ExampleRequestFromContext() {
	app := chalice.New("users")
	chalice.Get(app, "/me", func(ctx context.Context, in *struct{}) (*User, error) {
		req, _ := chalice.RequestFromContext(ctx)
		return &User{Name: req.Headers.Get("x-user")}, nil
	})

	show(client(app).Get("/me", chalicetest.WithHeader("X-User", "ana")))
	// Output:
	// 200 {"name":"ana","greeting":""}
}

// A built-in authorizer is a Lambda function API Gateway runs before the
// routes that use it: no token is 401, a token it refuses 401 or 403.
func ExampleApp_Authorizer() {
	app := chalice.New("secrets")
	auth := app.Authorizer(func(ctx context.Context, r *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		if r.Token != "allow" {
			return nil, chalice.ErrUnauthorized
		}
		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("/secret"), PrincipalID: "ana"}, nil
	}, chalice.Name("tokens"))
	app.Get("/secret", func(ctx context.Context, r *chalice.Request) (any, error) {
		return map[string]any{"user": r.Context.Authorizer["principalId"]}, nil
	}, chalice.WithAuthorizer(auth))

	c := client(app)
	show(c.Get("/secret"))
	show(c.Get("/secret", chalicetest.WithHeader("Authorization", "deny")))
	show(c.Get("/secret", chalicetest.WithHeader("Authorization", "allow")))
	// Output:
	// 401 {"message":"Unauthorized"}
	// 401 {"message":"Unauthorized"}
	// 200 {"user":"ana"}
}

// An SQS handler is its own Lambda function, invoked with batches of
// messages.
func ExampleApp_OnSQSMessage() {
	app := chalice.New("jobs")
	app.OnSQSMessage("jobs", func(ctx context.Context, ev *chalice.SQSEvent) error {
		for _, r := range ev.Records {
			fmt.Println("job:", r.Body)
		}
		return nil
	}, chalice.Name("worker"), chalice.BatchSize(10))

	out, err := app.Invoke(context.Background(), "worker", chalicetest.SQSEvent([]string{"resize a.png", "resize b.png"}, "jobs"))
	fmt.Println(string(out), err)
	// Output:
	// job: resize a.png
	// job: resize b.png
	// {"batchItemFailures":[]} <nil>
}

// A schedule runs a function on an EventBridge rule.
func ExampleApp_Schedule() {
	app := chalice.New("reports")
	app.Schedule(chalice.Rate(1, chalice.Hours), func(ctx context.Context, ev *chalice.CloudWatchEvent) error {
		fmt.Println("report:", ev.DetailType, ev.Source)
		return nil
	}, chalice.Name("hourly"))

	m, _ := app.Manifest()
	fmt.Println(m.EventSources[0].Schedule)
	ev := chalicetest.CloudWatchEvent("aws.events", "Scheduled Event", map[string]any{}, nil, "us-east-1")
	if _, err := app.Invoke(context.Background(), "hourly", ev); err != nil {
		log.Fatal(err)
	}
	// Output:
	// rate(1 hour)
	// report: Scheduled Event aws.events
}
