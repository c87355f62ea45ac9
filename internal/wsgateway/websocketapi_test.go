package wsgateway

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/gochalice/chalice"
)

// TestChaliceWebsocketAPI drives the management API with the app's own
// client, chalice.WebsocketAPI (SigV4-signed requests to
// {endpoint}/@connections/{id}, endpoint ending in /{stage} as
// GOCHALICE_WEBSOCKET_ENDPOINT gives it).
func TestChaliceWebsocketAPI(t *testing.T) {
	f := newFake(t)
	g, srv := start(t, allRoutes(), f, Options{})
	c, id := connect(t, srv, f, 1)

	api := &chalice.WebsocketAPI{Endpoint: srv.URL + "/api", HTTPClient: srv.Client()}
	api.Configure(aws.Config{
		Region: "mars-west-1",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret", Source: "test"}, nil
		}),
	})
	ctx := context.Background()

	if err := api.Send(ctx, id, []byte(`{"hello":"world"}`)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if op, got := c.readMessage(); op != opText || got != `{"hello":"world"}` {
		t.Errorf("got opcode %d %q", op, got)
	}

	info, err := api.Info(ctx, id)
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	if info.ConnectedAt.IsZero() || info.LastActiveAt.IsZero() || info.Identity.SourceIP != "127.0.0.1" || info.Identity.UserAgent != "wstest/1.0" {
		t.Errorf("Info = %+v", info)
	}

	closed := c.closeAsync()
	if err := api.Close(ctx, id); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if code := <-closed; code != CloseNormal {
		t.Errorf("close code %d, want 1000", code)
	}
	f.waitFor(fnDisconnect, 1)
	waitConnections(t, g, 0)

	var gone *chalice.WebsocketDisconnectedError
	if err := api.Send(ctx, id, []byte("late")); !errors.As(err, &gone) || gone.ConnectionID != id {
		t.Errorf("Send to a closed connection: %v, want WebsocketDisconnectedError", err)
	}
	if _, err := api.Info(ctx, "L0SM9cOFvHcCIhw="); !errors.As(err, &gone) {
		t.Errorf("Info of an unknown connection: %v, want WebsocketDisconnectedError", err)
	}
}
