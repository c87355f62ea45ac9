package chalice

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestLambdaHandlerRefusesAfterLateRegistration: on Lambda (Run), an
// invocation after a late registration fails with the definition error
// instead of serving an app that lacks it.
func TestLambdaHandlerRefusesAfterLateRegistration(t *testing.T) {
	app := New("late")
	view := func(ctx context.Context, req *Request) (any, error) { return "ok", nil }
	app.Get("/", view)
	rt, err := app.runtime("App.Run")
	if err != nil {
		t.Fatal(err)
	}
	h := lambdaHandler{app: app, fn: rt.functions["api_handler"]}
	payload := []byte(`{"resource":"/","path":"/","httpMethod":"GET","requestContext":{"resourcePath":"/","httpMethod":"GET"}}`)
	if out, err := h.Invoke(context.Background(), payload); err != nil || !strings.Contains(string(out), `"statusCode":200`) {
		t.Fatalf("before: %s, %v", out, err)
	}
	app.Get("/late", view)
	out, err := h.Invoke(context.Background(), payload)
	var de *DefinitionError
	if !errors.As(err, &de) || len(de.Problems) != 1 || !strings.HasPrefix(de.Problems[0], "route /late was registered after the app was built by App.Run") {
		t.Errorf("after: %s, %v", out, err)
	}
}
