package deploy_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/packager"
)

// callServices maps the services a plan names to the SDK's service ids
// (lowercase, without spaces) the recorder sees.
var callServices = map[string]string{"events": "eventbridge", "logs": "cloudwatchlogs"}

func plannedOps(p *deploy.Plan) []string {
	var out []string
	for _, c := range p.Calls() {
		svc := c.Service
		if s, ok := callServices[svc]; ok {
			svc = s
		}
		out = append(out, svc+":"+c.Operation)
	}
	return out
}

func madeOps(rec *awsapi.Recorder) []string {
	var out []string
	for _, c := range rec.Mutating() {
		out = append(out, strings.ToLower(strings.ReplaceAll(c.Service, " ", ""))+":"+c.Operation)
	}
	return out
}

// TestPlanIsWhatDeployRuns deploys an app with every resource kind the
// deployer handles (role, functions, log group, schedule, SQS, Kinesis,
// SNS, S3, REST API with an authorizer and CORS, websocket API, both
// custom domains) and checks, call for call and in order, that the
// mutating calls deploy makes are the ones `dev plan` printed just
// before: on an empty account, after a change, and for a no-op redeploy.
func TestPlanIsWhatDeployRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app and runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	dir := project(t)
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.Endpoint+"/moto-api/config", "application/json", strings.NewReader(`{"lambda": {"use_docker": false}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	newRemote(srv, cfg).fixtures(t)

	build := func(t *testing.T, env, prefix, extra string) *packager.Built {
		t.Helper()
		fns := ""
		if strings.Contains(extra, "purefn") {
			fns = `"lambda_functions": {"purefn": {"log_retention_in_days": 14}},`
		}
		conf := `{"version": "2.0", "app_name": "sample", "stages": {"dev": {"api_gateway_stage": "api",
			"environment_variables": {"MODE": "` + env + `"}, ` + fns + `
			"api_gateway_custom_domain": {"domain_name": "` + testDomain + `", "certificate_arn": "` + testCert + `", "url_prefix": "` + prefix + `"},
			"websocket_api_custom_domain": {"domain_name": "ws.example.com", "certificate_arn": "` + testCert + `"}}}}`
		if err := os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		ws := "\tapp.OnWSConnect(onSocket)\n\tapp.OnWSMessage(onSocket)\n"
		footer := appFooter + "\nfunc onSocket(ctx context.Context, ev *chalice.WebsocketEvent) (*chalice.Response, error) { return nil, nil }\n"
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(appHeader+eventHandlers()+ws+extra+footer), 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := packager.Build(ctx, &packager.Options{ProjectDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rec := &awsapi.Recorder{}
	opts := func(b *packager.Built) *deploy.Options {
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Recorder: rec, Retry: fast, Built: b}
	}
	// agree plans, deploys and compares; it returns the plan's calls.
	agree := func(t *testing.T, b *packager.Built) []string {
		planned, _ := planAgrees(t, ctx, rec, opts, b)
		return planned
	}
	var first []string
	t.Run("first deploy", func(t *testing.T) {
		first = agree(t, build(t, "test", "v1", "\tapp.LambdaFunction(purefn)\n"))
		for _, want := range []string{"iam:CreateRole", "lambda:CreateFunction", "cloudwatchlogs:CreateLogGroup", "eventbridge:PutRule", "lambda:CreateEventSourceMapping",
			"sns:Subscribe", "s3:PutBucketNotificationConfiguration", "apigateway:CreateRestApi", "apigateway:PutIntegration", "apigateway:CreateBasePathMapping",
			"apigatewayv2:CreateApi", "apigatewayv2:CreateRoute", "apigatewayv2:CreateApiMapping", "lambda:AddPermission"} {
			if !strings.Contains(strings.Join(first, " ")+" ", want+" ") {
				t.Errorf("the first deploy has no %s: %v", want, first)
			}
		}
	})
	t.Run("changed app", func(t *testing.T) {
		// A new route (code and API document), another environment (every
		// function's configuration), another url_prefix (mappings), and
		// purefn removed (swept with its log group).
		changed := agree(t, build(t, "prod", "v2", "\tapp.Get(\"/new\", index)\n"))
		for _, want := range []string{"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "apigateway:PutRestApi", "apigateway:CreateDeployment",
			"apigateway:CreateBasePathMapping", "apigateway:DeleteBasePathMapping", "lambda:DeleteFunction", "cloudwatchlogs:DeleteRetentionPolicy"} {
			if !strings.Contains(strings.Join(changed, " ")+" ", want+" ") {
				t.Errorf("the update has no %s: %v", want, changed)
			}
		}
	})
	t.Run("no-op redeploy", func(t *testing.T) {
		if calls := agree(t, build(t, "prod", "v2", "\tapp.Get(\"/new\", index)\n")); len(calls) != 0 {
			t.Errorf("planned %v, want nothing", calls)
		}
	})
}

// planAgrees asks for the plan of b (checking that planning made no
// mutating call), deploys b, and fails the test when the mutating calls
// made differ from the plan's, call for call; it returns both.
func planAgrees(t *testing.T, ctx context.Context, rec *awsapi.Recorder, opts func(*packager.Built) *deploy.Options, b *packager.Built) (planned, made []string) {
	t.Helper()
	plan, err := deploy.PlanOnly(ctx, opts(b))
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if m := madeOps(rec); len(m) != 0 {
		t.Fatalf("dev plan made mutating calls: %v", m)
	}
	planned = plannedOps(plan)
	if _, err := deploy.Deploy(ctx, opts(b)); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	made = madeOps(rec)
	if strings.Join(made, "\n") != strings.Join(planned, "\n") {
		var printed bytes.Buffer
		plan.Print(&printed)
		t.Errorf("deploy made %d mutating calls, the plan printed %d:\nmade:\n  %s\nplanned:\n  %s\nprinted plan:\n%s",
			len(made), len(planned), strings.Join(made, "\n  "), strings.Join(planned, "\n  "), printed.String())
	}
	return planned, made
}
