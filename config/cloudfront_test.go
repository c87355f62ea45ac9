package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestCloudFrontValidate(t *testing.T) {
	const f = "config.json: "
	const cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
	tests := []struct {
		name string
		cfg  string
		want [][]string
	}{
		{name: "valid minimal", cfg: `{"app_name": "a", "cloudfront": {"enabled": true}}`},
		{name: "valid full", cfg: `{"app_name": "a", "stages": {"dev": {"api_gateway_endpoint_type": "REGIONAL", "cloudfront": {
			"static_paths": ["/static/*", "/favicon.ico"], "image_paths": ["/img/*"], "price_class": "PriceClass_All",
			"aliases": ["www.example.com", "*.example.org"], "certificate_arn": "` + cert + `", "default_ttl": 60}}}}`},
		{name: "disabled is not checked against the endpoint", cfg: `{"app_name": "a", "api_gateway_endpoint_type": "PRIVATE", "api_gateway_endpoint_vpce": "vpce-1", "cloudfront": {"enabled": false}}`},
		{name: "price class", cfg: `{"app_name": "a", "stages": {"dev": {"cloudfront": {"price_class": "PriceClass_50"}}}}`,
			want: [][]string{{f + `stages.dev.cloudfront.price_class must be one of PriceClass_100, PriceClass_200, PriceClass_All (default PriceClass_100), got "PriceClass_50"`}}},
		{name: "aliases need a certificate", cfg: `{"app_name": "a", "cloudfront": {"aliases": ["www.example.com"]}}`,
			want: [][]string{{f + `cloudfront.certificate_arn is required with aliases`, `"www.example.com"`}}},
		{name: "certificate needs aliases", cfg: `{"app_name": "a", "cloudfront": {"certificate_arn": "` + cert + `"}}`,
			want: [][]string{{f + `cloudfront.aliases is required with certificate_arn`}}},
		{name: "certificate outside us-east-1", cfg: `{"app_name": "a", "stages": {"dev": {"cloudfront": {"aliases": ["www.example.com"], "certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc"}}}}`,
			want: [][]string{{f + `stages.dev.cloudfront.certificate_arn is in eu-west-1, but CloudFront only uses ACM certificates in us-east-1`}}},
		{name: "certificate not ACM", cfg: `{"app_name": "a", "cloudfront": {"aliases": ["www.example.com"], "certificate_arn": "arn:aws:iam::123456789012:server-certificate/x"}}`,
			want: [][]string{{f + `cloudfront.certificate_arn must be the ARN of an ACM certificate`}}},
		{name: "bad aliases", cfg: `{"app_name": "a", "cloudfront": {"aliases": ["https://www.example.com", "www.example.com", "WWW.example.com"], "certificate_arn": "` + cert + `"}}`,
			want: [][]string{
				{f + `cloudfront.aliases[0] must be a domain name`, `got "https://www.example.com"`},
				{f + `cloudfront.aliases[2] lists "WWW.example.com" twice`},
			}},
		{name: "paths", cfg: `{"app_name": "a", "cloudfront": {"static_paths": ["static/*", "/*", "/a b", "/img/*"], "image_paths": ["/img/*"]}}`,
			want: [][]string{
				{f + `cloudfront.static_paths[0] must be a path pattern starting with /`},
				{f + `cloudfront.static_paths[1] must not be "/*"`},
				{f + `cloudfront.static_paths[2] may contain only`, `got "/a b"`},
				{f + `cloudfront.image_paths[0] repeats "/img/*", already in static_paths`},
			}},
		{name: "default ttl", cfg: `{"app_name": "a", "cloudfront": {"default_ttl": -1}}`,
			want: [][]string{{f + `cloudfront.default_ttl must be between 0 and 31536000`, "got -1"}}},
		{name: "PRIVATE endpoint", cfg: `{"app_name": "a", "api_gateway_endpoint_type": "PRIVATE", "api_gateway_endpoint_vpce": "vpce-1", "stages": {"dev": {"cloudfront": {}}}}`,
			want: [][]string{{f + `stage "dev": cloudfront (set in stages.dev) needs a public API, but the endpoint type is PRIVATE (set at the top level)`}}},
		{name: "alias is the API's custom domain", cfg: `{"app_name": "a", "api_gateway_custom_domain": {"domain_name": "www.example.com", "certificate_arn": "` + cert + `"},
			"cloudfront": {"aliases": ["www.example.com"], "certificate_arn": "` + cert + `"}}`,
			want: [][]string{{f + `stage "dev": cloudfront.aliases (set at the top level) has "www.example.com", which is also api_gateway_custom_domain.domain_name (set at the top level)`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := project(t, tt.cfg, nil)
			err := c.Validate("dev", nil, Overrides{})
			wantProblems(t, err, tt.want...)
			for _, p := range Problems(err) {
				if p.Key != "cloudfront" || p.File != c.Path {
					t.Errorf("problem key %q file %q: %v", p.Key, p.File, p)
				}
				if strings.HasPrefix(p.Path, "stages.") && p.Stage != "dev" {
					t.Errorf("problem stage %q: %v", p.Stage, p)
				}
			}
		})
	}
}

func TestCloudFrontParse(t *testing.T) {
	_, err := Parse("config.json", []byte(`{"app_name": "a", "cloudfront": {"static_path": ["/s/*"], "enabled": "yes", "image_paths": "/img/*"},
		"lambda_functions": {"api_handler": {"cloudfront": {}}}}`))
	wantProblems(t, err,
		[]string{`config.json: cloudfront.enabled must be true or false, got string "yes"`},
		[]string{`config.json: cloudfront.image_paths must be a list of strings, got string "/img/*"`},
		[]string{`config.json: cloudfront.static_path is not a cloudfront key (did you mean "static_paths"?)`},
		[]string{`config.json: lambda_functions.api_handler.cloudfront is not allowed in lambda_functions.api_handler`},
	)
}

func TestCloudFrontResolve(t *testing.T) {
	c := project(t, `{"app_name": "a", "cloudfront": {"image_paths": ["/img/*"], "default_ttl": 5},
		"stages": {"dev": {}, "prod": {"cloudfront": {"price_class": "PriceClass_All", "static_paths": []}}, "off": {"cloudfront": {"enabled": false}}}}`, nil)
	dev, err := c.StageConfig("dev", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	want := &CloudFront{Enabled: dev.CloudFront.Enabled, StaticPaths: []string{"/static/*"}, ImagePaths: []string{"/img/*"},
		PriceClass: "PriceClass_100", Aliases: []string{}, DefaultTTL: dev.CloudFront.DefaultTTL}
	if !reflect.DeepEqual(dev.CloudFront, want) || !*dev.CloudFront.Enabled || *dev.CloudFront.DefaultTTL != 5 {
		t.Errorf("dev: %+v", dev.CloudFront)
	}
	// The stage's object replaces the top level's whole.
	prod, _ := c.StageConfig("prod", Overrides{})
	if cf := prod.CloudFront; cf == nil || cf.PriceClass != "PriceClass_All" || len(cf.StaticPaths) != 0 || cf.StaticPaths == nil || len(cf.ImagePaths) != 0 || cf.DefaultTTL != nil {
		t.Errorf("prod: %+v", prod.CloudFront)
	}
	off, _ := c.StageConfig("off", Overrides{})
	if off.CloudFront != nil {
		t.Errorf("disabled: %+v", off.CloudFront)
	}
	// A copy: changing it does not change the config.
	dev.CloudFront.ImagePaths[0] = "/x/*"
	if again, _ := c.StageConfig("dev", Overrides{}); again.CloudFront.ImagePaths[0] != "/img/*" {
		t.Error("StageConfig shares the image paths with the config")
	}
	none := project(t, `{"app_name": "a"}`, nil)
	if sc, _ := none.StageConfig("dev", Overrides{}); sc.CloudFront != nil {
		t.Errorf("absent: %+v", sc.CloudFront)
	}
}
