// Package models implements `gochalice generate-models`: the REST API as a
// Swagger 2.0 document (as Chalice prints it) or OpenAPI 3.
package models

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/cli"
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
			opts.ProjectDir = dir
			app, err := packager.Model(cmd.Context(), opts)
			if err != nil {
				return &cli.ExitError{Code: cli.ExitFail, Err: err}
			}
			if app.RestAPI == nil {
				return &cli.ExitError{Code: cli.ExitFail, Err: errors.New("No REST API found to generate model from.")}
			}
			doc, err := swagger.Generate(app.RestAPI, app.AppName, swagger.Options{
				Format:     ft,
				HandlerURI: "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{api_handler_lambda_arn}/invocations",
				AuthorizerURI: func(fn string) any {
					return "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{" + fn + "_lambda_arn}/invocations"
				},
			})
			if err != nil {
				return &cli.ExitError{Code: cli.ExitFail, Err: err}
			}
			out, err := json.MarshalIndent(doc, "", "    ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "%s\n", out)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Stage, "stage", config.DefaultStage, "Chalice stage.")
	cmd.Flags().StringVar(&format, "format", "swagger2", "Document format: swagger2, openapi3 (3.1) or openapi3.0.")
	return cmd
}
