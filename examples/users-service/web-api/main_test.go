package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/examples/users-service/web-api/internal/usertable"
)

// devTable is the dev stage's table (.chalice/config.json), which the
// tests create in moto.
const devTable = "users-dev"

// dynamo is a moto server with the users table in it.
type dynamo struct {
	srv *moto.Server
	db  *dynamodb.Client
}

// startDynamo starts moto, points the AWS SDK at it and creates the table.
func startDynamo(t *testing.T) *dynamo {
	t.Helper()
	srv := moto.Start(t)
	srv.SetEnv(t)
	cfg, err := config.LoadDefaultConfig(t.Context())
	if err != nil {
		t.Fatalf("loading AWS config: %v", err)
	}
	d := &dynamo{srv: srv, db: dynamodb.NewFromConfig(cfg)}
	d.reset(t)
	return d
}

// reset empties moto and creates a fresh users table.
func (d *dynamo) reset(t *testing.T) {
	t.Helper()
	if err := d.srv.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := usertable.Create(t.Context(), d.db, devTable); err != nil {
		t.Fatal(err)
	}
}

// call is one HTTP request to the API.
type call struct {
	method, path string
	body         string // sent with contentType when not empty
	contentType  string // default application/json
}

// result is the HTTP answer.
type result struct {
	status int
	header http.Header
	body   string
}

// driver sends a call to the app, as API Gateway would.
type driver func(t *testing.T, app *chalice.App, c call) result

// viaInvoke runs api_handler with a REST API (v1) proxy event, as Lambda
// does behind API Gateway.
func viaInvoke(t *testing.T, app *chalice.App, c call) result {
	t.Helper()
	resource, params := c.path, map[string]string(nil)
	if name, ok := strings.CutPrefix(c.path, "/users/"); ok && !strings.Contains(name, "/") {
		resource, params = "/users/{username}", map[string]string{"username": name}
	}
	ev := events.APIGatewayProxyRequest{
		Resource:       resource,
		Path:           c.path,
		HTTPMethod:     c.method,
		Headers:        map[string]string{"Host": "example.execute-api.us-east-1.amazonaws.com"},
		PathParameters: params,
		RequestContext: events.APIGatewayProxyRequestContext{
			Stage: "api", ResourcePath: resource, HTTPMethod: c.method, Path: "/api" + c.path,
			RequestID: "test-request", AccountID: "123456789012", APIID: "example",
		},
		Body: c.body,
	}
	if c.body != "" {
		ev.Headers["Content-Type"] = contentType(c)
	}
	ev.MultiValueHeaders = map[string][]string{}
	for k, v := range ev.Headers {
		ev.MultiValueHeaders[k] = []string{v}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	out, err := app.Invoke(t.Context(), "api_handler", payload)
	if err != nil {
		t.Fatalf("invoking api_handler: %v", err)
	}
	var resp events.APIGatewayProxyResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("api_handler returned %s: %v", out, err)
	}
	if resp.IsBase64Encoded {
		t.Fatalf("api_handler returned a base64 body: %s", out)
	}
	h := http.Header{}
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	return result{status: resp.StatusCode, header: h, body: resp.Body}
}

// viaChalicetest sends the request through chalicetest's API Gateway
// emulation with the dev stage's configuration.
func viaChalicetest(t *testing.T, app *chalice.App, c call) result {
	t.Helper()
	client := chalicetest.New(t, app, chalicetest.ProjectDir("."), chalicetest.Stage("dev"))
	var opts []chalicetest.RequestOption
	if c.body != "" {
		opts = append(opts, chalicetest.WithBody([]byte(c.body)), chalicetest.WithHeader("Content-Type", contentType(c)))
	}
	resp := client.Request(c.method, c.path, opts...)
	return result{status: resp.StatusCode, header: resp.Header, body: string(resp.Body)}
}

func contentType(c call) string {
	if c.contentType != "" {
		return c.contentType
	}
	return "application/json"
}

var drivers = []struct {
	name    string
	do      driver
	gateway bool // goes through API Gateway emulation, not only the function
}{
	{"invoke", viaInvoke, false},
	{"chalicetest", viaChalicetest, true},
}

const (
	bob        = `{"email":"bob@example.com","name":"Bob","username":"bob"}`
	bobUpdated = `{"name":"Robert","username":"bob"}`
)

// TestUsersAPI runs a session against a real DynamoDB API (moto): each
// step depends on the ones before it.
func TestUsersAPI(t *testing.T) {
	d := startDynamo(t)
	steps := []struct {
		name       string
		call       call
		wantStatus int
		wantBody   string
		wantHeader map[string]string // checked through the gateway only
		gateway    bool              // API Gateway answers itself; Lambda never sees it
	}{
		{"create", call{method: "POST", path: "/users", body: `{"username":"bob","name":"Bob","email":"bob@example.com"}`},
			201, bob, map[string]string{"Content-Type": "application/json", "Location": "/users/bob"}, false},
		{"create duplicate", call{method: "POST", path: "/users", body: `{"username":"bob","name":"Other"}`},
			409, `{"Code":"ConflictError","Message":"user bob already exists"}`, nil, false},
		{"duplicate left the user alone", call{method: "GET", path: "/users/bob"},
			200, bob, nil, false},
		{"create without username", call{method: "POST", path: "/users", body: `{"name":"Nobody"}`},
			400, `{"Code":"BadRequestError","Message":"body.username is required"}`, nil, false},
		{"create with a number for username", call{method: "POST", path: "/users", body: `{"username":5}`},
			400, `{"Code":"BadRequestError","Message":"body.username must be a string"}`, nil, false},
		{"create with empty username", call{method: "POST", path: "/users", body: `{"username":""}`},
			400, `{"Code":"BadRequestError","Message":"body.username is required"}`, nil, false},
		{"create with a username the key cannot hold", call{method: "POST", path: "/users", body: `{"username":"bob smith"}`},
			400, `{"Code":"BadRequestError","Message":"body.username must match the pattern ^[A-Za-z0-9._-]+$"}`, nil, false},
		{"create with null body", call{method: "POST", path: "/users", body: `null`},
			400, `{"Code":"BadRequestError","Message":"body must be an object"}`, nil, false},
		{"create with no body", call{method: "POST", path: "/users"},
			400, `{"Code":"BadRequestError","Message":"body is required"}`, nil, false},
		{"create with an attribute the service does not keep", call{method: "POST", path: "/users", body: `{"username":"carol","age":42}`},
			400, `{"Code":"BadRequestError","Message":"body.age is not allowed"}`, nil, false},
		{"create with several mistakes", call{method: "POST", path: "/users", body: `{"name":5,"email":"carol"}`},
			400, `{"Code":"BadRequestError","Message":"body.name must be a string; body.email must be an email address; body.username is required"}`, nil, false},
		{"create with invalid JSON", call{method: "POST", path: "/users", body: `{"username":`},
			400, `{"Code":"BadRequestError","Message":"body must be valid JSON: unexpected end of input at offset 12"}`, nil, false},
		{"create with a JSON array", call{method: "POST", path: "/users", body: `["bob"]`},
			400, `{"Code":"BadRequestError","Message":"body must be an object"}`, nil, false},
		{"rejected creates stored nothing", call{method: "GET", path: "/users/carol"},
			404, `{"Code":"NotFoundError","Message":"user carol not found"}`, nil, false},
		{"get", call{method: "GET", path: "/users/bob"},
			200, bob, nil, false},
		{"get missing", call{method: "GET", path: "/users/alice"},
			404, `{"Code":"NotFoundError","Message":"user alice not found"}`, nil, false},
		{"update", call{method: "PUT", path: "/users/bob", body: `{"name":"Robert"}`},
			200, bobUpdated, nil, false},
		{"update replaced the attributes", call{method: "GET", path: "/users/bob"},
			200, bobUpdated, nil, false},
		{"update with matching username", call{method: "PUT", path: "/users/bob", body: `{"username":"bob","name":"Robert"}`},
			200, bobUpdated, nil, false},
		{"update with another username", call{method: "PUT", path: "/users/bob", body: `{"username":"alice","name":"Alice"}`},
			400, `{"Code":"BadRequestError","Message":"username \"alice\" in the body does not match \"bob\" in the path"}`, nil, false},
		{"update with invalid JSON", call{method: "PUT", path: "/users/bob", body: `name=Robert`},
			400, `{"Code":"BadRequestError","Message":"body must be valid JSON: invalid literal at offset 1"}`, nil, false},
		{"update with a number for an attribute", call{method: "PUT", path: "/users/bob", body: `{"name":5}`},
			400, `{"Code":"BadRequestError","Message":"body.name must be a string"}`, nil, false},
		{"get with a username the key cannot hold", call{method: "GET", path: "/users/bob%20smith"},
			400, `{"Code":"BadRequestError","Message":"path.username must match the pattern ^[A-Za-z0-9._-]+$"}`, nil, false},
		{"rejected updates changed nothing", call{method: "GET", path: "/users/bob"},
			200, bobUpdated, nil, false},
		{"update missing", call{method: "PUT", path: "/users/alice", body: `{"name":"Alice"}`},
			404, `{"Code":"NotFoundError","Message":"user alice not found"}`, nil, false},
		{"update missing created nothing", call{method: "GET", path: "/users/alice"},
			404, `{"Code":"NotFoundError","Message":"user alice not found"}`, nil, false},
		{"delete", call{method: "DELETE", path: "/users/bob"},
			204, ``, nil, false},
		{"deleted user is gone", call{method: "GET", path: "/users/bob"},
			404, `{"Code":"NotFoundError","Message":"user bob not found"}`, nil, false},
		{"delete missing", call{method: "DELETE", path: "/users/bob"},
			404, `{"Code":"NotFoundError","Message":"user bob not found"}`, nil, false},
		{"create again after delete", call{method: "POST", path: "/users", body: `{"username":"bob","name":"Bob","email":"bob@example.com"}`},
			201, bob, nil, false},
		{"unknown route", call{method: "GET", path: "/accounts"},
			403, `{"message": "Missing Authentication Token"}`, nil, true},
		{"wrong method", call{method: "PATCH", path: "/users/bob"},
			405, `{"Code":"MethodNotAllowedError","Message":"Unsupported method: PATCH"}`, nil, false},
		{"wrong content type", call{method: "POST", path: "/users", body: `username=bob`, contentType: "application/x-www-form-urlencoded"},
			415, `{"Code":"UnsupportedMediaType","Message":"Unsupported media type: application/x-www-form-urlencoded"}`, nil, false},
	}
	for _, dr := range drivers {
		t.Run(dr.name, func(t *testing.T) {
			d.reset(t)
			app := newApp(&users{db: d.db, table: devTable})
			for _, st := range steps {
				if st.gateway && !dr.gateway {
					continue
				}
				got := dr.do(t, app, st.call)
				if got.status != st.wantStatus || got.body != st.wantBody {
					t.Errorf("%s: %s %s %s\n got %d %s\nwant %d %s", st.name, st.call.method, st.call.path, st.call.body,
						got.status, got.body, st.wantStatus, st.wantBody)
				}
				if !dr.gateway {
					continue
				}
				for k, v := range st.wantHeader {
					if g := got.header.Get(k); g != v {
						t.Errorf("%s: header %s = %q, want %q", st.name, k, g, v)
					}
				}
			}
		})
	}
}

// TestCreateStoresTheItem checks what lands in DynamoDB, not only what the
// API answers.
func TestCreateStoresTheItem(t *testing.T) {
	d := startDynamo(t)
	c := chalicetest.New(t, newApp(&users{db: d.db, table: devTable}), chalicetest.ProjectDir("."), chalicetest.Stage("dev"))
	resp := c.Post("/users", chalicetest.WithJSON(map[string]string{"username": "dora", "team": "explorers"}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /users: %d %s", resp.StatusCode, resp.Body)
	}
	var created map[string]string
	if err := resp.JSON(&created); err != nil {
		t.Fatal(err)
	}
	out, err := d.db.GetItem(t.Context(), &dynamodb.GetItemInput{
		TableName: aws.String(devTable),
		Key:       map[string]types.AttributeValue{"username": &types.AttributeValueMemberS{Value: "dora"}},
	})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	stored := map[string]string{}
	for k, v := range out.Item {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			t.Fatalf("stored attribute %s is a %T", k, v)
		}
		stored[k] = s.Value
	}
	want := map[string]string{"username": "dora", "team": "explorers"}
	for name, got := range map[string]map[string]string{"response": created, "stored item": stored} {
		if len(got) != len(want) || got["username"] != want["username"] || got["team"] != want["team"] {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}

	resp = c.Delete("/users/dora")
	if resp.StatusCode != http.StatusNoContent || len(resp.Body) != 0 {
		t.Fatalf("DELETE /users/dora: %d %q", resp.StatusCode, resp.Body)
	}
	out, err = d.db.GetItem(t.Context(), &dynamodb.GetItemInput{
		TableName: aws.String(devTable),
		Key:       map[string]types.AttributeValue{"username": &types.AttributeValueMemberS{Value: "dora"}},
	})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	if out.Item != nil {
		t.Fatalf("item still stored after DELETE: %v", out.Item)
	}
}

// TestServerErrors checks that configuration and DynamoDB failures answer
// Chalice's generic 500 and log why.
func TestServerErrors(t *testing.T) {
	d := startDynamo(t)
	const internal = `{"Code":"InternalServerError","Message":"An internal server error occurred."}`
	tests := []struct {
		name    string
		users   func(t *testing.T) *users
		wantLog string
	}{
		{"no table name", func(*testing.T) *users { return &users{db: d.db} },
			"environment variable DYNAMODB_TABLE_NAME is not set"},
		{"no client", func(*testing.T) *users { return &users{table: devTable} },
			"no DynamoDB client configured"},
		{"from an environment without the table name", func(t *testing.T) *users {
			t.Setenv(TableEnvVar, "")
			return usersFromEnv(t.Context())
		}, "environment variable DYNAMODB_TABLE_NAME is not set"},
		{"from the environment, table missing", func(t *testing.T) *users {
			t.Setenv(TableEnvVar, "no-such-table")
			return usersFromEnv(t.Context())
		}, "ResourceNotFoundException"},
	}
	calls := []call{
		{method: "POST", path: "/users", body: `{"username":"bob"}`},
		{method: "GET", path: "/users/bob"},
		{method: "PUT", path: "/users/bob", body: `{"name":"Bob"}`},
		{method: "DELETE", path: "/users/bob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range calls {
				var logs bytes.Buffer
				app := newApp(tt.users(t), chalice.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
				got := viaInvoke(t, app, c)
				if got.status != http.StatusInternalServerError || got.body != internal {
					t.Errorf("%s %s: got %d %s, want 500 %s", c.method, c.path, got.status, got.body, internal)
				}
				if !strings.Contains(logs.String(), tt.wantLog) {
					t.Errorf("%s %s: log %q does not contain %q", c.method, c.path, logs.String(), tt.wantLog)
				}
			}
		})
	}
}

// TestAppStartsWithoutConfiguration: the app must build its manifest with
// no table name and no AWS settings (gochalice package/deploy do that).
func TestAppStartsWithoutConfiguration(t *testing.T) {
	t.Setenv(TableEnvVar, "")
	app := newApp(usersFromEnv(t.Context()))
	m, err := app.Manifest()
	if err != nil {
		t.Fatalf("Manifest: %v", err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{"/users", "/users/{username}"} {
		if !bytes.Contains(b, []byte(`"`+route+`"`)) {
			t.Errorf("manifest does not mention route %s: %s", route, b)
		}
	}
}

// TestConfigNamesTheTestTable keeps .chalice/config.json and the tests in
// agreement about the dev stage.
func TestConfigNamesTheTestTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(".chalice", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version string `json:"version"`
		AppName string `json:"app_name"`
		Stages  map[string]struct {
			APIGatewayStage      string            `json:"api_gateway_stage"`
			EnvironmentVariables map[string]string `json:"environment_variables"`
		} `json:"stages"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("parsing .chalice/config.json: %v", err)
	}
	if cfg.Version != "2.0" || cfg.AppName != "web-api" {
		t.Errorf("config version %q app_name %q, want 2.0 and web-api", cfg.Version, cfg.AppName)
	}
	dev, ok := cfg.Stages["dev"]
	if !ok {
		t.Fatal("config has no dev stage")
	}
	if got := dev.EnvironmentVariables[TableEnvVar]; got != devTable {
		t.Errorf("dev %s = %q, want %q", TableEnvVar, got, devTable)
	}
	if dev.APIGatewayStage != "api" {
		t.Errorf("dev api_gateway_stage = %q, want api", dev.APIGatewayStage)
	}
}
