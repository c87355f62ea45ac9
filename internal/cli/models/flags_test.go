package models

import (
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/clitest"
	"github.com/gochalice/chalice/internal/swagger"
)

func TestNewCmdGenerateModels(t *testing.T) {
	tests := []struct {
		args    []string
		stage   string
		format  swagger.Format
		wantErr string
	}{
		{nil, "dev", swagger.Swagger2, ""},
		{[]string{"--format", "openapi3", "--stage", "prod"}, "prod", swagger.OpenAPI31, ""},
		{[]string{"--format", "openapi3.0"}, "dev", swagger.OpenAPI30, ""},
		{[]string{"--format", "raml"}, "", "", `--format "raml": must be swagger2, openapi3 (3.1) or openapi3.0`},
	}
	for _, tt := range tests {
		var got *Options
		r := clitest.Exec(clitest.Verb(NewCmdGenerateModels, func(o *Options) error { got = o; return nil }), "", append([]string{"generate-models"}, tt.args...)...)
		if tt.wantErr != "" {
			if r.Code != cli.ExitUsage || !strings.Contains(r.Stderr, tt.wantErr) || !strings.Contains(r.Stderr, "Usage:") {
				t.Errorf("%v: code %d stderr %q", tt.args, r.Code, r.Stderr)
			}
			continue
		}
		if r.Err != nil || got == nil || got.Stage != tt.stage || got.Format != tt.format {
			t.Errorf("%v: %v %+v", tt.args, r.Err, got)
		}
	}
}
