// Package genpolicy implements `gochalice gen-policy`: the least-privilege
// IAM policy autogen_policy would give the app, from static analysis of
// its aws-sdk-go-v2 calls.
package genpolicy

import (
	"encoding/json"
	"fmt"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/policygen"
	"github.com/spf13/cobra"
)

// NewCmd returns the gen-policy command.
func NewCmd(f *cli.Factory) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "gen-policy",
		Short: "Print the IAM policy generated from the app's AWS SDK calls",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				p, err := f.ProjectPath()
				if err != nil {
					return err
				}
				dir = p
			}
			actions, err := policygen.Analyze(cmd.Context(), dir)
			if err != nil {
				return &cli.ExitError{Code: cli.ExitFail, Err: err}
			}
			out, err := json.MarshalIndent(policygen.Generate(actions, policygen.Traits{}), "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "%s\n", out)
			return err
		},
	}
	cmd.Flags().StringVar(&dir, "filename", "", "The app's Go package directory (default: the project directory).")
	return cmd
}
