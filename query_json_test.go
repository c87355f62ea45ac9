package chalice_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/gochalice/chalice"
)

// TestQueryParamsJSON: a QueryParams encodes as Chalice's json.dumps of a
// MultiDict: the last value of each key; nil (no query string) is null.
func TestQueryParamsJSON(t *testing.T) {
	tests := []struct {
		q    chalice.QueryParams
		want string
	}{
		{chalice.QueryParams{"tag": {"a", "b", "c"}, "single": {"x"}}, `{"single":"x","tag":"c"}`},
		{chalice.QueryParams{"empty": {}, "k": {""}}, `{"k":""}`},
		{chalice.QueryParams{}, `{}`},
		{nil, `null`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.q)
		if err != nil || string(b) != tt.want {
			t.Errorf("json.Marshal(%v) = %s, %v; want %s", tt.q, b, err, tt.want)
		}
		b, err = json.Marshal(map[string]any{"q": tt.q})
		if err != nil || string(b) != `{"q":`+tt.want+`}` {
			t.Errorf("nested: %s, %v", b, err)
		}
	}

	// A view returning the request's query parameters, with and without a
	// query string, as Chalice's `return app.current_request.query_params`.
	app := newApp()
	app.Get("/q", func(ctx context.Context, req *chalice.Request) (any, error) { return req.Query, nil })
	app.Get("/wrapped", func(ctx context.Context, req *chalice.Request) (any, error) {
		return map[string]any{"query": req.Query}, nil
	})
	for _, c := range []struct {
		path  string
		query map[string][]string
		body  string
	}{
		{"/q", map[string][]string{"a": {"1", "2"}, "b": {"x"}}, `{"a":"2","b":"x"}`},
		{"/q", nil, `null`},
		{"/wrapped", map[string][]string{"a": {"1", "2"}}, `{"query":{"a":"2"}}`},
	} {
		res := call(t, app, restEvent{Resource: c.path, Query: c.query})
		if res.StatusCode != 200 || res.Body != c.body {
			t.Errorf("GET %s?%v = %d %s, want 200 %s", c.path, c.query, res.StatusCode, res.Body, c.body)
		}
	}
}
