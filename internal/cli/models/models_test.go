package models

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/swagger"
	"github.com/gochalice/chalice/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// app is a REST API with two built-in authorizers, a CORS route and a
// path parameter.
func app(t *testing.T) *appgraph.Application {
	t.Helper()
	js := []string{"application/json"}
	m := &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "models",
		API:           manifest.API{BinaryTypes: []string{"application/octet-stream"}},
		Routes: []manifest.Route{
			{Path: "/", Method: "GET", Name: "index", ContentTypes: js, Authorizer: "zeta_auth"},
			{Path: "/items/{id}", Method: "PUT", Name: "put", Params: []string{"id"}, ContentTypes: js, Authorizer: "alpha_auth",
				CORS:    &manifest.CORS{AllowOrigin: "*", AllowHeaders: []string{"Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Api-Key"}},
				Summary: "Replace an item <with> & without."},
		},
		Authorizers: []manifest.Authorizer{
			{Name: "alpha_auth", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "alpha_auth"},
			{Name: "zeta_auth", Type: manifest.AuthBuiltin, Header: "X-Token", Function: "zeta_auth"},
		},
		Functions: []manifest.Function{
			{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"},
			{Name: "zeta_auth", Kind: manifest.KindAuthorizer, Handler: "zeta_auth"},
			{Name: "alpha_auth", Kind: manifest.KindAuthorizer, Handler: "alpha_auth"},
		},
	}
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, ".chalice", "config.json"), []byte(`{"version": "2.0", "app_name": "models"}`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it); got:\n%s", path, got)
	}
}

// TestDocumentGolden: generate-models writes Chalice's placeholders
// (TemplatedSwaggerGenerator: arn:{partition}:apigateway:{region_name}:...
// with {api_handler_lambda_arn} and {<authorizer>_lambda_arn}), as JSON
// indented with four spaces like Chalice's json.dumps.
func TestDocumentGolden(t *testing.T) {
	a := app(t)
	for name, ft := range map[string]swagger.Format{"swagger2.json": swagger.Swagger2, "openapi3.json": swagger.OpenAPI31} {
		t.Run(name, func(t *testing.T) {
			out, err := Document(a, ft)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, out)
			var doc any
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
		})
	}
	out, err := Document(a, swagger.Swagger2)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Integration struct {
				URI string `json:"uri"`
			} `json:"x-amazon-apigateway-integration"`
		} `json:"paths"`
		Security map[string]struct {
			Authorizer struct {
				URI string `json:"authorizerUri"`
			} `json:"x-amazon-apigateway-authorizer"`
		} `json:"securityDefinitions"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"paths./.get":                    "arn:{partition}:apigateway:{region_name}:lambda:path/2015-03-31/functions/{api_handler_lambda_arn}/invocations",
		"securityDefinitions.alpha_auth": "arn:{partition}:apigateway:{region_name}:lambda:path/2015-03-31/functions/{alpha_auth_lambda_arn}/invocations",
		"securityDefinitions.zeta_auth":  "arn:{partition}:apigateway:{region_name}:lambda:path/2015-03-31/functions/{zeta_auth_lambda_arn}/invocations",
	} {
		var got string
		switch {
		case path == "paths./.get":
			got = doc.Paths["/"]["get"].Integration.URI
		default:
			got = doc.Security[strings.TrimPrefix(path, "securityDefinitions.")].Authorizer.URI
		}
		if got != want {
			t.Errorf("%s uri = %q, want %q", path, got, want)
		}
	}
	if !bytes.Contains(out, []byte("Replace an item <with> & without.")) || !bytes.HasPrefix(out, []byte("{\n    \"")) {
		t.Errorf("not written as Chalice's json.dumps(indent=4):\n%.300s", out)
	}
}

func TestDocumentNoRESTAPI(t *testing.T) {
	if _, err := Document(&appgraph.Application{}, swagger.Swagger2); err == nil || err.Error() != "No REST API found to generate model from." {
		t.Errorf("err = %v", err)
	}
}
