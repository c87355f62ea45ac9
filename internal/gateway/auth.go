package gateway

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gochalice/chalice/manifest"
)

// authResult is an authorizer's answer.
type authResult struct {
	PrincipalID    string         `json:"principalId"`
	Context        map[string]any `json:"context"`
	PolicyDocument struct {
		Statement []struct {
			Effect   string          `json:"Effect"`
			Action   json.RawMessage `json:"Action"`
			Resource json.RawMessage `json:"Resource"`
		} `json:"Statement"`
	} `json:"policyDocument"`
}

// allows reports whether the policy allows execute-api:Invoke on arn.
func (a *authResult) allows(arn string) bool {
	for _, st := range a.PolicyDocument.Statement {
		if st.Effect != "Allow" || !hasString(st.Action, "execute-api:Invoke") {
			continue
		}
		for _, res := range stringList(st.Resource) {
			if arnMatches(res, arn) {
				return true
			}
		}
	}
	return false
}

func stringList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

func hasString(raw json.RawMessage, want string) bool {
	for _, s := range stringList(raw) {
		if s == want || s == "execute-api:*" || s == "*" {
			return true
		}
	}
	return false
}

func (g *Gateway) warnOnce(key, msg string) {
	if _, loaded := g.warned.LoadOrStore(key, true); !loaded {
		g.opts.Warn(msg)
	}
}

// authorize applies the route's authorizer. It writes the error response
// and returns false when the request must not reach the app.
func (g *Gateway) authorize(w http.ResponseWriter, r *http.Request, rt *manifest.Route, ev *proxyEvent, reqID string) bool {
	au, ok := g.m.Authorizer(rt.Authorizer)
	if !ok {
		g.warnOnce("missing:"+rt.Authorizer, fmt.Sprintf("route %s %s names authorizer %q, which the app does not define; allowing the request", rt.Method, rt.Path, rt.Authorizer))
		return true
	}
	switch au.Type {
	case manifest.AuthCognito:
		if tok := r.Header.Get(au.Header); tok != "" {
			if claims, err := jwtClaims(tok); err == nil {
				if user, ok := claims["cognito:username"].(string); ok {
					ev.RequestContext.Authorizer = map[string]any{"claims": claims, "principalId": user}
					return true
				}
			}
		}
		g.warnOnce("cognito:"+au.Name, fmt.Sprintf("CognitoUserPoolAuthorizer %s is not checked locally (no token with cognito:username); all requests to its routes are allowed.", au.Name))
		return true
	case manifest.AuthBuiltin:
	default:
		g.warnOnce("type:"+au.Name, fmt.Sprintf("%s authorizer %s is not supported locally; all requests to its routes are allowed.", au.Type, au.Name))
		return true
	}
	token := r.Header.Get(au.Header)
	if token == "" {
		writeGatewayError(w, http.StatusUnauthorized, reqID, "UnauthorizedException", `{"message":"Unauthorized"}`)
		return false
	}
	arn := g.localARN(r.Method, r.URL.EscapedPath())
	res, status := g.runAuthorizer(r, au, token, arn)
	switch status {
	case http.StatusUnauthorized:
		writeGatewayError(w, http.StatusUnauthorized, reqID, "UnauthorizedException", `{"message":"Unauthorized"}`)
		return false
	case http.StatusInternalServerError:
		writeGatewayError(w, http.StatusInternalServerError, reqID, "AuthorizerConfigurationException", `{"message":null}`)
		return false
	}
	if !res.allows(arn) {
		writeGatewayError(w, http.StatusForbidden, reqID, "AccessDeniedException", `{"Message": "User is not authorized to access this resource"}`)
		return false
	}
	ctx := map[string]any{}
	for k, v := range res.Context {
		ctx[k] = v
	}
	ctx["principalId"] = res.PrincipalID
	ev.RequestContext.Authorizer = ctx
	return true
}

// runAuthorizer invokes a built-in authorizer (or answers from the cache).
// The status is 0 on success, 401 or 500 otherwise.
func (g *Gateway) runAuthorizer(r *http.Request, au manifest.Authorizer, token, arn string) (*authResult, int) {
	key := au.Name + "\x00" + token
	if g.opts.CacheAuthorizers {
		g.cacheMu.Lock()
		c, ok := g.cache[key]
		g.cacheMu.Unlock()
		if ok && g.now().Before(c.expires) {
			return c.result, 0
		}
	}
	payload, _ := json.Marshal(map[string]string{"type": "TOKEN", "authorizationToken": token, "methodArn": arn})
	out, err := g.inv.Invoke(r.Context(), au.Function, payload)
	if err != nil {
		if isUnauthorized(err) {
			return nil, http.StatusUnauthorized
		}
		g.opts.Warn(fmt.Sprintf("authorizer %s failed: %v", au.Name, err))
		return nil, http.StatusInternalServerError
	}
	var res *authResult
	if err := json.Unmarshal(out, &res); err != nil || res == nil {
		return nil, http.StatusInternalServerError
	}
	if g.opts.CacheAuthorizers {
		ttl := 300
		if au.TTLSeconds != nil {
			ttl = *au.TTLSeconds
		}
		if ttl > 0 {
			g.cacheMu.Lock()
			g.cache[key] = cachedAuth{result: res, expires: g.now().Add(time.Duration(ttl) * time.Second)}
			g.cacheMu.Unlock()
		}
	}
	return res, 0
}

// isUnauthorized reports a function error whose message is "Unauthorized",
// which API Gateway turns into 401.
func isUnauthorized(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == "Unauthorized" {
			return true
		}
	}
	var fe interface{ ErrorMessage() string }
	return errors.As(err, &fe) && fe.ErrorMessage() == "Unauthorized"
}

// jwtClaims decodes a JWT's payload without checking its signature (as
// chalice local does; API Gateway checks it when deployed).
func jwtClaims(token string) (map[string]any, error) {
	token = strings.TrimPrefix(token, "Bearer ")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("JWT payload: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		return nil, fmt.Errorf("JWT payload: %w", err)
	}
	return claims, nil
}
