package chalice_test

import (
	"context"
	"testing"

	"github.com/gochalice/chalice"
)

// TestRequestOutlivesInvocation: a *Request kept after its invocation
// (by a goroutine or a cache) must not see a later request's data.
func TestRequestOutlivesInvocation(t *testing.T) {
	app := chalice.New("retain")
	var kept []*chalice.Request
	app.Get("/items/{id}", func(ctx context.Context, r *chalice.Request) (any, error) {
		kept = append(kept, r)
		return nil, nil
	})
	for _, id := range []string{"first", "second"} {
		ev := restEvent{Resource: "/items/{id}", Path: "/items/" + id, PathParams: map[string]string{"id": id},
			Headers: map[string]string{"Authorization": "token-" + id}, Query: map[string][]string{"q": {id}}}
		if _, err := app.Invoke(context.Background(), "api_handler", ev.JSON()); err != nil {
			t.Fatal(err)
		}
	}
	first := kept[0]
	if first.URIParams["id"] != "first" || first.Headers.Get("authorization") != "token-first" || first.Query.Get("q") != "first" {
		t.Fatalf("first request changed after the second invocation: id=%q auth=%q q=%q",
			first.URIParams["id"], first.Headers.Get("authorization"), first.Query.Get("q"))
	}
}
