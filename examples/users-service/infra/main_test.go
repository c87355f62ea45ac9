package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// Note: the jsii kernel (node) starts while Go packages initialise, so
// JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 has to be in the
// environment of `go test` to silence Node 20's end-of-life banner.

var environments = []struct{ stack, account, region string }{
	{"WebApiDev", "111111111111", "us-west-2"},
	{"WebApiProdEuWest1", "123456789012", "eu-west-1"},
	{"WebApiProdUsEast1", "123456789012", "us-east-1"},
}

// TestSynth synthesizes the users service (three stacks) as `cdk synth`
// would, checks each template, runs cfn-lint on them, and synthesizes a
// second time to check the output is stable.
func TestSynth(t *testing.T) {
	requireTool(t, "node", "aws-cdk-go runs the CDK through jsii on Node.js")
	// Offline: the dev stack falls back to its fixed account and region.
	t.Setenv("CDK_DEFAULT_ACCOUNT", "")
	t.Setenv("CDK_DEFAULT_REGION", "")

	out1, d1 := synth(t)
	t.Logf("synth of 3 stacks (packaging web-api 3 times), first in this process: %v", d1)
	for _, e := range environments {
		t.Run(e.stack, func(t *testing.T) { checkStack(t, out1, e.stack, e.account, e.region) })
	}
	checkManifest(t, out1)

	var templates []string
	for _, e := range environments {
		templates = append(templates, filepath.Join(out1, e.stack+".template.json"))
	}
	cfnLint(t, templates...)

	out2, d2 := synth(t)
	t.Logf("synth of 3 stacks, second in this process: %v", d2)
	for _, e := range environments {
		a, _ := os.ReadFile(filepath.Join(out1, e.stack+".template.json"))
		b, _ := os.ReadFile(filepath.Join(out2, e.stack+".template.json"))
		if string(a) != string(b) {
			t.Errorf("%s: the template differs between two synths", e.stack)
		}
	}
}

func synth(t *testing.T) (string, time.Duration) {
	t.Helper()
	out := t.TempDir()
	start := time.Now()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	stacks := defineStacks(app)
	app.Synth(nil)
	d := time.Since(start)
	if len(stacks) != 3 {
		t.Fatalf("%d stacks", len(stacks))
	}
	return out, d
}

func checkStack(t *testing.T, out, stack, account, region string) {
	tpl := readJSON(t, filepath.Join(out, stack+".template.json"))
	res, _ := get(tpl, "Resources").(map[string]any)
	byType := map[string][]string{}
	for id, r := range res {
		typ, _ := get(r, "Type").(string)
		byType[typ] = append(byType[typ], id)
	}
	one := func(typ string) string {
		if len(byType[typ]) != 1 {
			t.Fatalf("%d resources of type %s, want 1 (%v)", len(byType[typ]), typ, byType)
		}
		return byType[typ][0]
	}
	table, role, policy := one("AWS::DynamoDB::Table"), one("AWS::IAM::Role"), one("AWS::IAM::Policy")
	one("AWS::Serverless::Function")
	one("AWS::Serverless::Api")
	if !strings.HasPrefix(table, "UsersTable") || !strings.HasPrefix(role, "ApiHandlerLambdaRole") {
		t.Errorf("table %s, role %s", table, role)
	}
	if get(tpl, "Transform") != "AWS::Serverless-2016-10-31" {
		t.Errorf("Transform = %v", get(tpl, "Transform"))
	}

	fn := get(res, "APIHandler", "Properties")
	code := get(fn, "CodeUri")
	key, _ := get(code, "Key").(string)
	for _, c := range []struct {
		what string
		got  any
		want string
	}{
		{"table key schema", get(res, table, "Properties", "KeySchema"), `[{"AttributeName":"username","KeyType":"HASH"}]`},
		{"table attributes", get(res, table, "Properties", "AttributeDefinitions"), `[{"AttributeName":"username","AttributeType":"S"}]`},
		{"role trust", get(res, role, "Properties", "AssumeRolePolicyDocument", "Statement", 0, "Principal"), `{"Service":"lambda.amazonaws.com"}`},
		{"policy attached to the role", get(res, policy, "Properties", "Roles"), `[{"Ref":"` + role + `"}]`},
		{"policy resource", get(res, policy, "Properties", "PolicyDocument", "Statement", 0, "Resource"), `[{"Fn::GetAtt":["` + table + `","Arn"]}]`},
		{"function role (injected ARN)", get(fn, "Role"), `{"Fn::GetAtt":["` + role + `","Arn"]}`},
		{"function table name (token)", get(fn, "Environment", "Variables", "DYNAMODB_TABLE_NAME"), `{"Ref":"` + table + `"}`},
		{"function memory", get(fn, "MemorySize"), `128`},
		{"function timeout", get(fn, "Timeout"), `10`},
		{"function code bucket", get(code, "Bucket"), `"cdk-hnb659fds-assets-` + account + `-` + region + `"`},
		{"API stage", get(res, "RestAPI", "Properties", "StageName"), `"v1"`},
		{"API tracing (GetResource customisation)", get(res, "RestAPI", "Properties", "TracingEnabled"), `true`},
		{"output UsersTableName", get(tpl, "Outputs", "UsersTableName", "Value"), `{"Ref":"` + table + `"}`},
		{"output EndpointURL", get(tpl, "Outputs", "EndpointURL", "Value"), `{"Fn::Sub":"https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/v1/"}`},
	} {
		if got := asJSON(c.got); got != c.want {
			t.Errorf("%s = %s, want %s", c.what, got, c.want)
		}
	}
	actions := asJSON(get(res, policy, "Properties", "PolicyDocument", "Statement", 0, "Action"))
	for _, a := range []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} {
		if !strings.Contains(actions, `"`+a+`"`) {
			t.Errorf("policy lacks %s: %s", a, actions)
		}
	}
	if _, ok := res["DefaultRole"]; ok {
		t.Error("manage_iam_role false, but the app's DefaultRole is in the template")
	}
	// deployment.zip is a file asset of the stack, staged in the assembly.
	if !strings.HasSuffix(key, ".zip") {
		t.Fatalf("CodeUri = %s", asJSON(code))
	}
	if _, err := os.Stat(filepath.Join(out, "asset."+key)); err != nil {
		t.Errorf("deployment.zip asset: %v", err)
	}
	assets := readJSON(t, filepath.Join(out, stack+".assets.json"))
	found := false
	for _, a := range get(assets, "files").(map[string]any) {
		if get(a, "source", "path") == "asset."+key && get(a, "source", "packaging") == "file" {
			found = true
		}
	}
	if !found {
		t.Errorf("%s.assets.json has no file asset asset.%s: %s", stack, key, asJSON(assets))
	}
}

func checkManifest(t *testing.T, out string) {
	m := readJSON(t, filepath.Join(out, "manifest.json"))
	var stacks []string
	for id, a := range get(m, "artifacts").(map[string]any) {
		if get(a, "type") == "aws:cloudformation:stack" {
			stacks = append(stacks, id+"@"+fmt.Sprint(get(a, "environment")))
		}
	}
	slices.Sort(stacks)
	want := []string{
		"WebApiDev@aws://111111111111/us-west-2",
		"WebApiProdEuWest1@aws://123456789012/eu-west-1",
		"WebApiProdUsEast1@aws://123456789012/us-east-1",
	}
	if !slices.Equal(stacks, want) {
		t.Errorf("stacks %v, want %v", stacks, want)
	}
}

func TestEnvOr(t *testing.T) {
	t.Setenv("INFRA_TEST_X", "")
	if envOr("INFRA_TEST_X", "d") != "d" {
		t.Error("empty variable: want the default")
	}
	t.Setenv("INFRA_TEST_X", "v")
	if envOr("INFRA_TEST_X", "d") != "v" {
		t.Error("set variable: want its value")
	}
}

// requireTool skips the test when a tool is missing, or fails it when
// GOCHALICE_REQUIRE_TOOLS=1 (CI).
func requireTool(t *testing.T, name, why string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		msg := fmt.Sprintf("%s is not on PATH (%s)", name, why)
		if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg + "; GOCHALICE_REQUIRE_TOOLS=1 requires it")
		}
		t.Skip(msg + "; skipping (set GOCHALICE_REQUIRE_TOOLS=1 to make this a failure)")
	}
	return p
}

// cfnLint runs cfn-lint on templates and fails on any error.
func cfnLint(t *testing.T, templates ...string) {
	t.Helper()
	bin := requireTool(t, "cfn-lint", "the real, Python cfn-lint validates the synthesized templates")
	start := time.Now()
	out, err := exec.Command(bin, append([]string{"--format", "json"}, templates...)...).Output()
	var findings []struct {
		Level, Message, Filename string
		Rule                     struct{ Id string }
	}
	if jerr := json.Unmarshal(out, &findings); jerr != nil {
		t.Fatalf("cfn-lint: %v (output: %s)", err, out)
	}
	errs := 0
	for _, f := range findings {
		t.Logf("cfn-lint %s %s %s: %s", f.Level, f.Rule.Id, filepath.Base(f.Filename), f.Message)
		if f.Level == "Error" {
			errs++
		}
	}
	if errs > 0 {
		t.Fatalf("cfn-lint found %d errors", errs)
	}
	t.Logf("cfn-lint: 0 errors, %d findings in %d templates (%v)", len(findings), len(templates), time.Since(start).Round(time.Millisecond))
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// get walks a JSON value along keys (strings for objects, ints for arrays).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
