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
	apigatewayv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
)

const httpApp = `package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("sample")
	app.Get("/", index)
	ROUTES
	app.Run()
}

func index(ctx context.Context, r *chalice.Request) (any, error) { return map[string]string{"hello": "world"}, nil }
`

func TestDeployHTTPAPIAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app and runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	dir := project(t)
	os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(`{"version": "2.0", "app_name": "sample", "stages": {"dev": {"api_gateway_stage": "api", "api_type": "http"}}}`), 0o644)
	write := func(routes string) *packager.Built {
		os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.Replace(httpApp, "ROUTES", routes, 1)), 0o644)
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
	lc := lambda.NewFromConfig(cfg)
	rec := &awsapi.Recorder{}
	var out bytes.Buffer
	opts := func(b *packager.Built) *deploy.Options {
		out.Reset()
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Reporter: report.New(&out), Recorder: rec, Retry: fast, Built: b}
	}
	built := write("")
	res, err := deploy.Deploy(ctx, opts(built))
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	deploy.WriteSummary(&out, res.Resources)
	if want := []string{"CreateRole", "PutRolePolicy", "CreateFunction", "CreateApi", "ReimportApi", "CreateStage", "AddPermission"}; !slices.Equal(mutating(rec), want) {
		t.Errorf("first deploy: %v, want %v", mutating(rec), want)
	}
	st := loadState(t, dir)
	r := st.Find("rest_api")
	if r == nil || r.ResourceType != "http_api" || r.Get("http_api_url") != "https://"+r.Get("http_api_id")+".execute-api.us-east-1.amazonaws.com/api/" {
		t.Fatalf("record = %+v", r)
	}
	if !strings.Contains(out.String(), "Creating HTTP API\n") || !strings.Contains(out.String(), "  - HTTP API URL: "+r.Get("http_api_url")+"\n") {
		t.Errorf("output:\n%s", out.String())
	}
	id := r.Get("http_api_id")
	api, err := v2.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String(id)})
	if err != nil || api.ProtocolType != "HTTP" {
		t.Fatalf("api = %+v, %v", api, err)
	}
	if s, err := v2.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: aws.String(id), StageName: aws.String("api")}); err != nil || !aws.ToBool(s.AutoDeploy) {
		t.Errorf("stage = %+v, %v", s, err)
	}
	if pol, err := lc.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("sample-dev")}); err != nil || !strings.Contains(*pol.Policy, id+"/*") {
		t.Errorf("permission: %v, %v", pol, err)
	}
	if u, err := deploy.URL(ctx, &deploy.Options{ProjectDir: dir}); err != nil || u != r.Get("http_api_url") {
		t.Errorf("url = %q, %v", u, err)
	}
	// No-op redeploy.
	if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
		t.Errorf("redeploy: %v, mutating %v", err, mutating(rec))
	}
	// A new route: the code and a re-import, same API.
	built = write(`app.Get("/extra", index)`)
	if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if want := []string{"UpdateFunctionCode", "ReimportApi"}; !slices.Equal(mutating(rec), want) {
		t.Errorf("route added: %v, want %v", mutating(rec), want)
	}
	if loadState(t, dir).Find("rest_api").Get("http_api_id") != id {
		t.Error("the API was replaced")
	}
	routes, err := v2.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(id)})
	if err != nil || !slices.ContainsFunc(routes.Items, func(r apigatewayv2types.Route) bool { return aws.ToString(r.RouteKey) == "GET /extra" }) {
		t.Errorf("routes = %+v, %v", routes, err)
	}
	// delete removes it.
	if err := deploy.Delete(ctx, opts(nil)); err != nil {
		t.Fatal(err)
	}
	if apis, err := v2.GetApis(ctx, &apigatewayv2.GetApisInput{}); err != nil || len(apis.Items) != 0 {
		t.Errorf("apis after delete = %+v, %v", apis, err)
	}
	if d, _ := state.LocalFile(dir, "dev").Load(ctx); len(d.Resources) != 0 {
		t.Errorf("state after delete: %+v", d.Resources)
	}
}
