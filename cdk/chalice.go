// Package cdk is the AWS CDK construct for gochalice apps: the Go
// counterpart of cdk-chalice. A Chalice construct packages a gochalice app
// in process (the same code as `gochalice package`), uploads its
// deployment.zip as a CDK asset and imports the generated SAM template
// into the stack with cloudformationinclude.CfnInclude, so every resource
// the app defines can be referenced and customised as a CDK L1 object.
//
//	api := cdk.NewChalice(stack, jsii.String("WebApi"), &cdk.ChaliceProps{
//		SourceDir: jsii.String("../web-api"),
//		StageConfig: map[string]any{
//			"api_gateway_stage": "v1",
//			"lambda_functions": map[string]any{
//				"api_handler": map[string]any{
//					"manage_iam_role": false,
//					"iam_role_arn":    role.RoleArn(),
//					"environment_variables": map[string]any{
//						"DYNAMODB_TABLE_NAME": table.TableName(),
//					},
//				},
//			},
//		},
//	})
//	api.RestAPI().SetTracingEnabled(jsii.Bool(true))
//
// The stage is named after the enclosing stack (as cdk-chalice does): the
// StageConfig is merged into a copy of the app's .chalice/config.json as
// the stage of that name; the file on disk is never written. CDK tokens
// (a table name, a role ARN) are strings such as "${Token[TOKEN.123]}"
// while the construct runs; they pass through the packager unchanged and
// CfnInclude resolves them back to Ref / Fn::GetAtt in the synthesized
// template.
//
// Errors: NewChalice follows the aws-cdk-go convention that a construct
// which cannot be built panics while the app is being defined (as every
// jsii-backed constructor does); the panic value is a *PackageError.
// TryNewChalice returns the same error instead.
package cdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssam"
	"github.com/aws/aws-cdk-go/awscdk/v2/cloudformationinclude"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/internal/sam"
	"github.com/gochalice/chalice/packager"
)

// ChaliceProps configure a Chalice construct.
type ChaliceProps struct {
	// SourceDir is the gochalice project: the directory holding the app's
	// main package and .chalice/config.json. A relative path is resolved
	// against the working directory of the CDK app. Required.
	SourceDir *string
	// StageConfig has the structure of one stage of .chalice/config.json
	// ("api_gateway_stage", "environment_variables", "lambda_functions":
	// {"api_handler": {...}}, ...). Values may be Go strings, numbers,
	// booleans, maps and slices, or their jsii pointer forms
	// (jsii.String, jsii.Number, ...); string CDK tokens are allowed
	// anywhere a string is. Numbers must be literal: config.json wants
	// integers, so numeric tokens are not supported.
	StageConfig map[string]any
	// PackageConfig configures packaging; nil means the defaults.
	PackageConfig *PackageConfig
	// PreserveLogicalIds keeps the logical IDs of the SAM template
	// (APIHandler, RestAPI, ...) in the stack. Default true. Set it to
	// false when the construct is vended in a library or used more than
	// once per stack, so CDK makes the IDs unique. GetResource and the
	// helpers always take the original logical IDs.
	PreserveLogicalIds *bool
}

// PackageConfig configures how the app is packaged.
type PackageConfig struct {
	// Env is extra environment for packaging: for the `go build` of the
	// app (GOFLAGS, GOPRIVATE, GOPROXY, ...) and for the run that reads its
	// manifest. A nil value unsets the variable.
	Env map[string]*string
	// Architecture is the Lambda architecture: "arm64" (default) or
	// "x86_64"; the GOARCH names "amd64" and "arm64" are accepted too. It
	// becomes the stage's lambda_architecture unless StageConfig sets one.
	Architecture *string
	// DockerImage is not supported here: gochalice builds Go binaries with
	// the Go toolchain (cross-compiled, CGO_ENABLED=0), which needs no
	// Lambda-like build container, and this construct runs no Docker
	// engine. Setting it fails with ErrDockerUnsupported.
	DockerImage *string
	// Progress receives the packager's progress lines; nil discards them.
	Progress io.Writer
}

// ErrDockerUnsupported is the cause of the PackageError returned when
// PackageConfig.DockerImage is set.
var ErrDockerUnsupported = errors.New("PackageConfig.DockerImage is not supported: gochalice cross-compiles the app with the Go toolchain and runs no Docker engine; remove DockerImage")

// PackageError is a failure to package the app for the construct's stage:
// bad props, a stage config that config.json rejects, a compile error, a
// packaging error. Unwrap gives the cause (a *packager.Error, a
// *config.Error, ErrDockerUnsupported, ...).
type PackageError struct {
	App   string // app_name from config.json ("" when it could not be read)
	Stage string // the stage (the enclosing stack's name)
	Err   error
}

func (e *PackageError) Error() string {
	app := e.App
	if app == "" {
		app = "(unknown)"
	}
	cause := e.Err
	if pe, ok := cause.(*packager.Error); ok && pe.Err != nil {
		cause = pe.Err // it would repeat the app and stage
	}
	return fmt.Sprintf("gochalice cdk: packaging app %s for stage %s: %v", app, e.Stage, cause)
}

func (e *PackageError) Unwrap() error { return e.Err }

// Chalice is a gochalice app in a CDK stack.
type Chalice struct {
	constructs.Construct

	// SourceDir is the absolute path of the app's project.
	SourceDir string
	// AppName is app_name from config.json.
	AppName string
	// StageName is the Chalice stage: the enclosing stack's name.
	StageName string
	// StageConfig is the stage configuration given in the props.
	StageConfig map[string]any
	// PackageConfig is the packaging configuration used (never nil).
	PackageConfig *PackageConfig
	// SamTemplate is the imported SAM template. GetResource("RestAPI")
	// returns an awssam.CfnApi, GetResource("APIHandler") an
	// awssam.CfnFunction, and so on: open PackageDir/sam.json for the
	// logical IDs.
	SamTemplate cloudformationinclude.CfnInclude
	// Asset is deployment.zip as a file asset; every function's CodeUri
	// points to it.
	Asset awss3assets.Asset
	// PackageDir is where the packager wrote sam.json (with CodeUri
	// rewritten to the asset, as imported) and deployment.zip:
	// <cdk out>/chalice.out/<construct path>/package. Its parent also
	// holds config.json, the merged configuration that was packaged.
	PackageDir string

	template map[string]any
	// generated are the outputs naming transform-generated resources,
	// taken out of the included template (adaptForInclude).
	generated map[string]generatedOutput
	roles     map[string]awsiam.IRole
	functions map[string]awslambda.IFunction
}

// NewChalice packages the app in props.SourceDir for the stage named after
// the enclosing stack and imports it. It panics with a *PackageError when
// packaging fails (aws-cdk-go constructs panic on errors while the app is
// defined); use TryNewChalice to get the error instead.
func NewChalice(scope constructs.Construct, id *string, props *ChaliceProps) *Chalice {
	c, err := TryNewChalice(scope, id, props)
	if err != nil {
		panic(err)
	}
	return c
}

// TryNewChalice is NewChalice returning the error (always a *PackageError)
// instead of panicking. Packaging happens before anything is added to the
// construct tree, so after a packaging error the tree is unchanged.
func TryNewChalice(scope constructs.Construct, id *string, props *ChaliceProps) (c *Chalice, err error) {
	if id == nil || *id == "" {
		return nil, &PackageError{Err: errors.New("the construct id is required")}
	}
	stage, outRoot, nodePath, err := where(scope, *id)
	if err != nil {
		return nil, &PackageError{Stage: stage, Err: err}
	}
	fail := func(app string, err error) (*Chalice, error) {
		var pe *PackageError
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, &PackageError{App: app, Stage: stage, Err: err}
	}
	if props == nil || props.SourceDir == nil || *props.SourceDir == "" {
		return fail("", errors.New("ChaliceProps.SourceDir is required"))
	}
	if scope.Node().TryFindChild(id) != nil {
		return fail("", fmt.Errorf("%s already has a construct with id %q", *scope.Node().Path(), *id))
	}
	pc := props.PackageConfig
	if pc == nil {
		pc = &PackageConfig{}
	}
	if pc.DockerImage != nil {
		return fail("", ErrDockerUnsupported)
	}
	sourceDir, err := filepath.Abs(*props.SourceDir)
	if err != nil {
		return fail("", err)
	}
	merged, appName, err := MergeStageConfig(sourceDir, stage, props.StageConfig, pc.Architecture)
	if err != nil {
		return fail(appName, err)
	}
	cfgPath := filepath.Join(sourceDir, ".chalice", "config.json")
	cfg, err := config.Parse(cfgPath, merged)
	if err != nil {
		return fail(appName, fmt.Errorf("the stage config given to the construct, merged into %s as stage %q: %w", cfgPath, stage, err))
	}
	pkgDir := filepath.Join(outRoot, "chalice.out", dirName(nodePath))
	if err := os.RemoveAll(pkgDir); err != nil {
		return fail(appName, err)
	}
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		return fail(appName, err)
	}
	if err := os.WriteFile(filepath.Join(pkgDir, "config.json"), merged, 0o644); err != nil {
		return fail(appName, err)
	}
	res, err := runPackage(sourceDir, stage, filepath.Join(pkgDir, "package"), cfg, pc)
	if err != nil {
		return fail(appName, err)
	}
	tpl, err := readTemplate(res.TemplatePath)
	if err != nil {
		return fail(appName, err)
	}
	generated, err := adaptForInclude(tpl)
	if err != nil {
		return fail(appName, err)
	}

	// Packaging succeeded: from here on the construct tree is built, and a
	// failure is a jsii error (a bad template for CDK's L1 checks).
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				e = fmt.Errorf("%v", r)
			}
			c, err = nil, &PackageError{App: appName, Stage: stage, Err: fmt.Errorf("importing the SAM template %s: %w", res.TemplatePath, e)}
		}
	}()
	c = &Chalice{
		SourceDir:     sourceDir,
		AppName:       appName,
		StageName:     stage,
		StageConfig:   props.StageConfig,
		PackageConfig: pc,
		PackageDir:    filepath.Dir(res.TemplatePath),
		template:      tpl,
		generated:     generated,
	}
	// Register c itself as the jsii object (a Go "subclass" of Construct),
	// so a *Chalice can be the scope of other constructs.
	constructs.NewConstruct_Override(c, scope, id)
	c.Asset = awss3assets.NewAsset(c, jsii.String("DeploymentPackage"), &awss3assets.AssetProps{Path: jsii.String(res.ZipPath)})
	if err := SetCodeURI(tpl, *c.Asset.S3BucketName(), *c.Asset.S3ObjectKey()); err != nil {
		return fail(appName, err)
	}
	if err := writeTemplate(res.TemplatePath, tpl); err != nil {
		return fail(appName, err)
	}
	preserve := props.PreserveLogicalIds
	if preserve == nil {
		preserve = jsii.Bool(true)
	}
	c.SamTemplate = cloudformationinclude.NewCfnInclude(c, jsii.String("SamTemplate"), &cloudformationinclude.CfnIncludeProps{
		TemplateFile:       jsii.String(res.TemplatePath),
		PreserveLogicalIds: preserve,
	})
	c.addGeneratedOutputs(*preserve)
	return c, nil
}

// where finds the stage name (the stack's name), the cloud assembly
// directory and the new construct's path, turning jsii panics (a scope
// outside any stack) into errors.
func where(scope constructs.Construct, id string) (stage, outdir, path string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the Chalice construct must be created inside a Stack: %v", r)
		}
	}()
	if scope == nil {
		return "", "", "", errors.New("the scope is nil")
	}
	stack := awscdk.Stack_Of(scope)
	name := stack.StackName()
	if name == nil || *awscdk.Token_IsUnresolved(name) {
		return "", "", "", errors.New("the stack's name is not a literal string: the stage is named after the stack, so give the stack a literal name")
	}
	stage = *name
	if st := awscdk.Stage_Of(scope); st != nil && st.Outdir() != nil {
		outdir = *st.Outdir()
	}
	if outdir == "" {
		if outdir, err = os.MkdirTemp("", "gochalice-cdk-"); err != nil {
			return stage, "", "", err
		}
	}
	path = id
	if p := *scope.Node().Path(); p != "" {
		path = p + "/" + id
	}
	return stage, outdir, path, nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func dirName(nodePath string) string {
	return unsafeChars.ReplaceAllString(strings.ReplaceAll(nodePath, "/", "."), "_")
}

// envMu serialises packaging when PackageConfig.Env changes the process
// environment (the packager's go tool runs inherit it).
var envMu sync.Mutex

func runPackage(sourceDir, stage, outDir string, cfg *config.Config, pc *PackageConfig) (*packager.Result, error) {
	envMu.Lock()
	defer envMu.Unlock()
	restore := setEnv(pc.Env)
	defer restore()
	var rep report.Reporter
	if pc.Progress != nil {
		rep = report.New(pc.Progress)
	}
	return packager.Package(context.Background(), &packager.Options{
		ProjectDir: sourceDir,
		Stage:      stage,
		OutDir:     outDir,
		Config:     cfg,
		Reporter:   rep,
	})
}

func setEnv(env map[string]*string) (restore func()) {
	type saved struct {
		val string
		set bool
	}
	old := map[string]saved{}
	for k, v := range env {
		prev, ok := os.LookupEnv(k)
		old[k] = saved{prev, ok}
		if v == nil {
			os.Unsetenv(k)
		} else {
			os.Setenv(k, *v)
		}
	}
	return func() {
		for k, s := range old {
			if s.set {
				os.Setenv(k, s.val)
			} else {
				os.Unsetenv(k)
			}
		}
	}
}

// MergeStageConfig reads sourceDir/.chalice/config.json and returns a copy
// (JSON) with stageConfig deep-merged into stages.<stage>: maps merge key by
// key (so lambda_functions.api_handler keeps the file's other keys), any
// other value given in stageConfig replaces the file's. architecture, when
// set, becomes the stage's lambda_architecture unless stageConfig already
// sets a different one (an error). It also returns app_name. The file is
// only read.
func MergeStageConfig(sourceDir, stage string, stageConfig map[string]any, architecture *string) ([]byte, string, error) {
	path := filepath.Join(sourceDir, ".chalice", "config.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", fmt.Errorf("%s not found: SourceDir must be a gochalice project", path)
		}
		return nil, "", err
	}
	var file map[string]any
	if err := decodeJSON(raw, &file); err != nil || file == nil {
		// Let config.Parse produce its precise message (line, column).
		if _, perr := config.Parse(path, raw); perr != nil {
			return nil, "", perr
		}
		return nil, "", fmt.Errorf("%s: not a JSON object", path)
	}
	appName, _ := file["app_name"].(string)
	given, err := normalize(stageConfig)
	if err != nil {
		return nil, appName, fmt.Errorf("StageConfig cannot be written as JSON: %w", err)
	}
	givenMap, _ := given.(map[string]any)
	if givenMap == nil {
		givenMap = map[string]any{}
	}
	if architecture != nil {
		arch, err := lambdaArchitecture(*architecture)
		if err != nil {
			return nil, appName, err
		}
		if set, ok := givenMap["lambda_architecture"]; ok && set != arch {
			return nil, appName, fmt.Errorf("PackageConfig.Architecture %q conflicts with lambda_architecture %v in StageConfig", *architecture, set)
		}
		givenMap["lambda_architecture"] = arch
	}
	stages, _ := file["stages"].(map[string]any)
	if stages == nil {
		if s, ok := file["stages"]; ok && s != nil {
			return nil, appName, fmt.Errorf("%s: stages must be an object", path)
		}
		stages = map[string]any{}
		file["stages"] = stages
	}
	existing, _ := stages[stage].(map[string]any)
	stages[stage] = deepMerge(existing, givenMap)
	out, err := encodeJSON(file)
	return out, appName, err
}

func lambdaArchitecture(a string) (string, error) {
	switch strings.ToLower(a) {
	case "arm64", "aarch64":
		return "arm64", nil
	case "x86_64", "amd64", "x86-64":
		return "x86_64", nil
	}
	return "", fmt.Errorf("PackageConfig.Architecture %q must be arm64 or x86_64 (GOARCH arm64 or amd64)", a)
}

// normalize turns Go values (pointers, typed maps and slices) into plain
// JSON values.
func normalize(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := encodeJSON(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, decodeJSON(b, &out)
}

func deepMerge(dst, src map[string]any) map[string]any {
	out := make(map[string]any, len(dst)+len(src))
	maps.Copy(out, dst)
	for k, v := range src {
		sm, sok := v.(map[string]any)
		dm, dok := out[k].(map[string]any)
		if sok && dok {
			out[k] = deepMerge(dm, sm)
		} else {
			out[k] = v
		}
	}
	return out
}

func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	e.SetIndent("", "  ")
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func readTemplate(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var tpl map[string]any
	if err := decodeJSON(raw, &tpl); err != nil {
		return nil, fmt.Errorf("reading the SAM template %s: %w", path, err)
	}
	return tpl, nil
}

func writeTemplate(path string, tpl map[string]any) error {
	b, err := encodeJSON(tpl)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// SetCodeURI points the CodeUri of every AWS::Serverless::Function (and
// the ContentUri of every AWS::Serverless::LayerVersion) of a SAM template
// to the S3 object {Bucket, Key}, SAM's object form.
func SetCodeURI(tpl map[string]any, bucket, key string) error {
	resources, _ := tpl["Resources"].(map[string]any)
	if resources == nil {
		return errors.New("the SAM template has no Resources")
	}
	for _, id := range slices.Sorted(maps.Keys(resources)) {
		r, _ := resources[id].(map[string]any)
		if r == nil {
			continue
		}
		var prop string
		switch r["Type"] {
		case "AWS::Serverless::Function":
			prop = "CodeUri"
		case "AWS::Serverless::LayerVersion":
			prop = "ContentUri"
		default:
			continue
		}
		props, _ := r["Properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
			r["Properties"] = props
		}
		if _, image := props["ImageUri"]; image {
			continue
		}
		props[prop] = map[string]any{"Bucket": bucket, "Key": key}
	}
	return nil
}

// Template returns a copy of the imported SAM template (as written to
// PackageDir/sam.json, with CodeUri pointing to the asset).
func (c *Chalice) Template() map[string]any {
	b, _ := json.Marshal(c.template)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// resourceType is the Type of a resource of the SAM template, "" when absent.
func (c *Chalice) resourceType(logicalID string) string {
	resources, _ := c.template["Resources"].(map[string]any)
	r, _ := resources[logicalID].(map[string]any)
	t, _ := r["Type"].(string)
	return t
}

func (c *Chalice) hasOutput(name string) bool {
	outputs, _ := c.template["Outputs"].(map[string]any)
	_, ok := outputs[name]
	_, generated := c.generated[name]
	return ok || generated
}

// GetResource is SamTemplate.GetResource with an error message that names
// the app when the logical ID is not in the template.
func (c *Chalice) GetResource(logicalID string) awscdk.CfnResource {
	if c.resourceType(logicalID) == "" {
		panic(fmt.Errorf("gochalice cdk: app %s (stage %s) has no resource %q in its SAM template (%s)", c.AppName, c.StageName, logicalID, filepath.Join(c.PackageDir, "sam.json")))
	}
	return c.SamTemplate.GetResource(jsii.String(logicalID))
}

// RestAPI is the REST API (AWS::Serverless::Api "RestAPI") as its L1
// object, for customisation (SetTracingEnabled, SetMethodSettings, ...).
// It panics when the app has no REST API (none, or api_type "http": see
// HTTPAPI).
func (c *Chalice) RestAPI() awssam.CfnApi {
	if t := c.resourceType("RestAPI"); t != "AWS::Serverless::Api" {
		panic(fmt.Errorf("gochalice cdk: app %s has no REST API (RestAPI is %q)", c.AppName, t))
	}
	return c.SamTemplate.GetResource(jsii.String("RestAPI")).(awssam.CfnApi)
}

// HTTPAPI is the HTTP API of an app with api_type "http"
// (AWS::Serverless::HttpApi "RestAPI").
func (c *Chalice) HTTPAPI() awssam.CfnHttpApi {
	if t := c.resourceType("RestAPI"); t != "AWS::Serverless::HttpApi" {
		panic(fmt.Errorf("gochalice cdk: app %s has no HTTP API (RestAPI is %q)", c.AppName, t))
	}
	return c.SamTemplate.GetResource(jsii.String("RestAPI")).(awssam.CfnHttpApi)
}

// APIHandler is the function serving the API (AWS::Serverless::Function
// "APIHandler") as its L1 object.
func (c *Chalice) APIHandler() awssam.CfnFunction {
	return c.Function("api_handler")
}

// FunctionLogicalID is the logical ID of the function named name in the
// app (api_handler -> APIHandler, my_func -> MyFunc).
func FunctionLogicalID(name string) (string, error) {
	if name == "api_handler" {
		return "APIHandler", nil
	}
	return sam.LogicalID(name)
}

// Function is the L1 object of the app's function named name (the name
// used in config.json's lambda_functions: api_handler, or the name given
// to app.Lambda / an event handler).
func (c *Chalice) Function(name string) awssam.CfnFunction {
	id, err := FunctionLogicalID(name)
	if err == nil && c.resourceType(id) != "AWS::Serverless::Function" {
		err = fmt.Errorf("no function %s (logical ID %s) in the SAM template", name, id)
	}
	if err != nil {
		panic(fmt.Errorf("gochalice cdk: app %s (stage %s): %w", c.AppName, c.StageName, err))
	}
	return c.SamTemplate.GetResource(jsii.String(id)).(awssam.CfnFunction)
}

// GetFunction returns the app's function named name as an
// awslambda.IFunction (for grants, metrics, event sources), as Chalice's
// CDK construct does.
func (c *Chalice) GetFunction(name string) awslambda.IFunction {
	if f, ok := c.functions[name]; ok {
		return f
	}
	fn := c.Function(name)
	arn := awscdk.Token_AsString(fn.GetAtt(jsii.String("Arn"), awscdk.ResolutionTypeHint_STRING), nil)
	f := awslambda.Function_FromFunctionAttributes(c, jsii.String("Function-"+name), &awslambda.FunctionAttributes{
		FunctionArn:     arn,
		SameEnvironment: jsii.Bool(true),
	})
	if c.functions == nil {
		c.functions = map[string]awslambda.IFunction{}
	}
	c.functions[name] = f
	return f
}

// GetRole returns a role of the SAM template (an AWS::IAM::Role the app
// manages, "DefaultRole" unless configured otherwise) as an awsiam.IRole,
// so CDK grants can add policies to it:
// table.GrantReadWriteData(app.GetRole("DefaultRole")).
func (c *Chalice) GetRole(logicalID string) awsiam.IRole {
	if t := c.resourceType(logicalID); t != "AWS::IAM::Role" {
		panic(fmt.Errorf("gochalice cdk: app %s (stage %s) has no IAM role %q in its SAM template (found %q); with manage_iam_role false the role is yours already", c.AppName, c.StageName, logicalID, t))
	}
	if r, ok := c.roles[logicalID]; ok {
		return r
	}
	role := c.SamTemplate.GetResource(jsii.String(logicalID)).(awsiam.CfnRole)
	r := awsiam.Role_FromRoleArn(c, jsii.String("Role-"+logicalID), role.AttrArn(), &awsiam.FromRoleArnOptions{Mutable: jsii.Bool(true)})
	if c.roles == nil {
		c.roles = map[string]awsiam.IRole{}
	}
	c.roles[logicalID] = r
	return r
}

// output returns an output of the SAM template as a string token.
func (c *Chalice) output(name string) *string {
	if !c.hasOutput(name) {
		panic(fmt.Errorf("gochalice cdk: app %s (stage %s) has no %s output in its SAM template", c.AppName, c.StageName, name))
	}
	if g, ok := c.generated[name]; ok {
		return c.generatedValue(g)
	}
	return awscdk.Token_AsString(c.SamTemplate.GetOutput(jsii.String(name)).Value(), nil)
}

// EndpointURL is the API's URL (https://<id>.execute-api.<region>.<suffix>/<stage>/,
// or the Function URL with "api_type": "url"),
// the template's EndpointURL output, as a string token.
func (c *Chalice) EndpointURL() *string { return c.output("EndpointURL") }

// RestAPIID is the API's id (the RestAPIId output).
func (c *Chalice) RestAPIID() *string { return c.output("RestAPIId") }

// APIHandlerArn is the API handler's ARN (the APIHandlerArn output).
func (c *Chalice) APIHandlerArn() *string { return c.output("APIHandlerArn") }

// APIHandlerName is the API handler's function name (the APIHandlerName output).
func (c *Chalice) APIHandlerName() *string { return c.output("APIHandlerName") }
