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

// NewCmd returns the version command.
func NewCmd(f *cli.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the gochalice version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(f.IO.Out, String())
			return err
		},
	}
}
