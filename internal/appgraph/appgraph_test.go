package appgraph

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/manifest"
)

func buildFor(t *testing.T, m *manifest.Manifest, configJSON string) (*Application, error) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, ".chalice", "config.json"), []byte(configJSON))
	if err != nil {
		t.Fatal(err)
	}
	return Build(Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: dir})
}

func TestCloudFront(t *testing.T) {
	api := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "site",
		Routes:    []manifest.Route{{Path: "/", Method: "GET", Name: "index"}},
		Functions: []manifest.Function{{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"}}}

	app, err := buildFor(t, api, `{"app_name": "site", "stages": {"dev": {"cloudfront": {"image_paths": ["/img/*"]}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if cf := app.CloudFront; cf == nil || cf.PriceClass != "PriceClass_100" || len(cf.StaticPaths) != 1 || cf.ImagePaths[0] != "/img/*" {
		t.Errorf("CloudFront %+v", app.CloudFront)
	}
	for _, r := range app.Resources() {
		if r.Kind() != "iam_role" && r.Kind() != "lambda_function" && r.Kind() != "rest_api" {
			t.Errorf("unexpected resource %s (%s)", r.Name(), r.Kind())
		}
	}

	for cfg, want := range map[string]bool{
		`{"app_name": "site"}`: false,
		`{"app_name": "site", "cloudfront": {"enabled": false}}`:                                        false,
		`{"app_name": "site", "cloudfront": {}, "stages": {"dev": {"cloudfront": {"enabled": false}}}}`: false,
		`{"app_name": "site", "cloudfront": {}}`:                                                        true,
	} {
		app, err := buildFor(t, api, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if (app.CloudFront != nil) != want {
			t.Errorf("%s: CloudFront %+v", cfg, app.CloudFront)
		}
	}

	// A distribution needs an API.
	pure := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "site",
		Functions: []manifest.Function{{Name: "worker", Kind: manifest.KindPureLambda, Handler: "worker"}}}
	if _, err := buildFor(t, pure, `{"app_name": "site", "cloudfront": {}}`); err == nil || !strings.Contains(err.Error(), `stage "dev": cloudfront is set, but the app has no routes`) {
		t.Errorf("no routes: %v", err)
	}

	// Validation problems stop the build.
	if _, err := buildFor(t, api, `{"app_name": "site", "cloudfront": {"price_class": "cheap"}}`); err == nil || !strings.Contains(err.Error(), "cloudfront.price_class must be one of") {
		t.Errorf("invalid: %v", err)
	}
}
