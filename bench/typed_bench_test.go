package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/gochalice/chalice"
)

// The three peers below answer POST /users/{id} with the body
// {"username":"ana","age":30}, from the same raw REST API event bytes
// (testdata/apigw_v1_post.json), with {"id":"u-42","username":"ana","age":30}.
// Each checks the same things: the id is 2-32 characters; the body is
// JSON (Content-Type application/json) with no field but username and
// age; username is present and 3-32 characters; age is 0-149. A request
// that fails answers 400 naming the field.

// createUserIn is the typed route's input.
type createUserIn struct {
	ID   string `path:"id" validate:"min=2,max=32"`
	Body struct {
		Username string `json:"username" validate:"required,min=3,max=32"`
		Age      int    `json:"age" validate:"gte=0,lt=150"`
	}
}

// createdUser is the answer.
type createdUser struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Age      int    `json:"age"`
}

func createUser(ctx context.Context, in *createUserIn) (*createdUser, error) {
	return &createdUser{ID: in.ID, Username: in.Body.Username, Age: in.Body.Age}, nil
}

// newUserBody is the body the hand-written peers decode.
type newUserBody struct {
	Username *string `json:"username"`
	Age      int     `json:"age"`
}

// checkNewUser is the hand-written equivalent of the typed route's
// binding and rules: it returns the message of a 400, or "".
func checkNewUser(id, contentType string, body []byte) (createdUser, string) {
	var problems []string
	if n := utf8.RuneCountInString(id); n < 2 || n > 32 {
		problems = append(problems, "path.id must be 2-32 characters")
	}
	if mt, _, err := mime.ParseMediaType(contentType); contentType != "" && (err != nil || mt != "application/json") {
		return createdUser{}, "body must be JSON (Content-Type: application/json)"
	}
	var b newUserBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil && !errors.Is(err, io.EOF) {
		return createdUser{}, "body must be valid JSON: " + err.Error()
	}
	switch {
	case b.Username == nil || *b.Username == "":
		problems = append(problems, "body.username is required")
	case utf8.RuneCountInString(*b.Username) < 3 || utf8.RuneCountInString(*b.Username) > 32:
		problems = append(problems, "body.username must be 3-32 characters")
	}
	if b.Age < 0 || b.Age >= 150 {
		problems = append(problems, "body.age must be 0-149")
	}
	if len(problems) > 0 {
		return createdUser{}, strings.Join(problems, "; ")
	}
	return createdUser{ID: id, Username: *b.Username, Age: b.Age}, ""
}

func loadPostEvent(b *testing.B) []byte {
	raw, err := os.ReadFile("testdata/apigw_v1_post.json")
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// typedApp serves the route typed: binding and rules from createUserIn.
func typedApp() *chalice.App {
	app := chalice.New("bench")
	chalice.Post(app, "/users/{id}", createUser)
	return app
}

// untypedApp serves the same route with a hand-written view.
func untypedApp() *chalice.App {
	app := chalice.New("bench")
	app.Post("/users/{id}", func(ctx context.Context, r *chalice.Request) (any, error) {
		u, msg := checkNewUser(r.URIParams["id"], r.Headers.Get("content-type"), r.RawBody)
		if msg != "" {
			return nil, chalice.BadRequestError("%s", msg)
		}
		return &u, nil
	})
	return app
}

func benchApp(b *testing.B, app *chalice.App) {
	raw := loadPostEvent(b)
	ctx := context.Background()
	out, err := app.Invoke(ctx, "api_handler", raw)
	if err != nil {
		b.Fatal(err)
	}
	checkCreated(b, out)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := app.Invoke(ctx, "api_handler", raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTypedRoute: chalice.Post with an input struct; the binder
// decodes and checks the body and the path parameter.
func BenchmarkTypedRoute(b *testing.B) { benchApp(b, typedApp()) }

// BenchmarkUntypedRoute: app.Post with a view that decodes and checks
// the same things by hand (encoding/json, DisallowUnknownFields).
func BenchmarkUntypedRoute(b *testing.B) { benchApp(b, untypedApp()) }

// BenchmarkTypedAPIProxyAdapter: aws-lambda-go-api-proxy's httpadapter
// over an http.ServeMux whose handler decodes and checks by hand, fed
// as aws-lambda-go's reflective handler feeds it.
func BenchmarkTypedAPIProxyAdapter(b *testing.B) {
	raw := loadPostEvent(b)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		u, msg := checkNewUser(r.PathValue("id"), r.Header.Get("Content-Type"), body)
		w.Header().Set("Content-Type", "application/json")
		if msg != "" {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"Code": "BadRequestError", "Message": msg})
			return
		}
		_ = json.NewEncoder(w).Encode(u)
	})
	adapter := httpadapter.New(mux)
	ctx := context.Background()
	invoke := func() []byte {
		var req events.APIGatewayProxyRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			b.Fatal(err)
		}
		resp, err := adapter.ProxyWithContext(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		out, err := json.Marshal(resp)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	checkCreated(b, invoke())
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		invoke()
	}
}

func checkCreated(tb testing.TB, out []byte) {
	tb.Helper()
	var resp events.APIGatewayProxyResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		tb.Fatalf("response %s: %v", out, err)
	}
	var u createdUser
	if resp.StatusCode != 200 || json.Unmarshal([]byte(resp.Body), &u) != nil || u != (createdUser{ID: "u-42", Username: "ana", Age: 30}) {
		tb.Fatalf("unexpected response %s", out)
	}
}

// TestPeersAgree: the three peers answer the benchmark's request alike,
// and refuse the same bad requests with a 400 naming the same field.
func TestPeersAgree(t *testing.T) {
	raw, err := os.ReadFile("testdata/apigw_v1_post.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, app := range map[string]*chalice.App{"typed": typedApp(), "untyped": untypedApp()} {
		out, err := app.Invoke(t.Context(), "api_handler", raw)
		if err != nil {
			t.Fatal(err)
		}
		checkCreated(t, out)
		bad := []struct{ body, field string }{
			{`{"username":5,"age":30}`, "username"},
			{`{"age":30}`, "body.username"},
			{`{"username":"ana","age":200}`, "body.age"},
			{`{"username":"ana","nickname":"a"}`, "nickname"},
		}
		for _, c := range bad {
			var ev map[string]any
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			ev["body"] = c.body
			payload, _ := json.Marshal(ev)
			out, err := app.Invoke(t.Context(), "api_handler", payload)
			if err != nil {
				t.Fatal(err)
			}
			var resp events.APIGatewayProxyResponse
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 400 || !strings.Contains(resp.Body, c.field) {
				t.Errorf("%s: %s answered %d %s, want 400 naming %s", name, c.body, resp.StatusCode, resp.Body, c.field)
			}
		}
	}
}
