// Package deploycmd implements `gochalice deploy`, `delete`, `url` and
// `dev plan` over internal/deploy.
package deploycmd

import (
	"errors"
	"time"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/spf13/cobra"
)

// exit maps deploy errors to exit statuses (Chalice's main(): 2).
func exit(err error) error {
	if err == nil {
		return nil
	}
	return &cli.ExitError{Code: cli.ExitFail, Err: err}
}

type flags struct {
	opts       deploy.Options
	autogen    bool
	noAutogen  bool
	apiStage   string
	timeoutSec int
}

func (fl *flags) options(f *cli.Factory) (*deploy.Options, error) {
	dir, err := f.ProjectPath()
	if err != nil {
		return nil, err
	}
	o := fl.opts
	o.ProjectDir, o.Out, o.ErrOut = dir, f.IO.Out, f.IO.ErrOut
	if fl.autogen || fl.noAutogen {
		v := fl.autogen && !fl.noAutogen
		o.Overrides.AutogenPolicy = &v
	}
	o.Overrides.APIGatewayStage = fl.apiStage
	if fl.timeoutSec > 0 {
		o.ConnectionTimeout = time.Duration(fl.timeoutSec) * time.Second
	}
	return &o, nil
}

func (fl *flags) register(cmd *cobra.Command, deployFlags, timeout bool) {
	p := cmd.Flags()
	p.StringVar(&fl.opts.Stage, "stage", config.DefaultStage, "Name of the Chalice stage.")
	p.StringVar(&fl.opts.Profile, "profile", "", "Override profile at deploy time.")
	p.StringVar(&fl.opts.StateURL, "state", "", "Keep the deployed state in S3 (s3://bucket/key, or s3://bucket/prefix/ for <prefix>/<stage>.json) with conditional writes, instead of .chalice/deployed/<stage>.json.")
	if deployFlags {
		p.StringVar(&fl.apiStage, "api-gateway-stage", "", "Name of the API gateway stage to deploy to.")
		p.BoolVar(&fl.autogen, "autogen-policy", false, "Automatically generate IAM policy for app code.")
		p.BoolVar(&fl.noAutogen, "no-autogen-policy", false, "Use .chalice/policy-<stage>.json instead of generating the policy.")
	}
	if deployFlags {
		p.StringVar(&fl.opts.DeploymentBucket, "deployment-bucket", "", "S3 bucket to upload a deployment package over Lambda's 50 MB direct-upload limit to.")
	}
	if timeout {
		p.IntVar(&fl.timeoutSec, "connection-timeout", 0, "Overrides the default HTTP connection timeout (seconds).")
	}
}

// NewDeployCmd returns `gochalice deploy`.
func NewDeployCmd(f *cli.Factory) *cobra.Command {
	fl := &flags{}
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy the app to AWS (Lambda, IAM, API Gateway, EventBridge)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := fl.options(f)
			if err != nil {
				return exit(err)
			}
			_, err = deploy.Deploy(cmd.Context(), o)
			return exit(err)
		},
	}
	fl.register(cmd, true, true)
	return cmd
}

// NewDeleteCmd returns `gochalice delete`.
func NewDeleteCmd(f *cli.Factory) *cobra.Command {
	fl := &flags{}
	cmd := &cobra.Command{
		Use:   "delete",
		Short: "Delete every resource recorded for a stage",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := fl.options(f)
			if err != nil {
				return exit(err)
			}
			return exit(deploy.Delete(cmd.Context(), o))
		},
	}
	fl.register(cmd, false, true)
	cmd.Flags().BoolVar(&fl.opts.ByTag, "by-tag", false, "Also find the stage's resources by their gochalice tags (app, stage), for a stage whose deployed state was lost, and delete them.")
	return cmd
}

// NewURLCmd returns `gochalice url`.
func NewURLCmd(f *cli.Factory) *cobra.Command {
	fl := &flags{}
	cmd := &cobra.Command{
		Use:   "url",
		Short: "Print the URL of the deployed REST API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := fl.options(f)
			if err != nil {
				return exit(err)
			}
			u, err := deploy.URL(cmd.Context(), o)
			if err != nil {
				return exit(err)
			}
			_, err = cmd.OutOrStdout().Write([]byte(u + "\n"))
			return err
		},
	}
	cmd.Flags().StringVar(&fl.opts.Stage, "stage", config.DefaultStage, "Name of the Chalice stage.")
	cmd.Flags().StringVar(&fl.opts.StateURL, "state", "", "Read the deployed state from S3 (s3://bucket/key).")
	return cmd
}

// NewPlanCmd returns `gochalice dev plan`: the planned mutating calls,
// computed with read-only calls; nothing is changed or recorded.
func NewPlanCmd(f *cli.Factory) *cobra.Command {
	fl := &flags{}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Print the calls a deploy would make, without making any change",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := fl.options(f)
			if err != nil {
				return exit(err)
			}
			rec := &awsapi.Recorder{Hook: func(c awsapi.Call) error {
				if c.Mutating() && c.Operation != "GetCallerIdentity" {
					return errors.New("dev plan refused a mutating call: " + c.String())
				}
				return nil
			}}
			o.Recorder = rec
			p, err := deploy.PlanOnly(cmd.Context(), o)
			if err != nil {
				return exit(err)
			}
			p.Print(f.IO.Out)
			return nil
		},
	}
	fl.register(cmd, true, false)
	return cmd
}

// WithPlan adds `plan` to the dev command group built by dev.
func WithPlan(dev cli.Command) cli.Command {
	return func(f *cli.Factory) *cobra.Command {
		cmd := dev(f)
		cmd.AddCommand(NewPlanCmd(f))
		return cmd
	}
}

// NewLogsCmd returns `gochalice logs`.
func NewLogsCmd(f *cli.Factory) *cobra.Command {
	o := &deploy.LogsOptions{}
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Print the logs of a deployed function",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := f.ProjectPath()
			if err != nil {
				return exit(err)
			}
			o.ProjectDir, o.Out, o.ErrOut = dir, f.IO.Out, f.IO.ErrOut
			err = deploy.Logs(cmd.Context(), o)
			if err == nil {
				return nil
			}
			return &cli.ExitError{Code: deploy.ExitCode(err), Err: err}
		},
	}
	p := cmd.Flags()
	p.IntVar(&o.MaxEntries, "num-entries", 0, "Max number of log entries to show.")
	p.BoolVar(&o.IncludeLambdaMessages, "include-lambda-messages", false, "Controls whether or not lambda log messages are included.")
	p.StringVar(&o.Stage, "stage", config.DefaultStage, "Name of the Chalice stage to get logs for.")
	p.StringVarP(&o.Name, "name", "n", "api_handler", "The name of the lambda function to retrieve logs from.")
	p.StringVarP(&o.Since, "since", "s", "", "Only display logs since the provided time: 5m, 2h, 1d, 1w, 30s, or an ISO 8601 time.")
	p.BoolVarP(&o.Follow, "follow", "f", false, "Continuously poll for new log messages (Ctrl-C to stop).")
	p.StringVar(&o.Profile, "profile", "", "The profile to use for fetching logs.")
	p.StringVar(&o.StateURL, "state", "", "Read the deployed state from S3 (s3://bucket/key).")
	return cmd
}
