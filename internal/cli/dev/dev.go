// Package dev implements `gochalice dev`, the group of commands that
// look inside the pipeline: appgraph (the resource model) and plan (the
// calls a deploy would make).
package dev

import (
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/appgraph"
	"github.com/gochalice/chalice/internal/cli/plan"
	"github.com/spf13/cobra"
)

const long = `Commands for looking inside the pipeline gochalice runs: the resource
model package and deploy work from (appgraph), and the calls a deploy
would make (plan), without changing anything.`

const example = `  gochalice dev appgraph --stage prod
  gochalice dev plan --stage prod`

// NewCmdDev returns the dev command group.
func NewCmdDev(f *cli.Factory) *cobra.Command {
	cmd := cli.NewGroup("dev", "Development and debugging commands", long, example)
	cmd.AddCommand(appgraph.NewCmdAppgraph(f, nil), plan.NewCmdPlan(f, nil))
	return cmd
}
