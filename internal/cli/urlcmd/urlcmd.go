// Package urlcmd implements `gochalice url`: the URL of a stage's
// deployed API, read from its deployed state.
package urlcmd

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/stageflags"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of url.
type Options struct {
	IO         cli.IO
	ProjectDir string
	stageflags.Flags
	JSON bool
}

const long = `Print the URL of the stage's deployed REST API (or HTTP API, or, with
api_type "url", the Function URL serving the routes), and nothing else, as
recorded in its deployed state: with the local state file no AWS call is
made.

With --json, print every URL the state records for the stage as a JSON
object keyed as in the state (rest_api_url, http_api_url, function_url,
websocket_api_url).`

const example = `  gochalice url
  curl "$(gochalice url --stage prod)hello/ana"
  gochalice url --stage prod --json`

// NewCmdURL returns the url command; runF, when set, receives the
// parsed options instead of Run (tests).
func NewCmdURL(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:     "url",
		Short:   "Print the URL of the deployed API",
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
	opts.Flags.Register(cmd, stageflags.Which{Profile: true, State: true})
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print every recorded URL of the stage as a JSON object.")
	return cmd
}

// urlKeys are the state keys url reports, in order.
var urlKeys = []struct{ resourceType, key string }{
	{"rest_api", "rest_api_url"},
	{"http_api", "http_api_url"},
	{"websocket_api", "websocket_api_url"},
}

// Run prints the URL (or, with --json, every URL).
func Run(ctx context.Context, o *Options) error {
	if !o.JSON {
		do := o.Flags.Options(o.ProjectDir)
		u, err := deploy.URL(ctx, &do)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(o.IO.Out, u)
		return err
	}
	d, err := o.Flags.LoadState(ctx, o.ProjectDir)
	if err != nil {
		return err
	}
	urls := map[string]string{}
	for _, r := range d.Resources {
		if r.ResourceType == "function_url" && r.Name == deploy.APIHandlerURLRecord {
			if u := r.Get("function_url"); u != "" {
				urls["function_url"] = u
			}
		}
		for _, k := range urlKeys {
			if r.ResourceType == k.resourceType {
				if u := r.Get(k.key); u != "" {
					urls[k.key] = u
				}
			}
		}
	}
	if len(urls) == 0 {
		return &deploy.NoRestAPIError{Stage: o.Stage}
	}
	b, err := json.MarshalIndent(urls, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.IO.Out, "%s\n", b)
	return err
}
