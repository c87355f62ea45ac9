package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gochalice/chalice/internal/gateway/check"
	"github.com/gochalice/chalice/manifest"
)

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
	res, status, reason := g.runAuthorizer(r, au, token, arn)
	switch status {
	case http.StatusUnauthorized:
		writeGatewayError(w, http.StatusUnauthorized, reqID, "UnauthorizedException", `{"message":"Unauthorized"}`)
		return false
	case http.StatusInternalServerError:
		g.logFailure(r, reqID, status, reason)
		writeGatewayError(w, http.StatusInternalServerError, reqID, "AuthorizerConfigurationException", `{"message":null}`)
		return false
	}
	if !res.Allows(arn) {
		g.log(r, slog.LevelDebug, reqID, http.StatusForbidden, fmt.Sprintf("authorizer %s's policy does not allow %s", au.Name, arn))
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

// runAuthorizer invokes a built-in TOKEN authorizer (or answers from the
// cache). The status is 0 on success, 401 or 500 (with the reason)
// otherwise.
func (g *Gateway) runAuthorizer(r *http.Request, au manifest.Authorizer, token, arn string) (*check.Policy, int, string) {
	key := au.Name + "\x00" + token
	if c, ok := g.cached(key); ok {
		return c.result, 0, ""
	}
	payload, _ := json.Marshal(map[string]string{"type": "TOKEN", "authorizationToken": token, "methodArn": arn})
	out, err := g.inv.Invoke(r.Context(), au.Function, payload)
	if err != nil {
		if isUnauthorized(err) {
			return nil, http.StatusUnauthorized, ""
		}
		reason := fmt.Sprintf("authorizer %s failed: %v", au.Name, err)
		if g.opts.Logger == nil {
			g.opts.Warn(reason)
		}
		return nil, http.StatusInternalServerError, reason
	}
	res, err := check.DecodePolicy(out)
	if err != nil {
		return nil, http.StatusInternalServerError, fmt.Sprintf("authorizer %s: %v", au.Name, err)
	}
	g.store(key, au, cachedAuth{result: res})
	return res, 0, ""
}

// cached returns a live cache entry (only when caching is on).
func (g *Gateway) cached(key string) (cachedAuth, bool) {
	if !g.opts.CacheAuthorizers {
		return cachedAuth{}, false
	}
	g.cacheMu.Lock()
	c, ok := g.cache[key]
	g.cacheMu.Unlock()
	return c, ok && g.now().Before(c.expires)
}

// store caches an authorizer answer for its TTL (300 s when unset; 0
// disables caching), when caching is on.
func (g *Gateway) store(key string, au manifest.Authorizer, c cachedAuth) {
	if !g.opts.CacheAuthorizers {
		return
	}
	ttl := 300
	if au.TTLSeconds != nil {
		ttl = *au.TTLSeconds
	}
	if ttl <= 0 {
		return
	}
	c.expires = g.now().Add(time.Duration(ttl) * time.Second)
	g.cacheMu.Lock()
	g.cache[key] = c
	g.cacheMu.Unlock()
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
	return check.DecodeJWT(strings.TrimPrefix(token, "Bearer "))
}
