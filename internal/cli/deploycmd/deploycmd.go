// Package deploycmd implements `gochalice deploy`: build the app, plan
// create-or-update per resource, execute the plan through aws-sdk-go-v2
// and record each resource in the stage's deployed state.
package deploycmd

import (
	"context"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/stageflags"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/report"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of deploy.
type Options struct {
	IO         cli.IO
	Report     report.Reporter
	ProjectDir string
	stageflags.Flags
	APIGatewayStage  string
	AutogenPolicy    *bool // nil: autogen_policy of the configuration
	DeploymentBucket string
	JSON             bool
	// AllowReplace lets deploy replace a declared resource whose change
	// AWS cannot make in place.
	AllowReplace bool
}

const long = `Deploy the app to AWS straight through the AWS SDK, as chalice deploy does.

The app is built for Lambda, each resource (IAM role, functions, log
groups, REST/HTTP/websocket APIs, custom domains, event sources) is
created or updated, and each is recorded in the stage's deployed state
(.chalice/deployed/<stage>.json, or the S3 object of --state) as soon as
it exists. Unchanged resources make no calls; resources that left the app
are deleted. The stage is locked for the whole deploy.

Progress, one line per step with its elapsed time, goes to stderr; the
summary ("Resources deployed:") goes to stdout, or with --json the
deployed state as recorded.`

const example = `  gochalice deploy
  gochalice deploy --stage prod --profile prod-admin
  gochalice deploy --stage prod --state s3://my-bucket/chalice/ --json`

// NewCmdDeploy returns the deploy command; runF, when set, receives the
// parsed options instead of Run (tests).
func NewCmdDeploy(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	var autogen *cli.BoolPair
	cmd := &cobra.Command{
		Use:     "deploy",
		Short:   "Deploy the app to AWS (Lambda, IAM, API Gateway, EventBridge, ...)",
		Long:    long,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.Report, opts.ProjectDir = f.IO, f.Reporter(), dir
			opts.AutogenPolicy = autogen.Value()
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.Flags.Register(cmd, stageflags.Which{Profile: true, State: true, ConnectionTimeout: true})
	fl := cmd.Flags()
	fl.StringVar(&opts.APIGatewayStage, "api-gateway-stage", "", "Name of the API gateway stage to deploy to.")
	autogen = cli.AddBoolPair(cmd, "autogen-policy", "Automatically generate IAM policy for app code.", "Use .chalice/policy-<stage>.json instead of generating the policy.")
	fl.StringVar(&opts.DeploymentBucket, "deployment-bucket", "", "S3 bucket to upload a deployment package over Lambda's 50 MB direct-upload limit to.")
	fl.BoolVar(&opts.AllowReplace, "allow-replace", false, "Replace a declared resource whose change AWS cannot make in place (a table's key schema), deleting the old one and its data.")
	fl.BoolVar(&opts.JSON, "json", false, "Print the deployed resources as recorded in the state, as JSON, instead of the summary.")
	return cmd
}

// Run deploys the app and prints the summary or the recorded state.
func Run(ctx context.Context, o *Options) error {
	do := o.Flags.Options(o.ProjectDir)
	do.Overrides.AutogenPolicy = o.AutogenPolicy
	do.Overrides.APIGatewayStage = o.APIGatewayStage
	do.DeploymentBucket = o.DeploymentBucket
	do.AllowReplace = o.AllowReplace
	do.Reporter = o.Report
	res, err := deploy.Deploy(ctx, &do)
	if err != nil {
		return err
	}
	if o.JSON {
		b, err := state.Marshal(res.State)
		if err != nil {
			return err
		}
		_, err = o.IO.Out.Write(b)
		return err
	}
	return deploy.WriteSummary(o.IO.Out, res.Resources)
}
