package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Allowed values and ranges checked by Validate.
var (
	EndpointTypes  = []string{"EDGE", "REGIONAL", "PRIVATE"}
	APITypes       = []string{"rest", "http", "url"}
	URLAuthTypes   = []string{"NONE", "AWS_IAM"}
	URLInvokeModes = []string{"BUFFERED", "RESPONSE_STREAM"}
	// DestinationServices are the services an asynchronous invocation's
	// result can be sent to (async_on_success, async_on_failure).
	DestinationServices = []string{"sqs", "sns", "lambda", "events"}
	lambdaAliasName     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	allDigits           = regexp.MustCompile(`^[0-9]+$`)
	Architectures       = []string{"arm64", "x86_64"}
	TLSVersions         = []string{"TLS_1_0", "TLS_1_1", "TLS_1_2"}
	LogRetentionDays    = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
	resourceNameChars   = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

	// CloudFrontPriceClasses are the values of cloudfront.price_class.
	CloudFrontPriceClasses = []string{"PriceClass_100", "PriceClass_200", "PriceClass_All"}
	// CloudFront path patterns: a leading / and CloudFront's characters.
	cloudFrontPathChars = regexp.MustCompile(`^/[A-Za-z0-9_\-.*$/~"'@:+&?]*$`)
	// An alternate domain name, possibly a wildcard (*.example.com).
	cloudFrontAlias = regexp.MustCompile(`^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
)

const (
	MinCompressionSize = 0
	MaxCompressionSize = 10485760
	MinLambdaTimeout   = 1
	MaxLambdaTimeout   = 900
	MinLambdaMemory    = 128
	MaxLambdaMemory    = 10240
	maxLambdaNameLen   = 64
	maxAPIStageNameLen = 128
	MaxAsyncRetries    = 2
	MinAsyncEventAge   = 60
	MaxAsyncEventAge   = 21600

	// CloudFront limits checked by Validate.
	MaxCloudFrontTTL        = 31536000 // one year, the MaxTTL of the generated cache policies
	MaxCloudFrontBehaviours = 25       // CloudFront's default quota of cache behaviours per distribution
	MaxCloudFrontAliases    = 100      // CloudFront's default quota of alternate domain names
	maxCloudFrontPathLen    = 255
)

// Validate checks everything that matters to one stage: the values set at
// the top level, in stages.<stage> and in the lambda_functions entries of
// both; the stage-wide settings after precedence; and the settings of each
// function in functions after precedence. functions are the app's
// function names (from its manifest); when it is non-nil, lambda_functions
// entries naming other functions are errors, and when it is nil the
// functions named in lambda_functions (or, with none, the stage as a
// whole) are checked instead. It returns every problem found, joined with
// errors.Join; each is an *Error naming the file, stage, function (when
// relevant) and key and saying what would be valid.
func (c *Config) Validate(stage string, functions []string, o Overrides) error {
	v := &validator{c: c, stage: stage}
	if err := c.CheckStage(stage); err != nil {
		v.errs = append(v.errs, err)
	}
	v.appName()
	v.level("", &c.Top)
	for _, fn := range sortedKeys(c.Top.LambdaFunctions) {
		v.level("lambda_functions."+fn, c.Top.LambdaFunctions[fn])
	}
	if st := c.Stages[stage]; st != nil {
		v.level("stages."+stage, st)
		for _, fn := range sortedKeys(st.LambdaFunctions) {
			v.level("stages."+stage+".lambda_functions."+fn, st.LambdaFunctions[fn])
		}
	}
	if functions != nil {
		v.unknownFunctions(functions)
	}
	v.stageWide(o)
	check := functions
	if check == nil {
		check = c.FunctionNames(stage)
		if len(check) == 0 {
			check = []string{""}
		}
	}
	v.functions(check, o)
	return errors.Join(v.errs...)
}

type validator struct {
	c     *Config
	stage string
	errs  []error
	files map[string]bool // policy files already checked
}

func (v *validator) add(path, key, msg string, args ...any) {
	v.errs = append(v.errs, v.c.at(path, key, msg, args...))
}

func (v *validator) appName() {
	switch {
	case v.c.AppName == "":
		v.add("app_name", "app_name", "is missing: set it to the app's name (letters, digits, - and _), which prefixes every AWS resource name")
	case !resourceNameChars.MatchString(v.c.AppName):
		v.add("app_name", "app_name", "must contain only letters, digits, - and _ (it is part of every Lambda function name), got %q", v.c.AppName)
	}
}

func oneOf[T comparable](v T, allowed []T) bool { return slices.Contains(allowed, v) }

func listStrings(vals []string) string { return strings.Join(vals, ", ") }

func listInts(vals []int) string {
	s := make([]string, len(vals))
	for i, n := range vals {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// level checks the values written at one level.
func (v *validator) level(lvl string, s *Settings) {
	p := func(key string) string { return joinPath(lvl, key) }
	v.resourceValues(lvl, s)
	if x := s.APIGatewayEndpointType; x != nil && !oneOf(*x, EndpointTypes) {
		hint := ""
		if oneOf(strings.ToUpper(*x), EndpointTypes) {
			hint = fmt.Sprintf(" (values are upper case: %q)", strings.ToUpper(*x))
		}
		v.add(p("api_gateway_endpoint_type"), "api_gateway_endpoint_type", "must be one of %s, got %q%s", listStrings(EndpointTypes), *x, hint)
	}
	if x := s.APIType; x != nil && !oneOf(*x, APITypes) {
		v.add(p("api_type"), "api_type", "must be %q (API Gateway REST API, the default), %q (API Gateway HTTP API) or %q (a Lambda Function URL), got %q", "rest", "http", "url", *x)
	}
	v.platformValues(p, s)
	if x := s.APIGatewayStage; x != nil {
		if msg := checkAPIStageName(*x); msg != "" {
			v.add(p("api_gateway_stage"), "api_gateway_stage", "%s", msg)
		}
	}
	if x := s.MinimumCompressionSize; x != nil && (*x < MinCompressionSize || *x > MaxCompressionSize) {
		v.add(p("minimum_compression_size"), "minimum_compression_size", "must be between %d and %d (bytes), got %d", MinCompressionSize, MaxCompressionSize, *x)
	}
	if x := s.LambdaTimeout; x != nil && (*x < MinLambdaTimeout || *x > MaxLambdaTimeout) {
		v.add(p("lambda_timeout"), "lambda_timeout", "must be between %d and %d (seconds), got %d", MinLambdaTimeout, MaxLambdaTimeout, *x)
	}
	if x := s.LambdaMemorySize; x != nil && (*x < MinLambdaMemory || *x > MaxLambdaMemory) {
		v.add(p("lambda_memory_size"), "lambda_memory_size", "must be between %d and %d (MB), got %d", MinLambdaMemory, MaxLambdaMemory, *x)
	}
	if x := s.ReservedConcurrency; x != nil && *x < 0 {
		v.add(p("reserved_concurrency"), "reserved_concurrency", "must be 0 or more (0 stops all invocations), got %d", *x)
	}
	if x := s.LogRetentionInDays; x != nil && !oneOf(*x, LogRetentionDays) {
		v.add(p("log_retention_in_days"), "log_retention_in_days", "must be one of the values CloudWatch Logs allows: %s; got %d", listInts(LogRetentionDays), *x)
	}
	if x := s.LambdaArchitecture; x != nil && !oneOf(*x, Architectures) {
		v.add(p("lambda_architecture"), "lambda_architecture", "must be %q (the default) or %q, got %q", "arm64", "x86_64", *x)
	}
	v.domain(p("api_gateway_custom_domain"), s.APIGatewayCustomDomain)
	v.domain(p("websocket_api_custom_domain"), s.WebsocketAPICustomDomain)
	v.cloudFront(p("cloudfront"), s.CloudFront)
	if x := s.APIGatewayPolicyFile; x != nil {
		v.policyFile(p("api_gateway_policy_file"), "api_gateway_policy_file", *x)
	}
	if x := s.IAMPolicyFile; x != nil {
		v.policyFile(p("iam_policy_file"), "iam_policy_file", *x)
	}
}

// platformValues checks the values of the Function URL, version and
// asynchronous delivery keys written at one level.
func (v *validator) platformValues(p func(string) string, s *Settings) {
	if x := s.FunctionURLAuthType; x != nil && !oneOf(*x, URLAuthTypes) {
		v.add(p("function_url_auth_type"), "function_url_auth_type", "must be %q (anyone may call the URL, the default) or %q (callers sign requests with SigV4 and need lambda:InvokeFunctionUrl), got %q%s",
			"NONE", "AWS_IAM", *x, upperHint(*x, URLAuthTypes))
	}
	if x := s.FunctionURLInvokeMode; x != nil && !oneOf(*x, URLInvokeModes) {
		v.add(p("function_url_invoke_mode"), "function_url_invoke_mode", "must be %q (the default) or %q (the body is streamed as the handler writes it), got %q%s",
			"BUFFERED", "RESPONSE_STREAM", *x, upperHint(*x, URLInvokeModes))
	}
	if x := s.LambdaAlias; x != nil && (!lambdaAliasName.MatchString(*x) || allDigits.MatchString(*x)) {
		v.add(p("lambda_alias"), "lambda_alias", "must be 1-128 letters, digits, - and _, not all digits (Lambda's rule for alias names; e.g. \"live\"), got %q", *x)
	}
	if x := s.ProvisionedConcurrency; x != nil && *x < 1 {
		v.add(p("provisioned_concurrency"), "provisioned_concurrency", "must be 1 or more (execution environments kept initialised on the alias; remove the key for none), got %d", *x)
	}
	if x := s.AsyncMaxRetries; x != nil && (*x < 0 || *x > MaxAsyncRetries) {
		v.add(p("async_max_retries"), "async_max_retries", "must be between 0 and %d (retries of a failed asynchronous invocation), got %d", MaxAsyncRetries, *x)
	}
	if x := s.AsyncMaxEventAge; x != nil && (*x < MinAsyncEventAge || *x > MaxAsyncEventAge) {
		v.add(p("async_max_event_age"), "async_max_event_age", "must be between %d and %d (seconds an event may wait to be processed), got %d", MinAsyncEventAge, MaxAsyncEventAge, *x)
	}
	for key, x := range map[string]*string{"async_on_success": s.AsyncOnSuccess, "async_on_failure": s.AsyncOnFailure} {
		if x == nil {
			continue
		}
		if msg := checkDestination(*x); msg != "" {
			v.add(p(key), key, "%s", msg)
		}
	}
}

// upperHint suggests the upper-case spelling of a value written in
// another case.
func upperHint(x string, allowed []string) string {
	if u := strings.ToUpper(x); u != x && oneOf(u, allowed) {
		return fmt.Sprintf(" (values are upper case: %q)", u)
	}
	return ""
}

// checkDestination returns what is wrong with an asynchronous delivery
// destination: it must be the ARN of an SQS queue, an SNS topic, a Lambda
// function or an EventBridge bus.
func checkDestination(arn string) string {
	const valid = "the ARN of an SQS queue, an SNS topic, a Lambda function or an EventBridge event bus"
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[2] == "" || parts[3] == "" || parts[4] == "" || parts[5] == "" {
		return fmt.Sprintf("must be %s (arn:aws:sqs:<region>:<account>:<queue>, ...), got %q", valid, arn)
	}
	service, resource := parts[2], parts[5]
	switch {
	case !oneOf(service, DestinationServices):
		return fmt.Sprintf("must be %s; %q is a %s ARN, which Lambda cannot deliver to", valid, arn, service)
	case service == "lambda" && !strings.HasPrefix(resource, "function:"):
		return fmt.Sprintf("must name a Lambda function (arn:aws:lambda:<region>:<account>:function:<name>), got %q", arn)
	case service == "events" && !strings.HasPrefix(resource, "event-bus/"):
		return fmt.Sprintf("must name an EventBridge event bus (arn:aws:events:<region>:<account>:event-bus/<name>), got %q", arn)
	}
	return ""
}

// checkAPIStageName returns what is wrong with an API Gateway stage name.
func checkAPIStageName(name string) string {
	switch {
	case name == "":
		return "must not be empty (it is the API Gateway stage and the first segment of the API's URL path; the default is \"api\")"
	case len(name) > maxAPIStageNameLen:
		return fmt.Sprintf("must be at most %d characters, got %d", maxAPIStageNameLen, len(name))
	case name == "$default":
		return "" // HTTP APIs' default stage
	case !resourceNameChars.MatchString(name):
		return fmt.Sprintf("must contain only letters, digits, - and _ (API Gateway's rule for stage names), got %q", name)
	}
	return ""
}

func (v *validator) domain(p string, d *CustomDomain) {
	if d == nil {
		return
	}
	key := leaf(p)
	if d.DomainName == "" {
		v.add(p+".domain_name", key, "is required: the custom domain's name, e.g. \"api.example.com\"")
	}
	if d.CertificateARN == "" {
		v.add(p+".certificate_arn", key, "is required: the ARN of the ACM certificate for the domain")
	}
	if d.TLSVersion != "" && !oneOf(d.TLSVersion, TLSVersions) {
		v.add(p+".tls_version", key, "must be one of %s (default %s), got %q", listStrings(TLSVersions), DefaultTLSVersion, d.TLSVersion)
	}
}

// cloudFront checks a cloudfront object as written at one level.
func (v *validator) cloudFront(p string, cf *CloudFront) {
	if cf == nil {
		return
	}
	const key = "cloudfront"
	if cf.PriceClass != "" && !oneOf(cf.PriceClass, CloudFrontPriceClasses) {
		v.add(p+".price_class", key, "must be one of %s (default %s), got %q", listStrings(CloudFrontPriceClasses), DefaultCloudFrontPriceClass, cf.PriceClass)
	}
	if x := cf.DefaultTTL; x != nil && (*x < 0 || *x > MaxCloudFrontTTL) {
		v.add(p+".default_ttl", key, "must be between 0 and %d (seconds; 0, the default, caches only responses whose Cache-Control allows it), got %d", MaxCloudFrontTTL, *x)
	}
	switch {
	case len(cf.Aliases) > 0 && cf.CertificateARN == "":
		v.add(p+".certificate_arn", key, "is required with aliases: the ARN of an ACM certificate in us-east-1 that covers %s", quoteList(cf.Aliases))
	case len(cf.Aliases) == 0 && cf.CertificateARN != "":
		v.add(p+".aliases", key, "is required with certificate_arn: list the domain names (CNAMEs) the certificate is for; without aliases the distribution uses its *.cloudfront.net name and certificate")
	}
	if cf.CertificateARN != "" {
		parts := strings.SplitN(cf.CertificateARN, ":", 6)
		switch {
		case len(parts) < 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "acm" || !strings.HasPrefix(parts[5], "certificate/"):
			v.add(p+".certificate_arn", key, "must be the ARN of an ACM certificate (arn:aws:acm:us-east-1:<account>:certificate/<id>), got %q", cf.CertificateARN)
		case parts[3] != "us-east-1":
			v.add(p+".certificate_arn", key, "is in %s, but CloudFront only uses ACM certificates in us-east-1: request or import the certificate there", parts[3])
		}
	}
	if len(cf.Aliases) > MaxCloudFrontAliases {
		v.add(p+".aliases", key, "has %d names; CloudFront allows %d per distribution by default", len(cf.Aliases), MaxCloudFrontAliases)
	}
	seenAlias := map[string]bool{}
	for i, a := range cf.Aliases {
		ap := fmt.Sprintf("%s.aliases[%d]", p, i)
		switch {
		case !cloudFrontAlias.MatchString(a):
			v.add(ap, key, "must be a domain name such as \"www.example.com\" or \"*.example.com\" (no scheme, port or path), got %q", a)
		case seenAlias[strings.ToLower(a)]:
			v.add(ap, key, "lists %q twice", a)
		}
		seenAlias[strings.ToLower(a)] = true
	}
	seenPath := map[string]string{}
	for _, list := range []struct {
		name  string
		paths []string
	}{{"static_paths", cf.StaticPaths}, {"image_paths", cf.ImagePaths}} {
		for i, path := range list.paths {
			pp := fmt.Sprintf("%s.%s[%d]", p, list.name, i)
			switch {
			case path == "/*" || path == "*":
				v.add(pp, key, "must not be %q: that pattern is the default cache behaviour, which sends every other request to the API", path)
			case !strings.HasPrefix(path, "/"):
				v.add(pp, key, "must be a path pattern starting with /, such as \"/static/*\", got %q", path)
			case len(path) > maxCloudFrontPathLen:
				v.add(pp, key, "must be at most %d characters, got %d", maxCloudFrontPathLen, len(path))
			case !cloudFrontPathChars.MatchString(path):
				v.add(pp, key, "may contain only letters, digits and _ - . * $ / ~ \" ' @ : + & ? (CloudFront path pattern characters), got %q", path)
			default:
				if prev, ok := seenPath[path]; ok {
					v.add(pp, key, "repeats %q, already in %s: a path pattern can have only one cache behaviour", path, prev)
				}
				seenPath[path] = list.name
			}
		}
	}
	if n := len(cf.StaticPaths) + len(cf.ImagePaths); n > MaxCloudFrontBehaviours {
		v.add(p, key, "has %d static and image paths; CloudFront allows %d cache behaviours per distribution by default", n, MaxCloudFrontBehaviours)
	}
}

// policyFile checks that a policy file named at p exists relative to
// .chalice/ and holds a JSON object. Each file is checked once.
func (v *validator) policyFile(p, key, name string) {
	if v.files == nil {
		v.files = map[string]bool{}
	}
	if name == "" {
		v.add(p, key, "must not be empty: name a JSON policy file relative to %s", v.c.ChaliceDir())
		return
	}
	if v.files[name] {
		return
	}
	v.files[name] = true
	if _, err := v.c.readPolicy(name); err != nil {
		v.add(p, key, "names %s, which %v", v.c.File(name), err)
	}
}

func (v *validator) unknownFunctions(functions []string) {
	known := map[string]bool{}
	for _, f := range functions {
		known[f] = true
	}
	sorted := slices.Sorted(slices.Values(functions))
	check := func(lvl string, s *Settings) {
		if s == nil {
			return
		}
		for _, fn := range sortedKeys(s.LambdaFunctions) {
			if known[fn] {
				continue
			}
			list := quoteList(sorted)
			if len(sorted) == 0 {
				list = "none"
			}
			v.add(joinPath(lvl, "lambda_functions."+fn), "lambda_functions",
				"configures a function the app does not have%s; the app's functions: %s (REST routes share \"api_handler\")",
				didYouMean(fn, sorted), list)
		}
	}
	check("", &v.c.Top)
	check("stages."+v.stage, v.c.Stages[v.stage])
}

// stageWide checks the stage-wide settings after precedence.
func (v *validator) stageWide(o Overrides) {
	c, stage := v.c, v.stage
	lv := c.stageLevels(stage, o)
	if o.APIGatewayStage != "" {
		if msg := checkAPIStageName(o.APIGatewayStage); msg != "" {
			v.errs = append(v.errs, c.scoped(stage, nil, "api_gateway_stage", "--api-gateway-stage %s", msg))
		}
	}
	endpoint, endpointFrom, endpointSet := lookup(lv, ptrGet(func(s *Settings) *string { return s.APIGatewayEndpointType }))
	if !endpointSet {
		endpoint = DefaultEndpointType
	}
	vpce, vpceFrom, _ := lookup(lv, listGet(func(s *Settings) []string { return s.APIGatewayEndpointVPCE }))
	policy, policyFrom, _ := lookup(lv, ptrGet(func(s *Settings) *string { return s.APIGatewayPolicyFile }))
	apiType, apiTypeFrom, _ := lookup(lv, ptrGet(func(s *Settings) *string { return s.APIType }))
	if apiType == "" {
		apiType = DefaultAPIType
	}
	endpointWhere := "by default"
	if endpointSet {
		endpointWhere = where(endpointFrom)
	}
	if len(vpce) > 0 && endpoint != "PRIVATE" {
		v.errs = append(v.errs, c.scoped(stage, nil, "api_gateway_endpoint_vpce",
			"api_gateway_endpoint_vpce (%s) is only allowed with api_gateway_endpoint_type PRIVATE, but the endpoint type is %s (%s)",
			where(vpceFrom), endpoint, endpointWhere))
	}
	if endpoint == "PRIVATE" {
		switch {
		case len(vpce) > 0 && policy != "":
			v.errs = append(v.errs, c.scoped(stage, nil, "api_gateway_endpoint_vpce",
				"a PRIVATE endpoint takes api_gateway_endpoint_vpce (%s) or api_gateway_policy_file (%s), not both: with a policy file, write the VPC endpoint condition in the policy",
				where(vpceFrom), where(policyFrom)))
		case len(vpce) == 0 && policy == "":
			v.errs = append(v.errs, c.scoped(stage, nil, "api_gateway_endpoint_type",
				"api_gateway_endpoint_type PRIVATE (%s) needs api_gateway_endpoint_vpce (VPC endpoint ids allowed to call the API) or api_gateway_policy_file (a resource policy)",
				endpointWhere))
		}
	}
	if apiType == "http" {
		typeWhere := where(apiTypeFrom)
		if endpoint == "PRIVATE" {
			v.errs = append(v.errs, c.scoped(stage, nil, "api_gateway_endpoint_type",
				"api_type \"http\" (%s) cannot have a PRIVATE endpoint (%s): HTTP APIs are regional only; use api_type \"rest\" for a private API", typeWhere, endpointWhere))
		}
		if policy != "" {
			v.errs = append(v.errs, c.scoped(stage, nil, "api_gateway_policy_file",
				"api_type \"http\" (%s) cannot have api_gateway_policy_file (%s): HTTP APIs have no resource policies", typeWhere, where(policyFrom)))
		}
		if _, from, ok := lookup(lv, ptrGet(func(s *Settings) *int { return s.MinimumCompressionSize })); ok {
			v.errs = append(v.errs, c.scoped(stage, nil, "minimum_compression_size",
				"api_type \"http\" (%s) cannot have minimum_compression_size (%s): HTTP APIs do not compress responses", typeWhere, where(from)))
		}
	}
	if apiType == "url" {
		v.urlFrontEnd(lv, where(apiTypeFrom))
	}
	if cf, from, ok := lookup(lv, ptrGet(func(s *Settings) **CloudFront { return ptrTo(s.CloudFront) })); ok && (cf.Enabled == nil || *cf.Enabled) {
		if endpoint == "PRIVATE" {
			v.errs = append(v.errs, c.scoped(stage, nil, "cloudfront",
				"cloudfront (%s) needs a public API, but the endpoint type is PRIVATE (%s): CloudFront cannot reach a private API; use REGIONAL (or EDGE)",
				where(from), endpointWhere))
		}
		if d, dFrom, ok := lookup(lv, ptrGet(func(s *Settings) **CustomDomain { return ptrTo(s.APIGatewayCustomDomain) })); ok && d.DomainName != "" {
			for _, a := range cf.Aliases {
				if strings.EqualFold(a, d.DomainName) {
					v.errs = append(v.errs, c.scoped(stage, nil, "cloudfront",
						"cloudfront.aliases (%s) has %q, which is also api_gateway_custom_domain.domain_name (%s): a domain name can point at the distribution or at the API, not both",
						where(from), a, where(dFrom)))
				}
			}
		}
	}
	if apiType == "rest" && endpoint == "EDGE" {
		if d, from, ok := lookup(lv, ptrGet(func(s *Settings) **CustomDomain { return ptrTo(s.APIGatewayCustomDomain) })); ok {
			if region := ARNRegion(d.CertificateARN); region != "" && region != "us-east-1" && strings.HasPrefix(d.CertificateARN, "arn:aws:acm:") {
				v.errs = append(v.errs, c.scoped(stage, nil, "api_gateway_custom_domain",
					"api_gateway_custom_domain.certificate_arn (%s) is in %s, but an EDGE endpoint (%s) needs an ACM certificate in us-east-1 (or use api_gateway_endpoint_type REGIONAL with a certificate in the API's region)",
					where(from), region, endpointWhere))
			}
		}
	}
}

// urlFrontEnd refuses the API Gateway settings of a stage whose routes
// are served by a Function URL (api_type "url").
func (v *validator) urlFrontEnd(lv []level, typeWhere string) {
	c, stage := v.c, v.stage
	refuse := func(key, why string, from string) {
		v.errs = append(v.errs, c.scoped(stage, nil, key,
			"api_type \"url\" (%s) cannot have %s (%s): %s; use api_type \"rest\" or \"http\" for it", typeWhere, key, where(from), why))
	}
	if _, from, ok := lookup(lv, ptrGet(func(s *Settings) *string { return s.APIGatewayEndpointType })); ok {
		refuse("api_gateway_endpoint_type", "a Function URL is a public regional endpoint of Lambda, not an API Gateway endpoint", from)
	}
	if _, from, ok := lookup(lv, listGet(func(s *Settings) []string { return s.APIGatewayEndpointVPCE })); ok {
		refuse("api_gateway_endpoint_vpce", "Function URLs cannot be private", from)
	}
	if _, from, ok := lookup(lv, ptrGet(func(s *Settings) *string { return s.APIGatewayPolicyFile })); ok {
		refuse("api_gateway_policy_file", "Function URLs have no API Gateway resource policy (function_url_auth_type AWS_IAM limits callers)", from)
	}
	if _, from, ok := lookup(lv, ptrGet(func(s *Settings) **CustomDomain { return ptrTo(s.APIGatewayCustomDomain) })); ok {
		refuse("api_gateway_custom_domain", "Function URLs have no custom domains", from)
	}
	if _, from, ok := lookup(lv, ptrGet(func(s *Settings) *int { return s.MinimumCompressionSize })); ok {
		refuse("minimum_compression_size", "Function URLs do not compress responses", from)
	}
	if on, from, ok := lookup(lv, ptrGet(func(s *Settings) *bool { return s.RequestValidation })); ok && on {
		refuse("api_gateway_request_validation", "Function URLs do not validate requests (the function still checks its own parameters and body)", from)
	}
	if cf, from, ok := lookup(lv, ptrGet(func(s *Settings) **CloudFront { return ptrTo(s.CloudFront) })); ok && (cf.Enabled == nil || *cf.Enabled) {
		refuse("cloudfront", "the generated distribution fronts an API Gateway API", from)
	}
}

// ARNRegion returns the region field of an ARN, "" when it is not one.
func ARNRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

// functionProblem is a problem of one function's resolved settings; equal
// problems of several functions are reported once, naming them all.
type functionProblem struct{ key, msg string }

func (v *validator) functions(names []string, o Overrides) {
	c, stage := v.c, v.stage
	var order []functionProblem
	byProblem := map[functionProblem][]string{}
	for _, fn := range names {
		for _, pr := range v.function(fn, o) {
			if _, ok := byProblem[pr]; !ok {
				order = append(order, pr)
			}
			if fn != "" {
				byProblem[pr] = append(byProblem[pr], fn)
			}
		}
	}
	for _, pr := range order {
		v.errs = append(v.errs, c.scoped(stage, byProblem[pr], pr.key, "%s", pr.msg))
	}
}

func (v *validator) function(fn string, o Overrides) []functionProblem {
	c, stage := v.c, v.stage
	lv := c.functionLevels(stage, fn, o)
	var out []functionProblem
	add := func(key, msg string, args ...any) {
		out = append(out, functionProblem{key, fmt.Sprintf(msg, args...)})
	}

	subnets, subnetsFrom, _ := lookup(lv, listGet(func(s *Settings) []string { return s.SubnetIDs }))
	groups, groupsFrom, _ := lookup(lv, listGet(func(s *Settings) []string { return s.SecurityGroupIDs }))
	switch {
	case len(subnets) > 0 && len(groups) == 0:
		add("security_group_ids", "subnet_ids is %s but security_group_ids is not set: a function in a VPC needs both, or neither", where(subnetsFrom))
	case len(groups) > 0 && len(subnets) == 0:
		add("subnet_ids", "security_group_ids is %s but subnet_ids is not set: a function in a VPC needs both, or neither", where(groupsFrom))
	}

	manage, manageFrom, manageSet := lookup(lv, ptrGet(func(s *Settings) *bool { return s.ManageIAMRole }))
	arn, _, _ := lookup(lv, ptrGet(func(s *Settings) *string { return s.IAMRoleARN }))
	if manageSet && !manage && arn == "" {
		add("iam_role_arn", "manage_iam_role is false (%s) but no iam_role_arn is set: give the ARN of the role the function should use, or let gochalice manage the role", where(manageFrom))
	}

	autogen, autogenFrom, autogenSet := lookup(lv, ptrGet(func(s *Settings) *bool { return s.AutogenPolicy }))
	_, _, policySet := lookup(lv, ptrGet(func(s *Settings) *string { return s.IAMPolicyFile }))
	if (!manageSet || manage) && autogenSet && !autogen && !policySet {
		name := "policy-" + stage + ".json"
		if _, err := c.readPolicy(name); err != nil {
			add("iam_policy_file", "autogen_policy is false (%s) and no iam_policy_file is set, so the role's policy is read from %s, which %v; create it or set iam_policy_file",
				where(autogenFrom), c.File(name), err)
		}
	}

	publish, _, _ := lookup(lv, ptrGet(func(s *Settings) *bool { return s.PublishVersions }))
	alias, aliasFrom, aliasSet := lookup(lv, ptrGet(func(s *Settings) *string { return s.LambdaAlias }))
	if aliasSet && alias != "" && !publish {
		add("lambda_alias", "lambda_alias %q is %s but publish_versions is not true: an alias points at a published version, so set \"publish_versions\": true (at the same level or above)", alias, where(aliasFrom))
	}
	if pc, pcFrom, ok := lookup(lv, ptrGet(func(s *Settings) *int { return s.ProvisionedConcurrency })); ok {
		switch {
		case !aliasSet || alias == "":
			add("provisioned_concurrency", "provisioned_concurrency is %s but lambda_alias is not set: provisioned concurrency is configured on an alias; set lambda_alias (and publish_versions)", where(pcFrom))
		default:
			if rc, rcFrom, ok := lookup(lv, ptrGet(func(s *Settings) *int { return s.ReservedConcurrency })); ok && pc > rc {
				add("provisioned_concurrency", "provisioned_concurrency %d (%s) is more than reserved_concurrency %d (%s): Lambda needs the reserved concurrency to cover the provisioned environments", pc, where(pcFrom), rc, where(rcFrom))
			}
		}
	}

	if fn != "" && c.AppName != "" {
		name := c.AppName + "-" + stage + "-" + fn
		if len(name) > maxLambdaNameLen {
			add("lambda_functions", "the Lambda function name %q is %d characters; AWS allows %d: shorten the app, stage or function name", name, len(name), maxLambdaNameLen)
		}
	}
	return out
}
