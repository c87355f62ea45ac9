package config

import (
	"strings"
	"testing"
)

// TestRequestValidationPrecedence: api_gateway_request_validation is a
// stage-wide key, looked up stage > top > default (false).
func TestRequestValidationPrecedence(t *testing.T) {
	tests := []struct {
		name, cfg, stage string
		want             bool
	}{
		{"default off", `{"app_name": "a"}`, "dev", false},
		{"top", `{"app_name": "a", "api_gateway_request_validation": true}`, "dev", true},
		{"stage", `{"app_name": "a", "stages": {"prod": {"api_gateway_request_validation": true}}}`, "prod", true},
		{"stage without it uses the top", `{"app_name": "a", "api_gateway_request_validation": true, "stages": {"prod": {}}}`, "prod", true},
		{"stage beats top", `{"app_name": "a", "api_gateway_request_validation": true, "stages": {"dev": {"api_gateway_request_validation": false}}}`, "dev", false},
		{"other stage unaffected", `{"app_name": "a", "stages": {"prod": {"api_gateway_request_validation": true}}}`, "dev", false},
		{"null is unset", `{"app_name": "a", "api_gateway_request_validation": true, "stages": {"dev": {"api_gateway_request_validation": null}}}`, "dev", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, tt.cfg)
			sc, err := c.StageConfig(tt.stage, Overrides{})
			if err != nil {
				t.Fatal(err)
			}
			if sc.RequestValidation != tt.want {
				t.Errorf("RequestValidation = %v, want %v", sc.RequestValidation, tt.want)
			}
		})
	}
}

func TestRequestValidationParse(t *testing.T) {
	tests := []struct{ cfg, want string }{
		{`{"app_name": "a", "api_gateway_request_validation": "yes"}`, "api_gateway_request_validation must be"},
		{`{"app_name": "a", "lambda_functions": {"api_handler": {"api_gateway_request_validation": true}}}`,
			"lambda_functions.api_handler.api_gateway_request_validation is not allowed in lambda_functions.api_handler: api_gateway_request_validation may be set at the top level or in stages.<stage>"},
	}
	for _, tt := range tests {
		_, err := Parse("/p/.chalice/config.json", []byte(tt.cfg))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s) = %v, want %q", tt.cfg, err, tt.want)
		}
	}
}

// TestRequestValidationWarning: HTTP APIs have no request validation, so
// the key is ignored with a warning naming where both keys were set.
func TestRequestValidationWarning(t *testing.T) {
	tests := []struct {
		name, cfg string
		want      string // "" for no warning
	}{
		{"rest", `{"app_name": "a", "api_gateway_request_validation": true}`, ""},
		{"http without it", `{"app_name": "a", "api_type": "http"}`, ""},
		{"http, off", `{"app_name": "a", "api_type": "http", "api_gateway_request_validation": false}`, ""},
		{"http, on", `{"app_name": "a", "api_type": "http", "stages": {"dev": {"api_gateway_request_validation": true}}}`,
			`/p/.chalice/config.json: stage "dev": api_gateway_request_validation (set in stages.dev) has no effect: api_type "http" (set at the top level) deploys an API Gateway HTTP API, which does not validate requests`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("/p/.chalice/config.json", []byte(tt.cfg))
			if err != nil {
				t.Fatal(err)
			}
			got := c.RequestValidationWarning("dev", Overrides{})
			if tt.want == "" && got != "" || tt.want != "" && !strings.HasPrefix(got, tt.want) {
				t.Errorf("warning = %q, want %q", got, tt.want)
			}
		})
	}
}
