package commands

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/spf13/cobra"
)

// gochalice is the binary built once for the tests that run it.
var gochalice string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gochalice-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gochalice = filepath.Join(dir, "gochalice")
	build := exec.Command("go", "build", "-o", gochalice, "github.com/gochalice/chalice/cmd/gochalice")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building gochalice: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// exe runs the binary and returns its exit status, stdout and stderr.
func exe(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(gochalice, args...)
	cmd.Stdin = strings.NewReader("")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errOut.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errOut.String()
	}
	t.Fatalf("running gochalice %v: %v", args, err)
	return 0, "", ""
}

// verbs lists every runnable command of the tree, as argument lists.
func verbs() [][]string {
	var out [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			p := append(append([]string(nil), path...), sub.Name())
			out = append(out, p)
			walk(sub, p)
		}
	}
	walk(Root(cli.NewFactory()), nil)
	return out
}

// TestHelpOfEveryVerb: each verb's --help (stdout, exit 0) has its long
// description and runnable examples that start with gochalice and the
// verb itself.
func TestHelpOfEveryVerb(t *testing.T) {
	root := Root(cli.NewFactory())
	all := verbs()
	if len(all) < 14 {
		t.Fatalf("only %d verbs: %v", len(all), all)
	}
	for _, v := range append([][]string{{}}, all...) {
		cmd, _, err := root.Find(v)
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := exe(t, append(v, "--help")...)
		if code != 0 || stderr != "" {
			t.Errorf("%v --help: code %d stderr %q", v, code, stderr)
		}
		if cmd.Long == "" || !strings.Contains(stdout, strings.SplitN(cmd.Long, "\n", 2)[0]) {
			t.Errorf("%v --help has no long description:\n%s", v, stdout)
		}
		_, examples, ok := strings.Cut(stdout, "Examples:\n")
		if !ok {
			t.Errorf("%v --help has no examples:\n%s", v, stdout)
			continue
		}
		want := strings.TrimSpace("gochalice " + strings.Join(v, " "))
		if !strings.Contains(examples, want) {
			t.Errorf("%v --help: no example runs %q:\n%s", v, want, examples)
		}
	}
}

// TestUsageErrors: an unknown flag, a wrong number of arguments, a bad
// flag value, two exclusive flags and an unknown verb print the usage and
// the error on stderr, nothing on stdout, and exit 2.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args  []string
		usage string
		err   string
	}{
		{[]string{"deploy", "--bogus"}, "gochalice deploy [flags]", "Error: unknown flag: --bogus"},
		{[]string{"package"}, "gochalice package OUT [flags]", "Error: accepts 1 arg(s), received 0"},
		{[]string{"local", "--port", "http"}, "gochalice local [flags]", `Error: invalid argument "http" for "--port" flag`},
		{[]string{"package", "--autogen-policy", "--no-autogen-policy", "out"}, "gochalice package OUT [flags]", "Error: if any flags in the group [autogen-policy no-autogen-policy] are set none of the others can be; [autogen-policy no-autogen-policy] were all set"},
		{[]string{"invoke"}, "gochalice invoke -n NAME [flags]", `Error: required flag(s) "name" not set`},
		{[]string{"deploy-everything"}, "gochalice [flags]", `Error: unknown command "deploy-everything" for "gochalice"`},
		{[]string{"dev", "apply"}, "gochalice dev [flags]", `Error: unknown command "apply" for "gochalice dev"`},
	}
	for _, tt := range tests {
		code, stdout, stderr := exe(t, tt.args...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "Usage:\n") || !strings.Contains(stderr, tt.usage) || !strings.Contains(stderr, "\n\n"+tt.err) {
			t.Errorf("%v: code %d stdout %q stderr:\n%s\nwant exit 2, usage %q, %q", tt.args, code, stdout, stderr, tt.usage, tt.err)
		}
	}
}

// TestURLFromState: url prints the URL and nothing else; --json every
// URL the state records; a stage without one is an error, exit 2.
func TestURLFromState(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".chalice", "deployed"), 0o755)
	os.WriteFile(filepath.Join(dir, ".chalice", "deployed", "prod.json"), []byte(`{"resources": [
	  {"name": "rest_api", "resource_type": "rest_api", "rest_api_id": "abc", "rest_api_url": "https://abc.execute-api.us-east-1.amazonaws.com/api/"}
	], "schema_version": "2.0", "backend": "api"}`), 0o644)
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"url", "--stage", "prod"}, 0, "https://abc.execute-api.us-east-1.amazonaws.com/api/\n", ""},
		{[]string{"url", "--stage", "prod", "--json"}, 0, "{\n  \"rest_api_url\": \"https://abc.execute-api.us-east-1.amazonaws.com/api/\"\n}\n", ""},
		{[]string{"url"}, 2, "", "Error: Could not find a record of a Rest API in chalice stage: 'dev'\n"},
	}
	for _, tt := range tests {
		code, stdout, stderr := exe(t, append([]string{"--project-dir", dir}, tt.args...)...)
		if code != tt.code || stdout != tt.stdout || stderr != tt.stderr {
			t.Errorf("%v: code %d stdout %q stderr %q; want %d %q %q", tt.args, code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
}

// TestProgressOnStderr: package prints its progress on stderr and
// nothing on stdout; --quiet drops the progress lines.
func TestProgressOnStderr(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example")
	}
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := exe(t, "--project-dir", exampleDir(), "package", out)
	if code != 0 || stdout != "" || !strings.Contains(stderr, "Creating deployment package.\n") {
		t.Fatalf("package: code %d stdout %q stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "sam.json")); err != nil {
		t.Errorf("package wrote no template: %v", err)
	}
	code, stdout, stderr = exe(t, "--quiet", "--project-dir", exampleDir(), "package", out)
	if code != 0 || stdout != "" || strings.Contains(stderr, "deployment package") {
		t.Errorf("package --quiet: code %d stdout %q stderr %q", code, stdout, stderr)
	}
}
