package config

import (
	"path/filepath"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	`{"version":"2.0","app_name":"x","stages":{"dev":{"api_gateway_stage":"api"}}}`,
	`{
	  "version": "2.0", "app_name": "shop", "lambda_timeout": 30, "xray": true,
	  "environment_variables": {"A": "1"}, "tags": {"team": "t"},
	  "api_gateway_endpoint_type": "PRIVATE", "api_gateway_endpoint_vpce": ["vpce-1", "vpce-2"],
	  "api_gateway_custom_domain": {"domain_name": "api.example.com", "certificate_arn": "arn:aws:acm:us-east-1:1:certificate/x", "tls_version": "TLS_1_2", "url_prefix": "v1", "tags": {"a": "b"}},
	  "websocket_api_custom_domain": {"domain_name": "ws.example.com", "certificate_arn": "arn:x"},
	  "lambda_functions": {"worker": {"lambda_memory_size": 1024, "subnet_ids": ["s"], "security_group_ids": ["g"], "layers": []}},
	  "stages": {
	    "dev": {"api_type": "http", "minimum_compression_size": 0, "log_retention_in_days": 14, "lambda_architecture": "x86_64",
	            "lambda_functions": {"api_handler": {"lambda_timeout": 11, "reserved_concurrency": 0, "environment_variables": {"B": "2"}}}},
	    "prod": {"manage_iam_role": false, "iam_role_arn": "arn:aws:iam::1:role/r", "autogen_policy": false, "iam_policy_file": "p.json",
	             "api_gateway_policy_file": "api.json", "automatic_layer": true},
	    "qa": null
	  }
	}`,
	`{"version": 2.0, "api_gateway_endpoint_vpce": "vpce-1", "stages": {"dev": {"api_gateway_endpoint_type": "REGIONAL"}}}`,
	`{"api_gateway_request_validation": true, "stages": {"dev": {"api_type": "http", "api_gateway_request_validation": 1}, "prod": {"api_gateway_request_validation": false}}}`,
	`{"version": "3.0"}`,
	`{"version": "NaN", "lamda_timeout": 3}`,
	`{"stages": {"dev": {"environment_variables": {"PORT": 8080}, "lambda_timeout": "60", "layers": ["a", 3]}}}`,
	`{"lambda_functions": {"f": {"api_gateway_stage": "x", "lambda_functions": {"g": {}}}}}`,
	`{"reserved_concurrency": 1e400, "lambda_timeout": -9223372036854775809, "lambda_memory_size": 1.5}`,
	`{"api_gateway_custom_domain": {"url_prefixes": [], "security_policy": 1, "domain_name": null}}`,
	"{\n  \"stages\": {,}\n}",
	`{"app_name": "x"} trailing`,
	`[]`, `null`, `"x"`, `1`, ``, `{`, `{"a":`, "\xef\xbb\xbf{}", `{"stages": {"dev": []}}`,
	`{"tags": {"\u0000": "\ud800"}, "environment_variables": {"": ""}}`,
	`{"app_name": "x", "cloudfront": {"static_paths": ["/s/*"], "image_paths": [], "aliases": ["a.example.com"], "certificate_arn": "arn:aws:acm:us-east-1:1:certificate/x", "default_ttl": 5, "price_class": "PriceClass_All"},
	  "stages": {"dev": {"cloudfront": {"enabled": false}}, "web": {"cloudfront": {"enabled": "x", "static_path": [1], "default_ttl": 1e99}}}}`,
}

// FuzzParse checks that Parse, and everything callable on what it returns,
// never panics and that Parse either fails or yields a usable Config.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	path := filepath.Join(dir, ".chalice", "config.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(path, data)
		if err != nil {
			if c != nil {
				t.Fatal("config returned with an error")
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			for _, p := range Problems(err) {
				if !strings.Contains(p.Error(), path) {
					t.Fatalf("problem does not name the file: %v", p)
				}
			}
			return
		}
		if c.Stages == nil {
			t.Fatal("nil Stages")
		}
		// Keep policy file names inside the temp dir: the fuzzer must not
		// make the test read arbitrary files.
		confine := func(s *Settings) {
			for _, p := range []*string{s.APIGatewayPolicyFile, s.IAMPolicyFile} {
				if p != nil && (strings.ContainsAny(*p, `/\`) || strings.Contains(*p, "..")) {
					*p = "confined.json"
				}
			}
		}
		all := []*Settings{&c.Top}
		for _, st := range c.Stages {
			all = append(all, st)
		}
		for _, s := range all {
			confine(s)
			for _, fn := range s.LambdaFunctions {
				confine(fn)
			}
		}
		stages := append(c.StageNames(), DefaultStage, "missing")
		for _, stage := range stages {
			fns := c.FunctionNames(stage)
			_ = c.Validate(stage, nil, Overrides{})
			_ = c.Validate(stage, append(fns, "api_handler"), Overrides{APIGatewayStage: "v1", AutogenPolicy: new(bool)})
			_, _ = c.StageConfig(stage, Overrides{})
			_ = c.APIGatewayStage(stage)
			_ = c.RequestValidationWarning(stage, Overrides{})
			for _, fn := range append(fns, "", "api_handler") {
				if _, err := c.Function(stage, fn, Overrides{}); err != nil && c.CheckStage(stage) == nil {
					t.Fatalf("Function(%q, %q): %v", stage, fn, err)
				}
				_ = c.EnvironmentVariables(stage, fn)
				_ = c.LambdaTimeout(stage, fn)
				_ = c.LambdaMemorySize(stage, fn)
			}
		}
	})
}
