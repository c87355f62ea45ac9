package sam

import (
	"fmt"

	"github.com/gochalice/chalice/config"
)

// CloudFront's managed policies used by the distribution (their IDs are the
// same in every account).
const (
	// CachingOptimizedPolicyID is the managed cache policy
	// Managed-CachingOptimized: no headers, cookies or query strings in the
	// cache key, TTLs 1 s / 1 day / 1 year, gzip and Brotli.
	CachingOptimizedPolicyID = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	// AllViewerExceptHostHeaderPolicyID is the managed origin request
	// policy Managed-AllViewerExceptHostHeader: every viewer header but
	// Host, every cookie and query string go to the origin (API Gateway
	// needs its own Host).
	AllViewerExceptHostHeaderPolicyID = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

// Logical IDs and origin IDs of the CloudFront resources.
const (
	cfDistributionID   = "CloudFrontDistribution"
	cfDefaultPolicyID  = "CloudFrontDefaultCachePolicy"
	cfImagePolicyID    = "CloudFrontImageCachePolicy"
	cfOriginAPI        = "api"
	cfOriginStatic     = "api-static"
	cfMaxTTL           = config.MaxCloudFrontTTL
	cfImageDefaultTTL  = 86400
	cfViewerProtocol   = "redirect-to-https"
	cfMinTLS           = "TLSv1.2_2021"
	cfOriginTLS        = "TLSv1.2"
	cfOriginProtocol   = "https-only"
	cfHTTPVersion      = "http2and3"
	cfStaticAcceptHead = "*/*"
)

var (
	cfAllMethods    = []any{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
	cfCachedMethods = []any{"GET", "HEAD"}
)

// cloudFront writes the distribution in front of the API (the cloudfront
// key), its cache policies and outputs. See docs/WEB.md, "CloudFront
// distribution".
func (g *generator) cloudFront(cf *config.CloudFront) error {
	st := g.app.StageCfg
	if g.app.RestAPI == nil || st == nil {
		return fmt.Errorf("sam: cloudfront needs the API")
	}
	ids := []string{cfDistributionID, cfDefaultPolicyID}
	if len(cf.ImagePaths) > 0 {
		ids = append(ids, cfImagePolicyID)
	}
	for _, id := range ids {
		if err := g.claim(id, "cloudfront"); err != nil {
			return err
		}
	}
	defaultTTL := 0
	if cf.DefaultTTL != nil {
		defaultTTL = *cf.DefaultTTL
	}
	// API responses: cached only as their Cache-Control allows (MinTTL 0),
	// keyed by query string and Authorization (CloudFront forwards
	// Authorization only when it is in the cache key, and it keeps one
	// user's responses from being served to another).
	g.add(cfDefaultPolicyID, resource("AWS::CloudFront::CachePolicy", map[string]any{
		"CachePolicyConfig": cachePolicy("${AWS::StackName}-default",
			fmt.Sprintf("%s %s: API responses, cached as their Cache-Control allows", g.app.AppName, g.app.Stage),
			defaultTTL, "Authorization"),
	}))
	if len(cf.ImagePaths) > 0 {
		g.add(cfImagePolicyID, resource("AWS::CloudFront::CachePolicy", map[string]any{
			"CachePolicyConfig": cachePolicy("${AWS::StackName}-images",
				fmt.Sprintf("%s %s: images negotiated by Accept", g.app.AppName, g.app.Stage),
				cfImageDefaultTTL, "Accept"),
		}))
	}

	domain := map[string]any{"Fn::Sub": "${" + restAPIID + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
	origin := func(id string, headers ...any) map[string]any {
		o := map[string]any{
			"Id":         id,
			"DomainName": domain,
			"CustomOriginConfig": map[string]any{
				"OriginProtocolPolicy": cfOriginProtocol,
				"OriginSSLProtocols":   []any{cfOriginTLS},
				"HTTPSPort":            443,
			},
		}
		if p := cloudFrontOriginPath(st); p != "" {
			o["OriginPath"] = p
		}
		if len(headers) > 0 {
			o["OriginCustomHeaders"] = headers
		}
		return o
	}
	origins := []any{origin(cfOriginAPI)}
	if len(cf.StaticPaths) > 0 {
		// Static files go to the API with "Accept: */*", so API Gateway
		// returns binary files decoded whatever the viewer sent, and the
		// cache key need not include Accept.
		origins = append(origins, origin(cfOriginStatic, map[string]any{"HeaderName": "Accept", "HeaderValue": cfStaticAcceptHead}))
	}
	var behaviours []any
	for _, p := range cf.ImagePaths {
		behaviours = append(behaviours, map[string]any{
			"PathPattern":          p,
			"TargetOriginId":       cfOriginAPI,
			"ViewerProtocolPolicy": cfViewerProtocol,
			"AllowedMethods":       cfCachedMethods,
			"CachedMethods":        cfCachedMethods,
			"Compress":             true,
			"CachePolicyId":        map[string]any{"Ref": cfImagePolicyID},
		})
	}
	for _, p := range cf.StaticPaths {
		behaviours = append(behaviours, map[string]any{
			"PathPattern":          p,
			"TargetOriginId":       cfOriginStatic,
			"ViewerProtocolPolicy": cfViewerProtocol,
			"AllowedMethods":       cfCachedMethods,
			"CachedMethods":        cfCachedMethods,
			"Compress":             true,
			"CachePolicyId":        CachingOptimizedPolicyID,
		})
	}
	dc := map[string]any{
		"Comment":     fmt.Sprintf("%s %s (gochalice)", g.app.AppName, g.app.Stage),
		"Enabled":     true,
		"HttpVersion": cfHTTPVersion,
		"IPV6Enabled": true,
		"PriceClass":  cf.PriceClass,
		"Origins":     origins,
		"DefaultCacheBehavior": map[string]any{
			"TargetOriginId":        cfOriginAPI,
			"ViewerProtocolPolicy":  cfViewerProtocol,
			"AllowedMethods":        cfAllMethods,
			"CachedMethods":         cfCachedMethods,
			"Compress":              true,
			"CachePolicyId":         map[string]any{"Ref": cfDefaultPolicyID},
			"OriginRequestPolicyId": AllViewerExceptHostHeaderPolicyID,
		},
	}
	if len(behaviours) > 0 {
		dc["CacheBehaviors"] = behaviours
	}
	if len(cf.Aliases) > 0 {
		dc["Aliases"] = strs(cf.Aliases)
		dc["ViewerCertificate"] = map[string]any{
			"AcmCertificateArn":      cf.CertificateARN,
			"SslSupportMethod":       "sni-only",
			"MinimumProtocolVersion": cfMinTLS,
		}
	} else {
		dc["ViewerCertificate"] = map[string]any{"CloudFrontDefaultCertificate": true}
	}
	props := map[string]any{"DistributionConfig": dc}
	if len(st.Tags) > 0 {
		list := []any{}
		for _, k := range sortedKeys(st.Tags) {
			list = append(list, map[string]any{"Key": k, "Value": st.Tags[k]})
		}
		props["Tags"] = list
	}
	g.add(cfDistributionID, resource("AWS::CloudFront::Distribution", props))

	out := g.tpl.Outputs()
	out.Set("CloudFrontDistributionId", value(map[string]any{"Ref": cfDistributionID}))
	out.Set("CloudFrontDomainName", value(map[string]any{"Fn::GetAtt": []any{cfDistributionID, "DomainName"}}))
	out.Set("CloudFrontURL", value(map[string]any{"Fn::Sub": "https://${" + cfDistributionID + ".DomainName}/"}))
	return nil
}

// cachePolicy is a CachePolicyConfig: query strings in the key, no
// cookies, the given headers, gzip and Brotli; MinTTL 0 so that
// Cache-Control no-store/private/no-cache keep responses out of the cache.
func cachePolicy(name, comment string, defaultTTL int, headers ...any) map[string]any {
	return map[string]any{
		"Name":       map[string]any{"Fn::Sub": name},
		"Comment":    comment,
		"MinTTL":     0,
		"DefaultTTL": defaultTTL,
		"MaxTTL":     cfMaxTTL,
		"ParametersInCacheKeyAndForwardedToOrigin": map[string]any{
			"EnableAcceptEncodingGzip":   true,
			"EnableAcceptEncodingBrotli": true,
			"HeadersConfig":              map[string]any{"HeaderBehavior": "whitelist", "Headers": headers},
			"CookiesConfig":              map[string]any{"CookieBehavior": "none"},
			"QueryStringsConfig":         map[string]any{"QueryStringBehavior": "all"},
		},
	}
}

// cloudFrontOriginPath is the origin path of the API: its stage, except an
// HTTP API's $default stage, which has no path.
func cloudFrontOriginPath(st *config.StageConfig) string {
	if st.APIType == "http" && st.APIGatewayStage == "$default" {
		return ""
	}
	return "/" + st.APIGatewayStage
}
