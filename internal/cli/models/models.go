// Package models implements `gochalice generate-models`: the REST API as a
// Swagger 2.0 document (as Chalice prints it) or OpenAPI 3.
package models

import (
	"errors"
	"fmt"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/sam"
	"github.com/gochalice/chalice/internal/swagger"
	"github.com/gochalice/chalice/packager"
	"github.com/spf13/cobra"
)

// NewCmd returns the generate-models command.
func NewCmd(f *cli.Factory) *cobra.Command {
	opts := &packager.Options{}
	var format string
	cmd := &cobra.Command{
		Use:   "generate-models",
		Short: "Print the REST API as Swagger 2.0 (default) or OpenAPI 3",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var ft swagger.Format
			switch format {
			case "swagger2", "":
				ft = swagger.Swagger2
			case "openapi3":
				ft = swagger.OpenAPI31
			case "openapi3.0":
				ft = swagger.OpenAPI30
			default:
				return &cli.ExitError{Code: cli.ExitFail, Err: fmt.Errorf("--format %q must be swagger2, openapi3 (3.1) or openapi3.0", format)}
			}
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.ProjectDir, opts.Warnings = dir, f.IO.ErrOut
			app, err := packager.Model(cmd.Context(), opts)
			if err != nil {
				return &cli.ExitError{Code: cli.ExitFail, Err: err}
			}
			out, err := Document(app, ft)
			if err != nil {
				return &cli.ExitError{Code: cli.ExitFail, Err: err}
			}
			_, err = f.IO.Out.Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Stage, "stage", config.DefaultStage, "Chalice stage.")
	cmd.Flags().StringVar(&format, "format", "swagger2", "Document format: swagger2, openapi3 (3.1) or openapi3.0.")
	return cmd
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
