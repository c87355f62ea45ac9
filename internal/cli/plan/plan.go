// Package plan implements `gochalice dev plan`: the mutating calls a
// deploy would make, computed with read-only calls; nothing is changed
// or recorded.
package plan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/stageflags"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/report"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of dev plan.
type Options struct {
	IO         cli.IO
	Report     report.Reporter
	ProjectDir string
	stageflags.Flags
	APIGatewayStage  string
	AutogenPolicy    *bool
	DeploymentBucket string
	JSON             bool
}

const long = `Build the app and plan its deploy to the stage, as deploy would, with
read-only AWS calls only, and print the plan: for each resource, the
mutating calls deploy would make, in order, and the decisions left to run
time. Nothing is changed or recorded: a guard refuses any mutating call.

With --json the plan is printed as a JSON document: {"steps": [{"resource",
"message", "instructions": [{"call": {"service", "operation", "target",
"detail"}} or {"note"}]}], "mutating_calls": N}.`

const example = `  gochalice dev plan
  gochalice dev plan --stage prod --profile prod-admin
  gochalice dev plan --json | jq '.mutating_calls'`

// NewCmdPlan returns the plan command; runF, when set, receives the
// parsed options instead of Run (tests).
func NewCmdPlan(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	var autogen *cli.BoolPair
	cmd := &cobra.Command{
		Use:     "plan",
		Short:   "Print the calls a deploy would make, without making any change",
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
	opts.Flags.Register(cmd, stageflags.Which{Profile: true, State: true})
	fl := cmd.Flags()
	fl.StringVar(&opts.APIGatewayStage, "api-gateway-stage", "", "Name of the API gateway stage to deploy to.")
	autogen = cli.AddBoolPair(cmd, "autogen-policy", "Automatically generate IAM policy for app code.", "Use .chalice/policy-<stage>.json instead of generating the policy.")
	fl.StringVar(&opts.DeploymentBucket, "deployment-bucket", "", "S3 bucket to upload a deployment package over Lambda's 50 MB direct-upload limit to.")
	fl.BoolVar(&opts.JSON, "json", false, "Print the plan as JSON.")
	return cmd
}

// Run plans and prints the plan.
func Run(ctx context.Context, o *Options) error {
	do := o.Flags.Options(o.ProjectDir)
	do.Overrides.AutogenPolicy = o.AutogenPolicy
	do.Overrides.APIGatewayStage = o.APIGatewayStage
	do.DeploymentBucket = o.DeploymentBucket
	do.Reporter = o.Report
	do.Recorder = &awsapi.Recorder{Hook: func(c awsapi.Call) error {
		if c.Mutating() && c.Operation != "GetCallerIdentity" {
			return errors.New("dev plan refused a mutating call: " + c.String())
		}
		return nil
	}}
	p, err := deploy.PlanOnly(ctx, &do)
	if err != nil {
		return err
	}
	if !o.JSON {
		p.Print(o.IO.Out)
		return nil
	}
	b, err := json.MarshalIndent(document(p), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.IO.Out, "%s\n", b)
	return err
}

// The JSON form of a plan.
type (
	planJSON struct {
		Steps         []stepJSON `json:"steps"`
		MutatingCalls int        `json:"mutating_calls"`
	}
	stepJSON struct {
		Resource     string            `json:"resource"`
		Message      string            `json:"message,omitempty"`
		Instructions []instructionJSON `json:"instructions"`
	}
	instructionJSON struct {
		Call *callJSON `json:"call,omitempty"`
		Note string    `json:"note,omitempty"`
	}
	callJSON struct {
		Service   string `json:"service"`
		Operation string `json:"operation"`
		Target    string `json:"target"`
		Detail    string `json:"detail,omitempty"`
	}
)

// document is the JSON form of p: the steps that make a call or leave a
// decision to run time, with those instructions.
func document(p *deploy.Plan) planJSON {
	doc := planJSON{Steps: []stepJSON{}, MutatingCalls: p.MutatingCalls()}
	for _, s := range p.Steps {
		st := stepJSON{Resource: s.Resource, Message: s.Message}
		for _, in := range s.Instructions {
			switch {
			case in.Call != nil:
				c := in.Call
				st.Instructions = append(st.Instructions, instructionJSON{Call: &callJSON{Service: c.Service, Operation: c.Operation, Target: c.Target, Detail: c.Detail}})
			case in.Note != "":
				st.Instructions = append(st.Instructions, instructionJSON{Note: in.Note})
			}
		}
		if len(st.Instructions) > 0 {
			doc.Steps = append(doc.Steps, st)
		}
	}
	return doc
}
