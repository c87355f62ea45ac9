// Package invoke implements `gochalice invoke`: run one function of the app
// with a payload read from stdin and print its result. With --local the
// function runs on this machine, in the real app binary under the Lambda
// Runtime API emulator.
package invoke

import (
	"context"
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
	"github.com/gochalice/chalice/internal/runtimeapi"
	"github.com/spf13/cobra"
)

// Options are the flags of invoke.
type Options struct {
	IO         cli.IO
	ProjectDir string
	Name       string
	Stage      string
	Local      bool
	Profile    string
	StateURL   string
}

// NewCmd returns the invoke command.
func NewCmd(f *cli.Factory) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "invoke -n NAME",
		Short: "Invoke a function of the app with a payload from stdin",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.ProjectDir = f.IO, dir
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Name, "name", "n", "", "The name of the function to invoke (api_handler for the REST API)")
	cmd.Flags().StringVar(&opts.Stage, "stage", config.DefaultStage, "Name of the Chalice stage")
	cmd.Flags().BoolVar(&opts.Local, "local", false, "Run the function on this machine instead of on Lambda")
	cmd.Flags().StringVar(&opts.Profile, "profile", "", "AWS profile for the deployed function")
	cmd.Flags().StringVar(&opts.StateURL, "state", "", "Read the deployed state from S3 (s3://bucket/key) instead of .chalice/deployed/")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

// Run invokes the function.
func Run(ctx context.Context, o *Options) error {
	if !o.Local {
		err := deploy.Invoke(ctx, &deploy.InvokeOptions{
			Options: deploy.Options{ProjectDir: o.ProjectDir, Stage: o.Stage, Out: o.IO.Out, Profile: o.Profile, StateURL: o.StateURL},
			Name:    o.Name, Payload: o.IO.In, ErrOut: o.IO.ErrOut,
		})
		if err != nil {
			return &cli.ExitError{Code: deploy.ExitCode(err), Err: err}
		}
		return nil
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
		return &cli.ExitError{Code: cli.ExitFail, Err: fmt.Errorf("could not find a lambda function named %s (functions: %v).", o.Name, names)}
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
			return &cli.ExitError{Code: cli.ExitError1, Err: fmt.Errorf("Error: %s: %s", fe.Type, fe.Message)}
		}
		return &cli.ExitError{Code: cli.ExitError1, Err: err}
	}
	_, err = fmt.Fprintf(o.IO.Out, "%s\n", out)
	return err
}
