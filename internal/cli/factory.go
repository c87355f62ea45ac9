// Package cli is the gochalice command line: the root command, global
// flags, and the mapping of errors to exit codes. Each verb lives in its
// own package (internal/cli/<verb>) with an Options struct, a NewCmd that
// only parses flags, and a run function that never touches cobra.
package cli

import (
	"io"
	"os"
	"path/filepath"
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
