package cdk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssam"
	"github.com/aws/jsii-runtime-go"

	"github.com/gochalice/chalice/cdk"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/packager"
)

const tokenLike = "${Token[TOKEN.4242]}"

func TestMergeStageConfig(t *testing.T) {
	dir := copyApp(t, "hello")
	cfgPath := filepath.Join(dir, ".chalice", "config.json")
	before, _ := os.ReadFile(cfgPath)

	merged, app, err := cdk.MergeStageConfig(dir, "HelloStack", map[string]any{
		"api_gateway_stage": jsii.String("v1"),
		"lambda_functions": map[string]any{
			"worker":      map[string]any{"lambda_memory_size": jsii.Number(256)},
			"api_handler": map[string]any{"iam_role_arn": tokenLike, "manage_iam_role": false},
		},
		"layers": []*string{jsii.String("arn:aws:lambda:us-east-1:123456789012:layer:x:1")},
	}, jsii.String("amd64"))
	if err != nil {
		t.Fatal(err)
	}
	if app != "hello" {
		t.Errorf("app = %q", app)
	}
	after, _ := os.ReadFile(cfgPath)
	if !bytes.Equal(before, after) {
		t.Error("MergeStageConfig changed the user's config.json")
	}
	var doc map[string]any
	if err := json.Unmarshal(merged, &doc); err != nil {
		t.Fatal(err)
	}
	st := get(doc, "stages", "HelloStack")
	for _, c := range []struct {
		path []any
		want any
	}{
		{[]any{"api_gateway_stage"}, "v1"},
		{[]any{"lambda_architecture"}, "x86_64"},
		{[]any{"lambda_functions", "worker", "lambda_timeout"}, 30.0}, // kept from the file
		{[]any{"lambda_functions", "worker", "lambda_memory_size"}, 256.0},
		{[]any{"lambda_functions", "api_handler", "iam_role_arn"}, tokenLike},
		{[]any{"layers", 0}, "arn:aws:lambda:us-east-1:123456789012:layer:x:1"},
	} {
		if got := get(st, c.path...); got != c.want {
			t.Errorf("stages.HelloStack%v = %v, want %v", c.path, got, c.want)
		}
	}
	if get(doc, "environment_variables", "GREETING") != "hello from the file" || get(doc, "stages", "dev", "api_gateway_stage") != "api" {
		t.Errorf("the rest of the file was not kept: %s", merged)
	}
	// The merged copy is what the packager gets: it must parse, and the
	// token must survive as the role ARN.
	cfg, err := config.Parse(cfgPath, merged)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := cfg.Function("HelloStack", "api_handler", config.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if fc.IAMRoleARN != tokenLike {
		t.Errorf("iam_role_arn = %q", fc.IAMRoleARN)
	}

	if _, _, err := cdk.MergeStageConfig(dir, "HelloStack", map[string]any{"lambda_architecture": "arm64"}, jsii.String("x86_64")); err == nil {
		t.Error("conflicting architectures: no error")
	}
	if _, _, err := cdk.MergeStageConfig(dir, "HelloStack", nil, jsii.String("sparc")); err == nil {
		t.Error("bad architecture: no error")
	}
	if _, _, err := cdk.MergeStageConfig(t.TempDir(), "X", nil, nil); err == nil || !strings.Contains(err.Error(), "config.json not found") {
		t.Errorf("no project: %v", err)
	}
	// A new stage (not in the file) is created.
	merged, _, err = cdk.MergeStageConfig(dir, "Brand-New", map[string]any{"lambda_timeout": 5}, nil)
	if err != nil || !strings.Contains(string(merged), `"Brand-New": {`) {
		t.Errorf("new stage: %v\n%s", err, merged)
	}
}

func TestSetCodeURI(t *testing.T) {
	tpl := map[string]any{"Resources": map[string]any{
		"F":     map[string]any{"Type": "AWS::Serverless::Function", "Properties": map[string]any{"CodeUri": "./deployment.zip"}},
		"L":     map[string]any{"Type": "AWS::Serverless::LayerVersion", "Properties": map[string]any{"ContentUri": "./layer.zip"}},
		"Image": map[string]any{"Type": "AWS::Serverless::Function", "Properties": map[string]any{"ImageUri": "x"}},
		"R":     map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{}},
	}}
	if err := cdk.SetCodeURI(tpl, "b", "k.zip"); err != nil {
		t.Fatal(err)
	}
	want := `{"Resources":{"F":{"Properties":{"CodeUri":{"Bucket":"b","Key":"k.zip"}},"Type":"AWS::Serverless::Function"},"Image":{"Properties":{"ImageUri":"x"},"Type":"AWS::Serverless::Function"},"L":{"Properties":{"ContentUri":{"Bucket":"b","Key":"k.zip"}},"Type":"AWS::Serverless::LayerVersion"},"R":{"Properties":{},"Type":"AWS::IAM::Role"}}}`
	if got := asJSON(tpl); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if err := cdk.SetCodeURI(map[string]any{}, "b", "k"); err == nil {
		t.Error("no Resources: no error")
	}
}

func TestFunctionLogicalID(t *testing.T) {
	for in, want := range map[string]string{"api_handler": "APIHandler", "worker": "Worker", "my_func": "MyFunc", "on-upload": "OnUpload"} {
		if got, err := cdk.FunctionLogicalID(in); err != nil || got != want {
			t.Errorf("FunctionLogicalID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestErrors(t *testing.T) {
	requireNode(t)
	dir := copyApp(t, "hello")
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("ErrStack"), nil)

	check := func(name string, props *cdk.ChaliceProps, wantApp string, want func(error) bool) {
		t.Helper()
		id := "C" + strings.ReplaceAll(name, " ", "")
		c, err := cdk.TryNewChalice(stack, jsii.String(id), props)
		var pe *cdk.PackageError
		if c != nil || !errors.As(err, &pe) {
			t.Errorf("%s: got %v, %v; want a *PackageError", name, c, err)
			return
		}
		if pe.Stage != "ErrStack" || pe.App != wantApp {
			t.Errorf("%s: App %q Stage %q, want %q ErrStack", name, pe.App, pe.Stage, wantApp)
		}
		if want != nil && !want(err) {
			t.Errorf("%s: unexpected error: %v", name, err)
		}
		if stack.Node().TryFindChild(jsii.String(id)) != nil {
			t.Errorf("%s: a failed construct was left in the tree", name)
		}
		t.Logf("%s: %v", name, err)
	}
	check("no source dir", &cdk.ChaliceProps{}, "", nil)
	check("nil props", nil, "", nil)
	check("docker", &cdk.ChaliceProps{SourceDir: jsii.String(dir), PackageConfig: &cdk.PackageConfig{DockerImage: jsii.String("public.ecr.aws/sam/build-provided.al2023")}}, "",
		func(err error) bool { return errors.Is(err, cdk.ErrDockerUnsupported) })
	check("bad stage config", &cdk.ChaliceProps{SourceDir: jsii.String(dir), StageConfig: map[string]any{"lambda_memory_size": "lots"}}, "hello",
		func(err error) bool {
			_, ok := errors.AsType[*config.Error](err)
			return ok && strings.Contains(err.Error(), "lambda_memory_size")
		})
	check("invalid value", &cdk.ChaliceProps{SourceDir: jsii.String(dir), StageConfig: map[string]any{"lambda_functions": map[string]any{"api_handler": map[string]any{"manage_iam_role": false}}}}, "hello",
		func(err error) bool {
			_, ok := errors.AsType[*packager.Error](err)
			return ok && strings.Contains(err.Error(), "iam_role_arn") && !strings.Contains(err.Error(), "(stage ErrStack)")
		})
	broken := copyApp(t, "hello")
	if err := os.WriteFile(filepath.Join(broken, "broken.go"), []byte("package main\n\nvar x int = \"no\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("compile error", &cdk.ChaliceProps{SourceDir: jsii.String(broken)}, "hello",
		func(err error) bool { return strings.Contains(err.Error(), "broken.go") })

	// A duplicate id is found before packaging.
	awscdk.NewCfnOutput(stack, jsii.String("Taken"), &awscdk.CfnOutputProps{Value: jsii.String("x")})
	if _, err := cdk.TryNewChalice(stack, jsii.String("Taken"), &cdk.ChaliceProps{SourceDir: jsii.String(dir)}); err == nil || !strings.Contains(err.Error(), `already has a construct with id "Taken"`) {
		t.Errorf("duplicate id: %v", err)
	}

	// NewChalice panics with the same *PackageError.
	func() {
		defer func() {
			r := recover()
			if _, ok := r.(*cdk.PackageError); !ok {
				t.Errorf("NewChalice panicked with %T %v, want *cdk.PackageError", r, r)
			}
		}()
		cdk.NewChalice(stack, jsii.String("Panics"), &cdk.ChaliceProps{})
	}()

	// Outside a stack there is no stage name.
	_, err := cdk.TryNewChalice(app, jsii.String("NoStack"), &cdk.ChaliceProps{SourceDir: jsii.String(dir)})
	if _, ok := errors.AsType[*cdk.PackageError](err); !ok || !strings.Contains(err.Error(), "inside a Stack") {
		t.Errorf("outside a stack: %v", err)
	}
}

func TestSynth(t *testing.T) {
	requireNode(t)
	dir := copyApp(t, "hello")
	cfgPath := filepath.Join(dir, ".chalice", "config.json")
	before, _ := os.ReadFile(cfgPath)
	out := t.TempDir()

	start := time.Now()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	stack := awscdk.NewStack(app, jsii.String("HelloStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-central-1")},
	})
	bucket := awss3.NewBucket(stack, jsii.String("Data"), nil)
	hello := cdk.NewChalice(stack, jsii.String("Hello"), &cdk.ChaliceProps{
		SourceDir: jsii.String(dir),
		StageConfig: map[string]any{
			"api_gateway_stage":     "v2",
			"environment_variables": map[string]any{"BUCKET": bucket.BucketName()},
		},
		PackageConfig: &cdk.PackageConfig{
			Env:          map[string]*string{"HELLO_EXTRA_ROUTE": jsii.String("1")},
			Architecture: jsii.String("amd64"),
		},
	})
	// Customisation through the typed L1 objects.
	hello.SamTemplate.GetResource(jsii.String("RestAPI")).(awssam.CfnApi).SetTracingEnabled(jsii.Bool(true))
	hello.APIHandler().SetMemorySize(jsii.Number(512))
	// CDK grants on the app's own role and function.
	bucket.GrantRead(hello.GetRole("DefaultRole"), nil)
	if hello.GetRole("DefaultRole") == nil || hello.GetFunction("worker") != hello.GetFunction("worker") {
		t.Error("GetRole/GetFunction are not idempotent")
	}
	caller := awsiam.NewRole(stack, jsii.String("Caller"), &awsiam.RoleProps{AssumedBy: awsiam.NewAccountRootPrincipal()})
	hello.GetFunction("worker").GrantInvoke(caller)
	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: hello.EndpointURL()})
	// A *Chalice is a construct: it can be a scope.
	awscdk.NewCfnOutput(hello, jsii.String("Handler"), &awscdk.CfnOutputProps{Value: hello.APIHandlerName()})

	// The same app once more in another stack, without preserved IDs.
	other := awscdk.NewStack(app, jsii.String("OtherStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-central-1")},
	})
	renamed := cdk.NewChalice(other, jsii.String("Hello"), &cdk.ChaliceProps{SourceDir: jsii.String(dir), PreserveLogicalIds: jsii.Bool(false)})
	renamed.RestAPI().SetTracingEnabled(jsii.Bool(true))
	awscdk.NewCfnOutput(other, jsii.String("Url"), &awscdk.CfnOutputProps{Value: renamed.EndpointURL()})
	app.Synth(nil)
	t.Logf("packaging twice + synth of 2 stacks: %v", time.Since(start))

	if after, _ := os.ReadFile(cfgPath); !bytes.Equal(before, after) {
		t.Error("the construct changed the app's config.json")
	}
	for _, f := range []string{"sam.json", "deployment.zip"} {
		if _, err := os.Stat(filepath.Join(hello.PackageDir, f)); err != nil {
			t.Error(err)
		}
	}
	if hello.StageName != "HelloStack" || hello.AppName != "hello" {
		t.Errorf("StageName %q AppName %q", hello.StageName, hello.AppName)
	}

	tpl := readJSON(t, filepath.Join(out, "HelloStack.template.json"))
	res := get(tpl, "Resources").(map[string]any)
	var bucketID, callerID string
	for id, r := range res {
		switch get(r, "Type") {
		case "AWS::S3::Bucket":
			bucketID = id
		case "AWS::IAM::Role":
			if strings.HasPrefix(id, "Caller") {
				callerID = id
			}
		}
	}
	if get(tpl, "Transform") != "AWS::Serverless-2016-10-31" {
		t.Errorf("Transform = %v", get(tpl, "Transform"))
	}
	fn := get(res, "APIHandler", "Properties")
	for _, c := range []struct {
		what string
		got  any
		want string
	}{
		{"env BUCKET (a token)", get(fn, "Environment", "Variables", "BUCKET"), `{"Ref":"` + bucketID + `"}`},
		{"env GREETING (from the file)", get(fn, "Environment", "Variables", "GREETING"), `"hello from the file"`},
		{"architecture", get(fn, "Architectures"), `["x86_64"]`},
		{"memory (customised)", get(fn, "MemorySize"), `512`},
		{"role (managed by the app)", get(fn, "Role"), `{"Fn::GetAtt":["DefaultRole","Arn"]}`},
		{"worker timeout (file's stage)", get(res, "Worker", "Properties", "Timeout"), `30`},
		{"API stage", get(res, "RestAPI", "Properties", "StageName"), `"v2"`},
		{"tracing (customised)", get(res, "RestAPI", "Properties", "TracingEnabled"), `true`},
		{"endpoint output", get(tpl, "Outputs", "Url", "Value"), `{"Fn::Sub":"https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/v2/"}`},
	} {
		if got := asJSON(c.got); got != c.want {
			t.Errorf("%s = %s, want %s", c.what, got, c.want)
		}
	}
	if get(res, "RestAPI", "Properties", "DefinitionBody", "paths", "/extra") == nil {
		t.Error("PackageConfig.Env did not reach packaging: no /extra route")
	}
	// CodeUri is the asset, and the asset is in the assembly.
	code := get(fn, "CodeUri")
	key, _ := get(code, "Key").(string)
	if get(code, "Bucket") != "cdk-hnb659fds-assets-111111111111-eu-central-1" || !strings.HasSuffix(key, ".zip") {
		t.Errorf("CodeUri = %s", asJSON(code))
	}
	if asJSON(get(res, "Worker", "Properties", "CodeUri")) != asJSON(code) {
		t.Error("the worker's CodeUri is not the asset")
	}
	if _, err := os.Stat(filepath.Join(out, "asset."+key)); err != nil {
		t.Errorf("deployment.zip asset not staged: %v", err)
	}
	assets := asJSON(readJSON(t, filepath.Join(out, "HelloStack.assets.json")))
	if !strings.Contains(assets, `"path":"asset.`+key+`"`) || !strings.Contains(assets, `"packaging":"file"`) {
		t.Errorf("assets manifest: %s", assets)
	}
	// Grants: a policy on DefaultRole for the bucket, and one on Caller for the worker.
	var bucketGrant, invokeGrant bool
	for _, r := range res {
		if get(r, "Type") != "AWS::IAM::Policy" {
			continue
		}
		s := asJSON(r)
		if strings.Contains(s, "DefaultRole") && strings.Contains(s, "s3:GetObject") && strings.Contains(s, bucketID) {
			bucketGrant = true
		}
		if strings.Contains(s, callerID) && strings.Contains(s, "lambda:InvokeFunction") && strings.Contains(s, `"Worker","Arn"`) {
			invokeGrant = true
		}
	}
	if !bucketGrant || !invokeGrant {
		t.Errorf("grants missing (bucket on DefaultRole %v, invoke on worker %v)", bucketGrant, invokeGrant)
	}
	if get(tpl, "Outputs", "Handler") == nil && !strings.Contains(asJSON(get(tpl, "Outputs")), `{"Ref":"APIHandler"}`) {
		t.Error("output defined with the construct as scope is missing")
	}

	// Without preserved IDs, logical IDs change but GetResource and the
	// helpers still use the template's IDs.
	otpl := readJSON(t, filepath.Join(out, "OtherStack.template.json"))
	ores := get(otpl, "Resources").(map[string]any)
	if _, ok := ores["RestAPI"]; ok {
		t.Error("PreserveLogicalIds false kept RestAPI")
	}
	var apiID string
	for id, r := range ores {
		if get(r, "Type") == "AWS::Serverless::Api" {
			apiID = id
			if get(r, "Properties", "TracingEnabled") != true {
				t.Error("customisation lost without preserved IDs")
			}
		}
	}
	if got := asJSON(get(otpl, "Outputs", "Url", "Value")); apiID == "" || !strings.Contains(got, "${"+apiID+"}") || !strings.Contains(got, "/api/") {
		t.Errorf("renamed endpoint output = %s (API %s)", got, apiID)
	}
	if asJSON(get(ores, apiID)) == "" || strings.Contains(asJSON(otpl), `"x86_64"`) {
		t.Error("the second construct inherited the first one's architecture")
	}

	cfnLint(t, filepath.Join(out, "HelloStack.template.json"), filepath.Join(out, "OtherStack.template.json"))
}

// TestSynthDeclaredTable: a table the app declares comes through the
// construct: in the synthesized stack, reachable with GetResource, named
// to the function that uses it, which alone may read it.
func TestSynthDeclaredTable(t *testing.T) {
	requireNode(t)
	dir := copyApp(t, "hello")
	out := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	stack := awscdk.NewStack(app, jsii.String("NotesStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-central-1")},
	})
	hello := cdk.NewChalice(stack, jsii.String("Hello"), &cdk.ChaliceProps{
		SourceDir:     jsii.String(dir),
		PackageConfig: &cdk.PackageConfig{Env: map[string]*string{"HELLO_TABLE": jsii.String("1")}},
	})
	table := hello.GetResource("NotesTable")
	if got := *table.CfnResourceType(); got != "AWS::DynamoDB::Table" {
		t.Fatalf("NotesTable is a %s", got)
	}
	app.Synth(nil)
	tpl := readJSON(t, filepath.Join(out, "NotesStack.template.json"))
	res := get(tpl, "Resources").(map[string]any)
	if got := asJSON(get(res, "NotesTable", "Properties", "TableName")); got != `"hello-NotesStack-notes"` {
		t.Errorf("table name = %s", got)
	}
	if got := asJSON(get(res, "NotesTable", "DeletionPolicy")); got != `"Retain"` {
		t.Errorf("DeletionPolicy = %s", got)
	}
	if got := asJSON(get(res, "APIHandler", "Properties", "Environment", "Variables", "GOCHALICE_TABLE_NOTES_NAME")); got != `{"Ref":"NotesTable"}` {
		t.Errorf("the handler's table variable = %s", got)
	}
	if get(res, "ApiHandlerRole") == nil {
		t.Error("the API handler, which uses the table, has no role of its own")
	}
}

// TestSynthFunctionURL: a stage served by a streaming Function URL on an
// alias synthesises with no API Gateway API, and EndpointURL is the URL.
func TestSynthFunctionURL(t *testing.T) {
	requireNode(t)
	dir := copyApp(t, "hello")
	out := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	stack := awscdk.NewStack(app, jsii.String("UrlStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-central-1")},
	})
	hello := cdk.NewChalice(stack, jsii.String("Hello"), &cdk.ChaliceProps{
		SourceDir: jsii.String(dir),
		StageConfig: map[string]any{
			"api_type": "url", "function_url_invoke_mode": "RESPONSE_STREAM", "publish_versions": true,
		},
	})
	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: hello.EndpointURL()})
	app.Synth(nil)
	tpl := readJSON(t, filepath.Join(out, "UrlStack.template.json"))
	res := get(tpl, "Resources").(map[string]any)
	if get(res, "RestAPI") != nil {
		t.Error("a Function URL stage has a RestAPI")
	}
	if got := asJSON(get(res, "APIHandler", "Properties", "FunctionUrlConfig")); got != `{"AuthType":"NONE","InvokeMode":"RESPONSE_STREAM"}` {
		t.Errorf("FunctionUrlConfig = %s", got)
	}
	if got := asJSON(get(res, "APIHandlerVersion", "Type")); got != `"AWS::Lambda::Version"` {
		t.Errorf("APIHandlerVersion is %s", got)
	}
	if got := asJSON(get(tpl, "Outputs", "EndpointURL", "Value")); got != `{"Fn::GetAtt":["APIHandlerUrl","FunctionUrl"]}` {
		t.Errorf("the EndpointURL output is %s", got)
	}
	if got := asJSON(get(res, "APIHandler", "Properties", "Environment", "Variables", "GOCHALICE_INVOKE_MODE")); got != `"RESPONSE_STREAM"` {
		t.Errorf("GOCHALICE_INVOKE_MODE = %s", got)
	}
	if got := asJSON(get(tpl, "Outputs", "Url", "Value")); !strings.Contains(got, "APIHandlerUrl") {
		t.Errorf("the Url output is %s, not the Function URL", got)
	}
}

// TestAliasRefused: lambda_alias, whose references CfnInclude cannot read,
// is refused with an error naming the functions.
func TestAliasRefused(t *testing.T) {
	requireNode(t)
	dir := copyApp(t, "hello")
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("AliasStack"), nil)
	_, err := cdk.TryNewChalice(stack, jsii.String("Hello"), &cdk.ChaliceProps{
		SourceDir:   jsii.String(dir),
		StageConfig: map[string]any{"publish_versions": true, "lambda_alias": "live"},
	})
	if !errors.Is(err, cdk.ErrAliasUnsupported) || !strings.Contains(err.Error(), "functions APIHandler") {
		t.Fatalf("err = %v", err)
	}
}
