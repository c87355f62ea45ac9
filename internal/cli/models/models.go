// Package models implements `gochalice generate-models`: the REST API as a
// Swagger 2.0 document (as Chalice prints it) or OpenAPI 3.
package models

import (
	"context"
	"errors"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/internal/sam"
	"github.com/gochalice/chalice/internal/swagger"
	"github.com/gochalice/chalice/packager"
	"github.com/spf13/cobra"
)

// Options are the flags and dependencies of generate-models.
type Options struct {
	IO         cli.IO
	Report     report.Reporter
	ProjectDir string
	Stage      string
	Format     swagger.Format
}

const long = `Print the app's REST API as a Swagger 2.0 document, as chalice
generate-models does (four-space indentation), or with --format openapi3
as OpenAPI 3.1 (openapi3.0 for 3.0): typed routes bring their
parameters, request bodies and responses as JSON Schemas. The
integration URIs are placeholders a deploy fills in.`

const example = `  gochalice generate-models > swagger.json
  gochalice generate-models --format openapi3 --stage prod > openapi.json`

// formats are the values of --format.
var formats = map[string]swagger.Format{"swagger2": swagger.Swagger2, "openapi3": swagger.OpenAPI31, "openapi3.0": swagger.OpenAPI30}

// NewCmdGenerateModels returns the generate-models command; runF, when
// set, receives the parsed options instead of Run (tests).
func NewCmdGenerateModels(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	var format string
	cmd := &cobra.Command{
		Use:     "generate-models",
		Short:   "Print the REST API as Swagger 2.0 (default) or OpenAPI 3",
		Long:    long,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ft, ok := formats[format]
			if !ok {
				return cli.FlagErrorf("--format %q: must be swagger2, openapi3 (3.1) or openapi3.0", format)
			}
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.Report, opts.ProjectDir, opts.Format = f.IO, f.Reporter(), dir, ft
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Stage, "stage", config.DefaultStage, "Chalice stage.")
	cmd.Flags().StringVar(&format, "format", "swagger2", "Document format: swagger2, openapi3 (3.1) or openapi3.0.")
	return cmd
}

// Run prints the document.
func Run(ctx context.Context, o *Options) error {
	app, err := packager.Model(ctx, &packager.Options{ProjectDir: o.ProjectDir, Stage: o.Stage, Reporter: o.Report})
	if err != nil {
		return err
	}
	out, err := Document(app, o.Format)
	if err != nil {
		return err
	}
	_, err = o.IO.Out.Write(out)
	return err
}

// HandlerURI and AuthorizerURI are the integration URIs generate-models
// writes: the placeholders of Chalice's TemplatedSwaggerGenerator, which
// a deploy fills in with the partition, the region and the function ARNs.
const HandlerURI = "arn:{partition}:apigateway:{region_name}:lambda:path/2015-03-31/functions/{api_handler_lambda_arn}/invocations"

// AuthorizerURI is the authorizerUri of the built-in authorizer run by
// function: its ARN placeholder is {<function>_lambda_arn}.
func AuthorizerURI(function string) string {
	return "arn:{partition}:apigateway:{region_name}:lambda:path/2015-03-31/functions/{" + function + "_lambda_arn}/invocations"
}

// Document is what generate-models prints for app: its REST API as a
// document of format ft, written as Chalice's json.dumps(model, indent=4):
// four-space indentation, non-ASCII characters escaped, a final newline.
func Document(app *appgraph.Application, ft swagger.Format) ([]byte, error) {
	if app.RestAPI == nil {
		return nil, errors.New("No REST API found to generate model from.")
	}
	doc, err := swagger.Generate(app.RestAPI, app.AppName, swagger.Options{
		Format:        ft,
		HandlerURI:    HandlerURI,
		AuthorizerURI: func(fn string) any { return AuthorizerURI(fn) },
	})
	if err != nil {
		return nil, err
	}
	return sam.MarshalIndent(doc, "    ")
}
