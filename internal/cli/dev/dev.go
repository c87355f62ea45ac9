// Package dev implements `gochalice dev`: commands for looking inside the
// pipeline (appgraph: the resource model).
package dev

import (
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/packager"
	"github.com/spf13/cobra"
)

// NewCmd returns the dev command group.
func NewCmd(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "dev", Short: "Development and debugging commands"}
	cmd.AddCommand(newAppgraph(f))
	return cmd
}

func newAppgraph(f *cli.Factory) *cobra.Command {
	opts := &packager.Options{}
	cmd := &cobra.Command{
		Use:   "appgraph",
		Short: "Print the app's resource model for a stage",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.ProjectDir, opts.Warnings = dir, f.IO.ErrOut
			app, err := packager.Model(cmd.Context(), opts)
			if err != nil {
				return &cli.ExitError{Code: cli.ExitFail, Err: err}
			}
			app.Print(f.IO.Out)
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Stage, "stage", config.DefaultStage, "Chalice stage.")
	return cmd
}
