package pkgcmd

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
)

func TestNewCmdPackage(t *testing.T) {
	no := false
	def := Options{OutDir: "out", Stage: "dev", PkgFormat: "cloudformation", TemplateFormat: "json"}
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: []string{"out"}, want: def},
		{args: []string{"--stage", "prod", "--template-format", "yaml", "--merge-template", "x.yaml", "--single-file", "--no-autogen-policy", "--profile", "p", "out"},
			want: Options{OutDir: "out", Stage: "prod", PkgFormat: "cloudformation", TemplateFormat: "yaml", MergeTemplate: "x.yaml", SingleFile: true, AutogenPolicy: &no}},
		{args: []string{"--pkg-format", "terraform", "out"}, want: Options{OutDir: "out", Stage: "dev", PkgFormat: "terraform", TemplateFormat: "json"}},
		{args: []string{"--autogen-policy", "--no-autogen-policy", "out"}, wantErr: "[autogen-policy no-autogen-policy] are set none of the others can be"},
		{args: nil, wantErr: "accepts 1 arg(s), received 0"},
		{args: []string{"a", "b"}, wantErr: "accepts 1 arg(s), received 2"},
		{args: []string{"--pkg-format", "cdk", "out"}, wantErr: `--pkg-format "cdk": must be cloudformation or terraform`},
		{args: []string{"--template-format", "toml", "out"}, wantErr: `--template-format "toml": must be json or yaml`},
		{args: []string{"--pkg-format", "terraform", "--single-file", "out"}, wantErr: "Terraform format does not support --merge-template, --single-file, or --template-format"},
		{args: []string{"--pkg-format", "terraform", "--template-format", "yaml", "out"}, wantErr: "Terraform format does not support"},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdPackage, func(o *Options) error { got = o; return nil }), "", append([]string{"package"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) || !strings.Contains(r.Stderr, "Usage:\n  gochalice package OUT [flags]") {
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
