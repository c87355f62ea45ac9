package urlcmd

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
	"github.com/gochalice/chalice/internal/cli/stageflags"
)

func TestNewCmdURL(t *testing.T) {
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: nil, want: Options{Flags: stageflags.Flags{Stage: "dev"}}},
		{args: []string{"--stage", "prod", "--state", "s3://b/k", "--profile", "p", "--json"}, want: Options{Flags: stageflags.Flags{Stage: "prod", StateURL: "s3://b/k", Profile: "p"}, JSON: true}},
		{args: []string{"--connection-timeout", "3"}, wantErr: "unknown flag: --connection-timeout"},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdURL, func(o *Options) error { got = o; return nil }), "", append([]string{"url"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) {
				t.Errorf("%v: code %d, stderr %q; want a usage error %q", tt.args, r.Code, r.Stderr, tt.wantErr)
			}
			continue
		}
		if r.Err != nil || got == nil {
			t.Fatalf("%v: %v", tt.args, r.Err)
		}
		got.IO, got.ProjectDir = cli.IO{}, ""
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%v:\n got %+v\nwant %+v", tt.args, *got, tt.want)
		}
	}
}

// TestURL: url prints only the URL, --json every recorded URL, and a
// stage with no API is an error (exit 2) printed as every error is.
func TestURL(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".chalice", "deployed"), 0o755)
	os.WriteFile(filepath.Join(dir, ".chalice", "deployed", "prod.json"), []byte(`{"resources": [
	  {"name": "api_handler", "resource_type": "lambda_function", "lambda_arn": "arn:aws:lambda:us-east-1:1:function:app-prod"},
	  {"name": "rest_api", "resource_type": "rest_api", "rest_api_id": "abc", "rest_api_url": "https://abc.execute-api.us-east-1.amazonaws.com/api/"},
	  {"name": "websocket_api", "resource_type": "websocket_api", "websocket_api_id": "ws", "websocket_api_url": "wss://ws.execute-api.us-east-1.amazonaws.com/api/"}
	], "schema_version": "2.0", "backend": "api"}`), 0o644)
	// api_type "url": the API handler's Function URL serves the routes (a
	// pure Lambda's URL is not the API's).
	os.WriteFile(filepath.Join(dir, ".chalice", "deployed", "edge.json"), []byte(`{"resources": [
	  {"name": "api_handler", "resource_type": "lambda_function", "lambda_arn": "arn:aws:lambda:us-east-1:1:function:app-edge"},
	  {"name": "purefn", "resource_type": "lambda_function", "lambda_arn": "arn:aws:lambda:us-east-1:1:function:app-edge-purefn"},
	  {"name": "purefn_function_url", "resource_type": "function_url", "function_name": "app-edge-purefn", "function_url": "https://pure.lambda-url.us-east-1.on.aws/", "auth_type": "AWS_IAM", "invoke_mode": "BUFFERED", "qualifier": ""},
	  {"name": "api_handler_function_url", "resource_type": "function_url", "function_name": "app-edge", "function_url": "https://abc.lambda-url.us-east-1.on.aws/", "auth_type": "NONE", "invoke_mode": "RESPONSE_STREAM", "qualifier": "live"}
	], "schema_version": "2.0", "backend": "api"}`), 0o644)
	os.WriteFile(filepath.Join(dir, ".chalice", "deployed", "bad.json"), []byte(`{`), 0o644)
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"url", "--stage", "prod"}, 0, "https://abc.execute-api.us-east-1.amazonaws.com/api/\n", ""},
		{[]string{"url", "--stage", "prod", "--json"}, 0, `{
  "rest_api_url": "https://abc.execute-api.us-east-1.amazonaws.com/api/",
  "websocket_api_url": "wss://ws.execute-api.us-east-1.amazonaws.com/api/"
}
`, ""},
		{[]string{"url", "--stage", "edge"}, 0, "https://abc.lambda-url.us-east-1.on.aws/\n", ""},
		{[]string{"url", "--stage", "edge", "--json"}, 0, `{
  "function_url": "https://abc.lambda-url.us-east-1.on.aws/"
}
`, ""},
		{[]string{"url"}, 2, "", "Error: Could not find a record of a Rest API in chalice stage: 'dev'\n"},
		{[]string{"url", "--json"}, 2, "", "Error: Could not find a record of a Rest API in chalice stage: 'dev'\n"},
		{[]string{"url", "--stage", "bad"}, 2, "", "Error: the deployed state file " + filepath.Join(dir, ".chalice", "deployed", "bad.json") + " is not valid JSON"},
	}
	for _, tt := range tests {
		r := clitest.Exec(clitest.Verb(NewCmdURL, nil), "", append([]string{"--project-dir", dir}, tt.args...)...)
		if r.Code != tt.code || r.Stdout != tt.stdout || !strings.HasPrefix(r.Stderr, tt.stderr) || (tt.stderr == "" && r.Stderr != "") {
			t.Errorf("%v: code %d stdout %q stderr %q; want %d %q %q", tt.args, r.Code, r.Stdout, r.Stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
}
