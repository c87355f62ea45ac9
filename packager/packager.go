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
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appbuild"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deployzip"
	"github.com/gochalice/chalice/internal/policygen"
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
	// Progress receives one line per step ("Creating deployment package.").
	Progress io.Writer
	// Warnings receives one line per warning (an app_name that differs
	// from the code's, a stage config.json does not list, automatic_layer);
	// nil means Progress. They are also returned in Result and Built.
	Warnings io.Writer
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
	Warnings     []string // every line written to Options.Warnings
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
	Warnings []string       // every line written to Options.Warnings
}

// Build compiles the app, reads its manifest and builds the resource
// model and policies; `package` and `deploy` both start here.
func Build(ctx context.Context, o *Options) (*Built, error) {
	cfg, progress, err := prepare(o)
	if err != nil {
		return nil, err
	}
	w := newWarner(o, progress)
	m, app, err := model(ctx, o, cfg, progress, w)
	if err != nil {
		return nil, err
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
	fmt.Fprintln(progress, "Creating deployment package.")
	lambdaBin, err := appbuild.Build(ctx, appbuild.Options{ProjectDir: o.ProjectDir, Output: filepath.Join(buildDir, "lambda-"+arch, "bootstrap"), Target: target, Release: true})
	if err != nil {
		return nil, err
	}
	pkg, err := deployzip.Build(o.ProjectDir, lambdaBin, arch)
	if err != nil {
		return nil, err
	}
	if pkg.Cached {
		fmt.Fprintln(progress, "Reusing existing deployment package.")
	}
	policies, err := Policies(ctx, o.ProjectDir, app)
	if err != nil {
		return nil, &Error{App: m.App, Stage: o.Stage, Err: err}
	}
	return &Built{Manifest: m, App: app, Package: pkg, Policies: policies, Warnings: w.lines}, nil
}

// Model builds the app for this machine, reads its manifest and returns
// the resource model, without building the deployment package.
func Model(ctx context.Context, o *Options) (*appgraph.Application, error) {
	cfg, progress, err := prepare(o)
	if err != nil {
		return nil, err
	}
	_, app, err := model(ctx, o, cfg, progress, newWarner(o, progress))
	return app, err
}

// warner writes warnings to Options.Warnings (or Progress) and keeps them.
type warner struct {
	w     io.Writer
	lines []string
}

func newWarner(o *Options, progress io.Writer) *warner {
	w := o.Warnings
	if w == nil {
		w = progress
	}
	if w == nil {
		w = io.Discard
	}
	return &warner{w: w}
}

func (w *warner) warn(line string) {
	w.lines = append(w.lines, line)
	fmt.Fprintln(w.w, line)
}

// prepare defaults the stage and loads (or takes) the config.
func prepare(o *Options) (*config.Config, io.Writer, error) {
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
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
	return cfg, progress, nil
}

func model(ctx context.Context, o *Options, cfg *config.Config, progress io.Writer, w *warner) (*manifest.Manifest, *appgraph.Application, error) {
	if note := cfg.UndefinedStageNote(o.Stage); note != "" {
		w.warn(note)
	}
	fmt.Fprintln(progress, "Reading the app's manifest.")
	hostBin, err := appbuild.Build(ctx, appbuild.Options{ProjectDir: o.ProjectDir, Output: filepath.Join(o.ProjectDir, ".chalice", "build", "host", "bootstrap")})
	if err != nil {
		return nil, nil, err
	}
	m, err := appbuild.ReadManifest(ctx, hostBin)
	if err != nil {
		return nil, nil, err
	}
	app, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: o.Stage, Overrides: o.Overrides, ProjectDir: o.ProjectDir})
	if err != nil {
		return nil, nil, &Error{App: m.App, Stage: o.Stage, Err: err}
	}
	for _, line := range app.Warnings {
		w.warn(line)
	}
	return m, app, nil
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
// the policy of the analysed calls alone and says so on Options.Warnings.
func AutogenPolicy(ctx context.Context, o *Options, dir string) (*policygen.Policy, error) {
	cfg, progress, err := prepare(o)
	if err != nil {
		return nil, err
	}
	w := newWarner(o, progress)
	_, app, err := model(ctx, o, cfg, progress, w)
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

func checkOptions(o *Options) error {
	switch o.PkgFormat {
	case "", CloudFormation:
		o.PkgFormat = CloudFormation
	case Terraform:
		if o.MergeTemplate != "" || o.SingleFile || (o.TemplateFormat != "" && o.TemplateFormat != "json") {
			return errors.New("Terraform format does not support --merge-template, --single-file, or --template-format")
		}
	default:
		return fmt.Errorf("--pkg-format %q must be cloudformation or terraform", o.PkgFormat)
	}
	switch o.TemplateFormat {
	case "", "json":
		o.TemplateFormat = "json"
	case "yaml":
	default:
		return fmt.Errorf("--template-format %q must be json or yaml", o.TemplateFormat)
	}
	if ext := strings.ToLower(filepath.Ext(o.MergeTemplate)); ext == ".yaml" || ext == ".yml" {
		o.TemplateFormat = "yaml"
	}
	if o.OutDir == "" {
		return errors.New("an output directory is required: gochalice package OUT")
	}
	return nil
}
