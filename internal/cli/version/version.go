// Package version implements `gochalice version` (and --version).
package version

import (
	"fmt"
	"runtime"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/spf13/cobra"
)

// String is what `gochalice version` prints, in Chalice's shape:
// "gochalice 0.1.0, go1.26.8, linux amd64".
func String() string {
	return fmt.Sprintf("gochalice %s, %s, %s %s", chalice.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// Options are the dependencies of version.
type Options struct {
	IO cli.IO
}

// NewCmdVersion returns the version command; runF, when set, receives
// the parsed options instead of Run (tests).
func NewCmdVersion(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the gochalice version",
		Long: `Print the version of gochalice, the Go toolchain it was built with and the
platform it runs on, as chalice --version does. gochalice --version
prints the same.`,
		Example: `  gochalice version
  gochalice --version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IO
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
}

// Run prints the version.
func Run(o *Options) error {
	_, err := fmt.Fprintln(o.IO.Out, String())
	return err
}
