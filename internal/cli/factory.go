// Package cli is the gochalice command line: the root command, global
// flags, and the one mapping of errors to exit statuses and messages.
// Each verb lives in its own package (internal/cli/<verb>) with an
// Options struct, a NewCmd that only parses and checks flags, and a run
// function that holds the logic and never touches cobra.
//
// Output discipline: a command's result goes to IO.Out (stdout);
// progress, warnings and errors go to IO.ErrOut (stderr), progress and
// warnings through the Factory's Reporter.
package cli

import (
	"io"
	"os"
	"path/filepath"

	"github.com/gochalice/chalice/internal/report"
)

// IO is the command's standard streams.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Factory carries what every command needs: streams and global flags.
type Factory struct {
	IO         IO
	ProjectDir string // --project-dir (default: current directory)
	Debug      bool   // --debug
	Quiet      bool   // --quiet: no progress lines, warnings and errors only

	reporter report.Reporter
}

// NewFactory returns a factory on the process's streams.
func NewFactory() *Factory {
	return &Factory{IO: IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}}
}

// ProjectPath resolves the project directory.
func (f *Factory) ProjectPath() (string, error) {
	dir := f.ProjectDir
	if dir == "" {
		dir = "."
	}
	return filepath.Abs(dir)
}

// Reporter is where commands report progress and warnings: plain lines
// on stderr, without progress under --quiet. It is built once, after
// the flags are parsed (call it from a command's RunE).
func (f *Factory) Reporter() report.Reporter {
	if f.reporter == nil {
		var opts []report.Option
		if f.Quiet {
			opts = append(opts, report.Quiet())
		}
		f.reporter = report.New(f.IO.ErrOut, opts...)
	}
	return f.reporter
}
