package deploy_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
)

const wsApp = `package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("sample")
	app.OnWSConnect(handler)
	app.OnWSMessage(handler)
	DISCONNECT
	app.Run()
}

func handler(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil }
`

func TestDeployWebsocketAPIAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app and runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	dir := project(t)
	writeConfig(dir, false)
	write := func(disconnect bool) *packager.Built {
		d := ""
		if disconnect {
			d = "app.OnWSDisconnect(handler)"
		}
		os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.Replace(wsApp, "DISCONNECT", d, 1)), 0o644)
		b, err := packager.Build(ctx, &packager.Options{ProjectDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v2 := apigatewayv2.NewFromConfig(cfg)
	rec := &awsapi.Recorder{}
	var out bytes.Buffer
	opts := func(b *packager.Built) *deploy.Options {
		out.Reset()
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Reporter: report.New(&out), Recorder: rec, Retry: fast, Built: b}
	}
	routeKeys := func(id string) []string {
		routes, err := v2.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		ints, err := v2.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		uris := map[string]string{}
		for _, in := range ints.Items {
			uris[*in.IntegrationId] = *in.IntegrationUri
		}
		var keys []string
		for _, r := range routes.Items {
			u := uris[strings.TrimPrefix(*r.Target, "integrations/")]
			keys = append(keys, *r.RouteKey+" "+u[strings.LastIndex(u, ":function:")+10:])
		}
		slices.Sort(keys)
		return keys
	}
	built := write(true)
	plan, err := deploy.PlanOnly(ctx, opts(built))
	if err != nil {
		t.Fatal(err)
	}
	res, err := deploy.Deploy(ctx, opts(built))
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	deploy.WriteSummary(&out, res.Resources)
	if n := len(rec.Mutating()); n != plan.MutatingCalls() {
		t.Errorf("plan announced %d mutating calls, deploy made %d: %v", plan.MutatingCalls(), n, mutating(rec))
	}
	r := loadState(t, dir).Find("websocket_api")
	if r == nil || !slices.Equal(fieldKeys(r), []string{"websocket_api_url", "websocket_api_id"}) ||
		r.Get("websocket_api_url") != "wss://"+r.Get("websocket_api_id")+".execute-api.us-east-1.amazonaws.com/api/" {
		t.Fatalf("record = %+v", r)
	}
	if !strings.Contains(out.String(), "Creating websocket API: sample-dev-websocket-api\n") || !strings.Contains(out.String(), "  - Websocket API URL: wss://") {
		t.Errorf("output:\n%s", out.String())
	}
	id := r.Get("websocket_api_id")
	want := []string{"$connect sample-dev-websocket_connect/invocations", "$default sample-dev-websocket_message/invocations", "$disconnect sample-dev-websocket_disconnect/invocations"}
	if got := routeKeys(id); !slices.Equal(got, want) {
		t.Errorf("routes = %v, want %v", got, want)
	}
	if s, err := v2.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: aws.String(id), StageName: aws.String("api")}); err != nil || !aws.ToBool(s.AutoDeploy) {
		t.Errorf("stage = %+v, %v", s, err)
	}
	if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
		t.Errorf("redeploy: %v, mutating %v", err, mutating(rec))
	}
	// The disconnect handler removed: the routes are rebuilt, its function swept.
	built = write(false)
	if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if got := routeKeys(id); !slices.Equal(got, want[:2]) {
		t.Errorf("routes = %v, want %v", got, want[:2])
	}
	if m := mutating(rec); !slices.Contains(m, "DeleteFunction") || !slices.Contains(m, "CreateRoute") {
		t.Errorf("mutating calls = %v", m)
	}
	if err := deploy.Delete(ctx, opts(nil)); err != nil {
		t.Fatal(err)
	}
	if apis, err := v2.GetApis(ctx, &apigatewayv2.GetApisInput{}); err != nil || len(apis.Items) != 0 {
		t.Errorf("apis after delete = %+v, %v", apis, err)
	}
}

// TestDeployWebsocketAliasAgainstMoto: with lambda_alias, the websocket
// API's integrations invoke the handlers' alias; a redeploy makes no
// call, and delete leaves no API and no function.
func TestDeployWebsocketAliasAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app and runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	dir := project(t)
	os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(`{"version": "2.0", "app_name": "sample", "publish_versions": true, "lambda_alias": "live", "stages": {"dev": {}}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.Replace(wsApp, "DISCONNECT", "", 1)), 0o644)
	built, err := packager.Build(ctx, &packager.Options{ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v2 := apigatewayv2.NewFromConfig(cfg)
	rec := &awsapi.Recorder{}
	opts := func(b *packager.Built) *deploy.Options {
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Recorder: rec, Retry: fast, Built: b}
	}
	if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
		t.Fatal(err)
	}
	id := loadState(t, dir).Find("websocket_api").Get("websocket_api_id")
	ints, err := v2.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(id)})
	if err != nil || len(ints.Items) != 2 {
		t.Fatalf("integrations %+v, %v", ints, err)
	}
	for _, in := range ints.Items {
		uri := aws.ToString(in.IntegrationUri)
		if !strings.Contains(uri, ":function:sample-dev-websocket_") || !strings.HasSuffix(uri, ":live/invocations") {
			t.Errorf("integration URI %s does not invoke the alias live", uri)
		}
	}
	for _, fn := range []string{"websocket_connect", "websocket_message"} {
		if r := loadState(t, dir).Find(fn); r == nil || r.Get("alias") != "live" || r.Get("version") != "1" {
			t.Errorf("%s record %+v", fn, r)
		}
	}
	if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
		t.Errorf("redeploy: %v, mutating %v", err, mutating(rec))
	}
	if err := deploy.Delete(ctx, opts(nil)); err != nil {
		t.Fatal(err)
	}
	if apis, err := v2.GetApis(ctx, &apigatewayv2.GetApisInput{}); err != nil || len(apis.Items) != 0 {
		t.Errorf("apis after delete = %+v, %v", apis, err)
	}
	if fns, err := lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{}); err != nil || len(fns.Functions) != 0 {
		t.Errorf("functions after delete = %d, %v", len(fns.Functions), err)
	}
}
