package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Command is how a verb package contributes its cobra command.
type Command func(f *Factory) *cobra.Command

const rootLong = `gochalice builds, runs, packages and deploys Go serverless apps written
with github.com/gochalice/chalice, as AWS Chalice does for Python.

A command's result goes to stdout; progress, warnings and errors go to
stderr. Exit status: 0 on success, 1 when invoke's function or Lambda
itself failed or a command was aborted, 2 for any other error and for
usage errors.`

// NewRoot builds the gochalice command tree.
func NewRoot(f *Factory, commands ...Command) *cobra.Command {
	root := &cobra.Command{
		Use:   "gochalice",
		Short: "Build, run, package and deploy Go serverless apps (AWS Chalice for Go)",
		Long:  rootLong,
		Example: `  gochalice new-project hello
  gochalice --project-dir hello local
  gochalice --project-dir hello deploy --stage prod`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Runnable, so that an unknown verb is a usage error (exit 2)
		// rather than cobra's help.
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			// Checked here, before cobra checks them, so that a missing
			// required flag or two exclusive flags are usage errors.
			if err := cmd.ValidateRequiredFlags(); err != nil {
				return FlagErrorWrap(err)
			}
			if err := cmd.ValidateFlagGroups(); err != nil {
				return FlagErrorWrap(err)
			}
			os.Setenv("AWS_CHALICE_CLI_MODE", "true")
			if f.Debug {
				// --debug: the pipeline's debug records (go build command
				// lines, manifest reads, worker starts) go to stderr.
				slog.SetDefault(slog.New(slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelDebug})))
			}
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&f.ProjectDir, "project-dir", "", "The project directory path (absolute or relative). Defaults to CWD")
	pf.BoolVar(&f.Debug, "debug", false, "Print debug logs to stderr.")
	pf.BoolVarP(&f.Quiet, "quiet", "q", false, "Print no progress lines on stderr (warnings and errors still are).")
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return FlagErrorWrap(err) })
	for _, c := range commands {
		root.AddCommand(c(f))
	}
	usageArgs(root)
	return root
}

// NewGroup returns a command that only groups subcommands (`dev`): run
// alone it prints its help; with an unknown subcommand it is a usage
// error.
func NewGroup(use, short, long, example string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Long: long, Example: example, Args: cobra.ArbitraryArgs, RunE: groupRunE}
}

func groupRunE(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return FlagErrorf("%s", msg)
}

// usageArgs makes every argument-count error of the tree a usage error.
func usageArgs(cmd *cobra.Command) {
	if args := cmd.Args; args != nil {
		cmd.Args = func(c *cobra.Command, a []string) error { return FlagErrorWrap(args(c, a)) }
	}
	for _, c := range cmd.Commands() {
		usageArgs(c)
	}
}

// Run executes the command tree with args, prints the error, if any, the
// one way every verb's are printed, and returns the exit status.
// SIGINT/SIGTERM cancel the command's context.
func Run(root *cobra.Command, f *Factory, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	PrintError(f.IO.ErrOut, cmd, err)
	return ExitCode(err)
}
