package chalice_test

import (
	"context"
	"testing"

	"github.com/gochalice/chalice"
)

// TestAppCORSDefaultAtRegistration: as Chalice's app.api.cors, the
// app-wide CORS default applies to the routes registered while it is set
// (route(cors=None) takes app.api.cors when the decorator runs), not to
// routes registered before it was set or kept after it changed; a
// blueprint's routes take the default in force when the blueprint is
// registered.
func TestAppCORSDefaultAtRegistration(t *testing.T) {
	h := func(ctx context.Context, req *chalice.Request) (any, error) { return "ok", nil }
	custom := &chalice.CORSConfig{AllowOrigin: "https://app.example.com"}
	app := newApp()
	app.Get("/before", h)
	app.API.CORS = chalice.DefaultCORS()
	app.Get("/during", h)
	app.Get("/opt-out", h, chalice.WithCORS(nil))
	app.Get("/own", h, chalice.WithCORS(custom))
	bp := chalice.NewBlueprint("bp")
	bp.Get("/bp-route", h)
	app.API.CORS = nil
	app.Get("/after", h)
	app.RegisterBlueprint(bp) // registered while the app has no default
	app.API.CORS = custom
	bp2 := chalice.NewBlueprint("bp2")
	bp2.Get("/bp2-route", h)
	app.RegisterBlueprint(bp2) // registered while the default is custom
	app.API.CORS = chalice.DefaultCORS()

	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	origin := map[string]string{}
	for _, r := range m.Routes {
		origin[r.Path] = ""
		if r.CORS != nil {
			origin[r.Path] = r.CORS.AllowOrigin
		}
	}
	want := map[string]string{
		"/before": "", "/during": "*", "/opt-out": "", "/own": "https://app.example.com",
		"/after": "", "/bp-route": "", "/bp2-route": "https://app.example.com",
	}
	for path, o := range want {
		if got, ok := origin[path]; !ok || got != o {
			t.Errorf("route %s: CORS origin %q (present %v), want %q", path, got, ok, o)
		}
	}

	// The runtime answers with the same CORS headers the manifest lists.
	for path, o := range want {
		res := call(t, app, restEvent{Resource: path})
		if got := res.Headers["Access-Control-Allow-Origin"]; got != o {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q, want %q", path, got, o)
		}
	}
}
