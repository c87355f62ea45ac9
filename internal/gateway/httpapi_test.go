package gateway

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gochalice/chalice/manifest"
)

func httpManifest() *manifest.Manifest {
	cors := &manifest.CORS{AllowOrigin: "https://app.example", AllowHeaders: []string{"Authorization", "Content-Type"},
		ExposeHeaders: []string{"X-Total"}, MaxAge: new(600)}
	return &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "t",
		Routes: []manifest.Route{
			{Path: "/", Method: "GET"},
			{Path: "/items/{id}", Method: "GET", CORS: cors},
			{Path: "/items/{id}", Method: "PUT", CORS: cors},
			{Path: "/pets/{id}", Method: "GET"},
			{Path: "/files/{path+}", Method: "GET"},
			{Path: "/any/{rest+}", Method: "ANY"},
			{Path: "/opt", Method: "OPTIONS"},
		}}
}

// HTTP APIs choose a route by path and method together; there is no 405:
// a method no route (or ANY) accepts is 404, like an unknown path.
func TestHTTPAPIRouting(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		target   string
		status   int
		body     string
		routeKey string // of the invoked event; "" means not invoked
	}{
		{"root", "GET", "/", 200, "ok", "GET /"},
		{"unknown path", "GET", "/nope", 404, bodyNotFound, ""},
		{"unknown method on known path", "DELETE", "/items/1", 404, bodyNotFound, ""},
		{"HEAD on GET-only route", "HEAD", "/", 404, bodyNotFound, ""},
		{"ANY accepts every method", "PATCH", "/any/x/y", 200, "ok", "ANY /any/{rest+}"},
		{"ANY accepts a method no route names", "PURGE", "/any/x", 200, "ok", "ANY /any/{rest+}"},
		{"greedy", "GET", "/files/a/b.txt", 200, "ok", "GET /files/{path+}"},
		{"explicit OPTIONS route is invoked", "OPTIONS", "/opt", 200, "ok", "OPTIONS /opt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := &fakeApp{}
			g := newTestGateway(t, httpManifest(), app, Options{API: APIHTTP})
			w := g.do(request{method: tt.method, target: tt.target})
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.body)
			}
			if w.Header().Get(httpRequestIDHeader) == "" {
				t.Errorf("no %s header", httpRequestIDHeader)
			}
			calls := app.called(manifest.APIHandlerName)
			if tt.routeKey == "" {
				if len(calls) != 0 {
					t.Fatalf("function invoked %d times, want none", len(calls))
				}
				return
			}
			if got := jsonPath(app.lastEvent(t, manifest.APIHandlerName), "routeKey"); got != tt.routeKey {
				t.Fatalf("routeKey = %v, want %s", got, tt.routeKey)
			}
		})
	}
}

// A more specific path that lacks the method gives way to a less specific
// one that has it (or ANY).
func TestHTTPAPIRoutePrecedenceByMethod(t *testing.T) {
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, Routes: []manifest.Route{
		{Path: "/pets/dog/1", Method: "GET"},
		{Path: "/pets/dog/{id}", Method: "GET"},
		{Path: "/pets/{proxy+}", Method: "GET"},
		{Path: "/{proxy+}", Method: "ANY"},
	}}
	tests := []struct{ method, target, routeKey string }{
		{"GET", "/pets/dog/1", "GET /pets/dog/1"},
		{"GET", "/pets/dog/2", "GET /pets/dog/{id}"},
		{"GET", "/pets/cat/1", "GET /pets/{proxy+}"},
		{"POST", "/pets/dog/1", "ANY /{proxy+}"},
		{"GET", "/pets", "ANY /{proxy+}"},
	}
	for _, tt := range tests {
		app := &fakeApp{}
		g := newTestGateway(t, m, app, Options{API: APIHTTP})
		if w := g.do(request{method: tt.method, target: tt.target}); w.Code != 200 {
			t.Fatalf("%s %s: %d", tt.method, tt.target, w.Code)
		}
		if got := jsonPath(app.lastEvent(t, manifest.APIHandlerName), "routeKey"); got != tt.routeKey {
			t.Errorf("%s %s: routeKey %v, want %s", tt.method, tt.target, got, tt.routeKey)
		}
	}
}

// HTTP APIs answer CORS preflight requests themselves, for any path, and
// put the API's CORS headers on responses to CORS requests, replacing the
// function's own.
func TestHTTPAPICORS(t *testing.T) {
	const origin = "https://app.example"
	preflight := [][2]string{{"Origin", origin}, {"Access-Control-Request-Method", "PUT"}}
	tests := []struct {
		name     string
		manifest *manifest.Manifest
		rq       request
		fnOut    string
		status   int
		headers  map[string]string // "" means absent
		invoked  bool
	}{
		{name: "preflight", rq: request{method: "OPTIONS", target: "/items/1", headers: preflight}, status: 204, headers: map[string]string{
			"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "GET,OPTIONS,PUT",
			"Access-Control-Allow-Headers": "Authorization,Content-Type", "Access-Control-Max-Age": "600"}},
		{name: "preflight on a path without CORS", rq: request{method: "OPTIONS", target: "/pets/1", headers: preflight}, status: 204,
			headers: map[string]string{"Access-Control-Allow-Origin": origin}},
		{name: "preflight on an unknown path", rq: request{method: "OPTIONS", target: "/nope", headers: preflight}, status: 204,
			headers: map[string]string{"Access-Control-Allow-Origin": origin}},
		{name: "preflight from another origin", rq: request{method: "OPTIONS", target: "/items/1",
			headers: [][2]string{{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "PUT"}}},
			status: 204, headers: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": ""}},
		{name: "OPTIONS that is not a preflight", rq: request{method: "OPTIONS", target: "/items/1"}, status: 404},
		{name: "preflight without CORS configured", manifest: restManifest(), rq: request{method: "OPTIONS", target: "/", headers: preflight}, status: 404},
		{name: "preflight goes to an OPTIONS route", rq: request{method: "OPTIONS", target: "/opt", headers: preflight}, status: 200, invoked: true},
		{name: "CORS request gets the API's headers", rq: request{target: "/items/1", headers: [][2]string{{"Origin", origin}}},
			fnOut:  `{"statusCode":200,"headers":{"Access-Control-Allow-Origin":"*","Access-Control-Allow-Headers":"X"},"body":"x"}`,
			status: 200, invoked: true, headers: map[string]string{"Access-Control-Allow-Origin": origin,
				"Access-Control-Expose-Headers": "X-Total", "Access-Control-Allow-Headers": ""}},
		{name: "any route of the API", rq: request{target: "/pets/1", headers: [][2]string{{"Origin", origin}}},
			status: 200, invoked: true, headers: map[string]string{"Access-Control-Allow-Origin": origin}},
		{name: "request without Origin", rq: request{target: "/items/1"},
			fnOut:  `{"statusCode":200,"headers":{"Access-Control-Allow-Origin":"*"},"body":"x"}`,
			status: 200, invoked: true, headers: map[string]string{"Access-Control-Allow-Origin": ""}},
		{name: "wildcard origin", manifest: func() *manifest.Manifest {
			m := httpManifest()
			m.Routes[1].CORS = &manifest.CORS{AllowOrigin: "*", AllowHeaders: []string{"A"}}
			return m
		}(), rq: request{target: "/items/1", headers: [][2]string{{"Origin", "https://x.example"}}}, status: 200, invoked: true,
			headers: map[string]string{"Access-Control-Allow-Origin": "*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.manifest
			if m == nil {
				m = httpManifest()
			}
			app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){}}
			if tt.fnOut != "" {
				app.fns[manifest.APIHandlerName] = answer(tt.fnOut)
			}
			g := newTestGateway(t, m, app, Options{API: APIHTTP})
			w := g.do(tt.rq)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d (%s)", w.Code, tt.status, w.Body.String())
			}
			for k, v := range tt.headers {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if invoked := len(app.called(manifest.APIHandlerName)) > 0; invoked != tt.invoked {
				t.Errorf("function invoked = %v, want %v", invoked, tt.invoked)
			}
		})
	}
}

// The payload format 2.0 response and HTTP API's format inference.
func TestHTTPAPIResponseFormat(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		status  int
		body    string
		headers map[string]string
	}{
		{"bare string is the body", `"Hello from Lambda!"`, 200, "Hello from Lambda!", map[string]string{"Content-Type": "application/json"}},
		{"object without statusCode is the body", `{ "message": "Hello from Lambda!" }`, 200, `{ "message": "Hello from Lambda!" }`, map[string]string{"Content-Type": "application/json"}},
		{"number", `42`, 200, `42`, nil},
		{"list", `[1,"a"]`, 200, `[1,"a"]`, nil},
		{"null", `null`, 200, `null`, nil},
		{"full response", `{"statusCode":201,"headers":{"Content-Type":"text/plain","X-A":"1,2"},"cookies":["a=1; HttpOnly","b=2"],"body":"made"}`,
			201, "made", map[string]string{"Content-Type": "text/plain", "X-A": "1,2", "Set-Cookie": "a=1; HttpOnly|b=2"}},
		{"base64 body", `{"statusCode":200,"headers":{"Content-Type":"image/png"},"body":"iVBORw==","isBase64Encoded":true}`, 200, "\x89PNG", nil},
		{"base64 flag false keeps the text", `{"statusCode":200,"body":"iVBORw==","isBase64Encoded":false}`, 200, "iVBORw==", nil},
		{"multiValueHeaders is not payload 2.0", `{"statusCode":200,"multiValueHeaders":{"X-M":["1"]},"body":"x"}`, 200, "x", map[string]string{"X-M": ""}},
		{"invalid JSON", `{"statusCode":200`, 500, bodyInternal, nil},
		{"statusCode as a string", `{"statusCode":"200","body":"x"}`, 500, bodyInternal, nil},
		{"statusCode out of range", `{"statusCode":1000}`, 500, bodyInternal, nil},
		{"isBase64Encoded not a boolean", `{"statusCode":200,"body":"eA==","isBase64Encoded":"true"}`, 500, bodyInternal, nil},
		{"bad base64", `{"statusCode":200,"body":"!!","isBase64Encoded":true}`, 500, bodyInternal, nil},
		{"body not a string", `{"statusCode":200,"body":{"a":1}}`, 500, bodyInternal, nil},
		{"cookies not strings", `{"statusCode":200,"cookies":[1]}`, 500, bodyInternal, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){manifest.APIHandlerName: answer(tt.out)}}
			g := newTestGateway(t, httpManifest(), app, Options{API: APIHTTP})
			w := g.do(request{target: "/"})
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.body)
			}
			for k, v := range tt.headers {
				if got := strings.Join(w.Header().Values(k), "|"); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// The payload format 2.0 event: duplicate headers and query parameters
// joined with commas, cookies apart, URL-encoded parameters decoded.
func TestHTTPAPIEvent(t *testing.T) {
	app := &fakeApp{}
	g := newTestGateway(t, httpManifest(), app, Options{API: APIHTTP, Stage: "dev", StageVariables: map[string]string{"v": "1"}})
	g.do(request{target: "/pets/a%20b?q=1&q=2&s=x%2By", headers: [][2]string{{"X-Dup", "1"}, {"X-Dup", "2"}, {"Cookie", "a=1; b=2"}, {"User-Agent", "ua"}}})
	ev := app.lastEvent(t, manifest.APIHandlerName)
	checks := []struct {
		path []string
		want string
	}{
		{[]string{"version"}, `"2.0"`},
		{[]string{"routeKey"}, `"GET /pets/{id}"`},
		{[]string{"rawPath"}, `"/pets/a%20b"`},
		{[]string{"rawQueryString"}, `"q=1\u0026q=2\u0026s=x%2By"`},
		{[]string{"pathParameters"}, `{"id":"a b"}`},
		{[]string{"queryStringParameters"}, `{"q":"1,2","s":"x+y"}`},
		{[]string{"headers", "x-dup"}, `"1,2"`},
		{[]string{"headers", "cookie"}, `null`},
		{[]string{"cookies"}, `["a=1","b=2"]`},
		{[]string{"stageVariables"}, `{"v":"1"}`},
		{[]string{"requestContext", "stage"}, `"dev"`},
		{[]string{"requestContext", "routeKey"}, `"GET /pets/{id}"`},
		{[]string{"requestContext", "http"}, `{"method":"GET","path":"/pets/a%20b","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"ua"}`},
		{[]string{"requestContext", "time"}, `"09/Apr/2025:12:34:56 +0000"`},
		{[]string{"requestContext", "timeEpoch"}, `1744202096000`},
	}
	for _, c := range checks {
		if got := compact(jsonPath(ev, c.path...)); got != c.want {
			t.Errorf("%s = %s, want %s", strings.Join(c.path, "."), got, c.want)
		}
	}
}

func authManifest(au manifest.Authorizer, scopes ...string) *manifest.Manifest {
	if au.Name == "" {
		au.Name = "auth"
	}
	return &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "t",
		Routes: []manifest.Route{
			{Path: "/secret/{id}", Method: "GET", Authorizer: au.Name, AuthorizerScopes: scopes},
			{Path: "/other", Method: "GET", Authorizer: au.Name},
		},
		Authorizers: []manifest.Authorizer{au}}
}

func allowPolicy(resource string) string {
	return `{"principalId":"alice","context":{"team":"blue"},"policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":["` + resource + `"]}]}}`
}

const secretARN = "arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/secret/7"

// Lambda authorizers of an HTTP API: the event of each payload format
// version, simple responses, identity sources and the answers for each
// outcome.
func TestHTTPAPILambdaAuthorizer(t *testing.T) {
	builtin := manifest.Authorizer{Type: manifest.AuthBuiltin, Header: "Authorization", Function: "authfn"}
	v2simple := builtin
	v2simple.PayloadFormatVersion, v2simple.SimpleResponses = manifest.AuthPayload20, true
	v2policy := builtin
	v2policy.PayloadFormatVersion = manifest.AuthPayload20
	multi := v2simple
	multi.IdentitySources = []string{"$request.header.X-Key", "$request.querystring.token", "$context.routeKey", "$stageVariables.env"}
	tok := [][2]string{{"Authorization", "tok"}}
	tests := []struct {
		name     string
		au       manifest.Authorizer
		rq       request
		authOut  string
		authErr  error
		status   int
		body     string
		ctx      string            // requestContext.authorizer of the function's event
		authEv   map[string]string // fields of the authorizer's event (compact JSON)
		noInvoke bool              // the authorizer must not run
	}{
		{name: "1.0 allowed", au: builtin, rq: request{target: "/secret/7", headers: tok}, authOut: allowPolicy(secretARN), status: 200,
			ctx: `{"lambda":{"principalId":"alice","team":"blue"}}`,
			authEv: map[string]string{"version": `"1.0"`, "type": `"REQUEST"`, "methodArn": `"` + secretARN + `"`, "identitySource": `"tok"`,
				"authorizationToken": `"tok"`, "resource": `"/secret/{id}"`, "path": `"/secret/7"`, "httpMethod": `"GET"`, "pathParameters": `{"id":"7"}`}},
		{name: "1.0 policy for another route", au: builtin, rq: request{target: "/secret/7", headers: tok},
			authOut: allowPolicy("arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/other"), status: 403, body: bodyForbidden},
		{name: "missing identity source", au: builtin, rq: request{target: "/secret/7"}, status: 401, body: bodyUnauthorized, noInvoke: true},
		{name: "empty identity source", au: builtin, rq: request{target: "/secret/7", headers: [][2]string{{"Authorization", ""}}}, status: 401, body: bodyUnauthorized, noInvoke: true},
		{name: "authorizer error", au: builtin, rq: request{target: "/secret/7", headers: tok}, authErr: errors.New("boom"), status: 500, body: bodyInternal},
		{name: "authorizer Unauthorized", au: builtin, rq: request{target: "/secret/7", headers: tok}, authErr: errors.New("Unauthorized"), status: 401, body: bodyUnauthorized},
		{name: "1.0 null answer", au: builtin, rq: request{target: "/secret/7", headers: tok}, authOut: `null`, status: 500, body: bodyInternal},
		{name: "2.0 simple allowed", au: v2simple, rq: request{target: "/secret/7?x=1", headers: tok}, authOut: `{"isAuthorized":true,"context":{"n":1}}`, status: 200,
			ctx: `{"lambda":{"n":1}}`,
			authEv: map[string]string{"version": `"2.0"`, "type": `"REQUEST"`, "routeArn": `"` + secretARN + `"`, "identitySource": `["tok"]`,
				"routeKey": `"GET /secret/{id}"`, "rawPath": `"/secret/7"`, "rawQueryString": `"x=1"`, "pathParameters": `{"id":"7"}`}},
		{name: "2.0 simple denied", au: v2simple, rq: request{target: "/secret/7", headers: tok}, authOut: `{"isAuthorized":false}`, status: 403, body: bodyForbidden},
		{name: "2.0 simple answer without isAuthorized", au: v2simple, rq: request{target: "/secret/7", headers: tok}, authOut: `{"context":{}}`, status: 500, body: bodyInternal},
		{name: "2.0 simple answer not a boolean", au: v2simple, rq: request{target: "/secret/7", headers: tok}, authOut: `{"isAuthorized":"true"}`, status: 500, body: bodyInternal},
		{name: "2.0 IAM policy", au: v2policy, rq: request{target: "/secret/7", headers: tok}, authOut: allowPolicy("arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/*/secret/*"),
			status: 200, ctx: `{"lambda":{"principalId":"alice","team":"blue"}}`},
		{name: "every identity source present", au: multi, rq: request{target: "/secret/7?token=q", headers: [][2]string{{"x-key", "k"}}},
			authOut: `{"isAuthorized":true}`, status: 200, authEv: map[string]string{"identitySource": `["k","q","GET /secret/{id}","prod"]`}},
		{name: "query identity source missing", au: multi, rq: request{target: "/secret/7?Token=q", headers: [][2]string{{"X-Key", "k"}}},
			status: 401, body: bodyUnauthorized, noInvoke: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := answer(tt.authOut)
			if tt.authErr != nil {
				fn = fail(tt.authErr)
			}
			app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){"authfn": fn}}
			g := newTestGateway(t, authManifest(tt.au), app, Options{API: APIHTTP, StageVariables: map[string]string{"env": "prod"}})
			w := g.do(tt.rq)
			if w.Code != tt.status || (tt.body != "" && w.Body.String() != tt.body) {
				t.Fatalf("got %d %s, want %d %s", w.Code, w.Body.String(), tt.status, tt.body)
			}
			if tt.noInvoke {
				if n := len(app.called("authfn")); n != 0 {
					t.Fatalf("authorizer ran %d times, want 0", n)
				}
				return
			}
			if tt.ctx != "" {
				if got := compact(jsonPath(app.lastEvent(t, manifest.APIHandlerName), "requestContext", "authorizer")); got != tt.ctx {
					t.Errorf("authorizer context = %s, want %s", got, tt.ctx)
				}
			}
			if tt.authEv != nil {
				ev := app.lastEvent(t, "authfn")
				for k, want := range tt.authEv {
					if got := compact(ev[k]); got != want {
						t.Errorf("authorizer event %s = %s, want %s", k, got, want)
					}
				}
			}
		})
	}
}

// With caching on, answers are cached by identity source values: a simple
// response then applies to every route of the authorizer, a policy is
// evaluated again for each route.
func TestHTTPAPIAuthorizerCache(t *testing.T) {
	ttl := 60
	tests := []struct {
		name  string
		au    manifest.Authorizer
		out   string
		other int // status of /other answered from the cache
	}{
		{"simple", manifest.Authorizer{Type: manifest.AuthBuiltin, Function: "authfn", TTLSeconds: &ttl,
			PayloadFormatVersion: manifest.AuthPayload20, SimpleResponses: true}, `{"isAuthorized":true}`, 200},
		{"policy", manifest.Authorizer{Type: manifest.AuthBuiltin, Function: "authfn", TTLSeconds: &ttl}, allowPolicy(secretARN), 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := &fakeApp{fns: map[string]func([]byte) ([]byte, error){"authfn": answer(tt.out)}}
			g := newTestGateway(t, authManifest(tt.au), app, Options{API: APIHTTP, CacheAuthorizers: true})
			tok := func(v string) request {
				return request{target: "/secret/7", headers: [][2]string{{"Authorization", v}}}
			}
			if w := g.do(tok("a")); w.Code != 200 {
				t.Fatalf("first: %d", w.Code)
			}
			g.do(tok("a"))
			if w := g.do(request{target: "/other", headers: [][2]string{{"Authorization", "a"}}}); w.Code != tt.other {
				t.Fatalf("/other from cache: %d, want %d", w.Code, tt.other)
			}
			g.do(tok("b")) // other identity: not cached
			if n := len(app.called("authfn")); n != 2 {
				t.Fatalf("authorizer ran %d times, want 2", n)
			}
		})
	}
}

// jwtToken builds an unsigned JWT with these claims.
func jwtToken(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","kid":"k1"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

// JWT authorizers: issuer, audience (or client_id), expiry, not-before and
// scopes are checked; claims and scopes reach the function.
func TestHTTPAPIJWTAuthorizer(t *testing.T) {
	const now = 1744202096 // the test clock
	au := manifest.Authorizer{Type: manifest.AuthJWT, Issuer: "https://issuer.example", Audience: []string{"app1", "app2"}}
	exp := `,"exp":` + jsonNum(now+60)
	tests := []struct {
		name   string
		token  string
		scopes []string
		status int
		ctx    string
	}{
		{"valid", "Bearer " + jwtToken(`{"iss":"https://issuer.example","aud":"app1","sub":"u1","groups":["a","b"],"admin":true`+exp+`}`), nil, 200,
			`{"jwt":{"claims":{"admin":"true","aud":"app1","exp":"1744202156","groups":"[a b]","iss":"https://issuer.example","sub":"u1"},"scopes":null}}`},
		{"without Bearer", jwtToken(`{"iss":"https://issuer.example","aud":["x","app2"]` + exp + `}`), nil, 200, ""},
		{"client_id when no aud", jwtToken(`{"iss":"https://issuer.example","client_id":"app2"` + exp + `}`), nil, 200, ""},
		{"aud wins over client_id", jwtToken(`{"iss":"https://issuer.example","aud":"other","client_id":"app2"` + exp + `}`), nil, 401, ""},
		{"wrong issuer", jwtToken(`{"iss":"https://evil.example","aud":"app1"` + exp + `}`), nil, 401, ""},
		{"wrong audience", jwtToken(`{"iss":"https://issuer.example","aud":"app3"` + exp + `}`), nil, 401, ""},
		{"expired", jwtToken(`{"iss":"https://issuer.example","aud":"app1","exp":` + jsonNum(now-1) + `}`), nil, 401, ""},
		{"no exp", jwtToken(`{"iss":"https://issuer.example","aud":"app1"}`), nil, 401, ""},
		{"not yet valid", jwtToken(`{"iss":"https://issuer.example","aud":"app1","nbf":` + jsonNum(now+30) + exp + `}`), nil, 401, ""},
		{"issued in the future", jwtToken(`{"iss":"https://issuer.example","aud":"app1","iat":` + jsonNum(now+30) + exp + `}`), nil, 401, ""},
		{"not a JWT", "Bearer abc", nil, 401, ""},
		{"missing token", "", nil, 401, ""},
		{"scope granted", jwtToken(`{"iss":"https://issuer.example","aud":"app1","scope":"read write"` + exp + `}`), []string{"write"}, 200,
			`{"jwt":{"claims":{"aud":"app1","exp":"1744202156","iss":"https://issuer.example","scope":"read write"},"scopes":["read","write"]}}`},
		{"scp list granted", jwtToken(`{"iss":"https://issuer.example","aud":"app1","scp":["admin"]` + exp + `}`), []string{"admin", "root"}, 200, ""},
		{"scope missing", jwtToken(`{"iss":"https://issuer.example","aud":"app1","scope":"read"` + exp + `}`), []string{"write"}, 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := &fakeApp{}
			g := newTestGateway(t, authManifest(au, tt.scopes...), app, Options{API: APIHTTP})
			var headers [][2]string
			if tt.token != "" {
				headers = [][2]string{{"Authorization", tt.token}}
			}
			w := g.do(request{target: "/secret/7", headers: headers})
			want := map[int]string{200: "ok", 401: bodyUnauthorized, 403: bodyForbidden}[tt.status]
			if w.Code != tt.status || w.Body.String() != want {
				t.Fatalf("got %d %s, want %d %s", w.Code, w.Body.String(), tt.status, want)
			}
			if tt.ctx != "" {
				if got := compact(jsonPath(app.lastEvent(t, manifest.APIHandlerName), "requestContext", "authorizer")); got != tt.ctx {
					t.Errorf("authorizer = %s, want %s", got, tt.ctx)
				}
			}
		})
	}
}

func jsonNum(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Authorizer settings API Gateway would refuse fail New.
func TestHTTPAPIAuthorizerConfigErrors(t *testing.T) {
	tests := []struct {
		au   manifest.Authorizer
		want string
	}{
		{manifest.Authorizer{Type: manifest.AuthBuiltin, SimpleResponses: true}, "enableSimpleResponses needs payloadFormatVersion 2.0"},
		{manifest.Authorizer{Type: manifest.AuthBuiltin, PayloadFormatVersion: "3.0"}, `payloadFormatVersion "3.0"`},
		{manifest.Authorizer{Type: manifest.AuthBuiltin, IdentitySources: []string{"Authorization"}}, "want $request.header.NAME"},
		{manifest.Authorizer{Type: manifest.AuthBuiltin, IdentitySources: []string{"$context.nope"}}, "unsupported context variable"},
		{manifest.Authorizer{Type: manifest.AuthBuiltin, IdentitySources: []string{"$request.header."}}, "names nothing"},
	}
	for _, tt := range tests {
		_, err := New(authManifest(tt.au), &fakeApp{}, Options{API: APIHTTP})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) = %v, want %q", tt.au, err, tt.want)
		}
	}
}

// A JWT authorizer on a REST API is refused rather than letting every
// request through.
func TestRESTRefusesJWTAuthorizer(t *testing.T) {
	_, err := New(authManifest(manifest.Authorizer{Type: manifest.AuthJWT, Issuer: "https://issuer.example", Audience: []string{"a"}}), &fakeApp{}, Options{API: APIRest})
	if err == nil || !strings.Contains(err.Error(), "is a JWT authorizer, which only HTTP APIs have: serve the app as an HTTP API (--api http, api_type http)") {
		t.Fatalf("err = %v", err)
	}
}

// Gateway errors of an HTTP API carry its request id header.
func TestHTTPAPIErrorsCarryRequestID(t *testing.T) {
	g := newTestGateway(t, httpManifest(), &fakeApp{}, Options{API: APIHTTP})
	w := g.do(request{target: "/nope"})
	if w.Code != 404 || w.Header().Get(httpRequestIDHeader) == "" || w.Header().Get("X-Amzn-Requestid") != "" {
		t.Fatalf("got %d %v", w.Code, w.Header())
	}
}
