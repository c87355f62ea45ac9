// Package stageflags holds the flags every verb that works on a deployed
// stage shares (--stage, --profile, --state, --connection-timeout), so
// each is declared and checked in one place.
package stageflags

import (
	"context"
	"fmt"
	"time"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/spf13/cobra"
)

// Flags are the values of the shared flags.
type Flags struct {
	Stage   string
	Profile string
	// StateURL is --state: s3://bucket/key (or s3://bucket/prefix/)
	// instead of .chalice/deployed/<stage>.json.
	StateURL string
	// ConnectionTimeout is --connection-timeout (0: the SDK's default).
	ConnectionTimeout time.Duration
}

// Which says which flags a verb takes beyond --stage.
type Which struct {
	Profile, State, ConnectionTimeout bool
	StageHelp                         string // default "Name of the Chalice stage."
}

// Register declares the flags on cmd; the values land in fl once cobra
// parses the command line. --connection-timeout takes whole seconds, as
// Chalice's.
func (fl *Flags) Register(cmd *cobra.Command, w Which) {
	p := cmd.Flags()
	help := w.StageHelp
	if help == "" {
		help = "Name of the Chalice stage."
	}
	p.StringVar(&fl.Stage, "stage", config.DefaultStage, help)
	if w.Profile {
		p.StringVar(&fl.Profile, "profile", "", "Override profile at deploy time.")
	}
	if w.State {
		p.StringVar(&fl.StateURL, "state", "", "Keep the deployed state in S3 (s3://bucket/key, or s3://bucket/prefix/ for <prefix>/<stage>.json) with conditional writes, instead of .chalice/deployed/<stage>.json.")
	}
	if w.ConnectionTimeout {
		p.Var((*seconds)(&fl.ConnectionTimeout), "connection-timeout", "Overrides the default HTTP connection timeout (seconds).")
	}
}

// Options is the deploy library's Options for the project in dir.
func (fl *Flags) Options(dir string) deploy.Options {
	return deploy.Options{ProjectDir: dir, Stage: fl.Stage, Profile: fl.Profile, StateURL: fl.StateURL, ConnectionTimeout: fl.ConnectionTimeout}
}

// seconds is a positive whole number of seconds.
type seconds time.Duration

func (s *seconds) String() string {
	if *s == 0 {
		return ""
	}
	return fmt.Sprint(int64(time.Duration(*s) / time.Second))
}

func (s *seconds) Set(v string) error {
	var n int64
	if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 || fmt.Sprint(n) != v {
		return fmt.Errorf("must be a positive whole number of seconds")
	}
	*s = seconds(time.Duration(n) * time.Second)
	return nil
}

func (s *seconds) Type() string { return "seconds" }

// LoadState reads the stage's deployed state: the local file
// .chalice/deployed/<stage>.json of the project in dir (no AWS call), or
// the S3 object of --state.
func (fl *Flags) LoadState(ctx context.Context, dir string) (*state.Deployed, error) {
	if fl.StateURL == "" {
		return state.LocalFile(dir, fl.Stage).Load(ctx)
	}
	bucket, key, err := state.ParseS3URL(fl.StateURL, fl.Stage)
	if err != nil {
		return nil, err
	}
	clients, err := awsapi.Load(ctx, awsapi.Options{Profile: fl.Profile, ConnectionTimeout: fl.ConnectionTimeout})
	if err != nil {
		return nil, err
	}
	return (&state.S3{Client: clients.S3, Bucket: bucket, Key: key}).Load(ctx)
}
