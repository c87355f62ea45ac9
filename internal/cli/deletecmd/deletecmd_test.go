package deletecmd

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
	"github.com/gochalice/chalice/internal/cli/stageflags"
)

func TestNewCmdDelete(t *testing.T) {
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: nil, want: Options{Flags: stageflags.Flags{Stage: "dev"}}},
		{args: []string{"--stage", "prod", "--profile", "p", "--state", "s3://b/", "--connection-timeout", "5", "--by-tag"},
			want: Options{Flags: stageflags.Flags{Stage: "prod", Profile: "p", StateURL: "s3://b/", ConnectionTimeout: 5 * time.Second}, ByTag: true}},
		{args: []string{"--delete-retained"}, want: Options{Flags: stageflags.Flags{Stage: "dev"}, DeleteRetained: true}},
		{args: []string{"--api-gateway-stage", "v1"}, wantErr: "unknown flag: --api-gateway-stage"},
		{args: []string{"dev"}, wantErr: `unknown command "dev" for "gochalice delete"`},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdDelete, func(o *Options) error { got = o; return nil }), "", append([]string{"delete"}, tt.args...)...)
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
