// Package config loads a project's .chalice/config.json: stages,
// per-function settings, Chalice's precedence rules for looking a setting
// up for one function of one stage, and validation with errors that name
// the file, stage, function and key concerned.
//
// Parse checks the file's shape (JSON syntax, known keys, each key at a
// level where it is allowed, value types, version). Validate checks the
// values that matter to one stage (ranges, allowed values, combinations,
// referenced files, function names). StageConfig and Function resolve
// settings with Chalice's precedence; see docs/CONFIG.md.
package config

import (
	"errors"
	"fmt"
	"github.com/gochalice/chalice/internal/version"
	"maps"
	"os"
	"path/filepath"
)

// DefaultStage is the stage used when none is given.
const DefaultStage = "dev"

// Version is the gochalice version written into every function's
// "aws-chalice" tag (tests may pin it for stable golden files).
var Version = version.Version

// Defaults applied when no level sets a key.
const (
	DefaultAPIGatewayStage = "api"
	DefaultAPIType         = "rest"
	DefaultEndpointType    = "EDGE"
	DefaultTLSVersion      = "TLS_1_2"
	DefaultLambdaTimeout   = 60
	DefaultLambdaMemory    = 128
	DefaultArchitecture    = "arm64"
	DefaultURLAuthType     = "NONE"
	DefaultURLInvokeMode   = "BUFFERED"
)

// Settings are the keys of one level of config.json: the top level, a
// stage, or a lambda_functions entry. Parse only fills a field when the
// key is present and not null, so nil means "unset" and the next level in
// precedence order is consulted. Lists keep the difference between unset
// (nil) and empty (non-nil, length 0). Keys that a level does not allow
// are rejected by Parse and so are never set there.
type Settings struct {
	APIGatewayStage          *string       // api_gateway_stage
	APIGatewayEndpointType   *string       // api_gateway_endpoint_type
	APIGatewayEndpointVPCE   []string      // api_gateway_endpoint_vpce (a string is stored as a one-element list)
	APIGatewayPolicyFile     *string       // api_gateway_policy_file
	APIGatewayCustomDomain   *CustomDomain // api_gateway_custom_domain, as written (no defaults)
	WebsocketAPICustomDomain *CustomDomain // websocket_api_custom_domain, as written (no defaults)
	MinimumCompressionSize   *int          // minimum_compression_size
	APIType                  *string       // api_type (gochalice)
	AutomaticLayer           *bool         // automatic_layer
	CloudFront               *CloudFront   // cloudfront (gochalice), as written (no defaults)
	RequestValidation        *bool         // api_gateway_request_validation (gochalice)
	// Resources is the resources key (gochalice): settings of the
	// resources the app declares, by declared name.
	Resources map[string]*ResourceConfig

	XRay                 *bool             // xray
	AutogenPolicy        *bool             // autogen_policy
	IAMPolicyFile        *string           // iam_policy_file
	IAMRoleARN           *string           // iam_role_arn
	ManageIAMRole        *bool             // manage_iam_role
	LambdaMemorySize     *int              // lambda_memory_size
	LambdaTimeout        *int              // lambda_timeout
	LambdaArchitecture   *string           // lambda_architecture (gochalice)
	Layers               []string          // layers
	ReservedConcurrency  *int              // reserved_concurrency
	SubnetIDs            []string          // subnet_ids
	SecurityGroupIDs     []string          // security_group_ids
	LogRetentionInDays   *int              // log_retention_in_days
	EnvironmentVariables map[string]string // environment_variables
	Tags                 map[string]string // tags

	// The Lambda platform beyond Chalice (gochalice additions).
	FunctionURL            *bool   // function_url (lambda_functions entries only): a pure Lambda gets a Function URL
	FunctionURLAuthType    *string // function_url_auth_type: NONE | AWS_IAM
	FunctionURLInvokeMode  *string // function_url_invoke_mode: BUFFERED | RESPONSE_STREAM
	PublishVersions        *bool   // publish_versions
	LambdaAlias            *string // lambda_alias
	ProvisionedConcurrency *int    // provisioned_concurrency
	AsyncMaxRetries        *int    // async_max_retries
	AsyncMaxEventAge       *int    // async_max_event_age
	AsyncOnSuccess         *string // async_on_success: destination ARN
	AsyncOnFailure         *string // async_on_failure: destination ARN

	LambdaFunctions map[string]*Settings // lambda_functions (top level and stages only)

	vpceString bool // api_gateway_endpoint_vpce was written as a string
}

// CustomDomain is api_gateway_custom_domain / websocket_api_custom_domain.
type CustomDomain struct {
	DomainName     string // domain_name, required
	CertificateARN string // certificate_arn, required
	TLSVersion     string // tls_version: TLS_1_0, TLS_1_1, TLS_1_2 (default TLS_1_2)
	URLPrefix      string // url_prefix, optional base path
	Tags           map[string]string
}

// CloudFront is the cloudfront key (a gochalice addition): an optional
// CloudFront distribution that `package` puts in front of the REST or HTTP
// API. As written, fields are unset when absent (nil pointers and lists);
// StageConfig returns it with defaults applied, or nil when it is absent
// or disabled.
type CloudFront struct {
	Enabled        *bool    // enabled (default true when the object is present)
	StaticPaths    []string // static_paths: path patterns cached with CloudFront's CachingOptimized policy (default ["/static/*"])
	ImagePaths     []string // image_paths: path patterns whose responses vary by Accept (Accept is in the cache key)
	PriceClass     string   // price_class: PriceClass_100 (default), PriceClass_200 or PriceClass_All
	Aliases        []string // aliases: alternate domain names (CNAMEs); need certificate_arn
	CertificateARN string   // certificate_arn: ACM certificate in us-east-1 covering the aliases
	DefaultTTL     *int     // default_ttl: seconds CloudFront keeps API responses without Cache-Control (default 0)
}

// Defaults of the cloudfront key.
const (
	DefaultCloudFrontPriceClass = "PriceClass_100"
	DefaultCloudFrontStaticPath = "/static/*"
)

// Config is a loaded .chalice/config.json.
type Config struct {
	Path    string // the file it was read from
	Version string // "1.0" when absent
	AppName string
	Stages  map[string]*Settings // never nil; a stage written as null is an empty stage
	Top     Settings
}

// ErrNoConfig means the project has no .chalice/config.json.
var ErrNoConfig = errors.New("Unable to load the project config file. Are you sure this is a chalice project?")

// Load reads projectDir/.chalice/config.json.
func Load(projectDir string) (*Config, error) {
	path := filepath.Join(projectDir, ".chalice", "config.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w (%s not found)", ErrNoConfig, path)
	}
	if err != nil {
		return nil, fmt.Errorf("Unable to load the project config file: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes config.json content; path is used in error messages and
// to find files named relative to .chalice/ (its directory). It rejects
// bad JSON (with line and column), unknown keys, keys set at a level that
// does not allow them, values of the wrong JSON type and unknown
// versions, returning every such problem joined. It never panics.
func Parse(path string, data []byte) (*Config, error) {
	c := &Config{Path: path, Version: "1.0", Stages: map[string]*Settings{}}
	if err := c.decode(data); err != nil {
		return nil, err
	}
	return c, nil
}

// ChaliceDir is the directory holding config.json (<project>/.chalice),
// which api_gateway_policy_file, iam_policy_file and the default
// policy-<stage>.json are relative to.
func (c *Config) ChaliceDir() string { return filepath.Dir(c.Path) }

// File resolves a file name given in config.json (relative to .chalice/).
func (c *Config) File(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(c.ChaliceDir(), name)
}

// StageNames lists the stages defined in config.json, sorted.
func (c *Config) StageNames() []string { return sortedKeys(c.Stages) }

// HasStage reports whether config.json has an entry for stage under
// "stages".
func (c *Config) HasStage(stage string) bool {
	_, ok := c.Stages[stage]
	return ok
}

// CheckStage returns an error when stage cannot be a stage name: it must
// be non-empty and use only letters, digits, - and _ (it is part of every
// Lambda function name). A stage need not have an entry under "stages":
// as in Chalice, a stage config.json does not list uses the top-level
// settings (and the defaults), like a stage whose entry is empty.
func (c *Config) CheckStage(stage string) error {
	switch {
	case stage == "":
		return c.scoped(stage, nil, "stages", "a stage name is required (the default stage is %q)", DefaultStage)
	case !resourceNameChars.MatchString(stage):
		return c.scoped(stage, nil, "stages", "the stage name must contain only letters, digits, - and _ (it is part of every Lambda function name)")
	}
	return nil
}

// UndefinedStageNote returns a note for a stage config.json has no entry
// for (other than the default stage, which rarely has one): it uses the
// top-level settings, and may be a misspelt stage. It returns "" for a
// stage with an entry.
func (c *Config) UndefinedStageNote(stage string) string {
	if c.HasStage(stage) || stage == DefaultStage || c.CheckStage(stage) != nil {
		return ""
	}
	names := c.StageNames()
	note := fmt.Sprintf("Stage %q has no entry under \"stages\" in %s: it uses the top-level settings.", stage, c.Path)
	if s := suggest(stage, names); s != "" {
		note += fmt.Sprintf(" (Did you mean %q?)", s)
	}
	return note
}

// level is one level of config.json taking part in a lookup.
type level struct {
	path string // dotted location, "" for the top level, or "the command line"
	s    *Settings
}

const cliLevel = "the command line"

// where describes the level a resolved value came from.
func where(path string) string {
	switch path {
	case cliLevel:
		return "set on the command line"
	case "":
		return "set at the top level"
	}
	return "set in " + path
}

// stageLevels are the levels for stage-wide keys, highest precedence
// first: command line, stages.<stage>, top.
func (c *Config) stageLevels(stage string, o Overrides) []level {
	out := []level{{cliLevel, o.settings()}}
	if st := c.Stages[stage]; st != nil {
		out = append(out, level{"stages." + stage, st})
	}
	return append(out, level{"", &c.Top})
}

// functionLevels are the levels for per-function keys, highest precedence
// first: stages.<stage>.lambda_functions.<fn>, command line,
// stages.<stage>, lambda_functions.<fn>, top.
func (c *Config) functionLevels(stage, function string, o Overrides) []level {
	var out []level
	st := c.Stages[stage]
	if st != nil && function != "" {
		if fn := st.LambdaFunctions[function]; fn != nil {
			out = append(out, level{"stages." + stage + ".lambda_functions." + function, fn})
		}
	}
	out = append(out, level{cliLevel, o.settings()})
	if st != nil {
		out = append(out, level{"stages." + stage, st})
	}
	if function != "" {
		if fn := c.Top.LambdaFunctions[function]; fn != nil {
			out = append(out, level{"lambda_functions." + function, fn})
		}
	}
	return append(out, level{"", &c.Top})
}

// lookup returns the first value set, in levels order, and where it was set.
func lookup[T any](levels []level, get func(*Settings) (T, bool)) (v T, from string, ok bool) {
	for _, l := range levels {
		if v, ok := get(l.s); ok {
			return v, l.path, true
		}
	}
	return v, "", false
}

func ptrGet[T any](f func(*Settings) *T) func(*Settings) (T, bool) {
	return func(s *Settings) (T, bool) {
		if p := f(s); p != nil {
			return *p, true
		}
		var zero T
		return zero, false
	}
}

func listGet(f func(*Settings) []string) func(*Settings) ([]string, bool) {
	return func(s *Settings) ([]string, bool) {
		l := f(s)
		return l, l != nil
	}
}

func lookupPtr[T any](levels []level, def T, f func(*Settings) *T) T {
	v, _, ok := lookup(levels, ptrGet(f))
	if !ok {
		return def
	}
	return v
}

// mergeMaps merges a map-valued key over the given levels (lowest
// precedence first); later levels override earlier ones key by key.
func mergeMaps(levels []*Settings, f func(*Settings) map[string]string) map[string]string {
	out := map[string]string{}
	for _, s := range levels {
		if s != nil {
			maps.Copy(out, f(s))
		}
	}
	return out
}

// mergeLevels are the levels merged for environment_variables and tags of
// a function, lowest precedence first: top, lambda_functions.<fn> (which
// Chalice ignores; gochalice honours it), stages.<stage>,
// stages.<stage>.lambda_functions.<fn>.
func (c *Config) mergeLevels(stage, function string) []*Settings {
	out := []*Settings{&c.Top}
	if function != "" {
		out = append(out, c.Top.LambdaFunctions[function])
	}
	if st := c.Stages[stage]; st != nil {
		out = append(out, st)
		if function != "" {
			out = append(out, st.LambdaFunctions[function])
		}
	}
	return out
}

// EnvironmentVariables merges environment_variables for a function of a
// stage: top, then top lambda_functions.fn (which Chalice silently
// ignores; gochalice honours it), then stage, then stage
// lambda_functions.fn, later levels overriding earlier ones.
func (c *Config) EnvironmentVariables(stage, function string) map[string]string {
	return mergeMaps(c.mergeLevels(stage, function), func(s *Settings) map[string]string { return s.EnvironmentVariables })
}

// LambdaTimeout returns lambda_timeout for a function (default 60).
func (c *Config) LambdaTimeout(stage, function string) int {
	return lookupPtr(c.functionLevels(stage, function, Overrides{}), DefaultLambdaTimeout, func(s *Settings) *int { return s.LambdaTimeout })
}

// LambdaMemorySize returns lambda_memory_size for a function (default 128).
func (c *Config) LambdaMemorySize(stage, function string) int {
	return lookupPtr(c.functionLevels(stage, function, Overrides{}), DefaultLambdaMemory, func(s *Settings) *int { return s.LambdaMemorySize })
}

// APIGatewayStage returns api_gateway_stage for a stage (default "api").
func (c *Config) APIGatewayStage(stage string) string {
	return lookupPtr(c.stageLevels(stage, Overrides{}), DefaultAPIGatewayStage, func(s *Settings) *string { return s.APIGatewayStage })
}

// FunctionNames lists the function names that have a lambda_functions
// entry at the top level or in the stage, sorted.
func (c *Config) FunctionNames(stage string) []string {
	set := map[string]bool{}
	for n := range c.Top.LambdaFunctions {
		set[n] = true
	}
	if st := c.Stages[stage]; st != nil {
		for n := range st.LambdaFunctions {
			set[n] = true
		}
	}
	return sortedKeys(set)
}
