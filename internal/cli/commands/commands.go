// Package commands wires every gochalice verb into the root command.
package commands

import (
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/deploycmd"
	"github.com/gochalice/chalice/internal/cli/dev"
	"github.com/gochalice/chalice/internal/cli/genpolicy"
	"github.com/gochalice/chalice/internal/cli/invoke"
	"github.com/gochalice/chalice/internal/cli/local"
	"github.com/gochalice/chalice/internal/cli/models"
	"github.com/gochalice/chalice/internal/cli/newproject"
	"github.com/gochalice/chalice/internal/cli/pkgcmd"
	"github.com/gochalice/chalice/internal/cli/version"
)

// Main runs the CLI with args and returns the exit status.
func Main(args []string) int {
	return mainWith(cli.NewFactory(), args)
}

func mainWith(f *cli.Factory, args []string) int {
	root := cli.NewRoot(f, version.NewCmd, newproject.NewCmd, local.NewCmd, invoke.NewCmd, pkgcmd.NewCmd, models.NewCmd, genpolicy.NewCmd, deploycmd.WithPlan(dev.NewCmd), deploycmd.NewDeployCmd, deploycmd.NewDeleteCmd, deploycmd.NewURLCmd, deploycmd.NewLogsCmd)
	root.Version = version.String()
	root.SetVersionTemplate("{{.Version}}\n")
	return cli.Run(root, f, args)
}
