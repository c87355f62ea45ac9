package appgraph

import (
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
)

func TestNewCmdAppgraph(t *testing.T) {
	tests := []struct {
		args      []string
		wantStage string
		wantErr   string
	}{
		{nil, "dev", ""},
		{[]string{"--stage", "qa"}, "qa", ""},
		{[]string{"qa"}, "", `unknown command "qa" for "gochalice appgraph"`},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdAppgraph, func(o *Options) error { got = o; return nil }), "", append([]string{"appgraph"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) {
				t.Errorf("%v: code %d stderr %q", tt.args, r.Code, r.Stderr)
			}
			continue
		}
		if r.Err != nil || got == nil || got.Stage != tt.wantStage || got.Report == nil || got.ProjectDir == "" {
			t.Errorf("%v: %v %+v", tt.args, r.Err, got)
		}
	}
}
