package deploycmd

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
	"github.com/gochalice/chalice/internal/cli/stageflags"
)

func ptr(b bool) *bool { return &b }

func TestNewCmdDeploy(t *testing.T) {
	tests := []struct {
		args    []string
		want    Options
		wantErr string // on stderr, with the usage, exit 2
	}{
		{args: nil, want: Options{Flags: stageflags.Flags{Stage: "dev"}}},
		{
			args: []string{"--stage", "prod", "--profile", "p", "--api-gateway-stage", "v1", "--connection-timeout", "30", "--state", "s3://b/k", "--deployment-bucket", "bk", "--json"},
			want: Options{Flags: stageflags.Flags{Stage: "prod", Profile: "p", StateURL: "s3://b/k", ConnectionTimeout: 30 * time.Second}, APIGatewayStage: "v1", DeploymentBucket: "bk", JSON: true},
		},
		{args: []string{"--allow-replace"}, want: Options{Flags: stageflags.Flags{Stage: "dev"}, AllowReplace: true}},
		{args: []string{"--autogen-policy"}, want: Options{Flags: stageflags.Flags{Stage: "dev"}, AutogenPolicy: ptr(true)}},
		{args: []string{"--no-autogen-policy"}, want: Options{Flags: stageflags.Flags{Stage: "dev"}, AutogenPolicy: ptr(false)}},
		{args: []string{"--autogen-policy=false"}, want: Options{Flags: stageflags.Flags{Stage: "dev"}, AutogenPolicy: ptr(false)}},
		{args: []string{"--autogen-policy", "--no-autogen-policy"}, wantErr: "[autogen-policy no-autogen-policy] are set none of the others can be"},
		{args: []string{"--connection-timeout", "soon"}, wantErr: `invalid argument "soon" for "--connection-timeout" flag: must be a positive whole number of seconds`},
		{args: []string{"--connection-timeout", "0"}, wantErr: "must be a positive whole number of seconds"},
		{args: []string{"--bogus"}, wantErr: "unknown flag: --bogus"},
		{args: []string{"prod"}, wantErr: `unknown command "prod" for "gochalice deploy"`},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdDeploy, func(o *Options) error { got = o; return nil }), "", append([]string{"deploy"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) || !strings.Contains(r.Stderr, "Usage:\n  gochalice deploy [flags]") {
				t.Errorf("%v: code %d, stderr %q; want a usage error %q", tt.args, r.Code, r.Stderr, tt.wantErr)
			}
			continue
		}
		if r.Err != nil || got == nil {
			t.Fatalf("%v: %v", tt.args, r.Err)
		}
		if got.ProjectDir == "" || got.Report == nil {
			t.Errorf("%v: project dir %q, reporter %v", tt.args, got.ProjectDir, got.Report)
		}
		got.IO, got.Report, got.ProjectDir = cli.IO{}, nil, ""
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%v:\n got %+v\nwant %+v", tt.args, *got, tt.want)
		}
	}
}
