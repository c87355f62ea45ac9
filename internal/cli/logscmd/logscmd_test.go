package logscmd

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
	"github.com/gochalice/chalice/internal/cli/stageflags"
)

func TestNewCmdLogs(t *testing.T) {
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: nil, want: Options{Flags: stageflags.Flags{Stage: "dev"}, Name: "api_handler"}},
		{args: []string{"-n", "purefn", "-s", "5m", "-f", "--include-lambda-messages", "--num-entries", "20", "--stage", "prod", "--profile", "p", "--state", "s3://b/k"},
			want: Options{Flags: stageflags.Flags{Stage: "prod", Profile: "p", StateURL: "s3://b/k"}, Name: "purefn", Since: "5m", Follow: true, IncludeLambdaMessages: true, NumEntries: 20}},
		{args: []string{"--since", "2026-01-02T10:00:00Z"}, want: Options{Flags: stageflags.Flags{Stage: "dev"}, Name: "api_handler", Since: "2026-01-02T10:00:00Z"}},
		{args: []string{"-s", "yesterday"}, wantErr: `invalid --since value "yesterday"`},
		{args: []string{"--num-entries", "-1"}, wantErr: "--num-entries -1: must not be negative"},
		{args: []string{"--num-entries", "many"}, wantErr: `invalid argument "many" for "--num-entries"`},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdLogs, func(o *Options) error { got = o; return nil }), "", append([]string{"logs"}, tt.args...)...)
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

// TestLogsUnknownFunction: a function the state does not record is
// Chalice's message, exit 2, before any AWS call is answered.
func TestLogsUnknownFunction(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // never reached
	r := clitest.Exec(clitest.Verb(NewCmdLogs, nil), "", "--project-dir", t.TempDir(), "logs", "-n", "purefn")
	if r.Code != 2 || r.Stderr != "Error: could not find a lambda function named purefn.\n" {
		t.Fatalf("code %d stderr %q", r.Code, r.Stderr)
	}
}
