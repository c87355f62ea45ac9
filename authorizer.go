package chalice

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/gochalice/chalice/manifest"
)

// Authorizer protects routes. The implementations are the built-in
// authorizer (App.Authorizer), and the authorizers NewCognitoUserPoolAuthorizer,
// NewIAMAuthorizer, NewCustomAuthorizer and NewJWTAuthorizer return.
type Authorizer interface {
	AuthorizerName() string
	manifestEntry() manifest.Authorizer
}

// checkedAuthorizer is an authorizer made outside a registration
// (NewCustomAuthorizer, NewJWTAuthorizer): the app whose routes use it
// reports its definition mistakes.
type checkedAuthorizer interface {
	definitionProblems() []string
}

// authorizerProblems returns the definition mistakes of an authorizer
// routes use.
func authorizerProblems(a Authorizer) []string {
	if c, ok := a.(checkedAuthorizer); ok {
		return c.definitionProblems()
	}
	return nil
}

// AuthRequest is what a built-in authorizer receives: from a REST API a
// TOKEN event (AuthType, Token, MethodARN); from an HTTP API (api_type
// "http") a REQUEST event of payload format 1.0 or 2.0 (PayloadFormat),
// which also carries the request's headers, query, path parameters, stage
// variables and request context.
type AuthRequest struct {
	// AuthType is "TOKEN" (REST APIs) or "REQUEST" (HTTP APIs).
	AuthType string
	// Token is the value of the authorizer's header (REST APIs); on an
	// HTTP API the identity source values joined by commas (payload 1.0)
	// or the first identity source value (payload 2.0).
	Token string
	// MethodARN is arn:aws:execute-api:region:account:api-id/stage/METHOD/path;
	// for payload format 2.0, the route ARN (RouteARN).
	MethodARN string

	// The fields below are set for HTTP API (REQUEST) events only.

	// Version is the payload format version: "1.0" or "2.0".
	Version string
	// RouteARN is the routeArn of a payload format 2.0 event.
	RouteARN string
	// IdentitySource holds the values of the authorizer's identity
	// sources in order (payload 2.0), or the one comma-joined value API
	// Gateway sends in payload format 1.0.
	IdentitySource []string
	// RouteKey is the matched route of a payload 2.0 event, e.g.
	// "GET /items/{id}".
	RouteKey string
	// Method and Path are the request's HTTP method and concrete path.
	Method, Path string
	// Headers are the request headers; lookups ignore case.
	Headers Headers
	// Query holds the query string parameters; nil when there are none.
	Query QueryParams
	// PathParams are the route's path parameters (nil when there are none).
	PathParams map[string]string
	// StageVars are the stage variables.
	StageVars map[string]string
	// Context is the request context (Context.Raw holds it as sent).
	Context RequestContext
}

// AuthRoute allows some methods on one path. Path "*" allows every path;
// no methods means every method.
type AuthRoute struct {
	Path    string
	Methods []string
}

// AuthResponse is a built-in authorizer's answer: the routes the caller may
// invoke, the principal, and context values passed to the views (in
// Request.Context.Authorizer).
type AuthResponse struct {
	Routes      []AuthRoute
	PrincipalID string
	Context     map[string]any
}

// AllowRoutes is a shorthand for AuthRoutes on every method of each path.
func AllowRoutes(paths ...string) []AuthRoute {
	r := make([]AuthRoute, len(paths))
	for i, p := range paths {
		r[i] = AuthRoute{Path: p}
	}
	return r
}

// Allows reports whether the response's routes allow the request of an
// API Gateway method or route ARN, as API Gateway evaluates the policy
// Result(arn) returns: '*' in a route matches any run of characters.
func (r *AuthResponse) Allows(arn string) bool {
	if !isExecuteARN(arn) {
		return false
	}
	for _, route := range r.Routes {
		methods := route.Methods
		if len(methods) == 0 {
			methods = []string{"*"}
		}
		for _, m := range methods {
			if globMatch(routeARN(arn, route.Path, m), arn) {
				return true
			}
		}
	}
	return false
}

// SimpleAuthorizerResult is the simple response of a payload format 2.0
// HTTP API authorizer (SimpleResponses).
type SimpleAuthorizerResult struct {
	IsAuthorized bool           `json:"isAuthorized"`
	Context      map[string]any `json:"context"`
}

// SimpleResult converts the response to a simple response for the
// request's route ARN: isAuthorized is Allows(routeARN). API Gateway caches
// a simple response for every route of the authorizer (for the TTL, by
// identity source values), so an authorizer whose answer depends on the
// route should answer with policies or turn caching off (TTL(0)).
func (r *AuthResponse) SimpleResult(routeARN string) SimpleAuthorizerResult {
	ctx := r.Context
	if ctx == nil {
		ctx = map[string]any{}
	}
	return SimpleAuthorizerResult{IsAuthorized: r.Allows(routeARN), Context: ctx}
}

// AuthorizerFunc implements a built-in authorizer. Returning a nil response
// and nil error is a configuration error (API Gateway answers 500).
type AuthorizerFunc func(ctx context.Context, req *AuthRequest) (*AuthResponse, error)

// BuiltinAuthorizer is an authorizer implemented in the app and deployed
// as its own Lambda function.
type BuiltinAuthorizer struct {
	name          string
	fn            AuthorizerFunc
	header        string
	ttlSeconds    *int
	executionRole string
	http          lambdaHTTP
	grants        []grant
}

// Authorizer registers a built-in authorizer. Options: Name, Header, TTL,
// ExecutionRole, and for HTTP APIs PayloadFormat, SimpleResponses and
// IdentitySources.
func (r *registry) Authorizer(fn AuthorizerFunc, opts ...AuthorizerOption) *BuiltinAuthorizer {
	o := authConfigOf(opts, AuthorizerOption.applyAuthorizer)
	name := orKnownName(o.name, fn)
	header := o.header
	if header == "" {
		header = "Authorization"
	}
	a := &BuiltinAuthorizer{name: name, fn: fn, header: header, ttlSeconds: o.ttlSeconds, executionRole: o.executionRole, grants: o.grants}
	if !r.begin(func() string { return "authorizer " + orName(name, "") }) {
		return a
	}
	defer r.mu.Unlock()
	if fn == nil {
		r.problem("authorizer %s: function is nil", name)
	}
	if name == "" {
		r.problem("authorizer registered with an anonymous function needs chalice.Name(...)")
	}
	var problems []string
	a.http, problems = o.lambdaHTTP()
	for _, p := range problems {
		r.problem("authorizer %s: %s", name, p)
	}
	r.authorizers = append(r.authorizers, a)
	return a
}

// AuthorizerName returns the authorizer's (and its Lambda's) name.
func (a *BuiltinAuthorizer) AuthorizerName() string { return a.name }

// WithScopes returns the authorizer with OAuth scopes to require on a route.
func (a *BuiltinAuthorizer) WithScopes(scopes ...string) Authorizer {
	return &scopedAuthorizer{Authorizer: a, scopes: scopes}
}

func (a *BuiltinAuthorizer) manifestEntry() manifest.Authorizer {
	me := manifest.Authorizer{
		Name: a.name, Type: manifest.AuthBuiltin, Header: a.header, TTLSeconds: a.ttlSeconds,
		ExecutionRole: a.executionRole, Function: a.name,
	}
	a.http.apply(&me)
	return me
}

// lambdaHTTP are a Lambda authorizer's HTTP API settings.
type lambdaHTTP struct {
	identitySources []string // nil: the default, from the header
	payloadFormat   string   // "", "1.0" or "2.0"
	simple          bool
}

// lambdaHTTP returns the HTTP API settings of a Lambda authorizer and the
// mistakes in them.
func (o *authConfig) lambdaHTTP() (lambdaHTTP, []string) {
	h := lambdaHTTP{identitySources: o.identitySources, payloadFormat: o.payloadFormat, simple: o.simpleResponses}
	var problems []string
	switch h.payloadFormat {
	case "":
		if h.simple {
			h.payloadFormat = manifest.AuthPayload20
		}
	case manifest.AuthPayload10:
		if h.simple {
			problems = append(problems, `SimpleResponses() needs payload format 2.0, but PayloadFormat("1.0") was given; use PayloadFormat("2.0") or leave SimpleResponses() out`)
		}
	case manifest.AuthPayload20:
	default:
		problems = append(problems, fmt.Sprintf(`PayloadFormat(%q) is not a payload format version; use PayloadFormat("1.0") (the default) or PayloadFormat("2.0")`, h.payloadFormat))
	}
	if o.identitySourcesSet {
		problems = append(problems, identitySourceProblems(h.identitySources)...)
	}
	return h, problems
}

func (h lambdaHTTP) apply(me *manifest.Authorizer) {
	me.IdentitySources = slices.Clone(h.identitySources)
	me.PayloadFormatVersion = h.payloadFormat
	me.SimpleResponses = h.simple
}

// identitySourceProblems checks an IdentitySources list.
func identitySourceProblems(exprs []string) []string {
	if len(exprs) == 0 {
		return []string{`IdentitySources() lists no identity source; give at least one, e.g. "$request.header.Authorization"`}
	}
	var problems []string
	for i, e := range exprs {
		if err := manifest.CheckIdentitySource(e); err != nil {
			problems = append(problems, err.Error())
		} else if slices.Contains(exprs[:i], e) {
			problems = append(problems, fmt.Sprintf("identity source %q is listed twice", e))
		}
	}
	return problems
}

type scopedAuthorizer struct {
	Authorizer
	scopes []string
}

// CognitoUserPoolAuthorizer is a Cognito user pool authorizer (REST APIs).
type CognitoUserPoolAuthorizer struct {
	name         string
	providerARNs []string
	header       string
}

// NewCognitoUserPoolAuthorizer returns an authorizer backed by Cognito
// user pools. Option: Header.
func NewCognitoUserPoolAuthorizer(name string, providerARNs []string, opts ...CognitoAuthorizerOption) *CognitoUserPoolAuthorizer {
	o := authConfigOf(opts, CognitoAuthorizerOption.applyCognito)
	h := o.header
	if h == "" {
		h = "Authorization"
	}
	return &CognitoUserPoolAuthorizer{name: name, providerARNs: slices.Clone(providerARNs), header: h}
}

// AuthorizerName returns the authorizer's name.
func (c *CognitoUserPoolAuthorizer) AuthorizerName() string { return c.name }

// WithScopes returns the authorizer requiring these scopes on a route.
func (c *CognitoUserPoolAuthorizer) WithScopes(scopes ...string) Authorizer {
	return &scopedAuthorizer{Authorizer: c, scopes: scopes}
}

func (c *CognitoUserPoolAuthorizer) manifestEntry() manifest.Authorizer {
	return manifest.Authorizer{Name: c.name, Type: manifest.AuthCognito, Header: c.header, ProviderARNs: c.providerARNs}
}

// IAMAuthorizer is the AWS_IAM (SigV4) authorizer.
type IAMAuthorizer struct{}

// NewIAMAuthorizer returns the SigV4 authorizer (named "sigv4" as in
// Chalice).
func NewIAMAuthorizer() *IAMAuthorizer { return &IAMAuthorizer{} }

// AuthorizerName returns "sigv4".
func (*IAMAuthorizer) AuthorizerName() string { return "sigv4" }

func (*IAMAuthorizer) manifestEntry() manifest.Authorizer {
	return manifest.Authorizer{Name: "sigv4", Type: manifest.AuthIAM, Header: "Authorization"}
}

// CustomAuthorizer is a Lambda authorizer deployed outside the app.
type CustomAuthorizer struct {
	name, uri, header, invokeRole string
	ttl                           int
	http                          lambdaHTTP
	problems                      []string
}

// NewCustomAuthorizer returns an authorizer backed by an existing Lambda's
// invocation URI. Options: Header, TTL (default 300), ExecutionRole (the
// invoke role), and for HTTP APIs PayloadFormat, SimpleResponses and
// IdentitySources. Mistakes in them are definition errors of the app
// whose routes use the authorizer.
func NewCustomAuthorizer(name, authorizerURI string, opts ...CustomAuthorizerOption) *CustomAuthorizer {
	o := authConfigOf(opts, CustomAuthorizerOption.applyCustom)
	e := &CustomAuthorizer{name: name, uri: authorizerURI, header: o.header, invokeRole: o.executionRole, ttl: 300}
	var problems []string
	e.http, problems = o.lambdaHTTP()
	for _, p := range problems {
		e.problems = append(e.problems, fmt.Sprintf("custom authorizer %s: %s", name, p))
	}
	if e.header == "" {
		e.header = "Authorization"
	}
	if o.ttlSeconds != nil {
		e.ttl = *o.ttlSeconds
	}
	return e
}

// AuthorizerName returns the authorizer's name.
func (e *CustomAuthorizer) AuthorizerName() string { return e.name }

// WithScopes returns the authorizer requiring these scopes on a route.
func (e *CustomAuthorizer) WithScopes(scopes ...string) Authorizer {
	return &scopedAuthorizer{Authorizer: e, scopes: scopes}
}

func (e *CustomAuthorizer) manifestEntry() manifest.Authorizer {
	ttl := e.ttl
	me := manifest.Authorizer{Name: e.name, Type: manifest.AuthCustom, Header: e.header, TTLSeconds: &ttl,
		AuthorizerURI: e.uri, InvokeRoleARN: e.invokeRole}
	e.http.apply(&me)
	return me
}

func (e *CustomAuthorizer) definitionProblems() []string { return e.problems }

// JWTAuthorizer is an HTTP API JWT authorizer: API Gateway itself
// validates each token (its signature against the issuer's published
// keys, issuer, audience, expiry and the route's scopes) without running
// app code, and passes the claims to the views in
// Request.Context.Authorizer["jwt"].
type JWTAuthorizer struct {
	name     string
	issuer   string
	audience []string
	sources  []string
	problems []string
}

// DefaultJWTIdentitySource is where a JWT authorizer reads the token
// unless IdentitySources says otherwise ("Bearer " is optional).
const DefaultJWTIdentitySource = manifest.IdentityHeader + "Authorization"

// securitySchemeName is what OpenAPI allows as a components key, so what a
// JWT authorizer may be named.
var securitySchemeName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// NewJWTAuthorizer returns a JWT authorizer for HTTP APIs (api_type
// "http"): tokens must be issued by issuer (an https:// URL, e.g.
// https://cognito-idp.REGION.amazonaws.com/POOL_ID) for one of audience
// (their aud claim, or client_id when they have no aud). Use WithScopes on
// a route to require OAuth scopes. Option: IdentitySources, with one
// header or query string parameter (default DefaultJWTIdentitySource).
// REST APIs have no JWT authorizers. Mistakes are definition errors of
// the app whose routes use the authorizer.
func NewJWTAuthorizer(name, issuer string, audience []string, opts ...JWTAuthorizerOption) *JWTAuthorizer {
	o := authConfigOf(opts, JWTAuthorizerOption.applyJWT)
	j := &JWTAuthorizer{name: name, issuer: issuer, audience: slices.Clone(audience), sources: []string{DefaultJWTIdentitySource}}
	add := func(format string, args ...any) {
		j.problems = append(j.problems, fmt.Sprintf("JWT authorizer %q: ", name)+fmt.Sprintf(format, args...))
	}
	if !securitySchemeName.MatchString(name) {
		add("the name must be non-empty and use only letters, digits, '.', '_' and '-'")
	}
	if issuer == "" {
		add("the issuer is empty; give the URL its tokens' iss claim holds, e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE")
	} else if u, err := url.Parse(issuer); err != nil || u.Scheme != "https" || u.Host == "" {
		add("the issuer %q is not an https:// URL; API Gateway fetches the issuer's signing keys from it (e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE)", issuer)
	}
	if len(audience) == 0 {
		add("the audience is empty; list the audiences (aud claim) or app client IDs (client_id claim) its tokens are issued for")
	}
	for _, a := range audience {
		if a == "" {
			add("the audience %q has an empty entry", audience)
			break
		}
	}
	if o.identitySourcesSet {
		j.sources = o.identitySources
		switch {
		case len(j.sources) != 1:
			add("IdentitySources%q: a JWT authorizer takes exactly one identity source, a header ($request.header.NAME) or a query string parameter ($request.querystring.NAME)", j.sources)
		case manifest.CheckIdentitySource(j.sources[0]) != nil:
			add("%v", manifest.CheckIdentitySource(j.sources[0]))
		case !strings.HasPrefix(j.sources[0], manifest.IdentityHeader) && !strings.HasPrefix(j.sources[0], manifest.IdentityQueryString):
			add("identity source %q: a JWT authorizer reads its token from a header ($request.header.NAME) or a query string parameter ($request.querystring.NAME)", j.sources[0])
		}
	}
	return j
}

// AuthorizerName returns the authorizer's name.
func (j *JWTAuthorizer) AuthorizerName() string { return j.name }

// WithScopes returns the authorizer requiring at least one of these OAuth
// scopes (the token's scope or scp claim) on a route.
func (j *JWTAuthorizer) WithScopes(scopes ...string) Authorizer {
	return &scopedAuthorizer{Authorizer: j, scopes: scopes}
}

func (j *JWTAuthorizer) manifestEntry() manifest.Authorizer {
	return manifest.Authorizer{Name: j.name, Type: manifest.AuthJWT, IdentitySources: slices.Clone(j.sources),
		Issuer: j.issuer, Audience: slices.Clone(j.audience)}
}

func (j *JWTAuthorizer) definitionProblems() []string { return j.problems }

// apiTypeConflicts reports an app that no API type can serve: JWT
// authorizers exist on HTTP APIs only, API keys and Cognito user pool
// authorizers on REST APIs only.
func apiTypeConflicts(m *manifest.Manifest) []string {
	var jwt, restOnly string
	for _, r := range m.Routes {
		where := r.Method + " " + r.Path
		if a, ok := m.Authorizer(r.Authorizer); ok {
			switch a.Type {
			case manifest.AuthJWT:
				if jwt == "" {
					jwt = fmt.Sprintf("route %s uses JWT authorizer %q, which only HTTP APIs (api_type \"http\") have", where, a.Name)
				}
			case manifest.AuthCognito:
				if restOnly == "" {
					restOnly = fmt.Sprintf("route %s uses Cognito user pool authorizer %q, which only REST APIs have", where, a.Name)
				}
			}
		}
		if r.APIKeyRequired && restOnly == "" {
			restOnly = fmt.Sprintf("route %s requires an API key, which only REST APIs have", where)
		}
	}
	if jwt == "" || restOnly == "" {
		return nil
	}
	return []string{jwt + ", and " + restOnly + ": no API type has both; on an HTTP API drop the API keys and use a JWT authorizer instead of the Cognito one (NewJWTAuthorizer with the user pool's issuer URL and app client IDs), on a REST API use NewCognitoUserPoolAuthorizer instead of the JWT one"}
}

// baseAuthorizer strips WithScopes wrapping.
func baseAuthorizer(a Authorizer) (Authorizer, []string) {
	if s, ok := a.(*scopedAuthorizer); ok {
		return s.Authorizer, s.scopes
	}
	return a, nil
}

// PolicyDocument is the IAM policy an authorizer returns to API Gateway.
type PolicyDocument struct {
	Version   string            `json:"Version"`
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a PolicyDocument.
type PolicyStatement struct {
	Action   string   `json:"Action"`
	Effect   string   `json:"Effect"`
	Resource []string `json:"Resource"`
}

// AuthorizerResult is the JSON document a built-in authorizer Lambda returns.
type AuthorizerResult struct {
	Context        map[string]any `json:"context"`
	PrincipalID    string         `json:"principalId"`
	PolicyDocument PolicyDocument `json:"policyDocument"`
}

// Result converts the response to API Gateway's document for the request's
// method ARN, as Chalice's AuthResponse.to_dict.
func (r *AuthResponse) Result(methodARN string) AuthorizerResult {
	ctx := r.Context
	if ctx == nil {
		ctx = map[string]any{}
	}
	resources := []string{}
	for _, route := range r.Routes {
		methods := route.Methods
		if len(methods) == 0 {
			methods = []string{"*"}
		}
		for _, m := range methods {
			resources = append(resources, routeARN(methodARN, route.Path, m))
		}
	}
	return AuthorizerResult{
		Context:     ctx,
		PrincipalID: r.PrincipalID,
		PolicyDocument: PolicyDocument{
			Version:   "2012-10-17",
			Statement: []PolicyStatement{{Action: "execute-api:Invoke", Effect: "Allow", Resource: resources}},
		},
	}
}

// isExecuteARN reports an ARN with six ':'-separated parts whose last is
// api-id/stage/..., the shape routeARN rewrites.
func isExecuteARN(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && strings.Contains(parts[5], "/")
}

// globMatch reports whether s matches pattern as an IAM policy resource:
// '*' matches any run of characters, '?' any one, all else itself.
func globMatch(pattern, s string) bool {
	p, r := []rune(pattern), []rune(s)
	// pi/si walk both; on a mismatch after a '*', retry with the star
	// covering one more rune of s.
	pi, si, starP, starS := 0, 0, -1, 0
	for si < len(r) {
		switch {
		case pi < len(p) && p[pi] == '*':
			starP, starS = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == r[si]):
			pi++
			si++
		case starP >= 0:
			starS++
			pi, si = starP+1, starS
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// routeARN replaces the method ARN's last part with api-id/stage/METHOD/path.
func routeARN(methodARN, path, method string) string {
	parts := strings.SplitN(methodARN, ":", 6)
	if len(parts) < 6 {
		return methodARN
	}
	// parts[5] = api-id/stage/METHOD/path...
	apiParts := strings.SplitN(parts[5], "/", 3)
	if len(apiParts) < 2 {
		return methodARN
	}
	rest := ""
	if len(path) > 0 {
		rest = path[1:]
	}
	last := apiParts[0] + "/" + apiParts[1] + "/" + method + "/" + rest
	if path == "*" {
		last += "*"
	}
	return strings.Join(parts[:5], ":") + ":" + last
}
