package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/gochalice/chalice"
)

// The three peers answer the same route, GET /users/{id}, with the same
// JSON body {"id":"u-42","name":"Ada"}, from the same raw API Gateway REST
// event bytes, producing the bytes Lambda sends back.

type user struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func loadEvent(b *testing.B) []byte {
	raw, err := os.ReadFile("testdata/apigw_v1_get.json")
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

func gochaliceApp() *chalice.App {
	app := chalice.New("bench")
	app.Get("/users/{id}", func(ctx context.Context, r *chalice.Request) (any, error) {
		return user{ID: r.URIParams["id"], Name: "Ada"}, nil
	})
	return app
}

// BenchmarkGochalice: raw event → response bytes through the app's
// api_handler (the same function the Lambda runtime calls).
func BenchmarkGochalice(b *testing.B) {
	raw := loadEvent(b)
	app := gochaliceApp()
	ctx := context.Background()
	out, err := app.Invoke(ctx, "api_handler", raw)
	if err != nil {
		b.Fatal(err)
	}
	checkResponse(b, out)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := app.Invoke(ctx, "api_handler", raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAPIProxyAdapter: aws-lambda-go-api-proxy's httpadapter over an
// http.ServeMux, fed the way aws-lambda-go's reflective handler feeds it
// (encoding/json into events.APIGatewayProxyRequest, response marshalled
// back).
func BenchmarkAPIProxyAdapter(b *testing.B) {
	raw := loadEvent(b)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(user{ID: r.PathValue("id"), Name: "Ada"})
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
	checkResponse(b, invoke())
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		invoke()
	}
}

// BenchmarkHandWrittenFloor: a hand-written aws-lambda-go handler with no
// framework: decode, build the response, encode.
func BenchmarkHandWrittenFloor(b *testing.B) {
	raw := loadEvent(b)
	invoke := func() []byte {
		var req events.APIGatewayProxyRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			b.Fatal(err)
		}
		body, _ := json.Marshal(user{ID: req.PathParameters["id"], Name: "Ada"})
		out, err := json.Marshal(events.APIGatewayProxyResponse{StatusCode: 200, Body: string(body)})
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	checkResponse(b, invoke())
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		invoke()
	}
}

func checkResponse(b *testing.B, out []byte) {
	b.Helper()
	var resp events.APIGatewayProxyResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		b.Fatalf("response %s: %v", out, err)
	}
	var u user
	if resp.StatusCode != 200 || json.Unmarshal([]byte(resp.Body), &u) != nil || u != (user{ID: "u-42", Name: "Ada"}) {
		b.Fatalf("unexpected response %s", out)
	}
}
