package plan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
	"github.com/gochalice/chalice/internal/cli/stageflags"
	"github.com/gochalice/chalice/internal/deploy"
)

func TestNewCmdPlan(t *testing.T) {
	yes := true
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: nil, want: Options{Flags: stageflags.Flags{Stage: "dev"}}},
		{args: []string{"--stage", "prod", "--profile", "p", "--state", "s3://b/k", "--api-gateway-stage", "v1", "--autogen-policy", "--deployment-bucket", "bk", "--json"},
			want: Options{Flags: stageflags.Flags{Stage: "prod", Profile: "p", StateURL: "s3://b/k"}, APIGatewayStage: "v1", AutogenPolicy: &yes, DeploymentBucket: "bk", JSON: true}},
		{args: []string{"--no-autogen-policy", "--autogen-policy"}, wantErr: "none of the others can be"},
		{args: []string{"--connection-timeout", "5"}, wantErr: "unknown flag: --connection-timeout"},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdPlan, func(o *Options) error { got = o; return nil }), "", append([]string{"plan"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) || !strings.Contains(r.Stderr, "Usage:") {
				t.Errorf("%v: code %d, stderr %q; want a usage error %q", tt.args, r.Code, r.Stderr, tt.wantErr)
			}
			continue
		}
		if r.Err != nil || got == nil {
			t.Fatalf("%v: %v", tt.args, r.Err)
		}
		got.IO, got.Report, got.ProjectDir = cli.IO{}, nil, ""
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%v:\n got %+v\nwant %+v", tt.args, *got, tt.want)
		}
	}
}

// TestDocument: --json gives the steps that make calls or leave a
// decision to run time, with exactly the plan's calls, in order.
func TestDocument(t *testing.T) {
	p := &deploy.Plan{Steps: []deploy.Step{
		{Resource: "default-role", Message: "Creating IAM role: app-dev", Instructions: []deploy.Instruction{
			{Call: &deploy.PlannedCall{Service: "iam", Operation: "CreateRole", Target: "app-dev"}},
			{Call: &deploy.PlannedCall{Service: "iam", Operation: "PutRolePolicy", Target: "app-dev", Detail: "policy app-dev"}},
		}},
		{Resource: "quiet", Instructions: []deploy.Instruction{{}}},
		{Resource: "api_handler", Instructions: []deploy.Instruction{{Note: "wait until the function is active"}}},
	}}
	b, err := json.Marshal(document(p))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"steps":[{"resource":"default-role","message":"Creating IAM role: app-dev","instructions":[` +
		`{"call":{"service":"iam","operation":"CreateRole","target":"app-dev"}},` +
		`{"call":{"service":"iam","operation":"PutRolePolicy","target":"app-dev","detail":"policy app-dev"}}]},` +
		`{"resource":"api_handler","instructions":[{"note":"wait until the function is active"}]}],"mutating_calls":2}`
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}
