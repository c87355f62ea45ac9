// Package swagger writes the API document API Gateway imports for an app's
// REST (or HTTP) API: Swagger 2.0 exactly as Chalice's SwaggerGenerator
// (chalice/deploy/swagger.py), or the same API as OpenAPI 3.0 / 3.1.
//
// Documents are trees of map[string]any and []any, so encoding/json writes
// them deterministically (it sorts map keys). Integration URIs are supplied
// by the caller (Options), since they differ between SAM (Fn::Sub
// intrinsics), Terraform (interpolations) and deploy (real ARNs).
//
// REST APIs (the default) get Chalice's aws_proxy integrations, MOCK OPTIONS
// operations for CORS, x-amazon-apigateway-* authorizers, binary media types
// and, for PRIVATE endpoints, the resource policy and VPC endpoints.
//
// HTTP APIs (api_type "http") are described in OpenAPI 3.x only, with the
// extensions API Gateway v2 understands: aws_proxy integrations with
// payloadFormatVersion "2.0" (the API handler decodes v2 events), one
// API-wide x-amazon-apigateway-cors object instead of MOCK OPTIONS methods,
// built-in and custom authorizers as "request" Lambda authorizers with
// their identitySource list, authorizerPayloadFormatVersion (1.0 unless the
// manifest says 2.0; a 1.0 event carries authorizationToken and its answer
// is the same IAM policy a REST token authorizer returns) and
// enableSimpleResponses, JWT authorizers as oauth2 security schemes with a
// "jwt" authorizer (jwtConfiguration issuer and audience, identitySource),
// and IAM authorization as awsSigv4. Routes list their scopes for JWT
// authorizers only, the only ones HTTP APIs take scopes for. HTTP APIs have
// no API keys, Cognito user pool authorizers (they use JWT authorizers,
// which need an audience Chalice's CognitoUserPoolAuthorizer does not
// have), resource policies or PRIVATE endpoints, and REST APIs no JWT
// authorizers: Generate reports an error for those. REST APIs ignore the
// HTTP API settings of Lambda authorizers.
//
// Typed routes (manifest parameters, request body and response) add
// their parameters with schemas, their request body and their declared
// success response, and the manifest's named schemas join Chalice's
// Empty model (typed.go): as JSON Schema 2020-12 in OpenAPI 3.1, and
// rewritten for OpenAPI 3.0 and Swagger 2.0 so that API Gateway, which
// reads them as JSON Schema draft 4 models, accepts what they accept
// (schema.go). With api_gateway_request_validation, REST APIs also get
// x-amazon-apigateway-request-validators and each typed operation its
// x-amazon-apigateway-request-validator. Untyped routes keep Chalice's
// document exactly.
package swagger

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// Format selects the document's specification.
type Format string

// Formats.
const (
	Swagger2  Format = "swagger2"
	OpenAPI30 Format = "openapi3.0"
	OpenAPI31 Format = "openapi3.1"
)

// Version numbers written in the openapi field.
const (
	openAPI30Version = "3.0.1" // what API Gateway's own exports use
	openAPI31Version = "3.1.0"
)

// Options say how to write the document.
type Options struct {
	// Format is the specification; empty means Swagger2.
	Format Format
	// HandlerURI is the integration uri of the API handler: a string, or a
	// CloudFormation intrinsic (map), e.g. for SAM
	// {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${APIHandler.Arn}/invocations"}.
	HandlerURI any
	// AuthorizerURI returns the authorizerUri of a built-in authorizer from
	// the name of the function that runs it. Required when a route uses a
	// built-in authorizer.
	AuthorizerURI func(function string) any
	// PreflightOutside leaves the MOCK integration out of the OPTIONS
	// operation of each CORS path: the deployer adds it with
	// PutIntegration/PutIntegrationResponse after importing the document
	// (see Preflights). API Gateway takes either form; AWS emulators such as
	// moto cannot import a MOCK integration that has no uri.
	PreflightOutside bool
}

// Preflight is the OPTIONS answer of one CORS path of a REST API: what
// its MOCK integration returns.
type Preflight struct {
	Path    string
	Headers map[string]string // header name -> value
}

// Preflights returns the CORS paths of a REST API in document order, with
// the headers their OPTIONS MOCK integration answers.
func Preflights(api *appgraph.RestAPI) []Preflight {
	var out []Preflight
	for _, pg := range groupRoutes(api.Routes) {
		var cors *manifest.CORS
		var methods []string
		for _, r := range pg.routes {
			if r.CORS != nil {
				cors = r.CORS
				methods = append(methods, strings.ToUpper(r.Method))
			}
		}
		if cors != nil {
			out = append(out, Preflight{Path: pg.path, Headers: CORSHeaders(cors, methods)})
		}
	}
	slices.SortFunc(out, func(a, b Preflight) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// HTTPPayloadFormatVersion is the payload format of HTTP API integrations.
const HTTPPayloadFormatVersion = "2.0"

// Description is the info.description of OpenAPI 3 documents.
func Description(title string) string { return title + " (generated by gochalice)" }

// Generate returns the API document of api. title is info.title (Chalice
// uses the app name).
func Generate(api *appgraph.RestAPI, title string, opts Options) (map[string]any, error) {
	if api == nil {
		return nil, errors.New("swagger: no API in the model")
	}
	format := opts.Format
	if format == "" {
		format = Swagger2
	}
	if format != Swagger2 && format != OpenAPI30 && format != OpenAPI31 {
		return nil, fmt.Errorf("swagger: unknown format %q (want %s, %s or %s)", format, Swagger2, OpenAPI30, OpenAPI31)
	}
	g := &generator{api: api, opts: opts, format: format, http: api.Stage != nil && api.IsHTTPAPI()}
	if g.http && format == Swagger2 {
		return nil, errors.New("swagger: an HTTP API (api_type http) is described in OpenAPI 3, not Swagger 2.0")
	}
	if opts.HandlerURI == nil {
		return nil, errors.New("swagger: Options.HandlerURI is required")
	}
	return g.generate(title)
}

type generator struct {
	api    *appgraph.RestAPI
	opts   Options
	format Format
	http   bool
	// securityDefinitions, by name.
	security map[string]any
	// validators are the request validators the operations use, by name.
	validators map[string]any
}

func (g *generator) oas3() bool { return g.format != Swagger2 }

func (g *generator) generate(title string) (map[string]any, error) {
	paths, err := g.paths()
	if err != nil {
		return nil, err
	}
	models, err := g.models()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if g.oas3() {
		version := openAPI30Version
		if g.format == OpenAPI31 {
			version = openAPI31Version
		}
		components := map[string]any{"schemas": models}
		if len(g.security) > 0 {
			components["securitySchemes"] = g.security
		}
		doc = map[string]any{
			"openapi":    version,
			"info":       map[string]any{"version": "1.0", "title": title, "description": Description(title)},
			"paths":      paths,
			"components": components,
		}
	} else {
		doc = map[string]any{
			"swagger":     "2.0",
			"info":        map[string]any{"version": "1.0", "title": title},
			"schemes":     []any{"https"},
			"paths":       paths,
			"definitions": models,
		}
		if len(g.security) > 0 {
			doc["securityDefinitions"] = g.security
		}
	}
	if g.http {
		cors, err := g.httpCORS()
		if err != nil {
			return nil, err
		}
		if cors != nil {
			doc["x-amazon-apigateway-cors"] = cors
		}
		if err := g.checkHTTPStage(); err != nil {
			return nil, err
		}
		return doc, nil
	}
	doc["x-amazon-apigateway-binary-media-types"] = strings2any(g.api.BinaryTypes)
	if len(g.validators) > 0 {
		doc["x-amazon-apigateway-request-validators"] = g.validators
	}
	if st := g.api.Stage; st != nil {
		if policy := stagePolicy(st); policy != nil {
			doc["x-amazon-apigateway-policy"] = policy
		}
		if ids := stageVPCEndpoints(st); len(ids) > 0 {
			doc["x-amazon-apigateway-endpoint-configuration"] = map[string]any{"vpcEndpointIds": strings2any(ids)}
		}
	}
	return doc, nil
}

func (g *generator) checkHTTPStage() error {
	st := g.api.Stage
	if strings.EqualFold(stageEndpointType(st), "PRIVATE") {
		return errors.New("swagger: HTTP APIs (api_type http) cannot have a PRIVATE endpoint; use api_type rest")
	}
	if stagePolicy(st) != nil {
		return errors.New("swagger: HTTP APIs (api_type http) have no resource policy (api_gateway_policy_file); use api_type rest")
	}
	return nil
}

// pathGroup is every method of one path, in manifest order.
type pathGroup struct {
	path   string
	routes []manifest.Route
}

func groupRoutes(routes []manifest.Route) []*pathGroup {
	var out []*pathGroup
	idx := map[string]*pathGroup{}
	for _, r := range routes {
		pg := idx[r.Path]
		if pg == nil {
			pg = &pathGroup{path: r.Path}
			idx[r.Path] = pg
			out = append(out, pg)
		}
		pg.routes = append(pg.routes, r)
	}
	return out
}

func (g *generator) paths() (map[string]any, error) {
	paths := map[string]any{}
	for _, pg := range groupRoutes(g.api.Routes) {
		item := map[string]any{}
		var cors *manifest.CORS
		var corsMethods []string
		for _, r := range pg.routes {
			method := strings.ToLower(r.Method)
			if _, dup := item[method]; dup {
				return nil, fmt.Errorf("swagger: duplicate method %s on route %s", r.Method, r.Path)
			}
			op, err := g.operation(r)
			if err != nil {
				return nil, err
			}
			item[method] = op
			if r.CORS != nil {
				cors = r.CORS
				corsMethods = append(corsMethods, strings.ToUpper(r.Method))
			}
		}
		if cors != nil && !g.http {
			if _, ok := item["options"]; ok {
				return nil, fmt.Errorf("swagger: route %s has CORS and an OPTIONS method", pg.path)
			}
			pre := g.preflight(cors, corsMethods)
			// Chalice's preflight declares no parameters; a templated
			// path needs its path parameters declared for the document
			// to be valid Swagger 2.0 / OpenAPI.
			if params, err := g.parameters(manifest.Route{Path: pg.path}); err != nil {
				return nil, err
			} else if len(params) > 0 {
				pre["parameters"] = params
			}
			item["options"] = pre
		}
		paths[pg.path] = item
	}
	return paths, nil
}

// pathParams matches {name} and greedy {name+} in a route template.
var pathParams = regexp.MustCompile(`\{([^{}/]+?)\+?\}`)

// PathParams returns the parameter names of an API Gateway route template,
// greedy ones without their "+": /files/{dir}/{proxy+} -> dir, proxy.
func PathParams(path string) []string {
	var names []string
	for _, m := range pathParams.FindAllStringSubmatch(path, -1) {
		names = append(names, m[1])
	}
	return names
}

func (g *generator) operation(r manifest.Route) (map[string]any, error) {
	op := map[string]any{
		"responses":                       g.responses(nil),
		"x-amazon-apigateway-integration": g.integration(),
	}
	if !g.oas3() {
		op["consumes"] = strings2any(r.ContentTypes)
		op["produces"] = []any{"application/json"}
	}
	if err := g.typed(op, r); err != nil {
		return nil, fmt.Errorf("swagger: route %s %s: %w", r.Method, r.Path, err)
	}
	if r.Summary != "" {
		op["summary"] = r.Summary
	}
	if r.Description != "" {
		op["description"] = r.Description
	}
	var security []any
	if r.APIKeyRequired {
		if g.http {
			return nil, fmt.Errorf("swagger: route %s %s requires an API key, which HTTP APIs (api_type http) do not support; use api_type rest", r.Method, r.Path)
		}
		security = append(security, map[string]any{"api_key": []any{}})
		g.addSecurity("api_key", map[string]any{"type": "apiKey", "name": "x-api-key", "in": "header"})
	}
	if r.Authorizer != "" {
		auth, ok := g.authorizer(r.Authorizer)
		if !ok {
			return nil, fmt.Errorf("swagger: route %s %s uses authorizer %q, which the app does not define", r.Method, r.Path, r.Authorizer)
		}
		def, err := g.securityDefinition(auth)
		if err != nil {
			return nil, fmt.Errorf("swagger: route %s %s: %w", r.Method, r.Path, err)
		}
		g.addSecurity(auth.Name, def)
		scopes := r.AuthorizerScopes
		if len(scopes) == 0 {
			scopes = auth.Scopes
		}
		if g.http && auth.Type != manifest.AuthJWT {
			// HTTP APIs take scopes for JWT authorizers only.
			scopes = nil
		}
		security = append(security, map[string]any{auth.Name: strings2any(scopes)})
	}
	if security != nil {
		op["security"] = security
	}
	params, err := g.parameters(r)
	if err != nil {
		return nil, fmt.Errorf("swagger: route %s %s: %w", r.Method, r.Path, err)
	}
	if body, ok := op["parameters"].([]any); ok {
		params = append(params, body...) // the Swagger 2.0 body parameter
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	return op, nil
}

// responses is the precanned 200 response, with headers when given.
func (g *generator) responses(headers []string) map[string]any {
	resp := map[string]any{"description": "200 response"}
	if g.oas3() {
		resp["content"] = map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"$ref": "#/components/schemas/Empty"}}}
	} else {
		resp["schema"] = map[string]any{"$ref": "#/definitions/Empty"}
	}
	if headers != nil {
		h := map[string]any{}
		for _, name := range headers {
			if g.oas3() {
				h[name] = map[string]any{"schema": map[string]any{"type": "string"}}
			} else {
				h[name] = map[string]any{"type": "string"}
			}
		}
		resp["headers"] = h
	}
	return map[string]any{"200": resp}
}

func (g *generator) integration() map[string]any {
	if g.http {
		return map[string]any{
			"type":                 "aws_proxy",
			"httpMethod":           "POST",
			"uri":                  g.opts.HandlerURI,
			"payloadFormatVersion": HTTPPayloadFormatVersion,
		}
	}
	return map[string]any{
		"responses":           map[string]any{"default": map[string]any{"statusCode": "200"}},
		"uri":                 g.opts.HandlerURI,
		"passthroughBehavior": "when_no_match",
		"httpMethod":          "POST",
		"contentHandling":     "CONVERT_TO_TEXT",
		"type":                "aws_proxy",
	}
}

// CORSHeaders returns the preflight response headers of a CORS
// configuration, as Chalice's CORSConfig.get_access_control_headers plus
// Access-Control-Allow-Methods (the CORS methods of the path, then OPTIONS).
func CORSHeaders(c *manifest.CORS, methods []string) map[string]string {
	h := c.Headers()
	h["Access-Control-Allow-Methods"] = strings.Join(append(slices.Clone(methods), "OPTIONS"), ",")
	return h
}

// preflight is Chalice's MOCK OPTIONS operation for a CORS path.
func (g *generator) preflight(c *manifest.CORS, methods []string) map[string]any {
	headers := CORSHeaders(c, methods)
	names := make([]string, 0, len(headers))
	params := map[string]any{}
	for name, value := range headers {
		names = append(names, name)
		params["method.response.header."+name] = "'" + value + "'"
	}
	slices.Sort(names)
	op := map[string]any{
		"responses": g.responses(names),
		"x-amazon-apigateway-integration": map[string]any{
			"responses": map[string]any{"default": map[string]any{
				"statusCode":         "200",
				"responseParameters": params,
			}},
			"requestTemplates":    map[string]any{"application/json": `{"statusCode": 200}`},
			"passthroughBehavior": "when_no_match",
			"type":                "mock",
			"contentHandling":     "CONVERT_TO_TEXT",
		},
	}
	if !g.oas3() {
		op["consumes"] = []any{"application/json"}
		op["produces"] = []any{"application/json"}
	}
	if g.opts.PreflightOutside {
		delete(op, "x-amazon-apigateway-integration")
	}
	return op
}

// httpCORS is the API-wide CORS configuration of an HTTP API: HTTP APIs
// answer preflight requests themselves from one configuration, so every
// CORS route must share it.
func (g *generator) httpCORS() (map[string]any, error) {
	var cfg *manifest.CORS
	var first string
	methods := map[string]bool{}
	for _, r := range g.api.Routes {
		if r.CORS == nil {
			continue
		}
		if cfg == nil {
			cfg, first = r.CORS, r.Method+" "+r.Path
		} else if !corsEqual(cfg, r.CORS) {
			return nil, fmt.Errorf("swagger: routes %s and %s %s have different CORS configurations; an HTTP API (api_type http) has a single API-wide CORS configuration", first, r.Method, r.Path)
		}
		methods[strings.ToUpper(r.Method)] = true
	}
	if cfg == nil {
		return nil, nil
	}
	methods["OPTIONS"] = true
	allow := make([]string, 0, len(methods))
	for m := range methods {
		allow = append(allow, m)
	}
	slices.Sort(allow)
	out := map[string]any{
		"allowOrigins": []any{cfg.AllowOrigin},
		"allowHeaders": strings2any(cfg.AllowHeaders),
		"allowMethods": strings2any(allow),
	}
	if len(cfg.ExposeHeaders) > 0 {
		out["exposeHeaders"] = strings2any(cfg.ExposeHeaders)
	}
	if cfg.MaxAge != nil {
		out["maxAge"] = *cfg.MaxAge
	}
	if cfg.AllowCredentials {
		out["allowCredentials"] = true
	}
	return out, nil
}

func corsEqual(a, b *manifest.CORS) bool {
	return a.AllowOrigin == b.AllowOrigin && slices.Equal(a.AllowHeaders, b.AllowHeaders) &&
		slices.Equal(a.ExposeHeaders, b.ExposeHeaders) && a.AllowCredentials == b.AllowCredentials &&
		((a.MaxAge == nil) == (b.MaxAge == nil)) && (a.MaxAge == nil || *a.MaxAge == *b.MaxAge)
}

func (g *generator) authorizer(name string) (manifest.Authorizer, bool) {
	for _, a := range g.api.Authorizers {
		if a.Name == name {
			return a, true
		}
	}
	return manifest.Authorizer{}, false
}

func (g *generator) addSecurity(name string, def map[string]any) {
	if g.security == nil {
		g.security = map[string]any{}
	}
	g.security[name] = def
}

func header(a manifest.Authorizer) string {
	if a.Header == "" {
		return "Authorization"
	}
	return a.Header
}

// securityDefinition is the securityDefinitions (securitySchemes) entry of
// an authorizer, as Chalice's Authorizer.to_swagger and
// SwaggerGenerator._generate_security_from_auth_obj.
func (g *generator) securityDefinition(a manifest.Authorizer) (map[string]any, error) {
	def := map[string]any{"in": "header", "type": "apiKey", "name": header(a)}
	switch a.Type {
	case manifest.AuthIAM:
		def["name"] = "Authorization"
		def["x-amazon-apigateway-authtype"] = "awsSigv4"
	case manifest.AuthCognito:
		if g.http {
			return nil, fmt.Errorf("Cognito user pool authorizer %q is not supported by HTTP APIs (api_type http); use api_type rest", a.Name)
		}
		def["x-amazon-apigateway-authtype"] = "cognito_user_pools"
		def["x-amazon-apigateway-authorizer"] = map[string]any{
			"type":         "cognito_user_pools",
			"providerARNs": strings2any(a.ProviderARNs),
		}
	case manifest.AuthJWT:
		if !g.http {
			return nil, fmt.Errorf("JWT authorizer %q needs an HTTP API (api_type http); REST APIs have no JWT authorizers (use a Cognito user pool authorizer)", a.Name)
		}
		return jwtScheme(a)
	case manifest.AuthCustom:
		ttl := 300
		if a.TTLSeconds != nil {
			ttl = *a.TTLSeconds
		}
		auth := map[string]any{
			"type":                         "token",
			"authorizerUri":                a.AuthorizerURI,
			"authorizerResultTtlInSeconds": ttl,
		}
		if a.InvokeRoleARN != "" {
			auth["authorizerCredentials"] = a.InvokeRoleARN
		}
		if err := g.setCustom(def, a, auth); err != nil {
			return nil, err
		}
	case manifest.AuthBuiltin:
		if g.opts.AuthorizerURI == nil {
			return nil, fmt.Errorf("built-in authorizer %q needs Options.AuthorizerURI", a.Name)
		}
		fn := a.Function
		if fn == "" {
			fn = a.Name
		}
		auth := map[string]any{"type": "token", "authorizerUri": g.opts.AuthorizerURI(fn)}
		if a.ExecutionRole != "" {
			auth["authorizerCredentials"] = a.ExecutionRole
		}
		if a.TTLSeconds != nil {
			auth["authorizerResultTtlInSeconds"] = *a.TTLSeconds
		}
		if err := g.setCustom(def, a, auth); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("authorizer %q has unknown type %q", a.Name, a.Type)
	}
	return def, nil
}

// setCustom adds a Lambda authorizer to def: a token authorizer for REST
// APIs; for HTTP APIs a request authorizer with its identity sources, its
// payload format (1.0 unless set) and, with payload format 2.0, simple
// responses when enabled.
func (g *generator) setCustom(def map[string]any, a manifest.Authorizer, auth map[string]any) error {
	def["x-amazon-apigateway-authorizer"] = auth
	if !g.http {
		def["x-amazon-apigateway-authtype"] = "custom"
		return nil
	}
	version := a.PayloadFormatVersion
	switch version {
	case "":
		version = manifest.AuthPayload10
	case manifest.AuthPayload10, manifest.AuthPayload20:
	default:
		return fmt.Errorf("authorizer %q: payloadFormatVersion %q (valid: %s, %s)", a.Name, version, manifest.AuthPayload10, manifest.AuthPayload20)
	}
	if a.SimpleResponses && version != manifest.AuthPayload20 {
		return fmt.Errorf("authorizer %q: enableSimpleResponses needs payloadFormatVersion %s, not %s", a.Name, manifest.AuthPayload20, version)
	}
	sources, err := identitySources(a)
	if err != nil {
		return err
	}
	auth["type"] = "request"
	auth["identitySource"] = strings.Join(sources, ", ")
	auth["authorizerPayloadFormatVersion"] = version
	if a.SimpleResponses {
		auth["enableSimpleResponses"] = true
	}
	// The apiKey scheme's name and in say where the identity is when it is
	// one header or query parameter ("Unused" otherwise, as API Gateway's
	// own documents write it).
	def["name"], def["in"] = "Unused", "header"
	if len(sources) == 1 {
		if name, ok := strings.CutPrefix(sources[0], manifest.IdentityHeader); ok {
			def["name"] = name
		} else if name, ok := strings.CutPrefix(sources[0], manifest.IdentityQueryString); ok {
			def["name"], def["in"] = name, "query"
		}
	}
	return nil
}

// identitySources returns an HTTP API authorizer's identity sources,
// checked.
func identitySources(a manifest.Authorizer) ([]string, error) {
	sources := a.HTTPIdentitySources()
	for _, src := range sources {
		if err := manifest.CheckIdentitySource(src); err != nil {
			return nil, fmt.Errorf("authorizer %q: %w", a.Name, err)
		}
	}
	return sources, nil
}

// jwtScheme is the security scheme of an HTTP API JWT authorizer: an
// oauth2 scheme (so routes can list scopes) with no flows, which API
// Gateway replaces by the "jwt" authorizer.
func jwtScheme(a manifest.Authorizer) (map[string]any, error) {
	if a.Issuer == "" || len(a.Audience) == 0 {
		return nil, fmt.Errorf("JWT authorizer %q needs an issuer and at least one audience", a.Name)
	}
	sources, err := identitySources(a)
	if err != nil {
		return nil, err
	}
	if len(sources) != 1 {
		return nil, fmt.Errorf("JWT authorizer %q has %d identity sources; a JWT authorizer takes exactly one", a.Name, len(sources))
	}
	return map[string]any{
		"type":  "oauth2",
		"flows": map[string]any{},
		"x-amazon-apigateway-authorizer": map[string]any{
			"type":           "jwt",
			"identitySource": sources[0],
			"jwtConfiguration": map[string]any{
				"issuer":   a.Issuer,
				"audience": strings2any(a.Audience),
			},
		},
	}, nil
}

func strings2any(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
