package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// ExitError ends the command with a specific exit status after printing
// its message (if any).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Exit codes.
const (
	ExitOK     = 0
	ExitError1 = 1 // a remote or function error (Chalice's invoke/ClientError)
	ExitFail   = 2 // any other error, as Chalice's main()
)

// Command is how a verb package contributes its cobra command.
type Command func(f *Factory) *cobra.Command

// NewRoot builds the gochalice command tree.
func NewRoot(f *Factory, commands ...Command) *cobra.Command {
	root := &cobra.Command{
		Use:           "gochalice",
		Short:         "Build, run, package and deploy Go serverless apps (AWS Chalice for Go)",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			os.Setenv("AWS_CHALICE_CLI_MODE", "true")
			if f.Debug {
				// --debug: the pipeline's debug records (go build command
				// lines, manifest reads, worker starts) go to stderr.
				slog.SetDefault(slog.New(slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelDebug})))
			}
			return nil
		},
	}
	root.PersistentFlags().StringVar(&f.ProjectDir, "project-dir", "", "The project directory path (absolute or relative). Defaults to CWD")
	root.PersistentFlags().BoolVar(&f.Debug, "debug", false, "Print debug logs to stderr.")
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	for _, c := range commands {
		root.AddCommand(c(f))
	}
	return root
}

// Run executes the command tree with args and returns the exit status.
// SIGINT/SIGTERM cancel the command's context.
func Run(root *cobra.Command, f *Factory, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintln(f.IO.ErrOut, ee.Err)
		}
		return ee.Code
	}
	fmt.Fprintln(f.IO.ErrOut, "Error:", err)
	return ExitFail
}
