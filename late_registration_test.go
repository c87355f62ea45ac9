package chalice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
)

// lateRegistrations are registrations of every kind, made on r after the
// app was built; what names each in the definition error.
var lateRegistrations = []struct {
	name  string
	what  string
	setup func(r chalice.Registrar)
}{
	{"route", "route /late", func(r chalice.Registrar) {
		r.Get("/late", func(ctx context.Context, req *chalice.Request) (any, error) { return "late", nil })
	}},
	{"mount", "mount /legacy", func(r chalice.Registrar) { r.Mount("/legacy", http.NotFoundHandler()) }},
	{"authorizer", "authorizer late_auth", func(r chalice.Registrar) {
		r.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil }, chalice.Name("late_auth"))
	}},
	{"schedule", "schedule handler tick", func(r chalice.Registrar) {
		r.Schedule(chalice.Rate(1, chalice.Hours), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("tick"))
	}},
	{"sqs", "sqs handler jobs", func(r chalice.Registrar) {
		r.OnSQSMessage("q", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("jobs"))
	}},
	{"pure lambda", "lambda function pure", func(r chalice.Registrar) {
		r.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil }, chalice.Name("pure"))
	}},
	{"websocket", "OnWSConnect handler", func(r chalice.Registrar) {
		r.OnWSConnect(func(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil })
	}},
	{"http middleware", "UseHTTP middleware", func(r chalice.Registrar) {
		r.UseHTTP(func(next chalice.Handler) chalice.Handler { return next })
	}},
	{"event middleware", "UseEvents[*chalice.SQSEvent] middleware", func(r chalice.Registrar) {
		chalice.UseEvents(r, func(next chalice.EventHandler[*chalice.SQSEvent]) chalice.EventHandler[*chalice.SQSEvent] {
			return next
		})
	}},
	{"chalice-style middleware", "http middleware", func(r chalice.Registrar) {
		r.Use(chalice.EventHTTP, func(ctx context.Context, ev any, next chalice.Next) (any, error) { return next(ctx, ev) })
	}},
}

// TestLateRegistrationIsADefinitionError: whatever built the app
// (Manifest, Validate, Invoke, chalicetest), a registration made after it
// is reported by the next Manifest and Validate and returned by Invoke,
// not silently left out.
func TestLateRegistrationIsADefinitionError(t *testing.T) {
	index := func(ctx context.Context, req *chalice.Request) (any, error) { return "index", nil }
	builders := []struct {
		name, by string
		build    func(t *testing.T, app *chalice.App)
	}{
		{"Manifest", "App.Manifest", func(t *testing.T, app *chalice.App) {
			if _, err := app.Manifest(); err != nil {
				t.Fatal(err)
			}
		}},
		{"Validate", "App.Validate", func(t *testing.T, app *chalice.App) {
			if err := app.Validate(); err != nil {
				t.Fatal(err)
			}
		}},
		{"Invoke", "App.Invoke", func(t *testing.T, app *chalice.App) { call(t, app, restEvent{Resource: "/"}) }},
		{"chalicetest", "App.Manifest", func(t *testing.T, app *chalice.App) {
			chalicetest.New(t, app, chalicetest.ProjectDir(t.TempDir()))
		}},
	}
	for _, b := range builders {
		for _, l := range lateRegistrations {
			t.Run(b.name+"/"+l.name, func(t *testing.T) {
				app := newApp()
				app.Get("/", index)
				b.build(t, app)
				l.setup(app)

				want := l.what + " was registered after the app was built by " + b.by + ", so it is not part of the app"
				check := func(call string, err error) {
					t.Helper()
					var de *chalice.DefinitionError
					if !errors.As(err, &de) || len(de.Problems) != 1 || !strings.HasPrefix(de.Problems[0], want) {
						t.Errorf("%s = %v\nwant one problem starting %q", call, err, want)
					}
				}
				_, err := app.Manifest()
				check("Manifest()", err)
				check("Validate()", app.Validate())
				_, err = app.Invoke(context.Background(), "api_handler", restEvent{Resource: "/"}.JSON())
				check("Invoke()", err)
			})
		}
	}
}

// TestRegistrationWhileBuilding: a middleware function that registers
// when the app builds its chains makes a late registration, not a
// deadlock.
func TestRegistrationWhileBuilding(t *testing.T) {
	app := newApp()
	view := func(ctx context.Context, req *chalice.Request) (any, error) { return "ok", nil }
	app.UseHTTP(func(next chalice.Handler) chalice.Handler {
		app.Get("/sneaky", view)
		return next
	})
	app.Get("/", view)
	err := app.Validate()
	var de *chalice.DefinitionError
	if !errors.As(err, &de) || len(de.Problems) != 1 || !strings.HasPrefix(de.Problems[0], "route /sneaky was registered after the app was built by App.Validate") {
		t.Errorf("Validate() = %v", err)
	}
}

// TestLateRegistrationOverHTTP: an app served by chalicetest answers
// its routes with a function error once something was registered late,
// and the definition error is logged.
func TestLateRegistrationOverHTTP(t *testing.T) {
	app := newApp()
	app.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return "index", nil })
	var logs bytes.Buffer
	c := chalicetest.New(t, app, chalicetest.ProjectDir(t.TempDir()), chalicetest.Logger(slog.New(slog.NewTextHandler(&logs, nil))))
	if resp := c.Get("/"); resp.StatusCode != 200 {
		t.Fatalf("before: %d %s", resp.StatusCode, resp.Body)
	}
	app.Get("/late", func(ctx context.Context, req *chalice.Request) (any, error) { return "late", nil })
	if resp := c.Get("/"); resp.StatusCode < 500 {
		t.Errorf("GET / after a late registration = %d %s, want a 5xx", resp.StatusCode, resp.Body)
	}
	if !strings.Contains(logs.String(), "route /late was registered after the app was built") {
		t.Errorf("the gateway did not log the definition error:\n%s", logs.String())
	}
	if _, err := c.Invoke("api_handler", restEvent{Resource: "/"}.JSON()); err == nil || !strings.Contains(err.Error(), "route /late") {
		t.Errorf("client Invoke error = %v", err)
	}
}

// TestLateBlueprintRegistration: registering on a blueprint after it was
// registered on an app, or registering a blueprint on a built app, is a
// definition error of the app.
func TestLateBlueprintRegistration(t *testing.T) {
	view := func(ctx context.Context, req *chalice.Request) (any, error) { return "bp", nil }
	tests := []struct {
		name  string
		setup func(app *chalice.App)
		want  []string
	}{
		{"after RegisterBlueprint, before the build", func(app *chalice.App) {
			bp := chalice.NewBlueprint("users")
			bp.Get("/a", view)
			app.RegisterBlueprint(bp)
			bp.Get("/b", view)
		}, []string{"blueprint users: route /b was registered after the blueprint was registered on app testapp (RegisterBlueprint), so it is not part of the app"}},
		{"after RegisterBlueprint and the build", func(app *chalice.App) {
			bp := chalice.NewBlueprint("users")
			app.RegisterBlueprint(bp)
			if err := app.Validate(); err != nil {
				t.Fatal(err)
			}
			for _, l := range lateRegistrations {
				l.setup(bp)
			}
		}, func() []string {
			var want []string
			for _, l := range lateRegistrations {
				want = append(want, "blueprint users: "+l.what+" was registered after the blueprint was registered on app testapp (RegisterBlueprint), so it is not part of the app")
			}
			return want
		}()},
		{"a blueprint registered on two apps reports to both", func(app *chalice.App) {
			bp := chalice.NewBlueprint("shared")
			other := newApp()
			other.RegisterBlueprint(bp)
			app.RegisterBlueprint(bp)
			bp.Get("/b", view)
			var de *chalice.DefinitionError
			if err := other.Validate(); !errors.As(err, &de) || len(de.Problems) != 1 {
				t.Errorf("the other app: Validate() = %v", err)
			}
		}, []string{"blueprint shared: route /b was registered after the blueprint was registered on app testapp (RegisterBlueprint), so it is not part of the app"}},
		{"a late blueprint is reported once registered on another app", func(app *chalice.App) {
			bp := chalice.NewBlueprint("shared")
			newApp().RegisterBlueprint(bp)
			bp.Get("/b", view)
			app.RegisterBlueprint(bp)
		}, []string{"blueprint shared: route /b was registered after the blueprint was registered on app testapp (RegisterBlueprint), so it is not part of the app"}},
		{"RegisterBlueprint after the build", func(app *chalice.App) {
			if err := app.Validate(); err != nil {
				t.Fatal(err)
			}
			app.RegisterBlueprint(chalice.NewBlueprint("users"))
		}, []string{"blueprint users was registered after the app was built by App.Validate, so it is not part of the app"}},
		{"a nil blueprint", func(app *chalice.App) { app.RegisterBlueprint(nil) }, []string{"RegisterBlueprint: the blueprint is nil"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			tt.setup(app)
			err := app.Validate()
			var de *chalice.DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("Validate() = %v, want a *DefinitionError", err)
			}
			if len(de.Problems) != len(tt.want) {
				t.Fatalf("problems\n %q\nwant\n %q", de.Problems, tt.want)
			}
			for i, p := range de.Problems {
				if !strings.HasPrefix(p, tt.want[i]) {
					t.Errorf("problem %d = %q\nwant %q", i, p, tt.want[i])
				}
			}
		})
	}
}

// TestRegistrationIsSafeForConcurrentUse: registrations from several
// goroutines, racing the build, each end up either in the app or in its
// definition errors (run with -race).
func TestRegistrationIsSafeForConcurrentUse(t *testing.T) {
	app := newApp()
	view := func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
	var wg sync.WaitGroup
	const n = 20
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			app.Get("/r"+string(rune('a'+i)), view)
		}()
	}
	wg.Add(1)
	go func() { defer wg.Done(); _ = app.Validate() }()
	wg.Wait()
	m, err := app.Manifest()
	registered := 0
	var de *chalice.DefinitionError
	switch {
	case err == nil:
		registered = len(m.Routes)
	case errors.As(err, &de):
		registered = n - len(de.Problems)
	default:
		t.Fatal(err)
	}
	if err == nil && registered != n {
		t.Errorf("%d routes registered, want %d", registered, n)
	}
	if de != nil {
		for _, p := range de.Problems {
			if !strings.Contains(p, "registered after the app was built") {
				t.Errorf("unexpected problem %q", p)
			}
		}
	}
}
