package manifest

import (
	"strings"
	"testing"
)

func TestCheckIdentitySource(t *testing.T) {
	tests := []struct {
		expr    string
		wantErr string // "" for valid
	}{
		{"$request.header.Authorization", ""},
		{"$request.header.X-Api-Token", ""},
		{"$request.querystring.token", ""},
		{"$context.identity.sourceIp", ""},
		{"$stageVariables.secret", ""},
		{"$request.header.", "names nothing"},
		{"$context.", "names nothing"},
		{"$request.header.A,B", `may not contain ","`},
		{"$request.header.A B", `may not contain " "`},
		{"$request.querystring.a$b", `may not contain "$"`},
		{"$request.header.X\tY", `may not contain "\t"`},
		{"request.header.Authorization", "want $request.header.NAME"},
		{"method.request.header.Authorization", "want $request.header.NAME"},
		{"$request.path.id", "want $request.header.NAME"},
		{"", "want $request.header.NAME"},
	}
	for _, tt := range tests {
		err := CheckIdentitySource(tt.expr)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("CheckIdentitySource(%q) = %v, want nil", tt.expr, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("CheckIdentitySource(%q) = %v, want an error containing %q", tt.expr, err, tt.wantErr)
		}
	}
}
