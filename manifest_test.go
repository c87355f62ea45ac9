package chalice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Named handlers: their Go names become the registration names, as
// Chalice uses the Python function's __name__.
func index(ctx context.Context, req *chalice.Request) (any, error) { return "index", nil }
func getUser(ctx context.Context, req *chalice.Request) (any, error) {
	return req.URIParams["id"], nil
}
func createUser(ctx context.Context, req *chalice.Request) (any, error)  { return nil, nil }
func adminView(ctx context.Context, req *chalice.Request) (any, error)   { return nil, nil }
func partnerView(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
func uploadImage(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
func serveFile(ctx context.Context, req *chalice.Request) (any, error)   { return nil, nil }
func myauth(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
	return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "user"}, nil
}
func hourly(ctx context.Context, ev *chalice.CloudWatchEvent) error      { return nil }
func daily(ctx context.Context, ev *chalice.CloudWatchEvent) error       { return nil }
func onEC2(ctx context.Context, ev *chalice.CloudWatchEvent) error       { return nil }
func onUpload(ctx context.Context, ev *chalice.S3Event) error            { return nil }
func onAlert(ctx context.Context, ev *chalice.SNSEvent) error            { return nil }
func onBilling(ctx context.Context, ev *chalice.SNSEvent) error          { return nil }
func onJob(ctx context.Context, ev *chalice.SQSEvent) error              { return nil }
func onOrder(ctx context.Context, ev *chalice.SQSEvent) error            { return nil }
func onClick(ctx context.Context, ev *chalice.KinesisEvent) error        { return nil }
func onOrderChange(ctx context.Context, ev *chalice.DynamoDBEvent) error { return nil }
func resize(ctx context.Context, event json.RawMessage) (any, error)     { return nil, nil }
func wsHandler(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) {
	return nil, nil
}

type service struct{}

func (service) Report(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }
func (*service) Cleanup(ctx context.Context, event json.RawMessage) (any, error) {
	return nil, nil
}

func genericView[T any](ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }

func intp(n int) *int { return &n }

// sampleApp registers every kind of thing an app can register.
func sampleApp() *chalice.App {
	app := chalice.New("sample", chalice.WithLogger(discardLogger()))
	app.API.CORS = &chalice.CORSConfig{AllowOrigin: "https://app.example.com", AllowHeaders: []string{"X-Trace-Id"}, MaxAge: intp(300)}
	app.API.BinaryTypes = append(app.API.BinaryTypes, "application/x-protobuf")

	auth := app.Authorizer(myauth, chalice.Header("X-Token"), chalice.TTL(120), chalice.ExecutionRole("arn:aws:iam::123456789012:role/authorizer-invoke"))
	cognito := chalice.NewCognitoUserPoolAuthorizer("users", []string{"arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_abc"}, chalice.Header("X-Cognito"))
	iam := chalice.NewIAMAuthorizer()
	custom := chalice.NewCustomAuthorizer("partner",
		"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:partner-auth/invocations",
		chalice.Header("X-Partner"), chalice.ExecutionRole("arn:aws:iam::123456789012:role/partner-invoke"))

	app.Get("/", index)
	app.Route("/users/{id}", getUser, chalice.Methods("GET", "PUT"), chalice.WithAuthorizer(auth),
		chalice.Summary("Get or replace a user"), chalice.Description("Users are keyed by id."))
	app.Post("/users", createUser, chalice.WithAuthorizer(cognito.WithScopes("users/write")), chalice.APIKeyRequired())
	app.Get("/admin", adminView, chalice.WithAuthorizer(iam), chalice.WithCORS(nil))
	app.Get("/partner", partnerView, chalice.WithAuthorizer(custom), chalice.WithCORS(&chalice.CORSConfig{
		AllowOrigin: "*", ExposeHeaders: []string{"X-Partner-Id"}, AllowCredentials: true}))
	app.Put("/images/{name}", uploadImage, chalice.ContentTypes("image/png", "image/jpeg"))
	app.Get("/files/{path+}", serveFile)
	app.Get("/reports", service{}.Report)
	app.Get("/generic", genericView[int])
	app.Mount("/static", http.StripPrefix("/static", http.FileServer(http.FS(fstest.MapFS{"a.txt": {Data: []byte("a")}}))),
		chalice.Methods("GET", "HEAD"), chalice.WithCORS(nil))

	app.LambdaFunction(resize)
	app.LambdaFunction((&service{}).Cleanup)
	app.Schedule(chalice.Rate(1, chalice.Hours), hourly, chalice.Description("Hourly rollup"))
	app.Schedule(chalice.Cron("0", "10", "*", "*", "?", "*"), daily)
	app.OnCWEvent(map[string]any{"source": []string{"aws.ec2"}, "detail-type": []string{"EC2 Instance State-change Notification"}}, onEC2)
	app.OnS3Event("uploads", onUpload, chalice.S3Events("s3:ObjectCreated:*", "s3:ObjectRemoved:*"), chalice.Prefix("images/"), chalice.Suffix(".png"))
	app.OnSNSMessage("alerts", onAlert)
	app.OnSNSMessage("arn:aws:sns:us-west-2:123456789012:billing", onBilling)
	app.OnSQSMessage("jobs", onJob, chalice.BatchSize(10), chalice.MaxBatchingWindow(5), chalice.MaxConcurrency(5), chalice.ReportBatchItemFailures())
	app.OnSQSMessage("", onOrder, chalice.QueueARN("arn:aws:sqs:us-west-2:123456789012:orders.fifo"))
	app.OnKinesisRecord("clicks", onClick, chalice.BatchSize(500), chalice.StartingPosition("TRIM_HORIZON"), chalice.MaxBatchingWindow(10), chalice.ReportBatchItemFailures())
	app.OnDynamoDBRecord("arn:aws:dynamodb:us-west-2:123456789012:table/Orders/stream/2025-01-01T00:00:00.000", onOrderChange)
	app.OnWSConnect(wsHandler)
	app.OnWSMessage(wsHandler)
	app.OnWSDisconnect(wsHandler)

	bp := chalice.NewBlueprint("backoffice")
	bpAuth := bp.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil }, chalice.Name("auth"))
	bp.Get("/", func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }, chalice.Name("home"))
	bp.Get("/reports/{id}", func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil }, chalice.Name("report"), chalice.WithAuthorizer(bpAuth))
	bp.OnSQSMessage("backoffice-jobs", func(ctx context.Context, ev *chalice.SQSEvent) error { return nil }, chalice.Name("jobs"))
	bp.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil }, chalice.Name("purge"))
	app.RegisterBlueprint(bp, chalice.URLPrefix("/backoffice/"), chalice.NamePrefix("bo_"))
	return app
}

func goldenCompare(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "manifest", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("%s differs from the golden file at line %d:\n got: %s\nwant: %s\n(run go test -run %s -update if the change is intended)", path, i+1, g, w, t.Name())
				break
			}
		}
	}
}

func TestManifestGolden(t *testing.T) {
	m, err := sampleApp().Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	goldenCompare(t, "sample.golden.json", buf.Bytes())
	checkManifestConsistent(t, m)

	// Building the same app twice gives the same document.
	m2, _ := sampleApp().Manifest()
	var buf2 bytes.Buffer
	m2.Write(&buf2)
	if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
		t.Error("manifest is not deterministic")
	}
}

// checkManifestConsistent checks the cross references of a manifest.
func checkManifestConsistent(t *testing.T, m *manifest.Manifest) {
	t.Helper()
	fns := map[string]string{}
	for _, f := range m.Functions {
		if _, dup := fns[f.Name]; dup {
			t.Errorf("function %s listed twice", f.Name)
		}
		fns[f.Name] = f.Kind
		if f.Handler != f.Name {
			t.Errorf("function %s has handler %q", f.Name, f.Handler)
		}
	}
	if len(m.Routes) > 0 && fns[manifest.APIHandlerName] != manifest.KindAPIHandler {
		t.Error("routes but no api_handler function")
	}
	for _, es := range m.EventSources {
		if fns[es.Function] != manifest.KindEvent {
			t.Errorf("event source %s/%s refers to function %q of kind %q", es.Type, es.Function, es.Function, fns[es.Function])
		}
	}
	for _, a := range m.Authorizers {
		if a.Type == manifest.AuthBuiltin && fns[a.Function] != manifest.KindAuthorizer {
			t.Errorf("builtin authorizer %s refers to function %q", a.Name, a.Function)
		}
	}
	for _, r := range m.Routes {
		if r.Authorizer != "" {
			if _, ok := m.Authorizer(r.Authorizer); !ok {
				t.Errorf("route %s %s uses unknown authorizer %q", r.Method, r.Path, r.Authorizer)
			}
		}
	}
	for _, w := range m.Websocket {
		if fns[w.Function] != manifest.KindWebsocket {
			t.Errorf("websocket %s refers to function %q", w.RouteKey, w.Function)
		}
	}
}

func TestManifestRoundTrip(t *testing.T) {
	m, err := sampleApp().Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := manifest.Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	// Write indents raw JSON (the event pattern) like the rest of the
	// document; compare it compacted.
	for _, mm := range []*manifest.Manifest{back, m} {
		for i, es := range mm.EventSources {
			if es.EventPattern != nil {
				var c bytes.Buffer
				if err := json.Compact(&c, es.EventPattern); err != nil {
					t.Fatal(err)
				}
				mm.EventSources[i].EventPattern = c.Bytes()
			}
		}
	}
	if !reflect.DeepEqual(back, m) {
		t.Errorf("round trip changed the manifest:\n got %+v\nwant %+v", back, m)
	}
	var again bytes.Buffer
	back.Write(&again)
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("re-written manifest differs")
	}

	bad := map[string]string{
		"wrong schema":  strings.Replace(buf.String(), manifest.SchemaVersion, "gochalice.manifest/v2", 1),
		"unknown field": strings.Replace(buf.String(), `"app":`, `"surprise": 1, "app":`, 1),
		"not json":      "{",
		"empty":         "",
	}
	for name, doc := range bad {
		if _, err := manifest.Read(strings.NewReader(doc)); err == nil {
			t.Errorf("%s: Read accepted it", name)
		}
	}
}

func TestManifestDetails(t *testing.T) {
	m, err := sampleApp().Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion != manifest.SchemaVersion || m.App != "sample" {
		t.Errorf("header = %q %q", m.SchemaVersion, m.App)
	}
	names := map[string]bool{}
	for _, r := range m.Routes {
		names[r.Name] = true
	}
	for _, n := range []string{"index", "getUser", "createUser", "Report", "genericView", "mount", "bo_home", "bo_report"} {
		if !names[n] {
			t.Errorf("no route named %q (names %v)", n, names)
		}
	}
	for _, fn := range []string{"myauth", "resize", "Cleanup", "hourly", "daily", "onEC2", "onUpload", "onAlert", "onBilling", "onJob", "onOrder",
		"onClick", "onOrderChange", "websocket_connect", "websocket_message", "websocket_disconnect", "bo_auth", "bo_jobs", "bo_purge"} {
		if _, ok := m.Function(fn); !ok {
			t.Errorf("no function %q", fn)
		}
	}
	// Routes inherit the app-wide CORS unless they opt out.
	for _, r := range m.Routes {
		switch {
		case r.Path == "/admin" || strings.HasPrefix(r.Path, "/static"):
			if r.CORS != nil {
				t.Errorf("%s %s: CORS %+v, want none", r.Method, r.Path, r.CORS)
			}
		case r.Path == "/partner":
			if r.CORS == nil || !r.CORS.AllowCredentials {
				t.Errorf("/partner CORS = %+v", r.CORS)
			}
		default:
			if r.CORS == nil || r.CORS.AllowOrigin != "https://app.example.com" {
				t.Errorf("%s %s: CORS = %+v, want the app default", r.Method, r.Path, r.CORS)
			}
		}
	}
}

func TestFunctionNames(t *testing.T) {
	app := newApp()
	app.Get("/a", index)
	app.Get("/b", service{}.Report)
	app.Get("/c", genericView[string])
	app.Get("/d", func(ctx context.Context, req *chalice.Request) (any, error) { return nil, nil })
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range m.Routes {
		names = append(names, r.Name)
	}
	if want := []string{"index", "Report", "genericView", ""}; !reflect.DeepEqual(names, want) {
		t.Errorf("route names = %q, want %q", names, want)
	}

	// Closures, including nested ones, need an explicit name.
	anon := newApp()
	register := func() {
		anon.OnSNSMessage("t", func(ctx context.Context, ev *chalice.SNSEvent) error { return nil })
		anon.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil })
		anon.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) { return nil, nil })
	}
	register()
	var de *chalice.DefinitionError
	if err := anon.Validate(); !errors.As(err, &de) || len(de.Problems) != 3 {
		t.Fatalf("Validate() = %v, want 3 problems about anonymous functions", err)
	}
	for _, p := range de.Problems {
		if !strings.Contains(p, "anonymous function needs chalice.Name(...)") {
			t.Errorf("problem %q", p)
		}
	}
}
