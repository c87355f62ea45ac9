package terraform

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gochalice/chalice/manifest"
)

func TestCloudFrontAbsent(t *testing.T) {
	for name, app := range samples(t) {
		if name == "cloudfront" {
			continue
		}
		doc, _ := generate(t, app, Options{Policies: policies})
		for _, kind := range []string{"resource", "data", "output"} {
			m, _ := doc[kind].(map[string]any)
			for key := range m {
				if strings.HasPrefix(key, "aws_cloudfront_") || strings.HasPrefix(key, "CloudFront") {
					t.Errorf("%s: %s %s without the cloudfront key", name, kind, key)
				}
			}
		}
	}
}

func TestCloudFrontHTTPDefaultStage(t *testing.T) {
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "site",
		Routes:    []manifest.Route{{Path: "/", Method: "GET", Name: "index", ContentTypes: []string{"application/json"}}},
		Functions: []manifest.Function{{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"}}}
	for _, tc := range []struct {
		stage, path string
	}{{"$default", ""}, {"v1", "/v1"}} {
		app := build(t, m, `{"version": "2.0", "app_name": "site", "stages": {"dev": {"api_type": "http", "api_gateway_stage": "`+tc.stage+`",
		  "cloudfront": {"static_paths": []}}}}`, nil)
		doc, _ := generate(t, app, Options{Policies: policies})
		checkSchema(t, doc)
		res := doc["resource"].(map[string]any)
		dist := res["aws_cloudfront_distribution"].(map[string]any)["cloudfront"].(map[string]any)
		origins := dist["origin"].([]any)
		if len(origins) != 1 {
			t.Fatalf("%s: origins %v (no static paths: no static origin)", tc.stage, origins)
		}
		o := origins[0].(map[string]any)
		if got, _ := o["origin_path"].(string); got != tc.path {
			t.Errorf("%s: origin_path %q, want %q", tc.stage, got, tc.path)
		}
		if o["domain_name"] != "${aws_apigatewayv2_api.rest_api.id}.execute-api.${data.aws_region.chalice.region}.${data.aws_partition.chalice.dns_suffix}" {
			t.Errorf("%s: domain %v", tc.stage, o["domain_name"])
		}
		if _, ok := dist["ordered_cache_behavior"]; ok {
			t.Errorf("%s: behaviours without paths", tc.stage)
		}
		b, _ := json.Marshal(dist["viewer_certificate"])
		if string(b) != `{"cloudfront_default_certificate":true}` || dist["price_class"] != "PriceClass_100" {
			t.Errorf("%s: defaults %s %v", tc.stage, b, dist["price_class"])
		}
		if _, ok := doc["data"].(map[string]any)["aws_cloudfront_cache_policy"]; ok {
			t.Errorf("%s: CachingOptimized looked up without static paths", tc.stage)
		}
		pol := res["aws_cloudfront_cache_policy"].(map[string]any)["cloudfront_default"].(map[string]any)
		if pol["name"] != "site-dev-default" || pol["default_ttl"] != json.Number("0") {
			t.Errorf("%s: default cache policy %v", tc.stage, pol)
		}
		if out := doc["output"].(map[string]any)["CloudFrontURL"]; out == nil {
			t.Errorf("%s: no CloudFrontURL output", tc.stage)
		}
	}
}
