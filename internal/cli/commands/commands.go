// Package commands wires every gochalice verb into the root command.
package commands

import (
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/deletecmd"
	"github.com/gochalice/chalice/internal/cli/deploycmd"
	"github.com/gochalice/chalice/internal/cli/dev"
	"github.com/gochalice/chalice/internal/cli/genpolicy"
	"github.com/gochalice/chalice/internal/cli/invoke"
	"github.com/gochalice/chalice/internal/cli/local"
	"github.com/gochalice/chalice/internal/cli/logscmd"
	"github.com/gochalice/chalice/internal/cli/models"
	"github.com/gochalice/chalice/internal/cli/newproject"
	"github.com/gochalice/chalice/internal/cli/pkgcmd"
	"github.com/gochalice/chalice/internal/cli/urlcmd"
	"github.com/gochalice/chalice/internal/cli/version"
	"github.com/spf13/cobra"
)

// Main runs the CLI with args and returns the exit status.
func Main(args []string) int {
	return mainWith(cli.NewFactory(), args)
}

// Root is the whole command tree on f.
func Root(f *cli.Factory) *cobra.Command {
	root := cli.NewRoot(f,
		func(f *cli.Factory) *cobra.Command { return version.NewCmdVersion(f, nil) },
		func(f *cli.Factory) *cobra.Command { return newproject.NewCmdNewProject(f, nil) },
		func(f *cli.Factory) *cobra.Command { return local.NewCmdLocal(f, nil) },
		func(f *cli.Factory) *cobra.Command { return invoke.NewCmdInvoke(f, nil) },
		func(f *cli.Factory) *cobra.Command { return pkgcmd.NewCmdPackage(f, nil) },
		func(f *cli.Factory) *cobra.Command { return models.NewCmdGenerateModels(f, nil) },
		func(f *cli.Factory) *cobra.Command { return genpolicy.NewCmdGenPolicy(f, nil) },
		dev.NewCmdDev,
		func(f *cli.Factory) *cobra.Command { return deploycmd.NewCmdDeploy(f, nil) },
		func(f *cli.Factory) *cobra.Command { return deletecmd.NewCmdDelete(f, nil) },
		func(f *cli.Factory) *cobra.Command { return urlcmd.NewCmdURL(f, nil) },
		func(f *cli.Factory) *cobra.Command { return logscmd.NewCmdLogs(f, nil) },
	)
	root.Version = version.String()
	root.SetVersionTemplate("{{.Version}}\n")
	return root
}

func mainWith(f *cli.Factory, args []string) int {
	return cli.Run(Root(f), f, args)
}
