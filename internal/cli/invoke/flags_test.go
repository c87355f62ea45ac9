package invoke

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
)

func TestNewCmdInvoke(t *testing.T) {
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: []string{"-n", "purefn"}, want: Options{Name: "purefn", Stage: "dev"}},
		{args: []string{"--name", "api_handler", "--stage", "prod", "--profile", "p", "--state", "s3://b/k", "--json"}, want: Options{Name: "api_handler", Stage: "prod", Profile: "p", StateURL: "s3://b/k", JSON: true}},
		{args: []string{"-n", "purefn", "--local", "--json"}, want: Options{Name: "purefn", Stage: "dev", Local: true, JSON: true}},
		{args: nil, wantErr: `required flag(s) "name" not set`},
		{args: []string{"-n", "f", "--local", "--profile", "p"}, wantErr: "[local profile] are set none of the others can be"},
		{args: []string{"-n", "f", "--local", "--state", "s3://b/k"}, wantErr: "[local state] are set none of the others can be"},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdInvoke, func(o *Options) error { got = o; return nil }), "", append([]string{"invoke"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) || !strings.Contains(r.Stderr, "Usage:") {
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

func TestPrintResult(t *testing.T) {
	tests := []struct {
		payload string
		failed  bool
		want    string
	}{
		{`{"a": 1}` + "\n", false, `{"function":"f","status":"success","payload":{"a":1}}` + "\n"},
		{`not json`, false, `{"function":"f","status":"success","payload":"not json"}` + "\n"},
		{`{"errorType":"E","errorMessage":"m"}`, true, `{"function":"f","status":"function_error","payload":{"errorType":"E","errorMessage":"m"}}` + "\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := printResult(&b, "f", []byte(tt.payload), tt.failed); err != nil || b.String() != tt.want {
			t.Errorf("%q: %v %q, want %q", tt.payload, err, b.String(), tt.want)
		}
	}
}
