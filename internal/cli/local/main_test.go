package local

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/spf13/cobra"
)

// asCLIEnv makes the test binary run as `gochalice` with only the local
// verb (under the real root command and its signal handling), so the
// end-to-end tests need not build every other verb.
const asCLIEnv = "GOCHALICE_LOCAL_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLIEnv) == "1" {
		f := cli.NewFactory()
		root := cli.NewRoot(f, func(f *cli.Factory) *cobra.Command { return NewCmdLocal(f, nil) })
		os.Exit(cli.Run(root, f, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// gochaliceCommand returns a command running `gochalice args...`: the
// built gochalice binary, or, when the module's other verbs do not build
// (they are being edited), this test binary as the CLI with the local verb.
func gochaliceCommand(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gochalice")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/gochalice/chalice/cmd/gochalice").CombinedOutput()
	if err == nil {
		return exec.Command(bin, args...)
	}
	t.Logf("building the CLI failed, running the local verb from the test binary instead: %v\n%s", err, out)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), asCLIEnv+"=1")
	return cmd
}
