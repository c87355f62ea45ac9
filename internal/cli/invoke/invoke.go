// Package invoke implements `gochalice invoke`: run one function of the app
// with a payload read from stdin and print its result. With --local the
// function runs on this machine, in the real app binary under the Lambda
// Runtime API emulator.
package invoke

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appbuild"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/remoteinvoke"
	"github.com/gochalice/chalice/internal/runtimeapi"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of invoke.
type Options struct {
	IO         cli.IO
	ProjectDir string
	Name       string
	Stage      string
	Local      bool
	Profile    string
	StateURL   string
	// JSON prints {"function", "status", "payload"} instead of the bare
	// payload, also when the function failed.
	JSON bool
}

const long = `Invoke one function of the app with the payload read from stdin ({} when
stdin is empty) and print the payload it returns.

By default the deployed function of the stage is invoked (its ARN comes
from the deployed state): once, without retries, with the function's
timeout. With --local it runs on this machine instead: the app is built
and its real binary runs the function under the Lambda Runtime API
emulator, with the stage's environment variables, timeout and memory.

The name is a pure Lambda function's or an event handler's name, or
api_handler for the REST API's handler. A function error prints the
error on stderr and exits 1; with --json the result is printed as
{"function": NAME, "status": "success" or "function_error", "payload":
...} on stdout in both cases.`

const example = `  echo '{"name": "ana"}' | gochalice invoke -n hello
  gochalice invoke -n purefn --stage prod < event.json
  gochalice invoke -n onUpload --local --json < testdata/s3-put.json`

// NewCmdInvoke returns the invoke command; runF, when set, receives the
// parsed options instead of Run (tests).
func NewCmdInvoke(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:     "invoke -n NAME",
		Short:   "Invoke a function of the app with a payload from stdin",
		Long:    long,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.ProjectDir = f.IO, dir
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Name, "name", "n", "", "The name of the function to invoke (api_handler for the REST API)")
	fl.StringVar(&opts.Stage, "stage", config.DefaultStage, "Name of the Chalice stage")
	fl.BoolVar(&opts.Local, "local", false, "Run the function on this machine instead of on Lambda")
	fl.StringVar(&opts.Profile, "profile", "", "AWS profile for the deployed function")
	fl.StringVar(&opts.StateURL, "state", "", "Read the deployed state from S3 (s3://bucket/key) instead of .chalice/deployed/")
	fl.BoolVar(&opts.JSON, "json", false, "Print the function's status and payload as JSON.")
	_ = cmd.MarkFlagRequired("name")
	cmd.MarkFlagsMutuallyExclusive("local", "profile")
	cmd.MarkFlagsMutuallyExclusive("local", "state")
	return cmd
}

// result is invoke's --json output.
type result struct {
	Function string          `json:"function"`
	Status   string          `json:"status"` // success or function_error
	Payload  json.RawMessage `json:"payload"`
}

// printResult writes the --json result; a payload that is not JSON is
// given as a JSON string.
func printResult(w io.Writer, name string, payload []byte, failed bool) error {
	p := bytes.TrimSpace(payload)
	if !json.Valid(p) {
		p, _ = json.Marshal(string(payload))
	}
	r := result{Function: name, Status: "success", Payload: p}
	if failed {
		r.Status = "function_error"
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// Run invokes the function.
func Run(ctx context.Context, o *Options) error {
	if !o.Local {
		return runRemote(ctx, o)
	}
	cfg, err := config.Load(o.ProjectDir)
	if err != nil {
		return err
	}
	if err := cfg.CheckStage(o.Stage); err != nil {
		return err
	}
	payload, err := io.ReadAll(o.IO.In)
	if err != nil {
		return fmt.Errorf("reading the payload from stdin: %w", err)
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	bin, err := appbuild.Build(ctx, appbuild.Options{ProjectDir: o.ProjectDir, Output: filepath.Join(o.ProjectDir, ".chalice", "build", "local", "bootstrap-invoke")})
	if err != nil {
		return err
	}
	m, err := appbuild.ReadManifest(ctx, bin)
	if err != nil {
		return err
	}
	fn, ok := m.Function(o.Name)
	if !ok {
		names := []string{}
		for _, f := range m.Functions {
			names = append(names, f.Name)
		}
		slices.Sort(names)
		return fmt.Errorf("could not find a lambda function named %s (functions: %v).", o.Name, names)
	}
	env := []string{}
	for k, v := range cfg.EnvironmentVariables(o.Stage, fn.Name) {
		env = append(env, k+"="+v)
	}
	pool, err := runtimeapi.NewPool(runtimeapi.Config{
		Binary: bin, Function: fn.Handler, Env: env, Dir: o.ProjectDir, MaxWorkers: 1,
		Timeout:  time.Duration(cfg.LambdaTimeout(o.Stage, fn.Name)) * time.Second,
		MemoryMB: cfg.LambdaMemorySize(o.Stage, fn.Name), Stdout: o.IO.ErrOut, Stderr: o.IO.ErrOut,
	})
	if err != nil {
		return err
	}
	defer pool.Close()
	out, err := pool.Invoke(ctx, payload)
	if err != nil {
		var fe *runtimeapi.FunctionError
		if errors.As(err, &fe) {
			if o.JSON {
				b, _ := json.Marshal(fe)
				if perr := printResult(o.IO.Out, o.Name, b, true); perr != nil {
					return perr
				}
			}
			return cli.Abort(fmt.Errorf("%s: %s", fe.Type, fe.Message))
		}
		return cli.Abort(err)
	}
	if o.JSON {
		return printResult(o.IO.Out, o.Name, out, false)
	}
	_, err = fmt.Fprintf(o.IO.Out, "%s\n", out)
	return err
}

// runRemote invokes the deployed function. A function error or Lambda
// refusing the call exits 1, as Chalice's invoke; any other error 2.
func runRemote(ctx context.Context, o *Options) error {
	var payload bytes.Buffer
	in := remoteinvoke.Options{
		Options: deploy.Options{ProjectDir: o.ProjectDir, Stage: o.Stage, Profile: o.Profile, StateURL: o.StateURL},
		Name:    o.Name, Payload: o.IO.In, Out: o.IO.Out, ErrOut: o.IO.ErrOut,
	}
	if o.JSON {
		in.Out = &payload
	}
	err := remoteinvoke.Invoke(ctx, &in)
	var fe *remoteinvoke.FunctionError
	switch {
	case err == nil && o.JSON:
		return printResult(o.IO.Out, o.Name, payload.Bytes(), false)
	case errors.As(err, &fe) && o.JSON:
		if perr := printResult(o.IO.Out, o.Name, fe.Payload, true); perr != nil {
			return perr
		}
	}
	if err != nil && remoteinvoke.ExitCode(err) == cli.ExitAbort {
		return cli.Abort(err)
	}
	return err
}
