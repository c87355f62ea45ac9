package genpolicy

import (
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
)

func TestNewCmdGenPolicy(t *testing.T) {
	tests := []struct {
		args       []string
		stage, dir string
		wantErr    string
	}{
		{nil, "dev", "", ""},
		{[]string{"--stage", "prod", "--filename", "./cmd/api"}, "prod", "./cmd/api", ""},
		{[]string{"app.go"}, "", "", `unknown command "app.go" for "gochalice gen-policy"`},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdGenPolicy, func(o *Options) error { got = o; return nil }), "", append([]string{"gen-policy"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) {
				t.Errorf("%v: code %d stderr %q", tt.args, r.Code, r.Stderr)
			}
			continue
		}
		if r.Err != nil || got == nil || got.Stage != tt.stage || got.Dir != tt.dir || got.Report == nil {
			t.Errorf("%v: %v %+v", tt.args, r.Err, got)
		}
	}
}
