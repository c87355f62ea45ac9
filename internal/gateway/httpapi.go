package gateway

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gochalice/chalice/manifest"
)

// API types the gateway can emulate.
const (
	APIRest = "rest" // REST API, payload format 1.0 (default, as Chalice)
	APIHTTP = "http" // HTTP API, payload format 2.0
)

// httpAPIEvent is the HTTP API payload format 2.0.
type httpAPIEvent struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
	RequestContext        httpAPIContext    `json:"requestContext"`
	Body                  string            `json:"body,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
}

type httpAPIContext struct {
	AccountID    string         `json:"accountId"`
	APIID        string         `json:"apiId"`
	Authorizer   map[string]any `json:"authorizer,omitempty"`
	DomainName   string         `json:"domainName"`
	DomainPrefix string         `json:"domainPrefix"`
	HTTP         struct {
		Method    string `json:"method"`
		Path      string `json:"path"`
		Protocol  string `json:"protocol"`
		SourceIP  string `json:"sourceIp"`
		UserAgent string `json:"userAgent"`
	} `json:"http"`
	RequestID string `json:"requestId"`
	RouteKey  string `json:"routeKey"`
	Stage     string `json:"stage"`
	Time      string `json:"time"`
	TimeEpoch int64  `json:"timeEpoch"`
}

// serveHTTPAPI answers one request as an HTTP API (v2) would.
func (g *Gateway) serveHTTPAPI(w http.ResponseWriter, r *http.Request, body []byte, reqID string) {
	rawPath := r.URL.EscapedPath()
	_, res, params, ok := g.table.Match(rawPath)
	var rt *manifest.Route
	if ok {
		rt = res.methods[r.Method]
	}
	if rt == nil {
		if ok && r.Method == http.MethodOptions && preflightCORS(res) != nil {
			writePreflight(w, res, reqID)
			return
		}
		writeGatewayError(w, http.StatusNotFound, reqID, "", `{"message":"Not Found"}`)
		return
	}
	now := g.now()
	ev := &httpAPIEvent{
		Version: "2.0", RouteKey: r.Method + " " + res.path, RawPath: rawPath, RawQueryString: r.URL.RawQuery,
		Headers: map[string]string{}, PathParameters: params.Map(), StageVariables: g.opts.StageVariables,
	}
	if len(ev.PathParameters) == 0 {
		ev.PathParameters = nil
	}
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			for _, v := range vs {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						ev.Cookies = append(ev.Cookies, c)
					}
				}
			}
			continue
		}
		ev.Headers[lk] = strings.Join(vs, ",")
	}
	if r.Host != "" {
		ev.Headers["host"] = r.Host
	}
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil && len(q) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k, vs := range q {
			ev.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	if len(body) > 0 {
		if isTextType(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	c := &ev.RequestContext
	c.AccountID, c.APIID, c.DomainName, c.DomainPrefix = LocalAccountID, LocalAPIID, r.Host, LocalAPIID
	c.HTTP.Method, c.HTTP.Path, c.HTTP.Protocol, c.HTTP.SourceIP, c.HTTP.UserAgent = r.Method, rawPath, r.Proto, LocalSourceIP, r.UserAgent()
	c.RequestID, c.RouteKey, c.Stage = reqID, ev.RouteKey, g.opts.Stage
	c.Time, c.TimeEpoch = now.UTC().Format("02/Jan/2006:15:04:05 -0700"), now.UnixMilli()

	if rt.Authorizer != "" {
		ok, status := g.authorizeHTTPAPI(r, rt, ev)
		if !ok {
			msg := map[int]string{401: `{"message":"Unauthorized"}`, 403: `{"message":"Forbidden"}`}[status]
			if msg == "" {
				msg = `{"message":"Internal Server Error"}`
			}
			writeGatewayError(w, status, reqID, "", msg)
			return
		}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		writeGatewayError(w, http.StatusInternalServerError, reqID, "", `{"message":"Internal Server Error"}`)
		return
	}
	out, err := g.inv.Invoke(r.Context(), manifest.APIHandlerName, payload)
	if err != nil {
		var te TimeoutError
		if errors.As(err, &te) && te.Timeout() {
			writeGatewayError(w, http.StatusServiceUnavailable, reqID, "", `{"message":"Service Unavailable"}`)
			return
		}
		writeGatewayError(w, http.StatusInternalServerError, reqID, "", `{"message":"Internal Server Error"}`)
		return
	}
	writeHTTPAPIResponse(w, reqID, out)
}

func preflightCORS(res *resource) *manifest.CORS {
	for _, m := range res.order {
		if c := res.methods[m].CORS; c != nil {
			return c
		}
	}
	return nil
}

// isTextType reports the content types an HTTP API passes as text.
func isTextType(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	return ct == "" || strings.HasPrefix(ct, "text/") || strings.HasSuffix(ct, "json") || strings.HasSuffix(ct, "xml") ||
		ct == "application/x-www-form-urlencoded" || ct == "application/javascript"
}

// authorizeHTTPAPI runs the route's authorizer for an HTTP API request.
func (g *Gateway) authorizeHTTPAPI(r *http.Request, rt *manifest.Route, ev *httpAPIEvent) (bool, int) {
	au, ok := g.m.Authorizer(rt.Authorizer)
	if !ok || au.Type != manifest.AuthBuiltin {
		if ok && au.Type == manifest.AuthCognito {
			if claims, err := jwtClaims(r.Header.Get(au.Header)); err == nil {
				ev.RequestContext.Authorizer = map[string]any{"jwt": map[string]any{"claims": claims, "scopes": nil}}
				return true, 0
			}
		}
		g.warnOnce("http:"+rt.Authorizer, "authorizer "+rt.Authorizer+" is not checked locally; all requests to its routes are allowed.")
		return true, 0
	}
	token := r.Header.Get(au.Header)
	if token == "" {
		return false, http.StatusUnauthorized
	}
	arn := g.localARN(r.Method, r.URL.EscapedPath())
	res, status := g.runAuthorizer(r, au, token, arn)
	if status != 0 {
		return false, status
	}
	if !res.allows(arn) {
		return false, http.StatusForbidden
	}
	ctx := map[string]any{"principalId": res.PrincipalID}
	for k, v := range res.Context {
		ctx[k] = v
	}
	ev.RequestContext.Authorizer = map[string]any{"lambda": ctx}
	return true, 0
}

type httpAPIResponse struct {
	StatusCode      *int              `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	Cookies         []string          `json:"cookies"`
	Body            *string           `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
}

// writeHTTPAPIResponse interprets a payload 2.0 response. Without a
// statusCode the whole output is the JSON body (HTTP API's inference).
func writeHTTPAPIResponse(w http.ResponseWriter, reqID string, out []byte) {
	var pr httpAPIResponse
	if err := json.Unmarshal(out, &pr); err != nil || pr.StatusCode == nil {
		if !json.Valid(out) {
			writeGatewayError(w, http.StatusInternalServerError, reqID, "", `{"message":"Internal Server Error"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.Header().Set("Apigw-Requestid", reqID)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
		return
	}
	body, err := responseBody(pr.Body, pr.IsBase64Encoded)
	if err != nil {
		writeGatewayError(w, http.StatusInternalServerError, reqID, "", `{"message":"Internal Server Error"}`)
		return
	}
	h := w.Header()
	for k, v := range pr.Headers {
		h.Set(k, v)
	}
	for _, c := range pr.Cookies {
		h.Add("Set-Cookie", c)
	}
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Apigw-Requestid", reqID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(*pr.StatusCode)
	_, _ = w.Write(body)
}
