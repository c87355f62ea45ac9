package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const testPath = "/proj/.chalice/config.json"

func TestLoadMissingConfig(t *testing.T) {
	_, err := Load(t.TempDir())
	if !errors.Is(err, ErrNoConfig) {
		t.Fatalf("err = %v, want ErrNoConfig", err)
	}
	if !strings.Contains(err.Error(), "Unable to load the project config file. Are you sure this is a chalice project?") {
		t.Errorf("message %q lacks Chalice's text", err)
	}
}

func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	// config.json is a directory: reading it fails with something other than "not found".
	if err := os.MkdirAll(filepath.Join(dir, ".chalice", "config.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil || errors.Is(err, ErrNoConfig) || !strings.HasPrefix(err.Error(), "Unable to load the project config file: ") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseBadJSON(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"syntax", "{\n  \"app_name\": \"x\",\n  \"stages\": {,}\n}", []string{"Unable to load the project config file: " + testPath, "line 3, column 14", "invalid character ','"}},
		{"truncated", "{\n  \"app_name\": \"x\"", []string{testPath, "line 2", "unexpected end of JSON input"}},
		{"trailing data", `{"app_name": "x"} {}`, []string{"line 1, column 19", "after top-level value"}},
		{"empty file", "", []string{testPath, "line 1, column 1", "unexpected end of JSON input"}},
		{"array", `["app_name"]`, []string{testPath, "must hold a JSON object, not array"}},
		{"null", `null`, []string{testPath, "must hold a JSON object, not null"}},
		{"string", `"x"`, []string{"must hold a JSON object, not string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(testPath, []byte(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			if !containsAll(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestParseBOM(t *testing.T) {
	c := mustParse(t, "\xef\xbb\xbf{\"app_name\": \"x\"}")
	if c.AppName != "x" {
		t.Errorf("AppName = %q", c.AppName)
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		data, want, err string
	}{
		{`{}`, "1.0", ""},
		{`{"version": "2.0"}`, "2.0", ""},
		{`{"version": "1.0"}`, "1.0", ""},
		{`{"version": 2.0}`, "2.0", ""},
		{`{"version": 2}`, "2", ""},
		{`{"version": null}`, "1.0", ""},
		{`{"version": "3.0"}`, "", testPath + ": Unknown version '3.0' in config.json"},
		{`{"version": 2.1}`, "", "Unknown version '2.1' in config.json"},
		{`{"version": "two"}`, "", "Unknown version 'two' in config.json"},
		{`{"version": "NaN"}`, "", "Unknown version 'NaN' in config.json"},
		{`{"version": true}`, "", `version must be a string such as "2.0", got boolean true`},
	}
	for _, tt := range tests {
		c, err := Parse(testPath, []byte(tt.data))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.data, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.data, err)
			continue
		}
		if c.Version != tt.want {
			t.Errorf("%s: Version = %q, want %q", tt.data, c.Version, tt.want)
		}
	}
}

func TestParseUnknownKeys(t *testing.T) {
	_, err := Parse(testPath, []byte(`{
		"app_name": "a",
		"lamda_timeout": 3,
		"stages": {"dev": {"enviroment_variables": {}, "lambda_functions": {"worker": {"frobnicate": 1}}}}
	}`))
	wantProblems(t, err,
		[]string{testPath + ": lamda_timeout is not a config.json key", `did you mean "lambda_timeout"?`, "keys allowed at the top level: api_gateway_custom_domain,", "stages,", "version,"},
		[]string{testPath + ": stages.dev.enviroment_variables is not a config.json key", `did you mean "environment_variables"?`, "keys allowed in stages.dev: ", "lambda_functions"},
		[]string{testPath + ": stages.dev.lambda_functions.worker.frobnicate is not a config.json key; keys allowed in stages.dev.lambda_functions.worker: async_max_event_age,", "autogen_policy,", "function_url,", "xray"},
	)
	probs := Problems(err)
	for _, p := range probs {
		if p.File != testPath {
			t.Errorf("File = %q", p.File)
		}
	}
	// The function-level list must not offer stage-only keys.
	for _, p := range probs {
		if strings.Contains(p.Error(), "frobnicate") && strings.Contains(p.Error(), "api_gateway_stage") {
			t.Errorf("function-level key list offers api_gateway_stage: %v", p)
		}
	}
	if p := probs[len(probs)-1]; p.Stage != "dev" || !reflect.DeepEqual(p.Functions, []string{"worker"}) || p.Key != "frobnicate" {
		t.Errorf("problem fields: stage %q functions %q key %q", p.Stage, p.Functions, p.Key)
	}
}

func TestParseKeysAtWrongLevel(t *testing.T) {
	_, err := Parse(testPath, []byte(`{
		"app_name": "a",
		"lambda_functions": {"worker": {"api_gateway_stage": "v1", "automatic_layer": true, "lambda_functions": {}}},
		"stages": {"dev": {
			"app_name": "b", "version": "2.0", "stages": {},
			"lambda_functions": {"api_handler": {"api_gateway_endpoint_type": "REGIONAL", "minimum_compression_size": 0, "api_type": "http"}}
		}}
	}`))
	wantProblems(t, err,
		[]string{"lambda_functions.worker.api_gateway_stage is not allowed in lambda_functions.worker: api_gateway_stage may be set at the top level or in stages.<stage>"},
		[]string{"lambda_functions.worker.automatic_layer is not allowed in lambda_functions.worker"},
		[]string{"lambda_functions.worker.lambda_functions is not allowed in lambda_functions.worker: lambda_functions cannot be nested"},
		[]string{"stages.dev.app_name is not allowed in stages.dev: app_name may be set only at the top level"},
		[]string{"stages.dev.version is not allowed in stages.dev"},
		[]string{"stages.dev.stages is not allowed in stages.dev"},
		[]string{"stages.dev.lambda_functions.api_handler.api_gateway_endpoint_type is not allowed"},
		[]string{"stages.dev.lambda_functions.api_handler.minimum_compression_size is not allowed"},
		[]string{"stages.dev.lambda_functions.api_handler.api_type is not allowed"},
	)
}

func TestParseTypeErrors(t *testing.T) {
	tests := []struct{ data, want string }{
		{`{"stages": {"dev": {"environment_variables": {"PORT": 8080}}}}`, "stages.dev.environment_variables.PORT must be a string, got number 8080"},
		{`{"environment_variables": {"DEBUG": true}}`, "environment_variables.DEBUG must be a string, got boolean true"},
		{`{"lambda_functions": {"f": {"environment_variables": {"X": null}}}}`, "lambda_functions.f.environment_variables.X must be a string, got null"},
		{`{"tags": {"team": {"a": 1}}}`, "tags.team must be a string, got object"},
		{`{"tags": ["a"]}`, "tags must be an object, got array"},
		{`{"stages": {"dev": {"lambda_timeout": "60"}}}`, `stages.dev.lambda_timeout must be a whole number, got string "60"`},
		{`{"lambda_memory_size": 1.5}`, "lambda_memory_size must be a whole number, got number 1.5"},
		{`{"reserved_concurrency": 1e20}`, "reserved_concurrency is out of range, got number 1e20"},
		{`{"log_retention_in_days": 99999999999}`, "log_retention_in_days is out of range"},
		{`{"xray": "yes"}`, `xray must be true or false, got string "yes"`},
		{`{"layers": "arn:x"}`, `layers must be a list of strings, got string "arn:x"`},
		{`{"subnet_ids": ["a", 1]}`, "subnet_ids[1] must be a string, got number 1"},
		{`{"api_gateway_endpoint_vpce": 5}`, "api_gateway_endpoint_vpce must be a string or a list of strings, got number 5"},
		{`{"api_gateway_custom_domain": "x"}`, `api_gateway_custom_domain must be an object, got string "x"`},
		{`{"api_gateway_custom_domain": {"domain_name": 1}}`, "api_gateway_custom_domain.domain_name must be a string, got number 1"},
		{`{"websocket_api_custom_domain": {"url_prefixes": ["a"]}}`, `websocket_api_custom_domain.url_prefixes is not a custom domain key (did you mean "url_prefix"?`},
		{`{"api_gateway_custom_domain": {"security_policy": "TLS 1.2"}}`, `api_gateway_custom_domain.security_policy is not a custom domain key (did you mean "tls_version"?); keys allowed in api_gateway_custom_domain: certificate_arn, domain_name, tags, tls_version, url_prefix`},
		{`{"api_gateway_custom_domain": {"tags": {"a": 2}}}`, "api_gateway_custom_domain.tags.a must be a string, got number 2"},
		{`{"stages": []}`, "stages must be an object, got array"},
		{`{"stages": {"dev": 3}}`, "stages.dev must be an object, got number 3"},
		{`{"lambda_functions": {"f": []}}`, "lambda_functions.f must be an object, got array"},
		{`{"app_name": 3}`, "app_name must be a string, got number 3"},
		{`{"stages": {"dev": {"api_gateway_stage": false}}}`, "stages.dev.api_gateway_stage must be a string, got boolean false"},
	}
	for _, tt := range tests {
		_, err := Parse(testPath, []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), testPath+": "+tt.want) {
			t.Errorf("%s:\n got %v\nwant %q", tt.data, err, tt.want)
		}
	}
}

func TestParseAllProblemsAtOnce(t *testing.T) {
	_, err := Parse(testPath, []byte(`{"version": "9", "xray": 1, "stages": {"dev": {"tags": {"a": 1, "b": 2}}}}`))
	if n := len(Problems(err)); n != 4 {
		t.Errorf("got %d problems, want 4: %v", n, err)
	}
}

func TestParseNullMeansUnset(t *testing.T) {
	c := mustParse(t, `{
		"app_name": "a", "version": null, "lambda_timeout": null, "layers": null,
		"lambda_functions": {"f": null, "g": {"lambda_timeout": null}},
		"api_gateway_custom_domain": {"domain_name": "d", "certificate_arn": "c", "tls_version": null},
		"stages": {"dev": null, "prod": {"lambda_timeout": 5}}
	}`)
	if c.Top.LambdaTimeout != nil || c.Top.Layers != nil {
		t.Errorf("null values set: %+v", c.Top)
	}
	if _, ok := c.Top.LambdaFunctions["f"]; ok {
		t.Error("null lambda_functions entry kept")
	}
	if _, ok := c.Stages["dev"]; !ok {
		t.Error("null stage dropped; it should be an empty stage")
	}
	if got := c.LambdaTimeout("dev", "g"); got != 60 {
		t.Errorf("timeout = %d", got)
	}
	if c.Top.APIGatewayCustomDomain.TLSVersion != "" {
		t.Error("tls_version null set")
	}
}

func TestParseEmptyListIsSet(t *testing.T) {
	c := mustParse(t, `{"layers": ["a"], "stages": {"dev": {"layers": []}}}`)
	fc, err := c.Function("dev", "f", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if fc.Layers == nil || len(fc.Layers) != 0 {
		t.Errorf("Layers = %#v, want empty (stage's [] overrides top)", fc.Layers)
	}
}

func TestParseWholeNumbers(t *testing.T) {
	c := mustParse(t, `{"lambda_timeout": 6e1, "lambda_memory_size": 256.0, "reserved_concurrency": -0}`)
	if *c.Top.LambdaTimeout != 60 || *c.Top.LambdaMemorySize != 256 || *c.Top.ReservedConcurrency != 0 {
		t.Errorf("%d %d %d", *c.Top.LambdaTimeout, *c.Top.LambdaMemorySize, *c.Top.ReservedConcurrency)
	}
}

func TestParseVPCEForms(t *testing.T) {
	c := mustParse(t, `{"api_gateway_endpoint_vpce": "vpce-1", "stages": {"dev": {"api_gateway_endpoint_vpce": ["vpce-2", "vpce-3"]}}}`)
	if !reflect.DeepEqual(c.Top.APIGatewayEndpointVPCE, []string{"vpce-1"}) || !c.Top.vpceString {
		t.Errorf("top %v %v", c.Top.APIGatewayEndpointVPCE, c.Top.vpceString)
	}
	if !reflect.DeepEqual(c.Stages["dev"].APIGatewayEndpointVPCE, []string{"vpce-2", "vpce-3"}) || c.Stages["dev"].vpceString {
		t.Errorf("stage %v", c.Stages["dev"].APIGatewayEndpointVPCE)
	}
}

func TestKeysAt(t *testing.T) {
	fn := KeysAt("function")
	for _, k := range fn {
		if strings.HasPrefix(k, "api_") || k == "lambda_functions" || k == "automatic_layer" || k == "minimum_compression_size" {
			t.Errorf("function level allows %s", k)
		}
	}
	if len(fn) != 25 {
		t.Errorf("function keys = %d %v", len(fn), fn)
	}
	if len(KeysAt("stage")) != 37 || len(KeysAt("top")) != 40 {
		t.Errorf("stage %d top %d", len(KeysAt("stage")), len(KeysAt("top")))
	}
}

func TestCheckStage(t *testing.T) {
	c := mustParse(t, `{"stages": {"dev": {}, "prod": {}}}`)
	// Any usable name is a stage: listed or not, as in Chalice.
	for _, stage := range []string{"prod", "dev", "qa", "feature-1_x"} {
		if err := c.CheckStage(stage); err != nil {
			t.Errorf("CheckStage(%q) = %v", stage, err)
		}
	}
	for stage, want := range map[string]string{
		"":         testPath + `: stage "": a stage name is required (the default stage is "dev")`,
		"my stage": testPath + `: stage "my stage": the stage name must contain only letters, digits, - and _`,
		"a/b":      `stage "a/b": the stage name must contain only letters`,
	} {
		err := c.CheckStage(stage)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckStage(%q) = %v, want %q", stage, err, want)
		}
		var ce *Error
		if !errors.As(err, &ce) || ce.Key != "stages" || ce.Stage != stage {
			t.Errorf("CheckStage(%q) error %#v", stage, err)
		}
	}
	if !c.HasStage("prod") || c.HasStage("qa") {
		t.Error("HasStage")
	}
}

func TestUndefinedStageNote(t *testing.T) {
	c := mustParse(t, `{"stages": {"dev": {}, "prod": {}}}`)
	for stage, want := range map[string]string{
		"prod": "",
		"dev":  "",
		"qa":   `Stage "qa" has no entry under "stages" in ` + testPath + `: it uses the top-level settings.`,
		"prdo": `Stage "prdo" has no entry under "stages" in ` + testPath + `: it uses the top-level settings. (Did you mean "prod"?)`,
		"":     "",
	} {
		if got := c.UndefinedStageNote(stage); got != want {
			t.Errorf("UndefinedStageNote(%q) = %q, want %q", stage, got, want)
		}
	}
	// dev needs no entry and gets no note.
	if got := mustParse(t, `{}`).UndefinedStageNote("dev"); got != "" {
		t.Errorf("dev: %q", got)
	}
}

func TestFileResolution(t *testing.T) {
	c := mustParse(t, `{}`)
	if got := c.File("p.json"); got != "/proj/.chalice/p.json" {
		t.Errorf("File = %q", got)
	}
	if got := c.File("/abs/p.json"); got != "/abs/p.json" {
		t.Errorf("File = %q", got)
	}
	if got := c.File("../policies/p.json"); got != "/proj/policies/p.json" {
		t.Errorf("File = %q", got)
	}
}
