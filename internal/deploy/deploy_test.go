package deploy_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/deployzip"
	"github.com/gochalice/chalice/manifest"
	"github.com/gochalice/chalice/packager"
)

func noRegion(t *testing.T) {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
}

func TestNoRegion(t *testing.T) {
	noRegion(t)
	rec := &awsapi.Recorder{}
	_, err := deploy.Deploy(context.Background(), &deploy.Options{ProjectDir: t.TempDir(), Recorder: rec})
	if !errors.Is(err, awsapi.ErrNoRegion) || err.Error() != "No region configured. Either export the AWS_DEFAULT_REGION environment variable or set the region value in our ~/.aws/config file." {
		t.Fatalf("err = %v", err)
	}
	if err := deploy.Delete(context.Background(), &deploy.Options{ProjectDir: t.TempDir()}); !errors.Is(err, awsapi.ErrNoRegion) {
		t.Fatalf("delete err = %v", err)
	}
	if len(rec.Calls()) != 0 {
		t.Fatalf("calls = %v", rec.Calls())
	}
}

func TestURLWithoutState(t *testing.T) {
	_, err := deploy.URL(context.Background(), &deploy.Options{ProjectDir: t.TempDir(), Stage: "prod"})
	if err == nil || err.Error() != "Could not find a record of a Rest API in chalice stage: 'prod'" {
		t.Fatalf("err = %v", err)
	}
}

func TestSupportedRefusesOtherKinds(t *testing.T) {
	fn := &appgraph.Function{ResourceName: "f", Config: &config.FunctionConfig{}}
	days := 7
	for _, tt := range []struct {
		app  *appgraph.Application
		want string
	}{
		{&appgraph.Application{Events: []*appgraph.EventSource{{ResourceName: "f-x-event", Source: manifest.EventSource{Type: "x"}, Function: fn}}},
			"stage dev: gochalice deploy does not deploy x event sources yet (resource f-x-event, function f); use gochalice package and CloudFormation"},
		{&appgraph.Application{Stage: "prod", StageCfg: &config.StageConfig{}, CloudFront: &config.CloudFront{}},
			"stage prod: gochalice deploy does not deploy the CloudFront distribution yet (key stages.prod.cloudfront)"},
	} {
		err := deploy.Supported(tt.app)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
	// Custom domains are deployed; automatic_layer is a no-op (a warning).
	for _, sc := range []*config.StageConfig{{AutomaticLayer: true}, {APICustomDomain: &config.CustomDomain{}, WebsocketCustomDomain: &config.CustomDomain{}}} {
		if err := deploy.Supported(&appgraph.Application{StageCfg: sc}); err != nil {
			t.Errorf("%+v refused: %v", sc, err)
		}
	}
	for _, typ := range []string{manifest.SourceSchedule, manifest.SourceCWEvent, manifest.SourceSQS, manifest.SourceKinesis, manifest.SourceDynamoDB, manifest.SourceSNS, manifest.SourceS3} {
		ok := &appgraph.Application{Functions: []*appgraph.Function{{ResourceName: "g", Config: &config.FunctionConfig{LogRetentionInDays: &days}}},
			Events: []*appgraph.EventSource{{ResourceName: "f-event", Source: manifest.EventSource{Type: typ}, Function: fn}}}
		if err := deploy.Supported(ok); err != nil {
			t.Errorf("%s refused: %v", typ, err)
		}
	}
}

func TestNoCredentials(t *testing.T) {
	noRegion(t)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	dir := t.TempDir()
	zip := filepath.Join(dir, "deployment.zip")
	os.WriteFile(zip, []byte("zip"), 0o644)
	// An empty app is enough: the account lookup comes first.
	_, err := deploy.PlanOnly(context.Background(), &deploy.Options{ProjectDir: dir, Built: &packager.Built{App: &appgraph.Application{}, Package: &deployzip.Package{Path: zip, Size: 3}}})
	if err == nil || !errors.Is(err, deploy.ErrNoCredentials) {
		t.Fatalf("err = %v", err)
	}
}

// An unsupported feature is refused right after the model is built:
// before the account lookup, any other AWS call, or reading the package.
func TestUnsupportedRefusedBeforeAnyAWSCall(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	rec := &awsapi.Recorder{}
	dir := t.TempDir()
	app := &appgraph.Application{Stage: "dev", StageCfg: &config.StageConfig{}, CloudFront: &config.CloudFront{}}
	// No package file: it is not read.
	built := &packager.Built{App: app, Package: &deployzip.Package{Path: filepath.Join(dir, "missing.zip")}}
	for _, run := range []func() error{
		func() error {
			_, err := deploy.Deploy(context.Background(), &deploy.Options{ProjectDir: dir, Recorder: rec, Built: built})
			return err
		},
		func() error {
			_, err := deploy.PlanOnly(context.Background(), &deploy.Options{ProjectDir: dir, Recorder: rec, Built: built})
			return err
		},
	} {
		err := run()
		var ue *deploy.UnsupportedError
		if !errors.As(err, &ue) || ue.Stage != "dev" || ue.Key != "stages.dev.cloudfront" {
			t.Errorf("err = %v, want an UnsupportedError naming stages.dev.cloudfront", err)
		}
	}
	if len(rec.Calls()) != 0 {
		t.Errorf("AWS calls = %v, want none", rec.Calls())
	}
}

// The deployer fills its defaults in a copy: the caller's options stay
// as they were.
func TestOptionsNotMutated(t *testing.T) {
	noRegion(t)
	for _, tt := range []struct {
		name string
		run  func(*deploy.Options) error
	}{
		{"deploy", func(o *deploy.Options) error { _, err := deploy.Deploy(context.Background(), o); return err }},
		{"plan", func(o *deploy.Options) error { _, err := deploy.PlanOnly(context.Background(), o); return err }},
		{"delete", func(o *deploy.Options) error { return deploy.Delete(context.Background(), o) }},
		{"url", func(o *deploy.Options) error { _, err := deploy.URL(context.Background(), o); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			zip := filepath.Join(dir, "deployment.zip")
			os.WriteFile(zip, []byte("zip"), 0o644)
			o := &deploy.Options{ProjectDir: dir, Built: &packager.Built{App: &appgraph.Application{}, Package: &deployzip.Package{Path: zip, Size: 3}}}
			before := *o
			tt.run(o)
			if o.Stage != "" || o.Backend != nil || o.Reporter != nil || o.Retry != before.Retry {
				t.Errorf("options changed: %+v, were %+v", *o, before)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	d := &state.Deployed{Resources: []state.Record{
		{Name: "default-role", ResourceType: "iam_role", Fields: []state.Field{{Key: "role_arn", Value: "arn:role"}}},
		{Name: "api_handler", ResourceType: "lambda_function", Fields: []state.Field{{Key: "lambda_arn", Value: "arn:fn"}}},
		{Name: "rest_api", ResourceType: "rest_api", Fields: []state.Field{{Key: "rest_api_url", Value: "https://x/api/"}}},
		{Name: "api_gateway_custom_domain", ResourceType: "domain_name", Fields: []state.Field{{Key: "domain_name", Value: "api.example.com"},
			{Key: "hosted_zone_id", Value: "Z2"}, {Key: "alias_domain_name", Value: "d.cloudfront.net"}}},
	}}
	rs := deploy.Summary(d)
	if len(rs) != 3 || rs[0] != (deploy.Resource{Name: "api_handler", Kind: "Lambda ARN", Value: "arn:fn"}) {
		t.Fatalf("summary = %+v", rs)
	}
	var b strings.Builder
	deploy.WriteSummary(&b, rs)
	want := "Resources deployed:\n  - Lambda ARN: arn:fn\n  - Rest API URL: https://x/api/\n  - Custom domain name:\n      HostedZoneId: Z2\n      AliasDomainName: d.cloudfront.net\n"
	if b.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", b.String(), want)
	}
}
