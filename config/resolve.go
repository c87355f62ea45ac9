package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
)

// Overrides are the CLI values that take part in precedence (flags of
// deploy, package and local).
type Overrides struct {
	APIGatewayStage string // --api-gateway-stage ("" = unset)
	AutogenPolicy   *bool  // --autogen-policy/--no-autogen-policy (nil = unset)
}

func (o Overrides) settings() *Settings {
	s := &Settings{AutogenPolicy: o.AutogenPolicy}
	if o.APIGatewayStage != "" {
		v := o.APIGatewayStage
		s.APIGatewayStage = &v
	}
	return s
}

// StageConfig holds the stage-level settings after precedence
// (CLI > stage > top > default).
type StageConfig struct {
	Name, AppName   string
	APIGatewayStage string   // default "api"
	APIType         string   // "rest" (default), "http" or "url" (gochalice additions)
	EndpointType    string   // EDGE (default) | REGIONAL | PRIVATE
	EndpointVPCEs   []string // api_gateway_endpoint_vpce: string or list
	APIPolicyFile   string   // api_gateway_policy_file, as given (relative to .chalice/)
	// APIPolicy is the REST API's resource policy: the content of
	// APIPolicyFile (compacted), or for a PRIVATE endpoint with VPC
	// endpoints and no file, Chalice's default policy allowing
	// execute-api:Invoke from those endpoints; nil otherwise.
	APIPolicy              json.RawMessage
	MinimumCompressionSize *int
	APICustomDomain        *CustomDomain     // with TLSVersion defaulted; a copy
	WebsocketCustomDomain  *CustomDomain     // with TLSVersion defaulted; a copy
	XRay                   bool              // stage-level xray (API Gateway tracing)
	AutomaticLayer         bool              // automatic_layer (default false)
	Tags                   map[string]string // merged top <- stage (for APIs/domains)
	// CloudFront is the cloudfront key with defaults applied (a copy), nil
	// when it is absent or "enabled" is false. Like the custom domains,
	// the object is looked up whole: a stage's replaces the top level's.
	CloudFront *CloudFront
	// RequestValidation is api_gateway_request_validation (default
	// false): a REST API's typed operations get API Gateway request
	// validators, which check requests against their models before the
	// function runs. HTTP APIs ignore it (RequestValidationWarning).
	RequestValidation bool
	// Resources are the resources key merged setting by setting (top <-
	// stage), by declared name; nil when neither sets it.
	Resources map[string]*ResourceConfig
}

// FunctionConfig holds one function's settings after precedence:
// stage.lambda_functions.fn > CLI > stage > top lambda_functions.fn > top > defaults.
type FunctionConfig struct {
	Name string
	// EnvironmentVariables merged: top <- top.lambda_functions.fn (Chalice
	// ignores this level; gochalice honours it) <- stage <- stage.lambda_functions.fn.
	EnvironmentVariables map[string]string
	// Tags merged the same way, plus "aws-chalice":
	// "version=<Version>:stage=<stage>:app=<app>", which always wins.
	Tags                map[string]string
	Timeout             int    // lambda_timeout, default 60
	MemorySize          int    // lambda_memory_size, default 128
	Architecture        string // lambda_architecture: arm64 (default) | x86_64 (gochalice addition)
	ManageIAMRole       bool   // default true
	IAMRoleARN          string
	AutogenPolicy       bool   // default true
	IAMPolicyFile       string // as given, relative to .chalice/
	Layers              []string
	ReservedConcurrency *int
	SubnetIDs           []string
	SecurityGroupIDs    []string
	LogRetentionInDays  *int
	XRay                bool

	// FunctionURL is function_url: a pure Lambda gets a Function URL.
	// (The API handler has one when the stage's api_type is "url".)
	FunctionURL bool
	// URLAuthType is function_url_auth_type: NONE (default) or AWS_IAM.
	URLAuthType string
	// URLInvokeMode is function_url_invoke_mode: BUFFERED (default) or
	// RESPONSE_STREAM.
	URLInvokeMode string
	// PublishVersions is publish_versions: a version is published on every
	// change of the function's code or configuration.
	PublishVersions bool
	// Alias is lambda_alias ("" = none): an alias pointing at the latest
	// published version, which API Gateway, event sources and Function
	// URLs then invoke.
	Alias string
	// ProvisionedConcurrency is provisioned_concurrency, on the alias.
	ProvisionedConcurrency *int
	// Async is the asynchronous delivery settings, nil when no async_*
	// key is set.
	Async *AsyncConfig
}

// AsyncConfig is how Lambda delivers asynchronous invocations of a
// function (an event invoke config).
type AsyncConfig struct {
	MaxRetries  *int   // async_max_retries: 0-2 (Lambda's default 2)
	MaxEventAge *int   // async_max_event_age: 60-21600 seconds (Lambda's default 21600)
	OnSuccess   string // async_on_success: destination ARN, "" = none
	OnFailure   string // async_on_failure: destination ARN, "" = none
}

// StageConfig resolves the stage-wide settings of stage. It fails when the
// stage is unknown or when api_gateway_policy_file cannot be read as JSON;
// other invalid values are returned as written (call Validate first).
func (c *Config) StageConfig(stage string, o Overrides) (*StageConfig, error) {
	if err := c.CheckStage(stage); err != nil {
		return nil, err
	}
	lv := c.stageLevels(stage, o)
	sc := &StageConfig{
		Name:                   stage,
		AppName:                c.AppName,
		APIGatewayStage:        lookupPtr(lv, DefaultAPIGatewayStage, func(s *Settings) *string { return s.APIGatewayStage }),
		APIType:                lookupPtr(lv, DefaultAPIType, func(s *Settings) *string { return s.APIType }),
		EndpointType:           lookupPtr(lv, DefaultEndpointType, func(s *Settings) *string { return s.APIGatewayEndpointType }),
		APIPolicyFile:          lookupPtr(lv, "", func(s *Settings) *string { return s.APIGatewayPolicyFile }),
		XRay:                   lookupPtr(lv, false, func(s *Settings) *bool { return s.XRay }),
		AutomaticLayer:         lookupPtr(lv, false, func(s *Settings) *bool { return s.AutomaticLayer }),
		RequestValidation:      lookupPtr(lv, false, func(s *Settings) *bool { return s.RequestValidation }),
		APICustomDomain:        withDefaults(lookupPtr(lv, nil, func(s *Settings) **CustomDomain { return ptrTo(s.APIGatewayCustomDomain) })),
		WebsocketCustomDomain:  withDefaults(lookupPtr(lv, nil, func(s *Settings) **CustomDomain { return ptrTo(s.WebsocketAPICustomDomain) })),
		MinimumCompressionSize: clonePtr(lookupPtr(lv, nil, func(s *Settings) **int { return ptrTo(s.MinimumCompressionSize) })),
	}
	sc.Resources = stageResources(&c.Top, c.Stages[stage])
	sc.CloudFront = cloudFrontDefaults(lookupPtr(lv, nil, func(s *Settings) **CloudFront { return ptrTo(s.CloudFront) }))
	vpceLevel := level{}
	for _, l := range lv {
		if l.s.APIGatewayEndpointVPCE != nil {
			vpceLevel = l
			break
		}
	}
	if vpceLevel.s != nil {
		sc.EndpointVPCEs = slices.Clone(vpceLevel.s.APIGatewayEndpointVPCE)
	}
	var top, st *Settings = &c.Top, c.Stages[stage]
	sc.Tags = mergeMaps([]*Settings{top, st}, func(s *Settings) map[string]string { return s.Tags })

	switch {
	case sc.APIPolicyFile != "":
		doc, err := c.readPolicy(sc.APIPolicyFile)
		if err != nil {
			_, from, _ := lookup(lv, ptrGet(func(s *Settings) *string { return s.APIGatewayPolicyFile }))
			return nil, c.at(joinPath(from, "api_gateway_policy_file"), "api_gateway_policy_file", "names %s, which %v", c.File(sc.APIPolicyFile), err)
		}
		sc.APIPolicy = doc
	case sc.EndpointType == "PRIVATE" && len(sc.EndpointVPCEs) > 0:
		var vpce any = sc.EndpointVPCEs
		if vpceLevel.s.vpceString {
			vpce = sc.EndpointVPCEs[0]
		}
		sc.APIPolicy = defaultPrivatePolicy(vpce)
	}
	return sc, nil
}

// ptrTo turns a pointer-valued field into the **T that lookupPtr wants,
// nil when the field is unset.
func ptrTo[T any](p *T) **T {
	if p == nil {
		return nil
	}
	return &p
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func withDefaults(d *CustomDomain) *CustomDomain {
	if d == nil {
		return nil
	}
	out := *d
	out.Tags = maps.Clone(d.Tags)
	if out.TLSVersion == "" {
		out.TLSVersion = DefaultTLSVersion
	}
	return &out
}

// cloudFrontDefaults returns a copy of cf with defaults applied, or nil
// when cf is nil or disabled.
func cloudFrontDefaults(cf *CloudFront) *CloudFront {
	if cf == nil || (cf.Enabled != nil && !*cf.Enabled) {
		return nil
	}
	enabled := true
	out := &CloudFront{
		Enabled:        &enabled,
		StaticPaths:    slices.Clone(cf.StaticPaths),
		ImagePaths:     slices.Clone(cf.ImagePaths),
		PriceClass:     cf.PriceClass,
		Aliases:        slices.Clone(cf.Aliases),
		CertificateARN: cf.CertificateARN,
		DefaultTTL:     clonePtr(cf.DefaultTTL),
	}
	if out.StaticPaths == nil {
		out.StaticPaths = []string{DefaultCloudFrontStaticPath}
	}
	if out.ImagePaths == nil {
		out.ImagePaths = []string{}
	}
	if out.Aliases == nil {
		out.Aliases = []string{}
	}
	if out.PriceClass == "" {
		out.PriceClass = DefaultCloudFrontPriceClass
	}
	return out
}

// defaultPrivatePolicy is the resource policy Chalice gives a PRIVATE REST
// API without api_gateway_policy_file: invoke allowed only through the
// configured VPC endpoints (a string or a list, as written).
func defaultPrivatePolicy(vpce any) json.RawMessage {
	type condition struct {
		StringEquals map[string]any
	}
	type statement struct {
		Effect    string
		Principal string
		Action    string
		Resource  string
		Condition condition
	}
	doc := struct {
		Version   string
		Statement []statement
	}{"2012-10-17", []statement{{
		Effect: "Allow", Principal: "*", Action: "execute-api:Invoke",
		Resource:  "arn:*:execute-api:*:*:*",
		Condition: condition{map[string]any{"aws:SourceVpce": vpce}},
	}}}
	b, _ := json.Marshal(doc)
	return b
}

// readPolicy reads a policy document named relative to .chalice/ and
// returns it compacted; it must be a JSON object. The error says what is
// wrong with the file, after "names <path>, which ".
func (c *Config) readPolicy(name string) (json.RawMessage, error) {
	data, err := readRegularFile(c.File(name), maxPolicyFileSize)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("does not exist (file names are relative to %s)", c.ChaliceDir())
		}
		return nil, fmt.Errorf("cannot be read: %v", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("is not valid JSON: %s", describeJSONError(data, err))
	}
	if _, ok := doc.(map[string]any); !ok {
		return nil, fmt.Errorf("must hold a JSON object (a policy document), not %s", jsonKind(data))
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil, fmt.Errorf("is not valid JSON: %v", err)
	}
	return buf.Bytes(), nil
}

// Function resolves the settings of one function of stage. It fails only
// when the stage is unknown; invalid values are returned as written (call
// Validate first). function may be any name: without a lambda_functions
// entry it gets the stage and top-level values.
func (c *Config) Function(stage, function string, o Overrides) (*FunctionConfig, error) {
	if err := c.CheckStage(stage); err != nil {
		return nil, err
	}
	return c.function(stage, function, o), nil
}

func (c *Config) function(stage, function string, o Overrides) *FunctionConfig {
	lv := c.functionLevels(stage, function, o)
	merge := c.mergeLevels(stage, function)
	fc := &FunctionConfig{
		Name:                 function,
		EnvironmentVariables: mergeMaps(merge, func(s *Settings) map[string]string { return s.EnvironmentVariables }),
		Tags:                 mergeMaps(merge, func(s *Settings) map[string]string { return s.Tags }),
		Timeout:              lookupPtr(lv, DefaultLambdaTimeout, func(s *Settings) *int { return s.LambdaTimeout }),
		MemorySize:           lookupPtr(lv, DefaultLambdaMemory, func(s *Settings) *int { return s.LambdaMemorySize }),
		Architecture:         lookupPtr(lv, DefaultArchitecture, func(s *Settings) *string { return s.LambdaArchitecture }),
		ManageIAMRole:        lookupPtr(lv, true, func(s *Settings) *bool { return s.ManageIAMRole }),
		IAMRoleARN:           lookupPtr(lv, "", func(s *Settings) *string { return s.IAMRoleARN }),
		AutogenPolicy:        lookupPtr(lv, true, func(s *Settings) *bool { return s.AutogenPolicy }),
		IAMPolicyFile:        lookupPtr(lv, "", func(s *Settings) *string { return s.IAMPolicyFile }),
		ReservedConcurrency:  clonePtr(lookupPtr(lv, nil, func(s *Settings) **int { return ptrTo(s.ReservedConcurrency) })),
		LogRetentionInDays:   clonePtr(lookupPtr(lv, nil, func(s *Settings) **int { return ptrTo(s.LogRetentionInDays) })),
		XRay:                 lookupPtr(lv, false, func(s *Settings) *bool { return s.XRay }),

		FunctionURL:            lookupPtr(lv, false, func(s *Settings) *bool { return s.FunctionURL }),
		URLAuthType:            lookupPtr(lv, DefaultURLAuthType, func(s *Settings) *string { return s.FunctionURLAuthType }),
		URLInvokeMode:          lookupPtr(lv, DefaultURLInvokeMode, func(s *Settings) *string { return s.FunctionURLInvokeMode }),
		PublishVersions:        lookupPtr(lv, false, func(s *Settings) *bool { return s.PublishVersions }),
		Alias:                  lookupPtr(lv, "", func(s *Settings) *string { return s.LambdaAlias }),
		ProvisionedConcurrency: clonePtr(lookupPtr(lv, nil, func(s *Settings) **int { return ptrTo(s.ProvisionedConcurrency) })),
	}
	async := &AsyncConfig{
		MaxRetries:  clonePtr(lookupPtr(lv, nil, func(s *Settings) **int { return ptrTo(s.AsyncMaxRetries) })),
		MaxEventAge: clonePtr(lookupPtr(lv, nil, func(s *Settings) **int { return ptrTo(s.AsyncMaxEventAge) })),
		OnSuccess:   lookupPtr(lv, "", func(s *Settings) *string { return s.AsyncOnSuccess }),
		OnFailure:   lookupPtr(lv, "", func(s *Settings) *string { return s.AsyncOnFailure }),
	}
	if *async != (AsyncConfig{}) {
		fc.Async = async
	}
	fc.Layers, _, _ = lookup(lv, listGet(func(s *Settings) []string { return s.Layers }))
	fc.SubnetIDs, _, _ = lookup(lv, listGet(func(s *Settings) []string { return s.SubnetIDs }))
	fc.SecurityGroupIDs, _, _ = lookup(lv, listGet(func(s *Settings) []string { return s.SecurityGroupIDs }))
	fc.Layers = slices.Clone(fc.Layers)
	fc.SubnetIDs = slices.Clone(fc.SubnetIDs)
	fc.SecurityGroupIDs = slices.Clone(fc.SecurityGroupIDs)
	fc.Tags["aws-chalice"] = ChaliceTag(stage, c.AppName)
	return fc
}

// ChaliceTag is the value of the "aws-chalice" tag every function gets.
func ChaliceTag(stage, app string) string {
	return fmt.Sprintf("version=%s:stage=%s:app=%s", Version, stage, app)
}

// maxPolicyFileSize bounds what readPolicy reads; IAM policies are limited
// to a few kilobytes, so anything this large is not a policy.
const maxPolicyFileSize = 1 << 20

// readRegularFile reads a regular file of at most limit bytes (so that a
// policy file naming a device or a huge file fails instead of hanging).
func readRegularFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, nil
}

// RequestValidationWarning returns a warning when
// api_gateway_request_validation is true for a stage whose api_type is
// "http": HTTP APIs have no request validation, so the key has no
// effect. It returns "" otherwise.
func (c *Config) RequestValidationWarning(stage string, o Overrides) string {
	lv := c.stageLevels(stage, o)
	on, from, ok := lookup(lv, ptrGet(func(s *Settings) *bool { return s.RequestValidation }))
	if !ok || !on {
		return ""
	}
	apiType, typeFrom, typeSet := lookup(lv, ptrGet(func(s *Settings) *string { return s.APIType }))
	if !typeSet || apiType != "http" {
		return ""
	}
	return c.scoped(stage, nil, "api_gateway_request_validation",
		"api_gateway_request_validation (%s) has no effect: api_type \"http\" (%s) deploys an API Gateway HTTP API, which does not validate requests; "+
			"the function still checks its own parameters and body (use api_type \"rest\" to have API Gateway reject bad requests first)",
		where(from), where(typeFrom)).Error()
}
