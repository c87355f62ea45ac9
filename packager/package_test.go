package packager

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/report"
)

func libraryRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// fullProject writes testdata/fullapp into a temporary Go module.
func fullProject(t *testing.T, configJSON string) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/fullapp/main.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"main.go":              string(src),
		"go.mod":               "module fullapp\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\nreplace github.com/gochalice/chalice => " + libraryRoot() + "\n",
		".chalice/config.json": configJSON,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "get", "github.com/aws/aws-sdk-go-v2/service/dynamodb@v1.73.1", "github.com/aws/aws-sdk-go-v2@v1.47.7")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go get: %v\n%s", err, out)
	}
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	return dir
}

const fullConfig = `{"version": "2.0", "app_name": "fullapp",
  "stages": {"dev": {"api_gateway_stage": "api", "environment_variables": {"TABLE": "t"},
    "lambda_functions": {"purefn": {"lambda_timeout": 30}}}}}`

func requireTool(t *testing.T, name string) {
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (it ships with the machine image's python3)", name)
		}
		t.Skipf("%s not installed", name)
	}
}

func TestPackageCloudFormationAndTerraform(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app")
	}
	dir := fullProject(t, fullConfig)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	rec := &report.Recorder{}
	opts := &Options{ProjectDir: dir, OutDir: out, Reporter: rec}
	res, err := Package(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Each step is reported as a step (begun, then done), the options
	// are left as they were.
	var steps []string
	for _, e := range rec.Events() {
		if e.Kind == "step" || e.Kind == "done" {
			steps = append(steps, e.Kind+" "+e.Msg)
		}
	}
	if want := []string{"step Reading the app's manifest.", "done Reading the app's manifest.", "step Creating deployment package.", "done Creating deployment package.",
		"step Writing the template: sam.json", "done Writing the template: sam.json"}; !reflect.DeepEqual(steps, want) {
		t.Errorf("steps = %q, want %q", steps, want)
	}
	if opts.Stage != "" || opts.PkgFormat != "" || opts.TemplateFormat != "" {
		t.Errorf("options changed: %+v", opts)
	}
	// What deploy asks for: the package step only, and a check of the
	// model that stops before the zip is built.
	rec = &report.Recorder{}
	refused := errors.New("refused")
	if _, err := Build(ctx, &Options{ProjectDir: dir, Reporter: rec, PackageStepOnly: true, Check: func(*appgraph.Application) error { return refused }}); !errors.Is(err, refused) {
		t.Errorf("check: err = %v", err)
	}
	for _, e := range rec.Events() {
		if e.Kind == "step" || e.Kind == "done" {
			t.Errorf("a refused model reported %+v, want no step (no manifest step, no package step)", e)
		}
	}
	rec = &report.Recorder{}
	if _, err := Build(ctx, &Options{ProjectDir: dir, Reporter: rec, PackageStepOnly: true}); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range rec.Events() {
		if e.Kind == "step" || e.Kind == "done" {
			kinds = append(kinds, e.Kind+" "+e.Msg)
		}
	}
	if want := []string{"step Creating deployment package.", "done Creating deployment package."}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("package step only: %q, want %q", kinds, want)
	}
	raw, err := os.ReadFile(filepath.Join(out, "sam.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
		Outputs map[string]any
	}
	if err := json.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	for id, typ := range map[string]string{"DefaultRole": "AWS::IAM::Role", "Purefn": "AWS::Serverless::Function", "EveryFive": "AWS::Serverless::Function",
		"OnMessage": "AWS::Serverless::Function", "OnTopic": "AWS::Serverless::Function", "Myauth": "AWS::Serverless::Function",
		"RestAPI": "AWS::Serverless::Api", "APIHandler": "AWS::Serverless::Function", "WebsocketAPI": "AWS::ApiGatewayV2::Api"} {
		if got := tpl.Resources[id].Type; got != typ {
			t.Errorf("resource %s type = %q, want %q", id, got, typ)
		}
	}
	api := tpl.Resources["APIHandler"].Properties
	if api["Runtime"] != "provided.al2023" || api["Handler"] != "api_handler" || api["CodeUri"] != "./deployment.zip" {
		t.Errorf("APIHandler properties = %v", api)
	}
	if tpl.Resources["Purefn"].Properties["Timeout"] != float64(30) {
		t.Errorf("purefn timeout = %v, want 30 (stage lambda_functions)", tpl.Resources["Purefn"].Properties["Timeout"])
	}
	policy, _ := json.Marshal(tpl.Resources["DefaultRole"].Properties["Policies"])
	if !strings.Contains(string(policy), "dynamodb:GetItem") {
		t.Errorf("autogenerated policy lacks dynamodb:GetItem: %s", policy)
	}
	for _, o := range []string{"RestAPIId", "APIHandlerName", "APIHandlerArn", "EndpointURL", "WebsocketAPIId"} {
		if _, ok := tpl.Outputs[o]; !ok {
			t.Errorf("missing output %s", o)
		}
	}
	zr, err := zip.OpenReader(res.ZipPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode().Perm() != 0o755 {
		t.Errorf("deployment.zip entries = %v", zr.File)
	}
	zr.Close()

	requireTool(t, "cfn-lint")
	lint := exec.Command("cfn-lint", "--format", "parseable", filepath.Join(out, "sam.json"))
	if msg, err := lint.CombinedOutput(); err != nil {
		t.Fatalf("cfn-lint: %v\n%s", err, msg)
	}

	// Same source → same zip bytes (warm cache), and Terraform output.
	tfOut := filepath.Join(t.TempDir(), "tf")
	res2, err := Package(ctx, &Options{ProjectDir: dir, OutDir: tfOut, PkgFormat: Terraform})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Package.SHA256 != res.Package.SHA256 || !res2.Package.Cached {
		t.Errorf("second package: sha %s cached %v, want %s cached", res2.Package.SHA256, res2.Package.Cached, res.Package.SHA256)
	}
	var tf map[string]any
	rawTF, err := os.ReadFile(filepath.Join(tfOut, "chalice.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(rawTF, &tf); err != nil {
		t.Fatal(err)
	}
	resources, _ := tf["resource"].(map[string]any)
	fns, _ := resources["aws_lambda_function"].(map[string]any)
	for _, name := range []string{"api_handler", "purefn", "everyFive", "onMessage", "onTopic", "myauth", "websocket_message"} {
		if _, ok := fns[name]; !ok {
			t.Errorf("terraform: missing aws_lambda_function.%s", name)
		}
	}
}

func TestPackageBadOptions(t *testing.T) {
	tests := []struct {
		opts Options
		want OptionError
		msg  string
	}{
		{Options{OutDir: "x", PkgFormat: Terraform, SingleFile: true}, OptionError{Option: "PkgFormat", Value: Terraform, Conflicts: []string{"MergeTemplate", "SingleFile", "TemplateFormat"}},
			"the terraform package format does not support a merge template, a single-file output, or a template format other than json"},
		{Options{OutDir: "x", PkgFormat: Terraform, TemplateFormat: "yaml"}, OptionError{Option: "PkgFormat", Value: Terraform, Conflicts: []string{"MergeTemplate", "SingleFile", "TemplateFormat"}}, ""},
		{Options{OutDir: "x", PkgFormat: "pulumi"}, OptionError{Option: "PkgFormat", Value: "pulumi", Valid: "cloudformation or terraform"},
			`the package format "pulumi" is not valid: it must be cloudformation or terraform`},
		{Options{OutDir: "x", TemplateFormat: "xml"}, OptionError{Option: "TemplateFormat", Value: "xml", Valid: "json or yaml"}, ""},
		{Options{}, OptionError{Option: "OutDir", Valid: "the directory (or, with SingleFile, the zip file) to write the template and deployment.zip to"}, ""},
	}
	for _, tt := range tests {
		o := tt.opts
		_, err := Package(context.Background(), &o)
		var oe *OptionError
		if !errors.As(err, &oe) || !reflect.DeepEqual(*oe, tt.want) {
			t.Errorf("%+v: err = %#v, want %+v", tt.opts, err, tt.want)
			continue
		}
		// A library error names the option, never a command-line flag.
		if strings.Contains(err.Error(), "--") || tt.msg != "" && err.Error() != tt.msg {
			t.Errorf("%+v: message %q, want %q", tt.opts, err, tt.msg)
		}
		if !reflect.DeepEqual(o, tt.opts) {
			t.Errorf("options changed: %+v, were %+v", o, tt.opts)
		}
	}
}

func TestReadTemplateYAMLShortForms(t *testing.T) {
	p := filepath.Join(t.TempDir(), "extra.yaml")
	os.WriteFile(p, []byte("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${AWS::StackName}-data'\n      Tags:\n        - Key: fn\n          Value: !GetAtt APIHandler.Arn\n        - Key: ref\n          Value: !Ref RestAPI\n"), 0o644)
	doc, err := ReadTemplate(p)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(doc)
	want := `{"Resources":{"Bucket":{"Properties":{"BucketName":{"Fn::Sub":"${AWS::StackName}-data"},"Tags":[{"Key":"fn","Value":{"Fn::GetAtt":["APIHandler","Arn"]}},{"Key":"ref","Value":{"Ref":"RestAPI"}}]},"Type":"AWS::S3::Bucket"}}}`
	if string(got) != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}
