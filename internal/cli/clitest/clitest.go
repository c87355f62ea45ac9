// Package clitest runs one verb's command the way the gochalice binary
// does — under the root command, with its global flags and its usage
// checks — on captured streams, for the verbs' flag-parsing tests.
package clitest

import (
	"bytes"
	"context"
	"strings"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/spf13/cobra"
)

// Result is what one run produced.
type Result struct {
	Stdout, Stderr string
	Err            error // the command's error, before it is printed
	Code           int   // the exit status the binary would return
}

// Exec runs args (the verb first) through a root holding only the
// command newCmd returns, with stdin.
func Exec(newCmd cli.Command, stdin string, args ...string) Result {
	var out, errOut bytes.Buffer
	f := &cli.Factory{IO: cli.IO{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}}
	root := cli.NewRoot(f, newCmd)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(context.Background())
	cli.PrintError(&errOut, cmd, err)
	return Result{Stdout: out.String(), Stderr: errOut.String(), Err: err, Code: cli.ExitCode(err)}
}

// Verb adapts a verb's NewCmdX to cli.Command with runF.
func Verb[O any](newCmd func(*cli.Factory, func(*O) error) *cobra.Command, runF func(*O) error) cli.Command {
	return func(f *cli.Factory) *cobra.Command { return newCmd(f, runF) }
}
