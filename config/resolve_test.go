package config

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestFunctionDefaults(t *testing.T) {
	old := Version
	Version = "1.2.3"
	defer func() { Version = old }()
	c := mustParse(t, `{"app_name": "demo"}`)
	fc, err := c.Function("dev", "api_handler", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	want := &FunctionConfig{
		Name:                 "api_handler",
		EnvironmentVariables: map[string]string{},
		Tags:                 map[string]string{"aws-chalice": "version=1.2.3:stage=dev:app=demo"},
		Timeout:              60,
		MemorySize:           128,
		Architecture:         "arm64",
		ManageIAMRole:        true,
		AutogenPolicy:        true,
		URLAuthType:          "NONE",
		URLInvokeMode:        "BUFFERED",
	}
	if !reflect.DeepEqual(fc, want) {
		t.Errorf("got  %+v\nwant %+v", fc, want)
	}
}

func TestStageDefaults(t *testing.T) {
	c := mustParse(t, `{"app_name": "demo"}`)
	sc, err := c.StageConfig("dev", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	want := &StageConfig{Name: "dev", AppName: "demo", APIGatewayStage: "api", APIType: "rest", EndpointType: "EDGE", Tags: map[string]string{}}
	if !reflect.DeepEqual(sc, want) {
		t.Errorf("got  %+v\nwant %+v", sc, want)
	}
}

// TestUndefinedStage: a stage config.json does not list uses the
// top-level settings and the defaults, as Chalice's _chain_lookup does
// with an empty stage dict.
func TestUndefinedStage(t *testing.T) {
	c := mustParse(t, `{"app_name": "demo", "lambda_timeout": 30, "autogen_policy": true, "automatic_layer": true,
	  "environment_variables": {"A": "top"}, "tags": {"team": "web"}, "api_gateway_endpoint_type": "REGIONAL",
	  "lambda_functions": {"worker": {"lambda_memory_size": 512}},
	  "stages": {"prod": {"api_gateway_stage": "v1", "lambda_timeout": 5, "environment_variables": {"A": "prod"}}}}`)
	sc, err := c.StageConfig("qa", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	want := &StageConfig{Name: "qa", AppName: "demo", APIGatewayStage: "api", APIType: "rest", EndpointType: "REGIONAL",
		AutomaticLayer: true, Tags: map[string]string{"team": "web"}}
	if !reflect.DeepEqual(sc, want) {
		t.Errorf("StageConfig(qa)\n got %+v\nwant %+v", sc, want)
	}
	fc, err := c.Function("qa", "worker", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if fc.Timeout != 30 || fc.MemorySize != 512 || !fc.AutogenPolicy || fc.EnvironmentVariables["A"] != "top" ||
		fc.Tags["aws-chalice"] != ChaliceTag("qa", "demo") || fc.Tags["team"] != "web" {
		t.Errorf("Function(qa, worker) = %+v", fc)
	}
	if got := c.APIGatewayStage("qa"); got != "api" {
		t.Errorf("APIGatewayStage(qa) = %q", got)
	}
	// The command line still wins.
	sc, err = c.StageConfig("qa", Overrides{APIGatewayStage: "beta"})
	if err != nil || sc.APIGatewayStage != "beta" {
		t.Errorf("--api-gateway-stage: %v %v", sc, err)
	}
	if err := c.Validate("qa", []string{"api_handler", "worker"}, Overrides{}); err != nil {
		t.Errorf("Validate(qa) = %v", err)
	}
	if _, err := c.Function("dev", "f", Overrides{}); err != nil {
		t.Errorf("implicit dev: %v", err)
	}
	if _, err := c.StageConfig("no stage", Overrides{}); err == nil {
		t.Error("StageConfig accepted an unusable stage name")
	}
}

// TestFunctionPrecedence: stage.lambda_functions.fn > CLI > stage > top
// lambda_functions.fn > top > default, one key at a time.
func TestFunctionPrecedence(t *testing.T) {
	type levels struct{ stageFn, stage, topFn, top string } // JSON members, "" = absent
	cfg := func(l levels) string {
		obj := func(s string) string { return "{" + s + "}" }
		return `{"app_name": "a",` + l.top + sep(l.top) +
			`"lambda_functions": {"f": ` + obj(l.topFn) + `},` +
			`"stages": {"dev": {` + l.stage + sep(l.stage) + `"lambda_functions": {"f": ` + obj(l.stageFn) + `}}}}`
	}
	tests := []struct {
		name string
		l    levels
		o    Overrides
		get  func(*FunctionConfig) any
		want any
	}{
		// Chalice's verified case: stage-fn 11 beats CLI 9 beats stage 7.
		{"timeout stage-fn wins", levels{`"lambda_timeout": 11`, `"lambda_timeout": 7`, `"lambda_timeout": 5`, `"lambda_timeout": 3`}, Overrides{}, func(f *FunctionConfig) any { return f.Timeout }, 11},
		{"timeout stage over top-fn", levels{"", `"lambda_timeout": 7`, `"lambda_timeout": 5`, `"lambda_timeout": 3`}, Overrides{}, func(f *FunctionConfig) any { return f.Timeout }, 7},
		{"timeout top-fn over top", levels{"", "", `"lambda_timeout": 5`, `"lambda_timeout": 3`}, Overrides{}, func(f *FunctionConfig) any { return f.Timeout }, 5},
		{"timeout top", levels{"", "", "", `"lambda_timeout": 3`}, Overrides{}, func(f *FunctionConfig) any { return f.Timeout }, 3},
		{"timeout default", levels{}, Overrides{}, func(f *FunctionConfig) any { return f.Timeout }, 60},
		{"autogen stage-fn beats CLI", levels{`"autogen_policy": true`, `"autogen_policy": true`, "", ""}, Overrides{AutogenPolicy: ptr(false)}, func(f *FunctionConfig) any { return f.AutogenPolicy }, true},
		{"autogen CLI beats stage", levels{"", `"autogen_policy": true`, `"autogen_policy": true`, `"autogen_policy": true`}, Overrides{AutogenPolicy: ptr(false)}, func(f *FunctionConfig) any { return f.AutogenPolicy }, false},
		{"autogen stage", levels{"", `"autogen_policy": false`, `"autogen_policy": true`, ""}, Overrides{}, func(f *FunctionConfig) any { return f.AutogenPolicy }, false},
		{"autogen default", levels{}, Overrides{}, func(f *FunctionConfig) any { return f.AutogenPolicy }, true},
		{"memory", levels{"", `"lambda_memory_size": 512`, `"lambda_memory_size": 256`, ""}, Overrides{}, func(f *FunctionConfig) any { return f.MemorySize }, 512},
		{"architecture", levels{"", "", `"lambda_architecture": "x86_64"`, `"lambda_architecture": "arm64"`}, Overrides{}, func(f *FunctionConfig) any { return f.Architecture }, "x86_64"},
		{"manage role", levels{`"manage_iam_role": false`, `"manage_iam_role": true`, "", ""}, Overrides{}, func(f *FunctionConfig) any { return f.ManageIAMRole }, false},
		{"role arn", levels{"", `"iam_role_arn": "arn:stage"`, "", `"iam_role_arn": "arn:top"`}, Overrides{}, func(f *FunctionConfig) any { return f.IAMRoleARN }, "arn:stage"},
		{"iam policy file", levels{`"iam_policy_file": "fn.json"`, `"iam_policy_file": "stage.json"`, "", ""}, Overrides{}, func(f *FunctionConfig) any { return f.IAMPolicyFile }, "fn.json"},
		{"layers", levels{"", `"layers": ["s"]`, `"layers": ["tf"]`, `"layers": ["t"]`}, Overrides{}, func(f *FunctionConfig) any { return f.Layers }, []string{"s"}},
		{"layers empty list wins", levels{`"layers": []`, `"layers": ["s"]`, "", ""}, Overrides{}, func(f *FunctionConfig) any { return f.Layers }, []string{}},
		{"layers unset", levels{}, Overrides{}, func(f *FunctionConfig) any { return f.Layers }, []string(nil)},
		{"reserved concurrency", levels{"", "", `"reserved_concurrency": 0`, `"reserved_concurrency": 5`}, Overrides{}, func(f *FunctionConfig) any { return *f.ReservedConcurrency }, 0},
		{"reserved concurrency unset", levels{}, Overrides{}, func(f *FunctionConfig) any { return f.ReservedConcurrency }, (*int)(nil)},
		{"log retention", levels{`"log_retention_in_days": 7`, "", "", `"log_retention_in_days": 14`}, Overrides{}, func(f *FunctionConfig) any { return *f.LogRetentionInDays }, 7},
		{"subnets", levels{"", `"subnet_ids": ["sn-1"]`, "", ""}, Overrides{}, func(f *FunctionConfig) any { return f.SubnetIDs }, []string{"sn-1"}},
		{"security groups", levels{"", "", `"security_group_ids": ["sg-1"]`, ""}, Overrides{}, func(f *FunctionConfig) any { return f.SecurityGroupIDs }, []string{"sg-1"}},
		{"xray", levels{"", `"xray": false`, "", `"xray": true`}, Overrides{}, func(f *FunctionConfig) any { return f.XRay }, false},
		{"xray top", levels{"", "", "", `"xray": true`}, Overrides{}, func(f *FunctionConfig) any { return f.XRay }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, cfg(tt.l))
			fc, err := c.Function("dev", "f", tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.get(fc); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func sep(s string) string {
	if s == "" {
		return ""
	}
	return ","
}

// The function levels only apply to their function and stage.
func TestFunctionLevelsAreScoped(t *testing.T) {
	c := mustParse(t, `{
		"lambda_timeout": 3,
		"lambda_functions": {"f": {"lambda_timeout": 5}},
		"stages": {"dev": {"lambda_functions": {"g": {"lambda_timeout": 9}}}, "prod": {"lambda_timeout": 30}}
	}`)
	for _, tt := range []struct {
		stage, fn string
		want      int
	}{
		{"dev", "f", 5}, {"dev", "g", 9}, {"dev", "h", 3}, {"prod", "f", 30}, {"prod", "g", 30}, {"dev", "", 3},
	} {
		fc, err := c.Function(tt.stage, tt.fn, Overrides{})
		if err != nil {
			t.Fatal(err)
		}
		if fc.Timeout != tt.want {
			t.Errorf("%s/%s: timeout %d, want %d", tt.stage, tt.fn, fc.Timeout, tt.want)
		}
		if got := c.LambdaTimeout(tt.stage, tt.fn); got != tt.want {
			t.Errorf("LambdaTimeout(%s, %s) = %d, want %d", tt.stage, tt.fn, got, tt.want)
		}
	}
}

func TestMergedMaps(t *testing.T) {
	old := Version
	Version = "9.9.9"
	defer func() { Version = old }()
	c := mustParse(t, `{
		"app_name": "shop",
		"environment_variables": {"A": "top", "B": "top", "C": "top", "D": "top", "TOP": "1"},
		"tags": {"owner": "top", "cost": "top", "aws-chalice": "user"},
		"lambda_functions": {"f": {
			"environment_variables": {"A": "top-fn", "B": "top-fn", "C": "top-fn", "TOPFN": "1"},
			"tags": {"cost": "top-fn"}
		}},
		"stages": {"dev": {
			"environment_variables": {"A": "stage", "B": "stage", "STAGE": "1"},
			"tags": {"owner": "stage"},
			"lambda_functions": {"f": {"environment_variables": {"A": "stage-fn", "FN": "1"}, "tags": {"fn": "yes"}}}
		}}
	}`)
	fc, err := c.Function("dev", "f", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	wantEnv := map[string]string{"A": "stage-fn", "B": "stage", "C": "top-fn", "D": "top", "TOP": "1", "TOPFN": "1", "STAGE": "1", "FN": "1"}
	if !reflect.DeepEqual(fc.EnvironmentVariables, wantEnv) {
		t.Errorf("env = %v\nwant %v", fc.EnvironmentVariables, wantEnv)
	}
	if got := c.EnvironmentVariables("dev", "f"); !reflect.DeepEqual(got, wantEnv) {
		t.Errorf("EnvironmentVariables = %v", got)
	}
	wantTags := map[string]string{"owner": "stage", "cost": "top-fn", "fn": "yes", "aws-chalice": "version=9.9.9:stage=dev:app=shop"}
	if !reflect.DeepEqual(fc.Tags, wantTags) {
		t.Errorf("tags = %v\nwant %v", fc.Tags, wantTags)
	}
	// Another function sees neither f's entries.
	g, _ := c.Function("dev", "g", Overrides{})
	if want := map[string]string{"A": "stage", "B": "stage", "C": "top", "D": "top", "TOP": "1", "STAGE": "1"}; !reflect.DeepEqual(g.EnvironmentVariables, want) {
		t.Errorf("g env = %v", g.EnvironmentVariables)
	}
	// The stage's merged tags are top <- stage, without the function tag.
	sc, _ := c.StageConfig("dev", Overrides{})
	if want := map[string]string{"owner": "stage", "cost": "top", "aws-chalice": "user"}; !reflect.DeepEqual(sc.Tags, want) {
		t.Errorf("stage tags = %v", sc.Tags)
	}
	// Results are copies.
	fc.EnvironmentVariables["A"] = "changed"
	if c.EnvironmentVariables("dev", "f")["A"] != "stage-fn" {
		t.Error("Function result aliases the config")
	}
}

func TestStagePrecedence(t *testing.T) {
	c := mustParse(t, `{
		"app_name": "a",
		"api_gateway_stage": "top", "api_type": "http", "api_gateway_endpoint_type": "REGIONAL",
		"minimum_compression_size": 100, "xray": true, "automatic_layer": true,
		"api_gateway_custom_domain": {"domain_name": "top.example.com", "certificate_arn": "arn:top"},
		"stages": {
			"dev": {"api_gateway_stage": "stage", "minimum_compression_size": 0, "xray": false,
				"websocket_api_custom_domain": {"domain_name": "ws.example.com", "certificate_arn": "arn:ws", "tls_version": "TLS_1_0", "url_prefix": "v1", "tags": {"k": "v"}},
				"lambda_functions": {"api_handler": {"xray": true}}},
			"prod": {}
		}
	}`)
	sc, err := c.StageConfig("dev", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if sc.APIGatewayStage != "stage" || sc.APIType != "http" || sc.EndpointType != "REGIONAL" || *sc.MinimumCompressionSize != 0 || sc.XRay || !sc.AutomaticLayer {
		t.Errorf("dev: %+v", sc)
	}
	if want := (&CustomDomain{DomainName: "top.example.com", CertificateARN: "arn:top", TLSVersion: "TLS_1_2"}); !reflect.DeepEqual(sc.APICustomDomain, want) {
		t.Errorf("api domain %+v", sc.APICustomDomain)
	}
	if want := (&CustomDomain{DomainName: "ws.example.com", CertificateARN: "arn:ws", TLSVersion: "TLS_1_0", URLPrefix: "v1", Tags: map[string]string{"k": "v"}}); !reflect.DeepEqual(sc.WebsocketCustomDomain, want) {
		t.Errorf("ws domain %+v", sc.WebsocketCustomDomain)
	}
	// The default is filled in a copy, not in the config.
	if c.Top.APIGatewayCustomDomain.TLSVersion != "" {
		t.Error("default written into the config")
	}
	sc, _ = c.StageConfig("dev", Overrides{APIGatewayStage: "cli"})
	if sc.APIGatewayStage != "cli" {
		t.Errorf("CLI api_gateway_stage: %q", sc.APIGatewayStage)
	}
	sc, _ = c.StageConfig("prod", Overrides{})
	if sc.APIGatewayStage != "top" || *sc.MinimumCompressionSize != 100 || !sc.XRay || sc.WebsocketCustomDomain != nil {
		t.Errorf("prod: %+v", sc)
	}
	if got := c.APIGatewayStage("prod"); got != "top" {
		t.Errorf("APIGatewayStage = %q", got)
	}
	if got := c.APIGatewayStage("dev"); got != "stage" {
		t.Errorf("APIGatewayStage = %q", got)
	}
	if got := mustParse(t, `{}`).APIGatewayStage("dev"); got != "api" {
		t.Errorf("APIGatewayStage default = %q", got)
	}
}

func TestEndpointVPCEsAndDefaultPolicy(t *testing.T) {
	tests := []struct {
		name, cfg  string
		wantVPCEs  []string
		wantPolicy string
	}{
		{"string", `{"api_gateway_endpoint_type": "PRIVATE", "api_gateway_endpoint_vpce": "vpce-1"}`, []string{"vpce-1"},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:*:execute-api:*:*:*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}`},
		{"list", `{"stages": {"dev": {"api_gateway_endpoint_type": "PRIVATE", "api_gateway_endpoint_vpce": ["vpce-1", "vpce-2"]}}}`, []string{"vpce-1", "vpce-2"},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:*:execute-api:*:*:*","Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}}]}`},
		{"stage overrides top", `{"api_gateway_endpoint_vpce": "vpce-top", "stages": {"dev": {"api_gateway_endpoint_vpce": ["vpce-dev"]}}}`, []string{"vpce-dev"}, ``},
		{"private without vpce", `{"api_gateway_endpoint_type": "PRIVATE"}`, nil, ``},
		{"regional", `{"api_gateway_endpoint_type": "REGIONAL"}`, nil, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := mustParse(t, tt.cfg).StageConfig("dev", Overrides{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sc.EndpointVPCEs, tt.wantVPCEs) {
				t.Errorf("VPCEs = %v", sc.EndpointVPCEs)
			}
			if string(sc.APIPolicy) != tt.wantPolicy {
				t.Errorf("policy = %s\nwant     %s", sc.APIPolicy, tt.wantPolicy)
			}
		})
	}
}

func TestAPIPolicyFromFile(t *testing.T) {
	c := project(t, `{"stages": {"dev": {"api_gateway_endpoint_type": "PRIVATE", "api_gateway_policy_file": "api-policy.json"}}}`,
		map[string]string{"api-policy.json": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}\n"})
	sc, err := c.StageConfig("dev", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if sc.APIPolicyFile != "api-policy.json" || string(sc.APIPolicy) != `{"Version":"2012-10-17","Statement":[]}` {
		t.Errorf("file %q policy %s", sc.APIPolicyFile, sc.APIPolicy)
	}
	if !json.Valid(sc.APIPolicy) {
		t.Error("invalid JSON")
	}

	// A missing file is an error naming the key and the resolved path.
	c = project(t, `{"api_gateway_policy_file": "nope.json"}`, nil)
	_, err = c.StageConfig("dev", Overrides{})
	if err == nil || !containsAll(err.Error(), []string{"config.json: api_gateway_policy_file names ", ".chalice/nope.json, which does not exist"}) {
		t.Errorf("err = %v", err)
	}
}

func TestFunctionResultsAreCopies(t *testing.T) {
	c := mustParse(t, `{"layers": ["a"], "subnet_ids": ["s"], "security_group_ids": ["g"], "reserved_concurrency": 1}`)
	fc, _ := c.Function("dev", "f", Overrides{})
	fc.Layers[0], fc.SubnetIDs[0], fc.SecurityGroupIDs[0] = "x", "x", "x"
	*fc.ReservedConcurrency = 9
	if c.Top.Layers[0] != "a" || c.Top.SubnetIDs[0] != "s" || c.Top.SecurityGroupIDs[0] != "g" || *c.Top.ReservedConcurrency != 1 {
		t.Error("Function result aliases the config")
	}
}
