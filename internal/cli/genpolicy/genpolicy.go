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
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of gen-policy.
type Options struct {
	IO         cli.IO
	Report     report.Reporter
	ProjectDir string
	Stage      string
	// Dir is the Go package analysed (--filename); the project directory
	// when empty.
	Dir string
}

const long = `Print the least-privilege IAM policy autogen_policy gives the app's role
for the stage: the actions of the aws-sdk-go-v2 calls found by analysing
the app's Go code, plus the statements its features need (logs, event
sources, websockets, VPC, X-Ray). It is exactly the policy package and
deploy attach. The app is built for this machine; it works before go mod
tidy. Warnings go to stderr.`

const example = `  gochalice gen-policy > .chalice/policy-dev.json
  gochalice gen-policy --stage prod
  gochalice gen-policy --filename ./cmd/api`

// NewCmdGenPolicy returns the gen-policy command; runF, when set,
// receives the parsed options instead of Run (tests).
func NewCmdGenPolicy(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:     "gen-policy",
		Short:   "Print the IAM policy generated from the app's AWS SDK calls",
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
	cmd.Flags().StringVar(&opts.Dir, "filename", "", "The app's Go package directory (default: the project directory).")
	cmd.Flags().StringVar(&opts.Stage, "stage", config.DefaultStage, "Chalice stage whose policy to print.")
	return cmd
}

// Run prints the policy as JSON (two-space indentation, as package writes
// templates), with warnings on stderr.
func Run(ctx context.Context, o *Options) error {
	policy, err := packager.AutogenPolicy(ctx, &packager.Options{ProjectDir: o.ProjectDir, Stage: o.Stage, Reporter: o.Report}, o.Dir)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(policy, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.IO.Out, "%s\n", out)
	return err
}
