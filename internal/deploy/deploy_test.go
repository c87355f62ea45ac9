package deploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/manifest"
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
		{&appgraph.Application{Events: []*appgraph.EventSource{{ResourceName: "f-sqs-event-source", Source: manifest.EventSource{Type: manifest.SourceSQS}, Function: fn}}},
			"gochalice deploy does not deploy sqs event sources yet (resource f-sqs-event-source); use gochalice package and CloudFormation"},
		{&appgraph.Application{Websocket: &appgraph.WebsocketAPI{ResourceName: "websocket_api"}}, "does not deploy websocket APIs yet (resource websocket_api)"},
		{&appgraph.Application{RestAPI: &appgraph.RestAPI{ResourceName: "rest_api", Stage: &config.StageConfig{APIType: "http"}}}, "does not deploy HTTP APIs (api_type http) yet"},
		{&appgraph.Application{StageCfg: &config.StageConfig{AutomaticLayer: true}}, "does not deploy managed layers"},
		{&appgraph.Application{StageCfg: &config.StageConfig{APICustomDomain: &config.CustomDomain{}}}, "does not deploy custom domains yet (resource api_gateway_custom_domain)"},
		{&appgraph.Application{Functions: []*appgraph.Function{{ResourceName: "g", Config: &config.FunctionConfig{LogRetentionInDays: &days}}}}, "does not deploy log groups (log_retention_in_days) yet (resource g-log-group)"},
	} {
		err := deploy.Supported(tt.app)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
	ok := &appgraph.Application{Functions: []*appgraph.Function{fn}, Events: []*appgraph.EventSource{{ResourceName: "f-event", Source: manifest.EventSource{Type: manifest.SourceSchedule}, Function: fn}}}
	if err := deploy.Supported(ok); err != nil {
		t.Errorf("schedule refused: %v", err)
	}
}
