package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gochalice/chalice/internal/gateway/check"
	"github.com/gochalice/chalice/manifest"
)

// httpAuthorizer is an authorizer of an HTTP API with its parsed identity
// sources.
type httpAuthorizer struct {
	au      manifest.Authorizer
	sources []identitySource
	v2      bool // Lambda authorizer payload format 2.0
}

// identitySource is one selection expression: where a value comes from.
type identitySource struct {
	expr string
	kind string // "header", "querystring", "context", "stageVariables"
	name string
}

// contextVars are the $context variables usable as identity sources.
var contextVars = map[string]func(*httpAPIEvent) string{
	"accountId":          func(ev *httpAPIEvent) string { return ev.RequestContext.AccountID },
	"apiId":              func(ev *httpAPIEvent) string { return ev.RequestContext.APIID },
	"domainName":         func(ev *httpAPIEvent) string { return ev.RequestContext.DomainName },
	"domainPrefix":       func(ev *httpAPIEvent) string { return ev.RequestContext.DomainPrefix },
	"httpMethod":         func(ev *httpAPIEvent) string { return ev.RequestContext.HTTP.Method },
	"path":               func(ev *httpAPIEvent) string { return ev.RequestContext.HTTP.Path },
	"protocol":           func(ev *httpAPIEvent) string { return ev.RequestContext.HTTP.Protocol },
	"requestId":          func(ev *httpAPIEvent) string { return ev.RequestContext.RequestID },
	"routeKey":           func(ev *httpAPIEvent) string { return ev.RequestContext.RouteKey },
	"stage":              func(ev *httpAPIEvent) string { return ev.RequestContext.Stage },
	"identity.sourceIp":  func(ev *httpAPIEvent) string { return ev.RequestContext.HTTP.SourceIP },
	"identity.userAgent": func(ev *httpAPIEvent) string { return ev.RequestContext.HTTP.UserAgent },
}

func parseIdentitySource(expr string) (identitySource, error) {
	for _, p := range []struct{ prefix, kind string }{
		{"$request.header.", "header"}, {"$request.querystring.", "querystring"},
		{"$context.", "context"}, {"$stageVariables.", "stageVariables"},
	} {
		name, ok := strings.CutPrefix(expr, p.prefix)
		if !ok {
			continue
		}
		if name == "" {
			return identitySource{}, fmt.Errorf("identity source %q names nothing", expr)
		}
		if p.kind == "context" && contextVars[name] == nil {
			return identitySource{}, fmt.Errorf("identity source %q: unsupported context variable (supported: %s)", expr, strings.Join(sortedNames(contextVars), ", "))
		}
		return identitySource{expr: expr, kind: p.kind, name: name}, nil
	}
	return identitySource{}, fmt.Errorf("identity source %q: want $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME", expr)
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func newHTTPAuthorizer(au manifest.Authorizer) (*httpAuthorizer, error) {
	ha := &httpAuthorizer{au: au}
	switch au.PayloadFormatVersion {
	case "", manifest.AuthPayload10:
	case manifest.AuthPayload20:
		ha.v2 = true
	default:
		return nil, fmt.Errorf("gateway: authorizer %s: payloadFormatVersion %q (valid: 1.0, 2.0)", au.Name, au.PayloadFormatVersion)
	}
	if au.SimpleResponses && !ha.v2 {
		return nil, fmt.Errorf("gateway: authorizer %s: enableSimpleResponses needs payloadFormatVersion 2.0", au.Name)
	}
	for _, expr := range au.HTTPIdentitySources() {
		src, err := parseIdentitySource(expr)
		if err != nil {
			return nil, fmt.Errorf("gateway: authorizer %s: %w", au.Name, err)
		}
		ha.sources = append(ha.sources, src)
	}
	return ha, nil
}

// identityValues returns the value of every identity source, or ok false
// when one is missing or empty.
func (g *Gateway) identityValues(r *http.Request, ha *httpAuthorizer, ev *httpAPIEvent) (vals []string, missing string) {
	var query url.Values
	for _, src := range ha.sources {
		var v string
		switch src.kind {
		case "header":
			v = strings.Join(r.Header.Values(src.name), ",")
		case "querystring":
			if query == nil {
				query, _ = url.ParseQuery(r.URL.RawQuery)
			}
			v = strings.Join(query[src.name], ",")
		case "context":
			v = contextVars[src.name](ev)
		case "stageVariables":
			v = g.opts.StageVariables[src.name]
		}
		if v == "" {
			return nil, src.expr
		}
		vals = append(vals, v)
	}
	return vals, ""
}

// authorizeHTTPAPI applies the route's authorizer to an HTTP API request.
// It returns 0 when the request may proceed (with the authorizer's output
// in the event), or the status to answer (401, 403, 500) and why.
func (g *Gateway) authorizeHTTPAPI(r *http.Request, rt *manifest.Route, ev *httpAPIEvent) (int, string) {
	ha := g.http.auth[rt.Authorizer]
	if ha == nil {
		g.warnOnce("missing:"+rt.Authorizer, fmt.Sprintf("route %s %s names authorizer %q, which the app does not define; allowing the request", rt.Method, rt.Path, rt.Authorizer))
		return 0, ""
	}
	switch ha.au.Type {
	case manifest.AuthBuiltin:
		return g.lambdaAuthorize(r, ha, ev)
	case manifest.AuthJWT:
		return g.jwtAuthorize(r, rt, ha, ev)
	case manifest.AuthCognito:
		if claims, err := check.DecodeJWT(strings.TrimPrefix(r.Header.Get(ha.au.Header), "Bearer ")); err == nil {
			ev.RequestContext.Authorizer = map[string]any{"jwt": map[string]any{"claims": claims.Strings(), "scopes": nil}}
			return 0, ""
		}
	}
	g.warnOnce("http:"+rt.Authorizer, "authorizer "+rt.Authorizer+" is not checked locally; all requests to its routes are allowed.")
	return 0, ""
}

// lambdaAuthorize runs a built-in Lambda authorizer with the HTTP API
// request payload of its format version.
func (g *Gateway) lambdaAuthorize(r *http.Request, ha *httpAuthorizer, ev *httpAPIEvent) (int, string) {
	au := ha.au
	vals, missing := g.identityValues(r, ha, ev)
	if missing != "" {
		return http.StatusUnauthorized, fmt.Sprintf("authorizer %s: identity source %s is missing or empty", au.Name, missing)
	}
	arn := g.localARN(r.Method, r.URL.EscapedPath())
	key := "http\x00" + au.Name + "\x00" + strings.Join(vals, "\x00")
	c, ok := g.cached(key)
	if !ok {
		payload, err := json.Marshal(g.authorizerEvent(ha, ev, vals, arn))
		if err != nil {
			return http.StatusInternalServerError, fmt.Sprintf("authorizer %s: encoding its event: %v", au.Name, err)
		}
		out, err := g.inv.Invoke(r.Context(), au.Function, payload)
		if err != nil {
			if isUnauthorized(err) {
				return http.StatusUnauthorized, fmt.Sprintf("authorizer %s answered Unauthorized", au.Name)
			}
			return http.StatusInternalServerError, fmt.Sprintf("authorizer %s failed: %v", au.Name, err)
		}
		if au.SimpleResponses {
			s, err := check.DecodeSimple(out)
			if err != nil {
				return http.StatusInternalServerError, fmt.Sprintf("authorizer %s: %v", au.Name, err)
			}
			c.simple = s
		} else {
			res, err := check.DecodePolicy(out)
			if err != nil {
				return http.StatusInternalServerError, fmt.Sprintf("authorizer %s: %v", au.Name, err)
			}
			c.result = res
		}
		g.store(key, au, c)
	}
	ctx := map[string]any{}
	if c.simple != nil {
		if !c.simple.IsAuthorized {
			return http.StatusForbidden, fmt.Sprintf("authorizer %s answered isAuthorized false", au.Name)
		}
		for k, v := range c.simple.Context {
			ctx[k] = v
		}
	} else {
		if !c.result.Allows(arn) {
			return http.StatusForbidden, fmt.Sprintf("authorizer %s's policy does not allow %s", au.Name, arn)
		}
		for k, v := range c.result.Context {
			ctx[k] = v
		}
		ctx["principalId"] = c.result.PrincipalID
	}
	ev.RequestContext.Authorizer = map[string]any{"lambda": ctx}
	return 0, ""
}

// httpAuthEventV1 is an HTTP API Lambda authorizer's payload format 1.0
// event (a REQUEST authorizer event, as REST APIs send).
type httpAuthEventV1 struct {
	Version               string            `json:"version"`
	Type                  string            `json:"type"`
	MethodArn             string            `json:"methodArn"`
	IdentitySource        string            `json:"identitySource"`
	AuthorizationToken    string            `json:"authorizationToken"`
	Resource              string            `json:"resource"`
	Path                  string            `json:"path"`
	HTTPMethod            string            `json:"httpMethod"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters"`
	PathParameters        map[string]string `json:"pathParameters"`
	StageVariables        map[string]string `json:"stageVariables"`
	RequestContext        authContextV1     `json:"requestContext"`
}

type authContextV1 struct {
	Path         string   `json:"path"`
	AccountID    string   `json:"accountId"`
	ResourceID   string   `json:"resourceId"`
	Stage        string   `json:"stage"`
	RequestID    string   `json:"requestId"`
	Identity     identity `json:"identity"`
	ResourcePath string   `json:"resourcePath"`
	HTTPMethod   string   `json:"httpMethod"`
	APIID        string   `json:"apiId"`
}

// httpAuthEventV2 is the payload format 2.0 authorizer event.
type httpAuthEventV2 struct {
	Version               string            `json:"version"`
	Type                  string            `json:"type"`
	RouteArn              string            `json:"routeArn"`
	IdentitySource        []string          `json:"identitySource"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	RequestContext        httpAPIContext    `json:"requestContext"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
}

func (g *Gateway) authorizerEvent(ha *httpAuthorizer, ev *httpAPIEvent, vals []string, arn string) any {
	if ha.v2 {
		return &httpAuthEventV2{
			Version: "2.0", Type: "REQUEST", RouteArn: arn, IdentitySource: vals, RouteKey: ev.RouteKey,
			RawPath: ev.RawPath, RawQueryString: ev.RawQueryString, Cookies: ev.Cookies, Headers: ev.Headers,
			QueryStringParameters: ev.QueryStringParameters, RequestContext: ev.RequestContext,
			PathParameters: ev.PathParameters, StageVariables: ev.StageVariables,
		}
	}
	resource := strings.TrimPrefix(ev.RouteKey, ev.RequestContext.HTTP.Method+" ")
	resource = strings.TrimPrefix(resource, methodAny+" ")
	joined := strings.Join(vals, ",")
	path := map[string]string{}
	for k, v := range ev.PathParameters {
		path[k] = v
	}
	return &httpAuthEventV1{
		Version: "1.0", Type: "REQUEST", MethodArn: arn, IdentitySource: joined, AuthorizationToken: joined,
		Resource: resource, Path: ev.RawPath, HTTPMethod: ev.RequestContext.HTTP.Method, Headers: ev.Headers,
		QueryStringParameters: ev.QueryStringParameters, PathParameters: path, StageVariables: ev.StageVariables,
		RequestContext: authContextV1{
			Path: ev.RawPath, AccountID: ev.RequestContext.AccountID, ResourceID: "local", Stage: ev.RequestContext.Stage,
			RequestID: ev.RequestContext.RequestID, Identity: identity{SourceIP: LocalSourceIP, UserAgent: ev.RequestContext.HTTP.UserAgent},
			ResourcePath: resource, HTTPMethod: ev.RequestContext.HTTP.Method, APIID: ev.RequestContext.APIID,
		},
	}
}

// jwtAuthorize validates a JWT as an HTTP API JWT authorizer does, except
// for its signature (the issuer's keys are not fetched locally): the token
// comes from the identity source, with or without "Bearer "; iss must be
// the issuer; aud (or client_id when aud is absent) one of the audience;
// exp in the future; nbf and iat, when present, not in the future; and
// when the route requires scopes, scope or scp must hold one of them.
// Failures are 401, missing scopes 403.
func (g *Gateway) jwtAuthorize(r *http.Request, rt *manifest.Route, ha *httpAuthorizer, ev *httpAPIEvent) (int, string) {
	au := ha.au
	vals, missing := g.identityValues(r, ha, ev)
	if missing != "" {
		return http.StatusUnauthorized, fmt.Sprintf("JWT authorizer %s: identity source %s is missing or empty", au.Name, missing)
	}
	g.warnOnce("jwt:"+au.Name, fmt.Sprintf("JWT authorizer %s: token signatures are not verified locally; issuer, audience, expiry and scopes are.", au.Name))
	claims, err := check.DecodeJWT(strings.TrimPrefix(vals[0], "Bearer "))
	if err != nil {
		return http.StatusUnauthorized, fmt.Sprintf("JWT authorizer %s: %v", au.Name, err)
	}
	if err := claims.Check(au.Issuer, au.Audience, g.now()); err != nil {
		return http.StatusUnauthorized, fmt.Sprintf("JWT authorizer %s: %v", au.Name, err)
	}
	scopes := claims.Scopes()
	if len(rt.AuthorizerScopes) > 0 && !slices.ContainsFunc(rt.AuthorizerScopes, func(s string) bool { return slices.Contains(scopes, s) }) {
		return http.StatusForbidden, fmt.Sprintf("JWT authorizer %s: token scopes %q include none of the route's %q", au.Name, scopes, rt.AuthorizerScopes)
	}
	var scopeList any
	if len(scopes) > 0 {
		scopeList = scopes
	}
	ev.RequestContext.Authorizer = map[string]any{"jwt": map[string]any{"claims": claims.Strings(), "scopes": scopeList}}
	return 0, ""
}
