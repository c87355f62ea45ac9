package deploycmd_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/deploycmd"
	"github.com/gochalice/chalice/internal/cli/dev"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cli.Factory{IO: cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}}
	root := cli.NewRoot(f, deploycmd.WithPlan(dev.NewCmd), deploycmd.NewDeployCmd, deploycmd.NewDeleteCmd, deploycmd.NewURLCmd, deploycmd.NewLogsCmd)
	code := cli.Run(root, f, args)
	return code, out.String(), errOut.String()
}

func TestURL(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "--project-dir", dir, "url")
	if code != 2 || stderr != "Could not find a record of a Rest API in chalice stage: 'dev'\n" {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
	os.MkdirAll(filepath.Join(dir, ".chalice", "deployed"), 0o755)
	os.WriteFile(filepath.Join(dir, ".chalice", "deployed", "prod.json"), []byte(`{"resources": [{"name": "rest_api", "resource_type": "rest_api", "rest_api_id": "abc", "rest_api_url": "https://abc.execute-api.us-east-1.amazonaws.com/api/"}], "schema_version": "2.0", "backend": "api"}`), 0o644)
	code, stdout, stderr := run(t, "--project-dir", dir, "url", "--stage", "prod")
	if code != 0 || stdout != "https://abc.execute-api.us-east-1.amazonaws.com/api/\n" {
		t.Fatalf("code %d stdout %q stderr %q", code, stdout, stderr)
	}
	os.WriteFile(filepath.Join(dir, ".chalice", "deployed", "prod.json"), []byte(`{`), 0o644)
	if code, _, stderr := run(t, "--project-dir", dir, "url", "--stage", "prod"); code != 2 || !strings.Contains(stderr, "prod.json is not valid JSON") {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
}

func TestNoRegion(t *testing.T) {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
	for _, verb := range [][]string{{"deploy"}, {"delete"}, {"dev", "plan"}} {
		code, _, stderr := run(t, append([]string{"--project-dir", t.TempDir()}, verb...)...)
		if code != 2 || stderr != "No region configured. Either export the AWS_DEFAULT_REGION environment variable or set the region value in our ~/.aws/config file.\n" {
			t.Errorf("%v: code %d stderr %q", verb, code, stderr)
		}
	}
}

func TestFlags(t *testing.T) {
	code, stdout, _ := run(t, "deploy", "--help")
	for _, fl := range []string{"--stage", "--profile", "--api-gateway-stage", "--connection-timeout", "--autogen-policy", "--no-autogen-policy", "--state"} {
		if code != 0 || !strings.Contains(stdout, fl) {
			t.Errorf("deploy --help lacks %s:\n%s", fl, stdout)
		}
	}
}

func TestLogs(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // never reached
	code, _, stderr := run(t, "--project-dir", t.TempDir(), "logs", "-n", "purefn")
	if code != 2 || stderr != "could not find a lambda function named purefn.\n" {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "--project-dir", t.TempDir(), "logs", "-s", "yesterday")
	if code != 2 || !strings.Contains(stderr, `invalid --since value "yesterday"`) {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
	code, stdout, _ := run(t, "logs", "--help")
	for _, fl := range []string{"-n, --name", "-s, --since", "-f, --follow", "--include-lambda-messages", "--num-entries", "--stage", "--profile"} {
		if code != 0 || !strings.Contains(stdout, fl) {
			t.Errorf("logs --help lacks %s:\n%s", fl, stdout)
		}
	}
}
