package chalice_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/manifest"
)

// TestManifestFunctionsInRegistrationOrder: the manifest lists built-in
// authorizers' functions, and event sources, in the order the app
// registered them (the resource model takes Chalice's order from there).
func TestManifestFunctionsInRegistrationOrder(t *testing.T) {
	auth := func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil }
	h := func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
	app := newApp()
	for _, name := range []string{"zeta", "alpha", "mid"} {
		a := app.Authorizer(auth, chalice.Name(name))
		app.Get("/"+name, h, chalice.WithAuthorizer(a))
	}
	app.OnDynamoDBRecord("arn:aws:dynamodb:us-west-2:123456789012:table/t/stream/x", func(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil }, chalice.Name("on_table"))
	app.OnSQSMessage("q", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("on_queue"))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var auths, sources []string
	for _, f := range m.Functions {
		if f.Kind == manifest.KindAuthorizer {
			auths = append(auths, f.Name)
		}
	}
	for _, s := range m.EventSources {
		sources = append(sources, s.Function)
	}
	if want := []string{"zeta", "alpha", "mid"}; !slices.Equal(auths, want) {
		t.Errorf("authorizer functions %v, want %v", auths, want)
	}
	if want := []string{"on_table", "on_queue"}; !slices.Equal(sources, want) {
		t.Errorf("event sources %v, want %v", sources, want)
	}
}
