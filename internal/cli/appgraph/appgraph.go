// Package appgraph implements `gochalice dev appgraph`: the resource
// model package and deploy work from, printed as a tree.
package appgraph

import (
	"context"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of dev appgraph.
type Options struct {
	IO         cli.IO
	Report     report.Reporter
	ProjectDir string
	Stage      string
}

const long = `Build the app for this machine, read its manifest and print the resource
model of the stage as a tree: functions, roles, APIs, event sources,
custom domains and their mappings, with the settings package and deploy
will use. Warnings (such as a stage config.json does not list) go to
stderr.`

const example = `  gochalice dev appgraph
  gochalice dev appgraph --stage prod`

// NewCmdAppgraph returns the appgraph command; runF, when set, receives
// the parsed options instead of Run (tests).
func NewCmdAppgraph(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:     "appgraph",
		Short:   "Print the app's resource model for a stage",
		Long:    long,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.Report, opts.ProjectDir = f.IO, f.Reporter(), dir
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Stage, "stage", config.DefaultStage, "Name of the Chalice stage.")
	return cmd
}

// Run prints the model.
func Run(ctx context.Context, o *Options) error {
	app, err := packager.Model(ctx, &packager.Options{ProjectDir: o.ProjectDir, Stage: o.Stage, Reporter: o.Report})
	if err != nil {
		return err
	}
	app.Print(o.IO.Out)
	return nil
}
