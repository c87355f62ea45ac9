package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

var appFunctions = []string{"api_handler", "worker"}

func TestValidateValid(t *testing.T) {
	c := project(t, `{
		"version": "2.0",
		"app_name": "shop",
		"lambda_timeout": 30,
		"environment_variables": {"A": "1"},
		"lambda_functions": {"worker": {"lambda_memory_size": 1024, "reserved_concurrency": 0}},
		"stages": {
			"dev": {
				"api_gateway_stage": "api",
				"api_gateway_endpoint_type": "PRIVATE",
				"api_gateway_endpoint_vpce": ["vpce-1"],
				"minimum_compression_size": 10485760,
				"log_retention_in_days": 14,
				"lambda_architecture": "x86_64",
				"subnet_ids": ["sn-1"], "security_group_ids": ["sg-1"],
				"api_gateway_custom_domain": {"domain_name": "api.example.com", "certificate_arn": "arn:aws:acm:us-east-1:1:certificate/x", "tls_version": "TLS_1_0"},
				"lambda_functions": {"api_handler": {"lambda_timeout": 900, "lambda_memory_size": 10240}}
			},
			"beta": {"autogen_policy": false, "iam_policy_file": "beta.json", "api_type": "http"},
			"prod": {"manage_iam_role": false, "iam_role_arn": "arn:aws:iam::1:role/r", "api_gateway_endpoint_type": "PRIVATE", "api_gateway_policy_file": "api.json"}
		}
	}`, map[string]string{"beta.json": `{"Version": "2012-10-17", "Statement": []}`, "api.json": `{"Statement": []}`})
	for _, stage := range []string{"dev", "beta", "prod"} {
		if err := c.Validate(stage, appFunctions, Overrides{}); err != nil {
			t.Errorf("%s: %v", stage, err)
		}
		if err := c.Validate(stage, nil, Overrides{}); err != nil {
			t.Errorf("%s (no functions): %v", stage, err)
		}
	}
	// new-project's config.
	c = project(t, `{"version":"2.0","app_name":"x","stages":{"dev":{"api_gateway_stage":"api"}}}`, nil)
	if err := c.Validate("dev", []string{"api_handler"}, Overrides{}); err != nil {
		t.Error(err)
	}
}

func TestValidateRules(t *testing.T) {
	const f = "config.json: "
	tests := []struct {
		name      string
		cfg       string
		files     map[string]string
		stage     string
		functions []string
		o         Overrides
		want      [][]string // substrings of each expected problem
	}{
		{name: "stage not listed", cfg: `{"app_name": "a", "stages": {"dev": {}, "prod": {}}}`, stage: "qa"},
		{name: "stage not listed, top-level values checked", cfg: `{"app_name": "a", "lambda_timeout": 0, "stages": {"prod": {"lambda_timeout": 2000}}}`, stage: "qa",
			want: [][]string{{f + `lambda_timeout must be between 1 and 900`}}},
		{name: "stage not listed, autogen_policy false", cfg: `{"app_name": "a", "autogen_policy": false}`, stage: "qa",
			want: [][]string{{`stage "qa"`, "policy-qa.json"}}},
		{name: "implicit dev", cfg: `{"app_name": "a", "stages": {"prod": {}}}`, stage: "dev"},
		{name: "missing app_name", cfg: `{}`,
			want: [][]string{{f + "app_name is missing"}}},
		{name: "bad app_name", cfg: `{"app_name": "my app"}`,
			want: [][]string{{f + `app_name must contain only letters, digits, - and _`, `got "my app"`}}},
		{name: "bad stage name", cfg: `{"app_name": "a", "stages": {"my stage": {}}}`, stage: "my stage",
			want: [][]string{{f + `stage "my stage": the stage name must contain only letters`}}},
		{name: "endpoint type", cfg: `{"app_name": "a", "stages": {"dev": {"api_gateway_endpoint_type": "private"}}}`,
			want: [][]string{
				{f + `stages.dev.api_gateway_endpoint_type must be one of EDGE, REGIONAL, PRIVATE, got "private" (values are upper case: "PRIVATE")`},
			}},
		{name: "endpoint type unknown", cfg: `{"app_name": "a", "api_gateway_endpoint_type": "GLOBAL"}`,
			want: [][]string{{f + `api_gateway_endpoint_type must be one of EDGE, REGIONAL, PRIVATE, got "GLOBAL"`}}},
		{name: "vpce without PRIVATE", cfg: `{"app_name": "a", "api_gateway_endpoint_vpce": "vpce-1", "stages": {"dev": {"api_gateway_endpoint_type": "REGIONAL"}}}`,
			want: [][]string{{f + `stage "dev": api_gateway_endpoint_vpce (set at the top level) is only allowed with api_gateway_endpoint_type PRIVATE, but the endpoint type is REGIONAL (set in stages.dev)`}}},
		{name: "vpce with default EDGE", cfg: `{"app_name": "a", "stages": {"dev": {"api_gateway_endpoint_vpce": ["vpce-1"]}}}`,
			want: [][]string{{`api_gateway_endpoint_vpce (set in stages.dev) is only allowed with api_gateway_endpoint_type PRIVATE, but the endpoint type is EDGE (by default)`}}},
		{name: "PRIVATE with neither", cfg: `{"app_name": "a", "api_gateway_endpoint_type": "PRIVATE"}`,
			want: [][]string{{f + `stage "dev": api_gateway_endpoint_type PRIVATE (set at the top level) needs api_gateway_endpoint_vpce`, "or api_gateway_policy_file"}}},
		{name: "PRIVATE with both", cfg: `{"app_name": "a", "api_gateway_endpoint_type": "PRIVATE", "api_gateway_endpoint_vpce": "vpce-1", "stages": {"dev": {"api_gateway_policy_file": "p.json"}}}`,
			files: map[string]string{"p.json": `{}`},
			want:  [][]string{{f + `stage "dev": a PRIVATE endpoint takes api_gateway_endpoint_vpce (set at the top level) or api_gateway_policy_file (set in stages.dev), not both`}}},
		{name: "compression size", cfg: `{"app_name": "a", "minimum_compression_size": -1, "stages": {"dev": {"minimum_compression_size": 10485761}}}`,
			want: [][]string{
				{f + "minimum_compression_size must be between 0 and 10485760 (bytes), got -1"},
				{f + "stages.dev.minimum_compression_size must be between 0 and 10485760 (bytes), got 10485761"},
			}},
		{name: "vpc subnets without groups", cfg: `{"app_name": "a", "stages": {"dev": {"subnet_ids": ["sn-1"]}}}`, functions: appFunctions,
			want: [][]string{{f + `stage "dev", functions "api_handler", "worker": subnet_ids is set in stages.dev but security_group_ids is not set: a function in a VPC needs both, or neither`}}},
		{name: "vpc groups without subnets per function", cfg: `{"app_name": "a", "lambda_functions": {"worker": {"security_group_ids": ["sg-1"]}}}`, functions: appFunctions,
			want: [][]string{{f + `stage "dev", function "worker": security_group_ids is set in lambda_functions.worker but subnet_ids is not set`}}},
		{name: "vpc after precedence ok", cfg: `{"app_name": "a", "subnet_ids": ["sn-1"], "lambda_functions": {"worker": {"security_group_ids": ["sg-1"]}}, "stages": {"dev": {"lambda_functions": {"api_handler": {"subnet_ids": []}}}}}`, functions: appFunctions},
		{name: "vpc empty lists are unset", cfg: `{"app_name": "a", "subnet_ids": ["sn-1"], "security_group_ids": ["sg-1"], "stages": {"dev": {"lambda_functions": {"worker": {"security_group_ids": []}}}}}`, functions: appFunctions,
			want: [][]string{{`function "worker": subnet_ids is set at the top level but security_group_ids is not set`}}},
		{name: "manage_iam_role without arn", cfg: `{"app_name": "a", "stages": {"dev": {"manage_iam_role": false}}}`, functions: appFunctions,
			want: [][]string{{f + `stage "dev", functions "api_handler", "worker": manage_iam_role is false (set in stages.dev) but no iam_role_arn is set`}}},
		{name: "manage_iam_role with arn elsewhere", cfg: `{"app_name": "a", "iam_role_arn": "arn:aws:iam::1:role/r", "stages": {"dev": {"manage_iam_role": false}}}`, functions: appFunctions},
		{name: "manage_iam_role no functions", cfg: `{"app_name": "a", "manage_iam_role": false}`,
			want: [][]string{{f + `stage "dev": manage_iam_role is false (set at the top level) but no iam_role_arn is set`}}},
		{name: "env values", cfg: `{"app_name": "a"}`},
		{name: "lambda_timeout", cfg: `{"app_name": "a", "lambda_timeout": 0, "lambda_functions": {"worker": {"lambda_timeout": 901}}}`, functions: appFunctions,
			want: [][]string{
				{f + "lambda_timeout must be between 1 and 900 (seconds), got 0"},
				{f + "lambda_functions.worker.lambda_timeout must be between 1 and 900 (seconds), got 901"},
			}},
		{name: "lambda_memory_size", cfg: `{"app_name": "a", "stages": {"dev": {"lambda_functions": {"api_handler": {"lambda_memory_size": 64}}, "lambda_memory_size": 10241}}}`, functions: appFunctions,
			want: [][]string{
				{f + "stages.dev.lambda_functions.api_handler.lambda_memory_size must be between 128 and 10240 (MB), got 64"},
				{f + "stages.dev.lambda_memory_size must be between 128 and 10240 (MB), got 10241"},
			}},
		{name: "reserved_concurrency", cfg: `{"app_name": "a", "reserved_concurrency": -1}`,
			want: [][]string{{f + "reserved_concurrency must be 0 or more (0 stops all invocations), got -1"}}},
		{name: "log_retention_in_days", cfg: `{"app_name": "a", "stages": {"dev": {"log_retention_in_days": 10}}}`,
			want: [][]string{{f + "stages.dev.log_retention_in_days must be one of the values CloudWatch Logs allows: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; got 10"}}},
		{name: "lambda_architecture", cfg: `{"app_name": "a", "lambda_architecture": "amd64"}`,
			want: [][]string{{f + `lambda_architecture must be "arm64" (the default) or "x86_64", got "amd64"`}}},
		{name: "api_type", cfg: `{"app_name": "a", "stages": {"dev": {"api_type": "REST"}}}`,
			want: [][]string{{f + `stages.dev.api_type must be "rest" (API Gateway REST API, the default), "http" (API Gateway HTTP API) or "url" (a Lambda Function URL), got "REST"`}}},
		{name: "function url values", cfg: `{"app_name": "a", "function_url_auth_type": "iam", "stages": {"dev": {"function_url_invoke_mode": "response_stream", "lambda_functions": {"w": {"function_url": true}}}}}`,
			want: [][]string{
				{f + `function_url_auth_type must be "NONE" (anyone may call the URL, the default) or "AWS_IAM"`, `got "iam"`},
				{f + `stages.dev.function_url_invoke_mode must be "BUFFERED" (the default) or "RESPONSE_STREAM"`, `(values are upper case: "RESPONSE_STREAM")`},
			}},
		{name: "url front end refuses API Gateway settings", cfg: `{"app_name": "a", "api_type": "url", "api_gateway_endpoint_type": "REGIONAL", "minimum_compression_size": 10, "api_gateway_request_validation": true}`,
			want: [][]string{
				{f + `stage "dev": api_type "url" (set at the top level) cannot have api_gateway_endpoint_type (set at the top level): a Function URL is a public regional endpoint`},
				{`cannot have minimum_compression_size`, `Function URLs do not compress responses`},
				{`cannot have api_gateway_request_validation`},
			}},
		{name: "alias without versions", cfg: `{"app_name": "a", "stages": {"dev": {"lambda_functions": {"w": {"lambda_alias": "live"}}}}}`,
			want: [][]string{{f + `stage "dev", function "w": lambda_alias "live" is set in stages.dev.lambda_functions.w but publish_versions is not true`}}},
		{name: "alias name and provisioned concurrency", cfg: `{"app_name": "a", "publish_versions": true, "lambda_alias": "123", "provisioned_concurrency": 0}`,
			want: [][]string{
				{f + `lambda_alias must be 1-128 letters, digits, - and _, not all digits`, `got "123"`},
				{f + `provisioned_concurrency must be 1 or more`},
			}},
		{name: "provisioned concurrency needs an alias", cfg: `{"app_name": "a", "publish_versions": true, "provisioned_concurrency": 2}`,
			want: [][]string{{`provisioned_concurrency is set at the top level but lambda_alias is not set`}}},
		{name: "provisioned over reserved", cfg: `{"app_name": "a", "publish_versions": true, "lambda_alias": "live", "provisioned_concurrency": 5, "reserved_concurrency": 2}`,
			want: [][]string{{`provisioned_concurrency 5 (set at the top level) is more than reserved_concurrency 2 (set at the top level)`}}},
		{name: "async values", cfg: `{"app_name": "a", "async_max_retries": 3, "async_max_event_age": 30, "async_on_success": "arn:aws:dynamodb:us-west-2:123456789012:table/t", "async_on_failure": "queue"}`,
			want: [][]string{
				{f + `async_max_retries must be between 0 and 2`, `got 3`},
				{f + `async_max_event_age must be between 60 and 21600`, `got 30`},
				{f + `async_on_success must be the ARN of an SQS queue, an SNS topic, a Lambda function or an EventBridge event bus; "arn:aws:dynamodb:us-west-2:123456789012:table/t" is a dynamodb ARN`},
				{f + `async_on_failure must be the ARN of an SQS queue`, `got "queue"`},
			}},
		{name: "async destination resource kinds", cfg: `{"app_name": "a", "async_on_success": "arn:aws:lambda:us-west-2:123456789012:layer:l", "async_on_failure": "arn:aws:events:us-west-2:123456789012:rule/r"}`,
			want: [][]string{
				{`async_on_success must name a Lambda function`},
				{`async_on_failure must name an EventBridge event bus`},
			}},
		{name: "platform keys valid", cfg: `{"app_name": "a", "publish_versions": true, "lambda_alias": "live", "provisioned_concurrency": 1, "async_max_retries": 0, "async_max_event_age": 60,
			"async_on_success": "arn:aws:sqs:us-west-2:123456789012:q", "async_on_failure": "arn:aws:events:us-west-2:123456789012:event-bus/b", "api_type": "url", "function_url_auth_type": "AWS_IAM", "function_url_invoke_mode": "RESPONSE_STREAM"}`},
		{name: "http api incompatibilities", cfg: `{"app_name": "a", "api_type": "http", "api_gateway_endpoint_type": "PRIVATE", "api_gateway_policy_file": "p.json", "minimum_compression_size": 10}`,
			files: map[string]string{"p.json": `{}`},
			want: [][]string{
				{`api_type "http" (set at the top level) cannot have a PRIVATE endpoint (set at the top level)`},
				{`api_type "http" (set at the top level) cannot have api_gateway_policy_file (set at the top level)`},
				{`api_type "http" (set at the top level) cannot have minimum_compression_size (set at the top level)`},
			}},
		{name: "api_gateway_stage", cfg: `{"app_name": "a", "api_gateway_stage": "", "stages": {"dev": {"api_gateway_stage": "v 1"}}}`,
			want: [][]string{
				{f + "api_gateway_stage must not be empty"},
				{f + `stages.dev.api_gateway_stage must contain only letters, digits, - and _ (API Gateway's rule for stage names), got "v 1"`},
			}},
		{name: "api_gateway_stage from CLI", cfg: `{"app_name": "a"}`, o: Overrides{APIGatewayStage: "a/b"},
			want: [][]string{{f + `stage "dev": --api-gateway-stage must contain only letters`}}},
		{name: "custom domain missing fields", cfg: `{"app_name": "a", "api_gateway_custom_domain": {"url_prefix": "v1"}, "stages": {"dev": {"websocket_api_custom_domain": {"domain_name": "ws.example.com", "certificate_arn": "arn:x", "tls_version": "TLS1.2"}}}}`,
			want: [][]string{
				{f + "api_gateway_custom_domain.domain_name is required"},
				{f + "api_gateway_custom_domain.certificate_arn is required"},
				{f + `stages.dev.websocket_api_custom_domain.tls_version must be one of TLS_1_0, TLS_1_1, TLS_1_2 (default TLS_1_2), got "TLS1.2"`},
			}},
		{name: "edge certificate region", cfg: `{"app_name": "a", "api_gateway_custom_domain": {"domain_name": "d.example.com", "certificate_arn": "arn:aws:acm:eu-west-1:1:certificate/x"}}`,
			want: [][]string{{f + `stage "dev": api_gateway_custom_domain.certificate_arn (set at the top level) is in eu-west-1, but an EDGE endpoint (by default) needs an ACM certificate in us-east-1`}}},
		{name: "regional certificate region ok", cfg: `{"app_name": "a", "api_gateway_endpoint_type": "REGIONAL", "api_gateway_custom_domain": {"domain_name": "d.example.com", "certificate_arn": "arn:aws:acm:eu-west-1:1:certificate/x"}}`},
		{name: "policy files missing", cfg: `{"app_name": "a", "api_gateway_endpoint_type": "PRIVATE", "api_gateway_policy_file": "api.json", "lambda_functions": {"worker": {"iam_policy_file": "worker.json"}}}`, functions: appFunctions,
			want: [][]string{
				{f + "api_gateway_policy_file names ", ".chalice/api.json, which does not exist (file names are relative to "},
				{f + "lambda_functions.worker.iam_policy_file names ", ".chalice/worker.json, which does not exist"},
			}},
		{name: "policy files invalid", cfg: `{"app_name": "a", "api_gateway_policy_file": "api.json", "stages": {"dev": {"iam_policy_file": "iam.json"}}}`,
			files: map[string]string{"api.json": "{\n  \"Statement\": [,]\n}", "iam.json": `["not", "an", "object"]`},
			want: [][]string{
				{f + "api_gateway_policy_file names ", "api.json, which is not valid JSON: line 2, column 17: invalid character ','"},
				{f + "stages.dev.iam_policy_file names ", "iam.json, which must hold a JSON object (a policy document), not array"},
			}},
		{name: "policy file is a directory", cfg: `{"app_name": "a", "iam_policy_file": "dir"}`, files: map[string]string{"dir/x": ""},
			want: [][]string{{f + "iam_policy_file names ", "which cannot be read: ", "is not a regular file"}}},
		{name: "api_gateway_stage too long", cfg: `{"app_name": "a", "api_gateway_stage": "` + strings.Repeat("s", 129) + `"}`,
			want: [][]string{{f + "api_gateway_stage must be at most 128 characters, got 129"}}},
		{name: "api_gateway_stage $default", cfg: `{"app_name": "a", "api_type": "http", "api_gateway_stage": "$default"}`},
		{name: "policy file empty name", cfg: `{"app_name": "a", "iam_policy_file": ""}`,
			want: [][]string{{f + "iam_policy_file must not be empty"}}},
		{name: "default policy file for autogen false", cfg: `{"app_name": "a", "stages": {"dev": {"autogen_policy": false}}}`, functions: appFunctions,
			want: [][]string{{f + `stage "dev", functions "api_handler", "worker": autogen_policy is false (set in stages.dev) and no iam_policy_file is set, so the role's policy is read from `, ".chalice/policy-dev.json, which does not exist"}}},
		{name: "default policy file present", cfg: `{"app_name": "a", "autogen_policy": false}`, files: map[string]string{"policy-dev.json": `{}`}, functions: appFunctions},
		{name: "default policy file from CLI", cfg: `{"app_name": "a"}`, o: Overrides{AutogenPolicy: ptr(false)}, functions: appFunctions,
			want: [][]string{{`autogen_policy is false (set on the command line) and no iam_policy_file is set`}}},
		{name: "unmanaged role needs no policy", cfg: `{"app_name": "a", "autogen_policy": false, "manage_iam_role": false, "iam_role_arn": "arn:aws:iam::1:role/r"}`, functions: appFunctions},
		{name: "unknown functions", cfg: `{"app_name": "a", "lambda_functions": {"wroker": {}}, "stages": {"dev": {"lambda_functions": {"api": {}, "worker": {}}}}}`, functions: appFunctions,
			want: [][]string{
				{f + `lambda_functions.wroker configures a function the app does not have (did you mean "worker"?); the app's functions: "api_handler", "worker"`},
				{f + `stages.dev.lambda_functions.api configures a function the app does not have`, `the app's functions: "api_handler", "worker"`},
			}},
		{name: "unknown functions not checked without functions", cfg: `{"app_name": "a", "lambda_functions": {"anything": {}}}`},
		{name: "lambda name too long", cfg: `{"app_name": "a-rather-long-app-name", "stages": {"production": {}}}`, stage: "production", functions: []string{"api_handler", "a_very_long_function_name_for_tests_x"},
			want: [][]string{{f + `stage "production", function "a_very_long_function_name_for_tests_x": the Lambda function name "a-rather-long-app-name-production-a_very_long_function_name_for_tests_x" is 71 characters; AWS allows 64`}}},
		{name: "other stages not validated", cfg: `{"app_name": "a", "stages": {"dev": {}, "prod": {"lambda_timeout": 0}}}`},
		{name: "all problems at once", cfg: `{"app_name": "a", "lambda_timeout": 0, "lambda_memory_size": 1, "reserved_concurrency": -5, "stages": {"dev": {"manage_iam_role": false}}}`, functions: []string{"api_handler"},
			want: [][]string{{"lambda_timeout must be"}, {"lambda_memory_size must be"}, {"reserved_concurrency must be"}, {"manage_iam_role is false"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := project(t, tt.cfg, tt.files)
			stage := tt.stage
			if stage == "" {
				stage = "dev"
			}
			err := c.Validate(stage, tt.functions, tt.o)
			wantProblems(t, err, tt.want...)
			for _, p := range Problems(err) {
				if p.File != c.Path || !strings.HasPrefix(p.Error(), c.Path+": ") {
					t.Errorf("problem does not name the file: %v", p)
				}
				if p.Key == "" {
					t.Errorf("problem has no key: %v", p)
				}
			}
		})
	}
}

func TestValidateProblemFields(t *testing.T) {
	c := project(t, `{"app_name": "a", "stages": {"dev": {"lambda_functions": {"worker": {"lambda_timeout": 0}}, "subnet_ids": ["s"]}}}`, nil)
	probs := Problems(c.Validate("dev", []string{"worker"}, Overrides{}))
	if len(probs) != 2 {
		t.Fatalf("%d problems: %v", len(probs), probs)
	}
	p := probs[0]
	if p.Path != "stages.dev.lambda_functions.worker.lambda_timeout" || p.Stage != "dev" || !reflect.DeepEqual(p.Functions, []string{"worker"}) || p.Key != "lambda_timeout" {
		t.Errorf("level problem: %+v", p)
	}
	p = probs[1]
	if p.Path != "" || p.Stage != "dev" || !reflect.DeepEqual(p.Functions, []string{"worker"}) || p.Key != "security_group_ids" {
		t.Errorf("resolved problem: %+v", p)
	}
}

// Parse-time problems (the brief's "unknown keys", "keys not allowed at a
// level", "values that are not strings", "version", "bad JSON") are
// covered in parse_test.go; this checks they name file and key together.
func TestParseProblemsNameFileAndKey(t *testing.T) {
	_, err := Parse(testPath, []byte(`{"stages": {"dev": {"environment_variables": {"PORT": 8080}, "lambda_functions": {"f": {"api_gateway_stage": "x"}}}}}`))
	for _, p := range Problems(err) {
		if p.File != testPath || p.Key == "" || p.Stage != "dev" {
			t.Errorf("%+v", p)
		}
	}
	if len(Problems(err)) != 2 {
		t.Errorf("%v", err)
	}
}

func TestProblemsUnwrapsWrapped(t *testing.T) {
	_, err := Parse(testPath, []byte(`{"xray": 1, "tags": []}`))
	wrapped := fmt.Errorf("deploy: %w", err)
	if n := len(Problems(wrapped)); n != 2 {
		t.Errorf("Problems(wrapped) = %d", n)
	}
	if Problems(nil) != nil || Problems(errors.New("x")) != nil {
		t.Error("Problems of non-config errors")
	}
	var e *Error
	if !errors.As(wrapped, &e) || e.Key != "tags" {
		t.Errorf("errors.As: %+v", e)
	}
}
