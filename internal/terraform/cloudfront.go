package terraform

import (
	"fmt"

	"github.com/gochalice/chalice/config"
)

// Names of the CloudFront resources and data sources, and CloudFront's
// managed policies, looked up by name (their IDs are the same in every
// account: CachingOptimized 658327ea-f89d-4fab-a63d-7e88639e58f6,
// AllViewerExceptHostHeader b689b0a8-53d0-40ab-baf2-68738e2966ac).
const (
	cfName                 = "cloudfront"
	cfDefaultPolicy        = "cloudfront_default"
	cfImagePolicy          = "cloudfront_images"
	cfCachingOptimized     = "caching_optimized"
	cfAllViewerExceptHost  = "all_viewer_except_host_header"
	cfCachingOptimizedName = "Managed-CachingOptimized"
	cfAllViewerExceptName  = "Managed-AllViewerExceptHostHeader"
	cfOriginAPI            = "api"
	cfOriginStatic         = "api-static"
	cfImageDefaultTTL      = 86400
)

var (
	cfAllMethods    = []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
	cfCachedMethods = []string{"GET", "HEAD"}
)

// cloudFront adds the distribution of the cloudfront key in front of the
// API, as the SAM template does (see internal/sam/cloudfront.go and
// docs/WEB.md): cache policies for API responses (keyed by query string
// and Authorization, TTLs from Cache-Control) and for image paths (keyed
// by Accept too), CloudFront's managed CachingOptimized policy for static
// paths through an origin that sends "Accept: */*", and the managed
// AllViewerExceptHostHeader origin request policy for the rest.
func (g *generator) cloudFront(cf *config.CloudFront) error {
	api := g.app.RestAPI
	st := g.app.StageCfg
	if api == nil || st == nil {
		return fmt.Errorf("terraform: cloudfront needs the API")
	}
	apiAddress := "aws_api_gateway_rest_api." + api.ResourceName
	if api.IsHTTPAPI() {
		apiAddress = "aws_apigatewayv2_api." + api.ResourceName
	}
	prefix := g.app.AppName + "-" + g.app.Stage
	defaultTTL := 0
	if cf.DefaultTTL != nil {
		defaultTTL = *cf.DefaultTTL
	}
	if err := g.add("aws_cloudfront_cache_policy", cfDefaultPolicy, tfCachePolicy(prefix+"-default",
		fmt.Sprintf("%s %s: API responses, cached as their Cache-Control allows", g.app.AppName, g.app.Stage), defaultTTL, "Authorization")); err != nil {
		return err
	}
	if len(cf.ImagePaths) > 0 {
		if err := g.add("aws_cloudfront_cache_policy", cfImagePolicy, tfCachePolicy(prefix+"-images",
			fmt.Sprintf("%s %s: images negotiated by Accept", g.app.AppName, g.app.Stage), cfImageDefaultTTL, "Accept")); err != nil {
			return err
		}
	}
	g.data("aws_cloudfront_origin_request_policy", cfAllViewerExceptHost, map[string]any{"name": cfAllViewerExceptName})

	domain := expr("${" + apiAddress + ".id}.execute-api." + region + ".${data.aws_partition.chalice.dns_suffix}")
	origin := func(id string, headers ...map[string]any) map[string]any {
		o := map[string]any{
			"origin_id":   id,
			"domain_name": domain,
			"custom_origin_config": map[string]any{
				"http_port":              80,
				"https_port":             443,
				"origin_protocol_policy": "https-only",
				"origin_ssl_protocols":   []string{"TLSv1.2"},
			},
		}
		if !(api.IsHTTPAPI() && st.APIGatewayStage == "$default") {
			o["origin_path"] = "/" + st.APIGatewayStage
		}
		if len(headers) > 0 {
			o["custom_header"] = headers
		}
		return o
	}
	origins := []any{origin(cfOriginAPI)}
	var behaviours []any
	for _, p := range cf.ImagePaths {
		behaviours = append(behaviours, map[string]any{
			"path_pattern":           p,
			"target_origin_id":       cfOriginAPI,
			"viewer_protocol_policy": "redirect-to-https",
			"allowed_methods":        cfCachedMethods,
			"cached_methods":         cfCachedMethods,
			"compress":               true,
			"cache_policy_id":        refAttr("aws_cloudfront_cache_policy."+cfImagePolicy, "id"),
		})
	}
	if len(cf.StaticPaths) > 0 {
		g.data("aws_cloudfront_cache_policy", cfCachingOptimized, map[string]any{"name": cfCachingOptimizedName})
		origins = append(origins, origin(cfOriginStatic, map[string]any{"name": "Accept", "value": "*/*"}))
	}
	for _, p := range cf.StaticPaths {
		behaviours = append(behaviours, map[string]any{
			"path_pattern":           p,
			"target_origin_id":       cfOriginStatic,
			"viewer_protocol_policy": "redirect-to-https",
			"allowed_methods":        cfCachedMethods,
			"cached_methods":         cfCachedMethods,
			"compress":               true,
			"cache_policy_id":        refAttr("data.aws_cloudfront_cache_policy."+cfCachingOptimized, "id"),
		})
	}
	body := map[string]any{
		"comment":         fmt.Sprintf("%s %s (gochalice)", g.app.AppName, g.app.Stage),
		"enabled":         true,
		"http_version":    "http2and3",
		"is_ipv6_enabled": true,
		"price_class":     cf.PriceClass,
		"origin":          origins,
		"default_cache_behavior": map[string]any{
			"target_origin_id":         cfOriginAPI,
			"viewer_protocol_policy":   "redirect-to-https",
			"allowed_methods":          cfAllMethods,
			"cached_methods":           cfCachedMethods,
			"compress":                 true,
			"cache_policy_id":          refAttr("aws_cloudfront_cache_policy."+cfDefaultPolicy, "id"),
			"origin_request_policy_id": refAttr("data.aws_cloudfront_origin_request_policy."+cfAllViewerExceptHost, "id"),
		},
		"restrictions": map[string]any{"geo_restriction": map[string]any{"restriction_type": "none"}},
	}
	if len(behaviours) > 0 {
		body["ordered_cache_behavior"] = behaviours
	}
	if len(cf.Aliases) > 0 {
		body["aliases"] = cf.Aliases
		body["viewer_certificate"] = map[string]any{
			"acm_certificate_arn":      cf.CertificateARN,
			"ssl_support_method":       "sni-only",
			"minimum_protocol_version": "TLSv1.2_2021",
		}
	} else {
		body["viewer_certificate"] = map[string]any{"cloudfront_default_certificate": true}
	}
	if len(st.Tags) > 0 {
		body["tags"] = st.Tags
	}
	if err := g.add("aws_cloudfront_distribution", cfName, body); err != nil {
		return err
	}
	address := "aws_cloudfront_distribution." + cfName
	g.output("CloudFrontDistributionId", refAttr(address, "id"))
	g.output("CloudFrontDomainName", refAttr(address, "domain_name"))
	g.output("CloudFrontURL", expr("https://${"+address+".domain_name}/"))
	return nil
}

// tfCachePolicy is an aws_cloudfront_cache_policy: query strings and the
// given headers in the key, no cookies, gzip and Brotli; min_ttl 0 so that
// Cache-Control no-store/private/no-cache keep responses out of the cache.
func tfCachePolicy(name, comment string, defaultTTL int, headers ...string) map[string]any {
	return map[string]any{
		"name":        name,
		"comment":     comment,
		"min_ttl":     0,
		"default_ttl": defaultTTL,
		"max_ttl":     config.MaxCloudFrontTTL,
		"parameters_in_cache_key_and_forwarded_to_origin": map[string]any{
			"enable_accept_encoding_gzip":   true,
			"enable_accept_encoding_brotli": true,
			"headers_config": map[string]any{
				"header_behavior": "whitelist",
				"headers":         map[string]any{"items": headers},
			},
			"cookies_config":       map[string]any{"cookie_behavior": "none"},
			"query_strings_config": map[string]any{"query_string_behavior": "all"},
		},
	}
}

// data declares a data source besides the ones every document has.
func (g *generator) data(typ, name string, body map[string]any) {
	if g.extraData == nil {
		g.extraData = map[string]map[string]any{}
	}
	if g.extraData[typ] == nil {
		g.extraData[typ] = map[string]any{}
	}
	g.extraData[typ][name] = body
}
