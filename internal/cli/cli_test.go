package cli_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/spf13/cobra"
)

type coded struct{}

func (coded) Error() string { return "coded" }
func (coded) ExitCode() int { return 7 }

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("boom"), 2},
		{fmt.Errorf("deploying: %w", errors.New("boom")), 2},
		{cli.FlagErrorf("--port: bad"), 2},
		{fmt.Errorf("wrapped: %w", cli.FlagErrorf("bad")), 2},
		{cli.Abort(errors.New("Directory already exists: x")), 1},
		{fmt.Errorf("invoke: %w", cli.Abort(errors.New("function failed"))), 1},
		{&cli.ExitError{Code: 3}, 3},
		{fmt.Errorf("x: %w", coded{}), 7},
	}
	for _, tt := range tests {
		if got := cli.ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// run executes a small tree the way the binary does.
func run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	f := &cli.Factory{IO: cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}}
	root := cli.NewRoot(f,
		func(f *cli.Factory) *cobra.Command {
			return &cobra.Command{Use: "fail", Args: cobra.NoArgs, RunE: func(*cobra.Command, []string) error {
				return errors.New("it failed\nsecond line")
			}}
		},
		func(f *cli.Factory) *cobra.Command {
			return &cobra.Command{Use: "abort", Args: cobra.NoArgs, RunE: func(*cobra.Command, []string) error { return cli.Abort(errors.New("aborted")) }}
		},
		func(f *cli.Factory) *cobra.Command {
			return &cobra.Command{Use: "progress", Args: cobra.NoArgs, RunE: func(*cobra.Command, []string) error {
				r := f.Reporter()
				r.Info("Doing it.")
				r.Warn("careful")
				fmt.Fprintln(f.IO.Out, "result")
				return nil
			}}
		},
		func(f *cli.Factory) *cobra.Command {
			g := cli.NewGroup("grp", "A group", "A group.", "  gochalice grp sub")
			g.AddCommand(&cobra.Command{Use: "sub", Run: func(*cobra.Command, []string) {}})
			return g
		},
	)
	code := cli.Run(root, f, args)
	return code, out.String(), errOut.String()
}

func TestRunPrintsErrorsOneWay(t *testing.T) {
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string // stderr: exact, or a prefix ending in "…"
		usage          bool
	}{
		{args: []string{"fail"}, code: 2, stderr: "Error: it failed\nsecond line\n"},
		{args: []string{"abort"}, code: 1, stderr: "Error: aborted\n"},
		{args: []string{"progress"}, code: 0, stdout: "result\n", stderr: "Doing it.\nWarning: careful\n"},
		{args: []string{"--quiet", "progress"}, code: 0, stdout: "result\n", stderr: "Warning: careful\n"},
		{args: []string{"-q", "progress"}, code: 0, stdout: "result\n", stderr: "Warning: careful\n"},
		{args: []string{"fail", "--bogus"}, code: 2, usage: true, stderr: "Error: unknown flag: --bogus\n"},
		{args: []string{"fail", "extra"}, code: 2, usage: true, stderr: "Error: unknown command \"extra\" for \"gochalice fail\"\n"},
		{args: []string{"progres"}, code: 2, usage: true, stderr: "Error: unknown command \"progres\" for \"gochalice\"; did you mean progress?\n"},
		{args: []string{"grp", "nope"}, code: 2, usage: true, stderr: "Error: unknown command \"nope\" for \"gochalice grp\"\n"},
	}
	for _, tt := range tests {
		code, stdout, stderr := run(tt.args...)
		if code != tt.code || stdout != tt.stdout {
			t.Errorf("%v: code %d stdout %q, want %d %q", tt.args, code, stdout, tt.code, tt.stdout)
		}
		if tt.usage {
			if !strings.HasPrefix(stderr, "Usage:\n") || !strings.Contains(stderr, "--help' for help.\n\n") || !strings.HasSuffix(stderr, tt.stderr) {
				t.Errorf("%v: stderr %q, want the usage then %q", tt.args, stderr, tt.stderr)
			}
		} else if stderr != tt.stderr {
			t.Errorf("%v: stderr %q, want %q", tt.args, stderr, tt.stderr)
		}
	}
}

func TestBoolPair(t *testing.T) {
	tests := []struct {
		args []string
		want string // "nil", "true", "false", or "usage"
	}{
		{nil, "nil"},
		{[]string{"--autogen-policy"}, "true"},
		{[]string{"--autogen-policy=false"}, "false"},
		{[]string{"--no-autogen-policy"}, "false"},
		{[]string{"--no-autogen-policy=false"}, "true"},
		{[]string{"--autogen-policy", "--no-autogen-policy"}, "usage"},
	}
	for _, tt := range tests {
		var got string
		var out bytes.Buffer
		f := &cli.Factory{IO: cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &out}}
		root := cli.NewRoot(f, func(f *cli.Factory) *cobra.Command {
			var p *cli.BoolPair
			cmd := &cobra.Command{Use: "deploy", RunE: func(*cobra.Command, []string) error {
				if v := p.Value(); v == nil {
					got = "nil"
				} else {
					got = fmt.Sprint(*v)
				}
				return nil
			}}
			p = cli.AddBoolPair(cmd, "autogen-policy", "on", "off")
			return cmd
		})
		code := cli.Run(root, f, append([]string{"deploy"}, tt.args...))
		if tt.want == "usage" {
			if code != 2 || !strings.Contains(out.String(), "if any flags in the group [autogen-policy no-autogen-policy] are set none of the others can be") {
				t.Errorf("%v: code %d output %q", tt.args, code, out.String())
			}
			continue
		}
		if code != 0 || got != tt.want {
			t.Errorf("%v: code %d value %s, want %s", tt.args, code, got, tt.want)
		}
	}
}
