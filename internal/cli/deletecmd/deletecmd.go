// Package deletecmd implements `gochalice delete`: remove every resource
// recorded for a stage, in reverse order, and leave its state empty.
package deletecmd

import (
	"context"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/stageflags"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/report"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of delete.
type Options struct {
	IO         cli.IO
	Report     report.Reporter
	ProjectDir string
	stageflags.Flags
	// ByTag also finds the stage's resources by their gochalice tags.
	ByTag bool
	// DeleteRetained also deletes the retained declared resources.
	DeleteRetained bool
}

const long = `Delete every resource recorded in the stage's deployed state, in reverse
order of creation, and leave the state with no resources.

Resources already deleted by other means are fine. With nothing recorded
(a lost state file), --by-tag finds the resources of the app and stage by
the tags gochalice put on them and deletes those too. Tables and buckets
the app declares are retained (kept, and said so) unless --delete-retained.
Progress goes to stderr.`

const example = `  gochalice delete
  gochalice delete --stage prod --profile prod-admin
  gochalice delete --stage dev --by-tag`

// NewCmdDelete returns the delete command; runF, when set, receives the
// parsed options instead of Run (tests).
func NewCmdDelete(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:     "delete",
		Short:   "Delete every resource recorded for a stage",
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
	opts.Flags.Register(cmd, stageflags.Which{Profile: true, State: true, ConnectionTimeout: true})
	cmd.Flags().BoolVar(&opts.ByTag, "by-tag", false, "Also find the stage's resources by their gochalice tags (app, stage), for a stage whose deployed state was lost, and delete them.")
	cmd.Flags().BoolVar(&opts.DeleteRetained, "delete-retained", false, "Also delete the retained resources the app declares (tables and buckets by default) and everything in them.")
	return cmd
}

// Run deletes the stage's resources.
func Run(ctx context.Context, o *Options) error {
	do := o.Flags.Options(o.ProjectDir)
	do.ByTag = o.ByTag
	do.DeleteRetained = o.DeleteRetained
	do.Reporter = o.Report
	return deploy.Delete(ctx, &do)
}
