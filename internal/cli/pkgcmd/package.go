// Package pkgcmd implements `gochalice package OUT`: a SAM/CloudFormation
// template (sam.json / sam.yaml) or chalice.tf.json next to
// deployment.zip, as `chalice package` writes them.
package pkgcmd

import (
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/packager"
	"github.com/spf13/cobra"
)

// NewCmd returns the package command.
func NewCmd(f *cli.Factory) *cobra.Command {
	opts := &packager.Options{}
	var autogen, noAutogen bool
	cmd := &cobra.Command{
		Use:   "package OUT",
		Short: "Generate a deployment package (SAM/CloudFormation or Terraform) into OUT",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.ProjectDir, opts.OutDir, opts.Progress = dir, args[0], f.IO.ErrOut
			if autogen || noAutogen {
				v := autogen && !noAutogen
				opts.Overrides.AutogenPolicy = &v
			}
			if _, err := packager.Package(cmd.Context(), opts); err != nil {
				return &cli.ExitError{Code: cli.ExitFail, Err: err}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Stage, "stage", config.DefaultStage, "Chalice stage to package.")
	fl.StringVar(&opts.PkgFormat, "pkg-format", packager.CloudFormation, "Package format: cloudformation or terraform.")
	fl.StringVar(&opts.TemplateFormat, "template-format", "json", "Template format for CloudFormation: json or yaml.")
	fl.StringVar(&opts.MergeTemplate, "merge-template", "", "A JSON or YAML template deep-merged into the generated one (.yaml/.yml forces YAML output).")
	fl.BoolVar(&opts.SingleFile, "single-file", false, "Write one zip file OUT instead of a directory.")
	fl.BoolVar(&autogen, "autogen-policy", false, "Generate the IAM policy from the code (default from config: true).")
	fl.BoolVar(&noAutogen, "no-autogen-policy", false, "Use .chalice/policy-<stage>.json instead of generating the policy.")
	fl.String("profile", "", "AWS profile (unused by package; accepted for Chalice compatibility).")
	return cmd
}
