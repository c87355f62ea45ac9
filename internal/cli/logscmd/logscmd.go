// Package logscmd implements `gochalice logs`: the CloudWatch log events
// of a deployed function, once or followed.
package logscmd

import (
	"context"
	"errors"
	"time"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/stageflags"
	"github.com/gochalice/chalice/internal/deploy/logs"
	"github.com/gochalice/chalice/internal/report"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of logs.
type Options struct {
	IO         cli.IO
	Report     report.Reporter
	ProjectDir string
	stageflags.Flags
	Name                  string
	Since                 string
	Follow                bool
	IncludeLambdaMessages bool
	NumEntries            int
}

const long = `Print the log events of a deployed function, one
"<timestamp> <log stream id> <message>" line each, as chalice logs does.

The function is found in the stage's deployed state (api_handler, the
REST API's handler, by default). START, END and REPORT lines are hidden
unless --include-lambda-messages. With --follow the log group is polled
until Ctrl-C, starting 10 minutes ago unless --since says otherwise; a
transient error while following is reported on stderr and retried.`

const example = `  gochalice logs
  gochalice logs -n purefn --since 1h
  gochalice logs --stage prod -f --include-lambda-messages`

// NewCmdLogs returns the logs command; runF, when set, receives the
// parsed options instead of Run (tests).
func NewCmdLogs(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:     "logs",
		Short:   "Print the logs of a deployed function",
		Long:    long,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Since != "" {
				if _, err := logs.ParseSince(opts.Since, time.Now()); err != nil {
					if se, ok := errors.AsType[*logs.SinceError](err); ok {
						return cli.FlagErrorf("invalid --since value %q: use a duration such as 30s, 5m, 2h, 1d or 1w, or an ISO 8601 time such as 2026-11-22T10:00:00Z", se.Value)
					}
					return cli.FlagErrorWrap(err)
				}
			}
			if opts.NumEntries < 0 {
				return cli.FlagErrorf("--num-entries %d: must not be negative", opts.NumEntries)
			}
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.Report, opts.ProjectDir = f.IO, f.Reporter(), dir
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.Flags.Register(cmd, stageflags.Which{Profile: true, State: true, StageHelp: "Name of the Chalice stage to get logs for."})
	p := cmd.Flags()
	p.IntVar(&opts.NumEntries, "num-entries", 0, "Max number of log entries to show.")
	p.BoolVar(&opts.IncludeLambdaMessages, "include-lambda-messages", false, "Controls whether or not lambda log messages are included.")
	p.StringVarP(&opts.Name, "name", "n", "api_handler", "The name of the lambda function to retrieve logs from.")
	p.StringVarP(&opts.Since, "since", "s", "", "Only display logs since the provided time: 5m, 2h, 1d, 1w, 30s, or an ISO 8601 time.")
	p.BoolVarP(&opts.Follow, "follow", "f", false, "Continuously poll for new log messages (Ctrl-C to stop).")
	return cmd
}

// Run prints the logs (log lines on stdout, warnings on stderr).
func Run(ctx context.Context, o *Options) error {
	lo := &logs.Options{
		Options: o.Flags.Options(o.ProjectDir),
		Name:    o.Name, Since: o.Since, Follow: o.Follow,
		IncludeLambdaMessages: o.IncludeLambdaMessages, MaxEntries: o.NumEntries,
	}
	lo.Out, lo.ErrOut = o.IO.Out, cli.ProgressWriter(o.Report)
	return logs.Print(ctx, lo)
}
