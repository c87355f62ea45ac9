// Package pkgcmd implements `gochalice package OUT`: a SAM/CloudFormation
// template (sam.json / sam.yaml) or chalice.tf.json next to
// deployment.zip, as `chalice package` writes them.
package pkgcmd

import (
	"context"
	"slices"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of package.
type Options struct {
	IO             cli.IO
	Report         report.Reporter
	ProjectDir     string
	OutDir         string
	Stage          string
	PkgFormat      string
	TemplateFormat string
	MergeTemplate  string
	SingleFile     bool
	AutogenPolicy  *bool // nil: autogen_policy of the configuration
}

const long = `Write the app as a deployment package into OUT: a SAM/CloudFormation
template (sam.json, or sam.yaml with --template-format yaml) or, with
--pkg-format terraform, chalice.tf.json, next to deployment.zip, the
bootstrap binary built for Lambda. The output is deterministic: the same
sources give the same bytes.

--merge-template deep-merges a JSON or YAML template into the generated
one (a .yaml/.yml file forces YAML output); --single-file zips OUT into
the file OUT. Terraform supports neither, nor --template-format.
Progress goes to stderr; nothing is printed on stdout.`

const example = `  gochalice package out
  gochalice package --stage prod --template-format yaml out
  gochalice package --pkg-format terraform out
  gochalice package --merge-template extras.yaml out`

// NewCmdPackage returns the package command; runF, when set, receives
// the parsed options instead of Run (tests).
func NewCmdPackage(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	var autogen *cli.BoolPair
	cmd := &cobra.Command{
		Use:     "package OUT",
		Short:   "Generate a deployment package (SAM/CloudFormation or Terraform) into OUT",
		Long:    long,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains([]string{packager.CloudFormation, packager.Terraform}, opts.PkgFormat) {
				return cli.FlagErrorf("--pkg-format %q: must be cloudformation or terraform", opts.PkgFormat)
			}
			if !slices.Contains([]string{"json", "yaml"}, opts.TemplateFormat) {
				return cli.FlagErrorf("--template-format %q: must be json or yaml", opts.TemplateFormat)
			}
			if opts.PkgFormat == packager.Terraform && (opts.MergeTemplate != "" || opts.SingleFile || opts.TemplateFormat != "json") {
				return cli.FlagErrorf("Terraform format does not support --merge-template, --single-file, or --template-format")
			}
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.Report, opts.ProjectDir, opts.OutDir = f.IO, f.Reporter(), dir, args[0]
			opts.AutogenPolicy = autogen.Value()
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Stage, "stage", config.DefaultStage, "Chalice stage to package.")
	fl.StringVar(&opts.PkgFormat, "pkg-format", packager.CloudFormation, "Package format: cloudformation or terraform.")
	fl.StringVar(&opts.TemplateFormat, "template-format", "json", "Template format for CloudFormation: json or yaml.")
	fl.StringVar(&opts.MergeTemplate, "merge-template", "", "A JSON or YAML template deep-merged into the generated one (.yaml/.yml forces YAML output).")
	fl.BoolVar(&opts.SingleFile, "single-file", false, "Write one zip file OUT instead of a directory.")
	autogen = cli.AddBoolPair(cmd, "autogen-policy", "Generate the IAM policy from the code (default from config: true).", "Use .chalice/policy-<stage>.json instead of generating the policy.")
	fl.String("profile", "", "AWS profile (unused by package; accepted for Chalice compatibility).")
	return cmd
}

// Run writes the package; progress and warnings go to the Reporter.
func Run(ctx context.Context, o *Options) error {
	po := &packager.Options{
		ProjectDir: o.ProjectDir, OutDir: o.OutDir, Stage: o.Stage,
		PkgFormat: o.PkgFormat, TemplateFormat: o.TemplateFormat, MergeTemplate: o.MergeTemplate, SingleFile: o.SingleFile,
		Reporter: o.Report,
	}
	po.Overrides.AutogenPolicy = o.AutogenPolicy
	if _, err := packager.Package(ctx, po); err != nil {
		return err
	}
	return nil
}
