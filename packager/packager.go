// Package packager is `gochalice package` as a library: it builds the app
// for Lambda, reads its manifest, resolves .chalice/config.json for a
// stage, and writes a SAM/CloudFormation or Terraform template next to a
// deterministic deployment.zip. The CDK construct (module cdk/) calls it
// in process.
package packager

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appbuild"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deployzip"
	"github.com/gochalice/chalice/internal/policygen"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/manifest"
)

// Formats.
const (
	CloudFormation = "cloudformation"
	Terraform      = "terraform"
)

// Options configure Package.
type Options struct {
	ProjectDir     string
	Stage          string // default "dev"
	OutDir         string
	PkgFormat      string // cloudformation (default) or terraform
	TemplateFormat string // json (default) or yaml
	MergeTemplate  string // JSON/YAML file deep-merged into the template
	SingleFile     bool   // zip OutDir into the file OutDir
	Overrides      config.Overrides
	// Config, when set, is used instead of reading .chalice/config.json
	// (the CDK construct passes a copy with its stage merged in).
	Config *config.Config
	// Reporter receives the steps ("Reading the app's manifest.",
	// "Creating deployment package.", the template) and the warnings (an
	// app_name that differs from the code's, a stage config.json does not
	// list, automatic_layer); nil reports nothing. The warnings are also
	// returned in Result and Built.
	Reporter report.Reporter
	// PackageStepOnly reports only the deployment package's step (and the
	// warnings): what deploy shows of the packaging, as Chalice's deploy.
	PackageStepOnly bool
	// Check, when set, is run on the resource model before the deployment
	// package is built; its error stops the build (deploy refuses what it
	// does not deploy without building anything more).
	Check func(*appgraph.Application) error

	// Region, when set, is the region the app is deployed to (deploy
	// knows it): the model refuses ARNs that must be in it, such as an
	// event rule's bus in another region.
	Region string

	// DeclaredResources says the caller of Build creates the resources
	// the app declares (deploy does, through its plan); without it Build
	// refuses an app that declares any.
	DeclaredResources bool

	// declared says the caller creates the resources the app declares
	// (Package, and the read-only Model and AutogenPolicy).
	declared bool
}

// AutomaticLayerWarning is the warning for automatic_layer: Chalice puts
// an app's Python dependencies in a managed Lambda layer, but a Go app's
// dependencies are compiled into its one bootstrap binary, so there is
// nothing to put in a layer and the key has no effect.
const AutomaticLayerWarning = "automatic_layer has no effect for Go apps: the bootstrap binary already contains its dependencies"

// Result describes what was written.
type Result struct {
	TemplatePath string
	ZipPath      string
	Manifest     *manifest.Manifest
	App          *appgraph.Application
	Package      *deployzip.Package
	Warnings     []string // every warning reported
}

// Error is a packaging failure, naming the app and stage.
type Error struct {
	App, Stage string
	Err        error
}

func (e *Error) Error() string {
	return fmt.Sprintf("packaging app %s (stage %s): %v", e.App, e.Stage, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Built is the output of Build: the binary, its manifest and the model.
type Built struct {
	Manifest *manifest.Manifest
	App      *appgraph.Application
	Package  *deployzip.Package
	Policies map[string]any // role resource name -> policy document
	Warnings []string       // every warning reported
}

// Build compiles the app, reads its manifest and builds the resource
// model and policies; `package` and `deploy` both start here.
func Build(ctx context.Context, o *Options) (*Built, error) {
	o, cfg, err := prepare(o)
	if err != nil {
		return nil, err
	}
	w := newWarner(o)
	m, app, err := model(ctx, o, cfg, w)
	if err != nil {
		return nil, err
	}
	if o.Check != nil {
		if err := o.Check(app); err != nil {
			return nil, err
		}
	}
	buildDir := filepath.Join(o.ProjectDir, ".chalice", "build")
	arch := "arm64"
	if len(app.Functions) > 0 {
		arch = app.Functions[0].Architecture()
	}
	for _, f := range app.Functions {
		if f.Architecture() != arch {
			return nil, &Error{App: m.App, Stage: o.Stage, Err: fmt.Errorf("function %s uses lambda_architecture %s but %s uses %s: every function shares one binary, so all must use the same architecture", f.ResourceName, f.Architecture(), app.Functions[0].ResourceName, arch)}
		}
	}
	target, err := appbuild.Lambda(arch)
	if err != nil {
		return nil, &Error{App: m.App, Stage: o.Stage, Err: err}
	}
	done := w.r.Step("Creating deployment package.")
	pkg, err := buildPackage(ctx, o.ProjectDir, filepath.Join(buildDir, "lambda-"+arch, "bootstrap"), target, arch)
	done(err)
	if err != nil {
		return nil, err
	}
	if pkg.Cached {
		w.r.Info("Reusing existing deployment package.")
	}
	policies, err := Policies(ctx, o.ProjectDir, app)
	if err != nil {
		return nil, &Error{App: m.App, Stage: o.Stage, Err: err}
	}
	return &Built{Manifest: m, App: app, Package: pkg, Policies: policies, Warnings: w.lines}, nil
}

// buildPackage cross-compiles the Lambda binary and zips it.
func buildPackage(ctx context.Context, projectDir, output string, target appbuild.Target, arch string) (*deployzip.Package, error) {
	lambdaBin, err := appbuild.Build(ctx, appbuild.Options{ProjectDir: projectDir, Output: output, Target: target, Release: true})
	if err != nil {
		return nil, err
	}
	return deployzip.Build(projectDir, lambdaBin, arch)
}

// Model builds the app for this machine, reads its manifest and returns
// the resource model, without building the deployment package.
func Model(ctx context.Context, o *Options) (*appgraph.Application, error) {
	o, cfg, err := prepare(o)
	if err != nil {
		return nil, err
	}
	o.declared = true
	_, app, err := model(ctx, o, cfg, newWarner(o))
	return app, err
}

// warner reports warnings and keeps them; r is the Options' reporter.
type warner struct {
	r     report.Reporter
	brief bool // only the package step is reported
	lines []string
}

func newWarner(o *Options) *warner {
	return &warner{r: report.Or(o.Reporter), brief: o.PackageStepOnly}
}

func (w *warner) warn(line string) {
	w.lines = append(w.lines, line)
	w.r.Warn(line)
}

// step begins a step that PackageStepOnly does not report.
func (w *warner) step(msg string) func(error) {
	if w.brief {
		return func(error) {}
	}
	return w.r.Step(msg)
}

// prepare copies the options (the caller's are never changed), defaults
// the stage and loads (or takes) the config.
func prepare(in *Options) (*Options, *config.Config, error) {
	o := *in
	if o.Stage == "" {
		o.Stage = config.DefaultStage
	}
	cfg := o.Config
	if cfg == nil {
		var err error
		if cfg, err = config.Load(o.ProjectDir); err != nil {
			return nil, nil, err
		}
	}
	if err := cfg.CheckStage(o.Stage); err != nil {
		return nil, nil, err
	}
	return &o, cfg, nil
}

func model(ctx context.Context, o *Options, cfg *config.Config, w *warner) (*manifest.Manifest, *appgraph.Application, error) {
	if note := cfg.UndefinedStageNote(o.Stage); note != "" {
		w.warn(note)
	}
	done := w.step("Reading the app's manifest.")
	m, err := readManifest(ctx, o.ProjectDir)
	done(err)
	if err != nil {
		return nil, nil, err
	}
	app, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: o.Stage, Overrides: o.Overrides, ProjectDir: o.ProjectDir,
		DeclaredResources: o.declared || o.DeclaredResources, Target: "deploy", Region: o.Region})
	if err != nil {
		return nil, nil, &Error{App: m.App, Stage: o.Stage, Err: err}
	}
	for _, line := range app.Warnings {
		w.warn(line)
	}
	return m, app, nil
}

// readManifest builds the app for this machine and reads its manifest.
func readManifest(ctx context.Context, projectDir string) (*manifest.Manifest, error) {
	hostBin, err := appbuild.Build(ctx, appbuild.Options{ProjectDir: projectDir, Output: filepath.Join(projectDir, ".chalice", "build", "host", "bootstrap")})
	if err != nil {
		return nil, err
	}
	return appbuild.ReadManifest(ctx, hostBin)
}

// Policies returns the policy document of every managed role: generated
// from the code (autogen_policy) or read from its policy file.
func Policies(ctx context.Context, projectDir string, app *appgraph.Application) (map[string]any, error) {
	out := map[string]any{}
	var actions []string
	analysed := false
	for _, r := range app.Roles {
		if r.Autogen {
			if !analysed {
				var err error
				if actions, err = policygen.Analyze(ctx, projectDir); err != nil {
					return nil, fmt.Errorf("generating the IAM policy (autogen_policy): %w", err)
				}
				analysed = true
			}
			out[r.ResourceName] = policygen.Generate(actions, traits(r.Traits))
			continue
		}
		raw, err := os.ReadFile(r.PolicyFile)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("role %s: policy file %s does not exist (autogen_policy is false, so gochalice needs it: create it, or set autogen_policy to true)", r.RoleName, r.PolicyFile)
		}
		if err != nil {
			return nil, fmt.Errorf("role %s: %w", r.RoleName, err)
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("role %s: policy file %s is not valid JSON: %w", r.RoleName, r.PolicyFile, err)
		}
		out[r.ResourceName] = doc
	}
	return out, nil
}

func traits(t appgraph.Traits) policygen.Traits {
	return policygen.Traits{VPC: t.VPC, XRay: t.XRay, SQS: t.SQS, Kinesis: t.Kinesis, DynamoDB: t.DynamoDB,
		Websocket: t.Websocket, EventSources: slices.Clone(t.EventSources)}
}

// AutogenPolicy is the policy `gochalice gen-policy` prints: exactly the
// one package and deploy attach to the app's autogenerated role for
// o.Stage (the analysed SDK calls and the statements the app's features
// need). It builds the app for this machine to read its manifest, as
// Model does; the code analysed is the package in dir (o.ProjectDir when
// empty). When no function of the stage has an autogenerated policy
// (autogen_policy false or manage_iam_role false everywhere), it returns
// the policy of the analysed calls alone and warns so through Options.Reporter.
func AutogenPolicy(ctx context.Context, o *Options, dir string) (*policygen.Policy, error) {
	o, cfg, err := prepare(o)
	if err != nil {
		return nil, err
	}
	o.declared = true
	w := newWarner(o)
	_, app, err := model(ctx, o, cfg, w)
	if err != nil {
		return nil, err
	}
	if dir == "" {
		dir = o.ProjectDir
	}
	actions, err := policygen.Analyze(ctx, dir)
	if err != nil {
		return nil, &Error{App: app.AppName, Stage: o.Stage, Err: fmt.Errorf("generating the IAM policy: %w", err)}
	}
	for _, r := range app.Roles {
		if r.Autogen {
			return policygen.Generate(actions, traits(r.Traits)), nil
		}
	}
	w.warn(fmt.Sprintf("no function of stage %q has an autogenerated policy (autogen_policy or manage_iam_role is false): this is the policy autogen_policy would generate from the code", o.Stage))
	return policygen.Generate(actions, policygen.Traits{}), nil
}

// OptionError is an Options field whose value the packager cannot use.
// It names the field, not a command-line flag: a CLI words it with its
// own flag names.
type OptionError struct {
	Option string // the Options field: PkgFormat, TemplateFormat, OutDir
	Value  string
	// Valid says what would be valid ("cloudformation or terraform").
	Valid string
	// Conflicts, for a value that excludes other options, names them
	// (Terraform: MergeTemplate, SingleFile, TemplateFormat).
	Conflicts []string
}

var optionNames = map[string]string{"PkgFormat": "package format", "TemplateFormat": "template format", "OutDir": "output directory",
	"MergeTemplate": "a merge template", "SingleFile": "a single-file output"}

func (e *OptionError) Error() string {
	switch {
	case len(e.Conflicts) > 0:
		return fmt.Sprintf("the %s %s does not support a merge template, a single-file output, or a template format other than json", e.Value, optionNames[e.Option])
	case e.Value == "":
		return fmt.Sprintf("the %s is required: %s", optionNames[e.Option], e.Valid)
	}
	return fmt.Sprintf("the %s %q is not valid: it must be %s", optionNames[e.Option], e.Value, e.Valid)
}

func checkOptions(o *Options) error {
	switch o.PkgFormat {
	case "", CloudFormation:
		o.PkgFormat = CloudFormation
	case Terraform:
		if o.MergeTemplate != "" || o.SingleFile || (o.TemplateFormat != "" && o.TemplateFormat != "json") {
			return &OptionError{Option: "PkgFormat", Value: Terraform, Conflicts: []string{"MergeTemplate", "SingleFile", "TemplateFormat"}}
		}
	default:
		return &OptionError{Option: "PkgFormat", Value: o.PkgFormat, Valid: "cloudformation or terraform"}
	}
	switch o.TemplateFormat {
	case "", "json":
		o.TemplateFormat = "json"
	case "yaml":
	default:
		return &OptionError{Option: "TemplateFormat", Value: o.TemplateFormat, Valid: "json or yaml"}
	}
	if ext := strings.ToLower(filepath.Ext(o.MergeTemplate)); ext == ".yaml" || ext == ".yml" {
		o.TemplateFormat = "yaml"
	}
	if o.OutDir == "" {
		return &OptionError{Option: "OutDir", Valid: "the directory (or, with SingleFile, the zip file) to write the template and deployment.zip to"}
	}
	return nil
}
