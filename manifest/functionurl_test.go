package manifest

import (
	"strings"
	"testing"
)

func TestURLFrontEnd(t *testing.T) {
	cors := &CORS{AllowOrigin: "*", AllowHeaders: []string{"Content-Type"}}
	other := &CORS{AllowOrigin: "https://shop.example", AllowHeaders: []string{"Content-Type"}}
	for _, tt := range []struct {
		name     string
		routes   []Route
		methods  string
		cors     bool
		problems []string
	}{
		{"no CORS", []Route{{Path: "/", Method: "GET"}}, "", false, nil},
		{"methods sorted, OPTIONS left to the URL", []Route{{Path: "/a", Method: "POST", CORS: cors}, {Path: "/a", Method: "GET", CORS: cors},
			{Path: "/b", Method: "OPTIONS", CORS: cors}, {Path: "/c", Method: "GET", CORS: cors}, {Path: "/d", Method: "PUT"}}, "GET,POST", true, nil},
		{"different settings", []Route{{Path: "/a", Method: "GET", CORS: cors}, {Path: "/b", Method: "GET", CORS: other}}, "GET", true,
			[]string{"routes GET /a and GET /b have different CORS settings"}},
		{"authorizer and API key", []Route{{Path: "/a", Method: "GET", Authorizer: "jwt"}, {Path: "/b", Method: "POST", APIKeyRequired: true}}, "", false,
			[]string{`route GET /a uses authorizer "jwt", but a Function URL has no authorizers`, "route POST /b requires an API key"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fe := (&Manifest{Routes: tt.routes}).URLFrontEnd()
			if strings.Join(fe.Methods, ",") != tt.methods || (fe.CORS != nil) != tt.cors {
				t.Errorf("methods %v CORS %v", fe.Methods, fe.CORS)
			}
			if len(fe.Problems) != len(tt.problems) {
				t.Fatalf("problems %q, want %d", fe.Problems, len(tt.problems))
			}
			for i, p := range tt.problems {
				if !strings.Contains(fe.Problems[i], p) {
					t.Errorf("problem %d = %q, want %q", i, fe.Problems[i], p)
				}
			}
		})
	}
}
