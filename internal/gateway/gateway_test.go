package gateway

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gochalice/chalice/manifest"
)

func TestARNMatches(t *testing.T) {
	arn := "arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/secret"
	tests := []struct {
		resource string
		want     bool
	}{
		{arn, true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/*/*", true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/*/secret", true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GE?/secret", true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/POST/secret", false},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/secre", false},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/secret.", false},
		{"*", true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/(secret)", false},
	}
	for _, tt := range tests {
		if got := arnMatches(tt.resource, arn); got != tt.want {
			t.Errorf("arnMatches(%q) = %v, want %v", tt.resource, got, tt.want)
		}
	}
}

func TestLocalARN(t *testing.T) {
	g := &Gateway{opts: Options{Stage: "api"}}
	if got, want := g.localARN("GET", "/"), "arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET//"; got != want {
		t.Errorf("root = %s, want %s", got, want)
	}
	if got, want := g.localARN("PUT", "/a/b"), "arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/PUT/a/b"; got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string { return "timed out" }
func (timeoutErr) Timeout() bool { return true }

func testManifest() *manifest.Manifest {
	ttl := 60
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion, App: "t",
		Routes: []manifest.Route{
			{Path: "/", Method: "GET", ContentTypes: []string{"application/json"}},
			{Path: "/secret", Method: "GET", Authorizer: "auth", ContentTypes: []string{"application/json"}},
		},
		Authorizers: []manifest.Authorizer{{Name: "auth", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "auth", TTLSeconds: &ttl}},
	}
}

func TestInvokeFailures(t *testing.T) {
	tests := []struct {
		name   string
		out    string
		err    error
		status int
		body   string
	}{
		{"function error", "", errors.New("crash"), 502, `{"message": "Internal server error"}`},
		{"timeout", "", timeoutErr{}, 504, `{"message": "Endpoint request timed out"}`},
		{"not json", "garbage", nil, 502, `{"message": "Internal server error"}`},
		{"no status", `{"body":"x"}`, nil, 502, `{"message": "Internal server error"}`},
		{"bad base64", `{"statusCode":200,"body":"!!","isBase64Encoded":true}`, nil, 502, `{"message": "Internal server error"}`},
		{"ok", `{"statusCode":201,"headers":{"X-A":"1"},"multiValueHeaders":{"X-B":["1","2"]},"body":"hi"}`, nil, 201, "hi"},
		{"null body", `{"statusCode":204,"body":null}`, nil, 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(testManifest(), InvokerFunc(func(context.Context, string, []byte) ([]byte, error) {
				return []byte(tt.out), tt.err
			}), Options{})
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			g.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.body)
			}
			if tt.name == "ok" {
				if w.Header().Get("Content-Type") != "application/json" || strings.Join(w.Header().Values("X-B"), ",") != "1,2" {
					t.Fatalf("headers = %v", w.Header())
				}
			}
		})
	}
}

func TestPayloadTooLarge(t *testing.T) {
	g, _ := New(testManifest(), InvokerFunc(func(context.Context, string, []byte) ([]byte, error) {
		t.Fatal("function must not run")
		return nil, nil
	}), Options{MaxBodyBytes: 10})
	w := httptest.NewRecorder()
	g.ServeHTTP(w, httptest.NewRequest("GET", "/", strings.NewReader(strings.Repeat("x", 11))))
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d", w.Code)
	}
}

func TestAuthorizerCache(t *testing.T) {
	var calls atomic.Int32
	inv := InvokerFunc(func(_ context.Context, fn string, _ []byte) ([]byte, error) {
		if fn == "auth" {
			calls.Add(1)
			return []byte(`{"principalId":"u","context":{},"policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":["*"]}]}}`), nil
		}
		return []byte(`{"statusCode":200,"body":"ok"}`), nil
	})
	for _, cache := range []bool{false, true} {
		calls.Store(0)
		g, _ := New(testManifest(), inv, Options{CacheAuthorizers: cache})
		now := time.Unix(1000, 0)
		g.now = func() time.Time { return now }
		get := func() {
			r := httptest.NewRequest("GET", "/secret", nil)
			r.Header.Set("Authorization", "tok")
			w := httptest.NewRecorder()
			g.ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("status %d %s", w.Code, w.Body.String())
			}
		}
		get()
		get()
		now = now.Add(61 * time.Second)
		get()
		want := int32(3)
		if cache {
			want = 2 // second call from cache, third after the 60 s TTL expired
		}
		if got := calls.Load(); got != want {
			t.Errorf("cache=%v: authorizer calls = %d, want %d", cache, got, want)
		}
	}
}
