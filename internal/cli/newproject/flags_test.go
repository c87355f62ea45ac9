package newproject

import (
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
)

func TestNewCmdNewProject(t *testing.T) {
	tests := []struct {
		args      []string
		name, typ string
		wantErr   string
	}{
		{[]string{"hello"}, "hello", "rest-api", ""},
		{[]string{"-t", "websocket", "chat"}, "chat", "websocket", ""},
		{[]string{"--project-type", "web", "site"}, "site", "web", ""},
		{nil, "", "", "accepts 1 arg(s), received 0"},
		{[]string{"bad name!"}, "", "", `invalid project name "bad name!"`},
		{[]string{"-t", "flask", "ok"}, "", "", `unknown --project-type "flask"`},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdNewProject, func(o *Options) error { got = o; return nil }), "", append([]string{"new-project"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) || !strings.Contains(r.Stderr, "Usage:") {
				t.Errorf("%v: code %d stderr %q", tt.args, r.Code, r.Stderr)
			}
			continue
		}
		if r.Err != nil || got == nil || got.Name != tt.name || got.ProjectType != tt.typ || got.Dir == "" {
			t.Errorf("%v: %v %+v", tt.args, r.Err, got)
		}
	}
}
