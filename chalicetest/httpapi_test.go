package chalicetest_test

import (
	"reflect"
	"testing"

	"github.com/gochalice/chalice/chalicetest"
)

func TestHTTPAPIMode(t *testing.T) {
	c := newClient(t, chalicetest.API("http"))
	tests := []struct {
		name       string
		method     string
		path       string
		opts       []chalicetest.RequestOption
		wantStatus int
		wantBody   string
	}{
		{"root", "GET", "/", nil, 200, `{"hello":"world"}`},
		{"params and query", "GET", "/items/7?q=a&q=b", nil, 200, `{"id":"7","method":"GET","path":"/items/{id}","q":["a","b"]}`},
		{"unknown path", "GET", "/nope", nil, 404, `{"message":"Not Found"}`},
		{"unknown method", "DELETE", "/items/7", nil, 404, `{"message":"Not Found"}`},
		{"preflight", "OPTIONS", "/items/7", []chalicetest.RequestOption{chalicetest.WithHeader("Origin", "https://app.example"),
			chalicetest.WithHeader("Access-Control-Request-Method", "PUT")}, 204, ""},
		{"OPTIONS without preflight headers", "OPTIONS", "/items/7", nil, 404, `{"message":"Not Found"}`},
		{"authorizer missing token", "GET", "/secret", nil, 401, `{"message":"Unauthorized"}`},
		{"authorizer denies", "GET", "/secret", []chalicetest.RequestOption{chalicetest.WithHeader("Authorization", "other-route")}, 403, `{"message":"Forbidden"}`},
		{"authorizer allows", "GET", "/secret", []chalicetest.RequestOption{chalicetest.WithHeader("Authorization", "allow")}, 200, `{"lambda":{"principalId":"alice","team":"blue"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := c.Request(tt.method, tt.path, tt.opts...)
			if resp.StatusCode != tt.wantStatus || string(resp.Body) != tt.wantBody {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, resp.Body, tt.wantStatus, tt.wantBody)
			}
		})
	}
	resp := c.Get("/multi")
	if got := resp.Header.Values("Set-Cookie"); !reflect.DeepEqual(got, []string{"a=1", "b=2"}) {
		t.Fatalf("cookies = %q", got)
	}
}
