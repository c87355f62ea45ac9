package chalice_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/gochalice/chalice"
)

func TestWebsocketHandlers(t *testing.T) {
	type seen struct {
		Domain, Stage, Conn, Body, Endpoint, RouteKey string
	}
	var got seen
	record := func(ev *chalice.WebsocketEvent) {
		got = seen{ev.DomainName, ev.Stage, ev.ConnectionID, ev.Body, ev.API.Endpoint, ev.RequestContext.RouteKey}
	}
	var mw []string
	app := newApp()
	app.Use(chalice.EventWebsocket, func(ctx context.Context, event any, next chalice.Next) (any, error) {
		mw = append(mw, fmt.Sprintf("%T", event))
		return next(ctx, event)
	})
	app.OnWSConnect(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
		record(ev)
		return nil, nil
	})
	app.OnWSMessage(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
		record(ev)
		var msg struct {
			Action, Text string
		}
		if err := ev.JSONBody(&msg); err != nil {
			return nil, err
		}
		if msg.Action == "forbidden" {
			return nil, chalice.ForbiddenError("not allowed: %s", msg.Text)
		}
		return &chalice.Response{StatusCode: 200, Body: "echo:" + msg.Text, Headers: map[string]string{"X-Ws": "1"}}, nil
	})
	app.OnWSDisconnect(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
		record(ev)
		return nil, errors.New("disconnect failed")
	})

	out := invokeJSON(t, app, "websocket_connect", readFixture(t, "ws_connect.json"))
	if out != `{"statusCode":200}` {
		t.Errorf("connect = %s", out)
	}
	want := seen{"w5s0c9k2t1.execute-api.eu-west-1.amazonaws.com", "api", "Xy1ZabCDEFGHIJ=", "", "https://w5s0c9k2t1.execute-api.eu-west-1.amazonaws.com/api", "$connect"}
	if got != want {
		t.Errorf("connect event\n got %+v\nwant %+v", got, want)
	}

	out = invokeJSON(t, app, "websocket_message", readFixture(t, "ws_message.json"))
	if out != `{"statusCode":200,"headers":{"X-Ws":"1"},"multiValueHeaders":{},"body":"echo:hello","isBase64Encoded":false}` {
		t.Errorf("message = %s", out)
	}
	if got.Body != `{"action":"send","text":"hello"}` || got.RouteKey != "$default" {
		t.Errorf("message event = %+v", got)
	}

	msg := strings.Replace(string(readFixture(t, "ws_message.json")), `"body": "{\"action\":\"send\",\"text\":\"hello\"}"`, `"body": "not json"`, 1)
	out = invokeJSON(t, app, "websocket_message", []byte(msg))
	if out != `{"statusCode":400,"headers":{},"multiValueHeaders":{},"body":"{\"Code\":\"BadRequestError\",\"Message\":\"Error Parsing JSON\"}","isBase64Encoded":false}` {
		t.Errorf("bad JSON message = %s", out)
	}
	msg = strings.Replace(string(readFixture(t, "ws_message.json")), `\"send\"`, `\"forbidden\"`, 1)
	out = invokeJSON(t, app, "websocket_message", []byte(msg))
	if out != `{"statusCode":403,"headers":{},"multiValueHeaders":{},"body":"{\"Code\":\"ForbiddenError\",\"Message\":\"not allowed: hello\"}","isBase64Encoded":false}` {
		t.Errorf("forbidden message = %s", out)
	}

	_, err := app.Invoke(context.Background(), "websocket_disconnect", readFixture(t, "ws_disconnect.json"))
	if err == nil || err.Error() != "disconnect failed" {
		t.Errorf("disconnect err = %v", err)
	}
	if len(mw) != 5 || mw[0] != "*chalice.WebsocketEvent" {
		t.Errorf("websocket middleware saw %v", mw)
	}

	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Websocket) != 3 || m.Websocket[0].RouteKey != "$connect" || m.Websocket[1].Function != "websocket_message" || m.Websocket[2].RouteKey != "$disconnect" {
		t.Errorf("manifest websocket = %+v", m.Websocket)
	}
	if _, ok := m.Function("api_handler"); ok {
		t.Error("websocket-only app has api_handler")
	}
}

func TestWebsocketAPI(t *testing.T) {
	var mu sync.Mutex
	var reqs []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, r.Method+" "+r.URL.EscapedPath()+" "+string(body)+" signed="+fmt.Sprint(strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256")))
		mu.Unlock()
		switch {
		case strings.Contains(r.URL.Path, "gone"):
			w.WriteHeader(http.StatusGone)
		case r.Method == http.MethodGet:
			io.WriteString(w, `{"connectedAt":"2025-04-09T12:00:00Z","identity":{"sourceIp":"1.2.3.4","userAgent":"ua"},"lastActiveAt":"2025-04-09T12:01:00Z"}`)
		case strings.Contains(r.URL.Path, "broken"):
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"message":"Forbidden"}`)
		}
	}))
	defer srv.Close()

	app := newApp()
	app.Websocket.Endpoint = srv.URL + "/api"
	app.Websocket.Configure(aws.Config{Region: "eu-west-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"}, nil
	})})
	var results []string
	app.OnWSMessage(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
		results = append(results, fmt.Sprint(ev.API.Send(ctx, ev.ConnectionID, []byte("hi"))))
		info, err := ev.API.Info(ctx, ev.ConnectionID)
		results = append(results, fmt.Sprint(err))
		if info != nil {
			results = append(results, info.Identity.SourceIP+" "+info.ConnectedAt.Format("15:04"))
		}
		err = ev.API.Send(ctx, "gone-conn", []byte("x"))
		var de *chalice.WebsocketDisconnectedError
		results = append(results, fmt.Sprint(errors.As(err, &de) && de.ConnectionID == "gone-conn"))
		results = append(results, fmt.Sprint(ev.API.Send(ctx, "broken", nil) != nil))
		results = append(results, fmt.Sprint(ev.API.Close(ctx, ev.ConnectionID)))
		return nil, nil
	})
	invokeJSON(t, app, "websocket_message", readFixture(t, "ws_message.json"))
	wantResults := []string{"<nil>", "<nil>", "1.2.3.4 12:00", "true", "true", "<nil>"}
	if fmt.Sprint(results) != fmt.Sprint(wantResults) {
		t.Errorf("results = %q, want %q", results, wantResults)
	}
	wantReqs := []string{
		"POST /api/@connections/Xy1ZabCDEFGHIJ= hi signed=true",
		"GET /api/@connections/Xy1ZabCDEFGHIJ=  signed=true",
		"POST /api/@connections/gone-conn x signed=true",
		"POST /api/@connections/broken  signed=true",
		"DELETE /api/@connections/Xy1ZabCDEFGHIJ=  signed=true",
	}
	if fmt.Sprint(reqs) != fmt.Sprint(wantReqs) {
		t.Errorf("requests\n got %q\nwant %q", reqs, wantReqs)
	}

	var unset chalice.WebsocketAPI
	if err := unset.Send(context.Background(), "c", nil); err == nil {
		t.Error("Send without endpoint succeeded")
	}
}

func TestWebsocketEndpointFromEvent(t *testing.T) {
	tests := []struct {
		name, domain, region, want string
	}{
		{"domain from event", "w5s0c9k2t1.execute-api.eu-west-1.amazonaws.com", "eu-west-1", "https://w5s0c9k2t1.execute-api.eu-west-1.amazonaws.com/api"},
		{"custom domain", "ws.example.com", "us-east-1", "https://ws.example.com/api"},
		{"no domain", "", "us-east-1", "https://w5s0c9k2t1.execute-api.us-east-1.amazonaws.com/api"},
		{"china", "", "cn-north-1", "https://w5s0c9k2t1.execute-api.cn-north-1.amazonaws.com.cn/api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_REGION", tt.region)
			t.Setenv(chalice.WebsocketEndpointEnv, "")
			app := newApp()
			var endpoint string
			app.OnWSConnect(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
				endpoint = ev.API.Endpoint
				return nil, nil
			})
			ev := strings.Replace(string(readFixture(t, "ws_connect.json")), `"domainName": "w5s0c9k2t1.execute-api.eu-west-1.amazonaws.com"`, `"domainName": "`+tt.domain+`"`, 1)
			invokeJSON(t, app, "websocket_connect", []byte(ev))
			if endpoint != tt.want {
				t.Errorf("endpoint = %q, want %q", endpoint, tt.want)
			}
		})
	}
	t.Run("env override", func(t *testing.T) {
		t.Setenv(chalice.WebsocketEndpointEnv, "http://127.0.0.1:8001/")
		app := newApp()
		var endpoint string
		app.OnWSConnect(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
			endpoint = ev.API.Endpoint
			return nil, nil
		})
		invokeJSON(t, app, "websocket_connect", readFixture(t, "ws_connect.json"))
		if endpoint != "http://127.0.0.1:8001" {
			t.Errorf("endpoint = %q", endpoint)
		}
	})
}
