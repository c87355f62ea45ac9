// Package genpolicy implements `gochalice gen-policy`: the least-privilege
// IAM policy autogen_policy gives the app, from static analysis of its
// aws-sdk-go-v2 calls plus the statements its features need. It is the
// very policy `gochalice package` and `gochalice deploy` attach to the
// app's role for the stage.
package genpolicy

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/packager"
	"github.com/spf13/cobra"
)

// Options are the flags of gen-policy.
type Options struct {
	IO         cli.IO
	ProjectDir string
	Stage      string
	// Dir is the Go package analysed (--filename); the project directory
	// when empty.
	Dir string
}

// NewCmd returns the gen-policy command.
func NewCmd(f *cli.Factory) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "gen-policy",
		Short: "Print the IAM policy generated from the app's AWS SDK calls",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.ProjectDir = f.IO, dir
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "filename", "", "The app's Go package directory (default: the project directory).")
	cmd.Flags().StringVar(&opts.Stage, "stage", config.DefaultStage, "Chalice stage whose policy to print.")
	return cmd
}

// Run prints the policy as JSON (two-space indentation, as package writes
// templates), with warnings on stderr.
func Run(ctx context.Context, o *Options) error {
	policy, err := packager.AutogenPolicy(ctx, &packager.Options{ProjectDir: o.ProjectDir, Stage: o.Stage, Warnings: o.IO.ErrOut}, o.Dir)
	if err != nil {
		return &cli.ExitError{Code: cli.ExitFail, Err: err}
	}
	out, err := json.MarshalIndent(policy, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.IO.Out, "%s\n", out)
	return err
}
