package chalice

import (
	"context"
	"slices"
	"strings"

	"github.com/gochalice/chalice/manifest"
)

// Authorizer protects routes. The implementations are the built-in
// authorizer (App.Authorizer), CognitoUserPoolAuthorizer, IAMAuthorizer and
// CustomAuthorizer.
type Authorizer interface {
	AuthorizerName() string
	manifestEntry() manifest.Authorizer
}

// AuthRequest is what a built-in authorizer receives.
type AuthRequest struct {
	AuthType  string // "TOKEN"
	Token     string // value of the authorizer's header
	MethodARN string // arn:aws:execute-api:region:account:api-id/stage/METHOD/path
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
}

// Authorizer registers a built-in authorizer. Options: Name, Header, TTL,
// ExecutionRole.
func (r *registry) Authorizer(fn AuthorizerFunc, opts ...Option) *BuiltinAuthorizer {
	o, bad := buildOptions(opts, "Name", "Header", "TTL", "ExecutionRole")
	name := o.name
	if name == "" {
		name = funcName(fn)
	}
	if len(bad) > 0 {
		r.problem("authorizer %s: options %s do not apply to an authorizer", name, strings.Join(bad, ", "))
	}
	if fn == nil {
		r.problem("authorizer %s: function is nil", name)
	}
	if name == "" {
		r.problem("authorizer registered with an anonymous function needs chalice.Name(...)")
	}
	header := o.header
	if header == "" {
		header = "Authorization"
	}
	a := &BuiltinAuthorizer{name: name, fn: fn, header: header, ttlSeconds: o.ttlSeconds, executionRole: o.executionRole}
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
	return manifest.Authorizer{
		Name: a.name, Type: manifest.AuthBuiltin, Header: a.header, TTLSeconds: a.ttlSeconds,
		ExecutionRole: a.executionRole, Function: a.name,
	}
}

type scopedAuthorizer struct {
	Authorizer
	scopes []string
}

// CognitoAuthorizer is a Cognito user pool authorizer.
type CognitoAuthorizer struct {
	name         string
	providerARNs []string
	header       string
	scopes       []string
}

// CognitoUserPoolAuthorizer returns an authorizer backed by Cognito user
// pools. Option: Header.
func CognitoUserPoolAuthorizer(name string, providerARNs []string, opts ...Option) *CognitoAuthorizer {
	o, _ := buildOptions(opts, "Header")
	h := o.header
	if h == "" {
		h = "Authorization"
	}
	return &CognitoAuthorizer{name: name, providerARNs: slices.Clone(providerARNs), header: h}
}

// AuthorizerName returns the authorizer's name.
func (c *CognitoAuthorizer) AuthorizerName() string { return c.name }

// WithScopes returns the authorizer requiring these scopes on a route.
func (c *CognitoAuthorizer) WithScopes(scopes ...string) Authorizer {
	return &scopedAuthorizer{Authorizer: c, scopes: scopes}
}

func (c *CognitoAuthorizer) manifestEntry() manifest.Authorizer {
	return manifest.Authorizer{Name: c.name, Type: manifest.AuthCognito, Header: c.header, ProviderARNs: c.providerARNs}
}

// IAMAuth is the AWS_IAM (SigV4) authorizer.
type IAMAuth struct{}

// IAMAuthorizer returns the SigV4 authorizer (named "sigv4" as in Chalice).
func IAMAuthorizer() *IAMAuth { return &IAMAuth{} }

// AuthorizerName returns "sigv4".
func (*IAMAuth) AuthorizerName() string { return "sigv4" }

func (*IAMAuth) manifestEntry() manifest.Authorizer {
	return manifest.Authorizer{Name: "sigv4", Type: manifest.AuthIAM, Header: "Authorization"}
}

// ExternalAuthorizer is a Lambda token authorizer deployed outside the app.
type ExternalAuthorizer struct {
	name, uri, header, invokeRole string
	ttl                           int
}

// CustomAuthorizer returns an authorizer backed by an existing Lambda's
// invocation URI. Options: Header, TTL (default 300), ExecutionRole (the
// invoke role).
func CustomAuthorizer(name, authorizerURI string, opts ...Option) *ExternalAuthorizer {
	o, _ := buildOptions(opts, "Header", "TTL", "ExecutionRole")
	e := &ExternalAuthorizer{name: name, uri: authorizerURI, header: o.header, invokeRole: o.executionRole, ttl: 300}
	if e.header == "" {
		e.header = "Authorization"
	}
	if o.ttlSeconds != nil {
		e.ttl = *o.ttlSeconds
	}
	return e
}

// AuthorizerName returns the authorizer's name.
func (e *ExternalAuthorizer) AuthorizerName() string { return e.name }

// WithScopes returns the authorizer requiring these scopes on a route.
func (e *ExternalAuthorizer) WithScopes(scopes ...string) Authorizer {
	return &scopedAuthorizer{Authorizer: e, scopes: scopes}
}

func (e *ExternalAuthorizer) manifestEntry() manifest.Authorizer {
	ttl := e.ttl
	return manifest.Authorizer{Name: e.name, Type: manifest.AuthCustom, Header: e.header, TTLSeconds: &ttl,
		AuthorizerURI: e.uri, InvokeRoleARN: e.invokeRole}
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
