package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses, as Chalice's: 1 where Chalice aborts or a function or
// Lambda itself failed (invoke), 2 for every other error (Chalice's
// main()) and for usage errors (click's).
const (
	ExitOK    = 0
	ExitAbort = 1
	ExitFail  = 2
	ExitUsage = 2
)

// ExitError ends a command with a given exit status; Err is printed
// (nil prints nothing).
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

// Abort is err ending the command with status 1, as Chalice's
// click.Abort and its exit_code=1 errors (a function error, Lambda
// refusing a call, a project directory that already exists).
func Abort(err error) error { return &ExitError{Code: ExitAbort, Err: err} }

// FlagError is a usage error: an unknown flag, a wrong number of
// arguments, a bad flag value, flags that cannot go together. It is
// printed with the command's usage and exits 2.
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

// FlagErrorf returns a usage error.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{err: fmt.Errorf(format, args...)}
}

// FlagErrorWrap makes err a usage error (nil stays nil).
func FlagErrorWrap(err error) error {
	if err == nil {
		return nil
	}
	var fe *FlagError
	if errors.As(err, &fe) {
		return err
	}
	return &FlagError{err: err}
}

// exitCoder is an error that knows its exit status (library errors can
// carry one without the CLI importing their package).
type exitCoder interface{ ExitCode() int }

// ExitCode is the one map from a command's error to its exit status.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var fe *FlagError
	if errors.As(err, &fe) {
		return ExitUsage
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ec exitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return ExitFail
}

// PrintError writes err the one way every verb's errors are written, on
// w (stderr): click's form, "Error: message" (a message of several lines
// keeps them). A usage error first shows the usage of cmd and how to get
// its help, as click does.
func PrintError(w io.Writer, cmd *cobra.Command, err error) {
	if err == nil {
		return
	}
	var fe *FlagError
	if errors.As(err, &fe) && cmd != nil {
		fmt.Fprint(w, cmd.UsageString())
		fmt.Fprintf(w, "\nTry '%s --help' for help.\n\n", cmd.CommandPath())
	}
	var ee *ExitError
	if errors.As(err, &ee) && ee.Err == nil {
		return
	}
	msg := strings.TrimRight(err.Error(), "\n")
	fmt.Fprintln(w, "Error: "+msg)
}
