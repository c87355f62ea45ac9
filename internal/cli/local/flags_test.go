package local

import (
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
)

func TestNewCmdLocal(t *testing.T) {
	def := Options{Host: "127.0.0.1", Port: 8000, Stage: "dev", Autoreload: true, Workers: 1, MaxConcurrency: defaultMaxConcurrency, Schedules: true}
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: nil, want: def},
		{args: []string{"--host", "0.0.0.0", "--port", "8080", "--stage", "prod", "--no-autoreload", "--workers", "0", "--max-concurrency", "4", "--api", "http"},
			want: Options{Host: "0.0.0.0", Port: 8080, Stage: "prod", Autoreload: false, Workers: 0, MaxConcurrency: 4, API: "http", Schedules: true}},
		{args: []string{"--aws-endpoint", "http://localhost:4566", "--no-schedules"},
			want: func() Options { o := def; o.AWSEndpoint, o.Schedules = "http://localhost:4566", false; return o }()},
		{args: []string{"--aws-endpoint", "localhost:4566"}, wantErr: `--aws-endpoint "localhost:4566": must be an http:// or https:// URL`},
		{args: []string{"--schedules", "--no-schedules"}, wantErr: "[schedules no-schedules] are set none of the others can be"},
		{args: []string{"--autoreload=false"}, want: func() Options { o := def; o.Autoreload = false; return o }()},
		{args: []string{"--autoreload", "--no-autoreload"}, wantErr: "[autoreload no-autoreload] are set none of the others can be"},
		{args: []string{"--port", "70000"}, wantErr: "--port 70000: must be between 0 and 65535"},
		{args: []string{"--max-concurrency", "0"}, wantErr: "--max-concurrency 0: must be positive"},
		{args: []string{"--workers", "-1"}, wantErr: "--workers -1: must not be negative"},
		{args: []string{"--api", "url"}, want: func() Options { o := def; o.API = "url"; return o }()},
		{args: []string{"--api", "graphql"}, wantErr: `--api "graphql": must be rest, http or url`},
		{args: []string{"--bogus"}, wantErr: "unknown flag: --bogus"},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdLocal, func(o *Options) error { got = o; return nil }), "", append([]string{"local"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) || !strings.Contains(r.Stderr, "Usage:") {
				t.Errorf("%v: code %d, stderr %q; want a usage error %q", tt.args, r.Code, r.Stderr, tt.wantErr)
			}
			continue
		}
		if r.Err != nil || got == nil {
			t.Fatalf("%v: %v", tt.args, r.Err)
		}
		g := *got
		g.IO, g.ProjectDir = cli.IO{}, ""
		if g.Host != tt.want.Host || g.Port != tt.want.Port || g.Stage != tt.want.Stage || g.Autoreload != tt.want.Autoreload ||
			g.Workers != tt.want.Workers || g.MaxConcurrency != tt.want.MaxConcurrency || g.API != tt.want.API ||
			g.AWSEndpoint != tt.want.AWSEndpoint || g.Schedules != tt.want.Schedules {
			t.Errorf("%v:\n got %+v\nwant %+v", tt.args, g, tt.want)
		}
	}
}
