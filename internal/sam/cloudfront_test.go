package sam

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCloudFront(t *testing.T) {
	vs := variants(t)
	for name, tpl := range vs {
		if strings.HasPrefix(name, "cloudfront") {
			continue
		}
		// Without the cloudfront key there is no distribution.
		for _, id := range tpl.Resources().Keys() {
			if strings.HasPrefix(id, "CloudFront") {
				t.Errorf("%s: unexpected %s", name, id)
			}
		}
		if _, ok := tpl.Outputs().Lookup("CloudFrontURL"); ok {
			t.Errorf("%s: unexpected CloudFrontURL output", name)
		}
	}

	m := vs["cloudfront"].Map()
	dc := lookup(t, m, "Resources.CloudFrontDistribution.Properties.DistributionConfig").(map[string]any)
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	origins := dc["Origins"].([]any)
	if len(origins) != 2 {
		t.Fatalf("origins %s", js(origins))
	}
	api := origins[0].(map[string]any)
	if api["OriginPath"] != "/v1" || js(api["DomainName"]) != `{"Fn::Sub":"${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}` ||
		js(api["CustomOriginConfig"]) != `{"HTTPSPort":443,"OriginProtocolPolicy":"https-only","OriginSSLProtocols":["TLSv1.2"]}` {
		t.Errorf("API origin %s", js(api))
	}
	if got := js(origins[1].(map[string]any)["OriginCustomHeaders"]); got != `[{"HeaderName":"Accept","HeaderValue":"*/*"}]` {
		t.Errorf("static origin headers %s", got)
	}
	def := dc["DefaultCacheBehavior"].(map[string]any)
	if def["OriginRequestPolicyId"] != AllViewerExceptHostHeaderPolicyID || js(def["CachePolicyId"]) != `{"Ref":"CloudFrontDefaultCachePolicy"}` ||
		def["ViewerProtocolPolicy"] != "redirect-to-https" || len(def["AllowedMethods"].([]any)) != 7 {
		t.Errorf("default behaviour %s", js(def))
	}
	behaviours := dc["CacheBehaviors"].([]any)
	var paths []string
	for _, b := range behaviours {
		b := b.(map[string]any)
		paths = append(paths, b["PathPattern"].(string))
		switch b["PathPattern"] {
		case "/img/*":
			if js(b["CachePolicyId"]) != `{"Ref":"CloudFrontImageCachePolicy"}` || b["TargetOriginId"] != "api" {
				t.Errorf("image behaviour %s", js(b))
			}
		default:
			if b["CachePolicyId"] != CachingOptimizedPolicyID || b["TargetOriginId"] != "api-static" {
				t.Errorf("static behaviour %s", js(b))
			}
		}
	}
	if strings.Join(paths, " ") != "/img/* /static/* /favicon.ico" {
		t.Errorf("behaviours %v", paths)
	}
	img := lookup(t, m, "Resources.CloudFrontImageCachePolicy.Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin").(map[string]any)
	if js(img["HeadersConfig"]) != `{"HeaderBehavior":"whitelist","Headers":["Accept"]}` {
		t.Errorf("image cache key %s", js(img))
	}
	pol := lookup(t, m, "Resources.CloudFrontDefaultCachePolicy.Properties.CachePolicyConfig").(map[string]any)
	if js(pol["DefaultTTL"]) != "60" || js(pol["MinTTL"]) != "0" ||
		js(pol["ParametersInCacheKeyAndForwardedToOrigin"].(map[string]any)["QueryStringsConfig"]) != `{"QueryStringBehavior":"all"}` {
		t.Errorf("default cache policy %s", js(pol))
	}
	if js(dc["Aliases"]) != `["www.example.com"]` || js(dc["ViewerCertificate"]) != `{"AcmCertificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/cf","MinimumProtocolVersion":"TLSv1.2_2021","SslSupportMethod":"sni-only"}` ||
		dc["PriceClass"] != "PriceClass_200" || dc["HttpVersion"] != "http2and3" || dc["Enabled"] != true {
		t.Errorf("distribution %s", js(dc))
	}
	if got := js(lookup(t, m, "Outputs.CloudFrontURL")); got != `{"Value":{"Fn::Sub":"https://${CloudFrontDistribution.DomainName}/"}}` {
		t.Errorf("CloudFrontURL %s", got)
	}
	if got := js(lookup(t, m, "Outputs.CloudFrontDomainName")); got != `{"Value":{"Fn::GetAtt":["CloudFrontDistribution","DomainName"]}}` {
		t.Errorf("CloudFrontDomainName %s", got)
	}

	h := vs["cloudfront_http"].Map()
	hdc := lookup(t, h, "Resources.CloudFrontDistribution.Properties.DistributionConfig").(map[string]any)
	for _, o := range hdc["Origins"].([]any) {
		if _, ok := o.(map[string]any)["OriginPath"]; ok {
			t.Errorf("$default stage has an origin path: %s", js(o))
		}
	}
	if js(hdc["ViewerCertificate"]) != `{"CloudFrontDefaultCertificate":true}` || hdc["PriceClass"] != "PriceClass_100" || hdc["Aliases"] != nil {
		t.Errorf("defaults %s", js(hdc))
	}
	if _, ok := h["Resources"].(map[string]any)["CloudFrontImageCachePolicy"]; ok {
		t.Error("image cache policy without image paths")
	}
	if got := js(lookup(t, h, "Resources.CloudFrontDefaultCachePolicy.Properties.CachePolicyConfig.DefaultTTL")); got != "0" {
		t.Errorf("default TTL %s", got)
	}
}
