package version

import (
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
)

func TestNewCmdVersion(t *testing.T) {
	ran := false
	if r := clitest.Exec(clitest.Verb(NewCmdVersion, func(*Options) error { ran = true; return nil }), "", "version"); r.Err != nil || !ran {
		t.Fatalf("version: %v, ran %v", r.Err, ran)
	}
	r := clitest.Exec(clitest.Verb(NewCmdVersion, nil), "", "version")
	if r.Code != 0 || r.Stdout != String()+"\n" || !strings.HasPrefix(r.Stdout, "gochalice ") {
		t.Errorf("version: code %d stdout %q", r.Code, r.Stdout)
	}
	if r := clitest.Exec(clitest.Verb(NewCmdVersion, nil), "", "version", "now"); r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, `unknown command "now" for "gochalice version"`) {
		t.Errorf("version now: code %d stderr %q", r.Code, r.Stderr)
	}
}
