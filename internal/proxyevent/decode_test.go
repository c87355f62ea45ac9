package proxyevent

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestDecodeFixtures(t *testing.T) {
	tests := []struct {
		file     string
		kind     Kind
		resource string
		path     string
		method   string
		query    map[string][]string
		check    func(t *testing.T, r *Request)
	}{
		{
			file: "v1_rest.json", kind: KindV1,
			resource: "/orders/{orderId}/items", path: "/orders/8f2c1e/items", method: "GET",
			query: map[string][]string{"limit": {"25"}, "tag": {"red", "blue"}},
			check: func(t *testing.T, r *Request) {
				if got := r.Headers["CloudFront-Viewer-Country"]; got != "DE" {
					t.Errorf("CloudFront-Viewer-Country = %q", got)
				}
				if got := r.MultiValueHeaders["X-Forwarded-For"]; !reflect.DeepEqual(got, []string{"203.0.113.24, 198.51.100.7"}) {
					t.Errorf("multi X-Forwarded-For = %q", got)
				}
				if r.PathParameters["orderId"] != "8f2c1e" || r.StageVariables["tableName"] != "orders-prod" {
					t.Errorf("params %v / %v", r.PathParameters, r.StageVariables)
				}
				c := r.Context
				if c.SourceIP != "203.0.113.24" || c.UserAgent != "curl/8.5.0" || c.RequestTimeEpoch != 1744202096123 {
					t.Errorf("context %+v", c)
				}
				claims, _ := c.Authorizer["claims"].(map[string]any)
				if claims["email"] != "ana@example.com" || !reflect.DeepEqual(claims["cognito:groups"], []any{"admin", "ops"}) ||
					claims["email_verified"] != true || c.Authorizer["integrationLatency"] != 12.0 {
					t.Errorf("authorizer %#v", c.Authorizer)
				}
				if !json.Valid(c.Raw) || !strings.HasPrefix(string(c.Raw), "{") || !strings.HasSuffix(string(c.Raw), "}") {
					t.Errorf("Raw = %q", c.Raw)
				}
				if r.Body != "" {
					t.Errorf("Body = %q", r.Body)
				}
			},
		},
		{
			file: "v1_base64.json", kind: KindV1, resource: "/upload", path: "/upload", method: "POST",
			check: func(t *testing.T, r *Request) {
				if !r.IsBase64Encoded || !strings.HasPrefix(r.Body, "iVBORw0KGgo") {
					t.Errorf("body %q base64=%v", r.Body, r.IsBase64Encoded)
				}
				if r.Query != nil || r.PathParameters != nil || r.StageVariables != nil {
					t.Errorf("null maps not nil: %v %v %v", r.Query, r.PathParameters, r.StageVariables)
				}
			},
		},
		{
			file: "v1_nulls.json", kind: KindV1, resource: "/", path: "/", method: "GET",
			check: func(t *testing.T, r *Request) {
				if r.Headers != nil || r.MultiValueHeaders != nil || r.Context.Authorizer != nil {
					t.Errorf("null maps not nil")
				}
				if r.Context.UserAgent != "" || r.Context.SourceIP != "test-invoke-source-ip" || r.Context.DomainPrefix != "" {
					t.Errorf("context %+v", r.Context)
				}
			},
		},
		{
			file: "alb.json", kind: KindV1, path: "/things/7", method: "PUT",
			query: map[string][]string{"dry": {"1"}},
		},
		{
			file: "v2_http.json", kind: KindV2, resource: "/users/{id}", path: "/users/42", method: "GET",
			query: map[string][]string{"fields": {"name", "email"}, "q": {"café au lait"}, "flag": {""}},
			check: func(t *testing.T, r *Request) {
				if got := r.Headers["cookie"]; got != "session=abc123; theme=dark" {
					t.Errorf("cookie = %q", got)
				}
				c := r.Context
				if c.RouteKey != "GET /users/{id}" || c.SourceIP != "192.0.2.44" || c.RequestTimeEpoch != 1744202400000 ||
					c.RequestTime != "09/Apr/2025:12:40:00 +0000" || c.HTTPMethod != "GET" || c.Protocol != "HTTP/1.1" {
					t.Errorf("context %+v", c)
				}
				jwt, _ := c.Authorizer["jwt"].(map[string]any)
				if !reflect.DeepEqual(jwt["scopes"], []any{"read", "write"}) {
					t.Errorf("authorizer %#v", c.Authorizer)
				}
			},
		},
		{
			file: "function_url.json", kind: KindFunctionURL, resource: "", path: "/webhook/github", method: "POST",
			query: map[string][]string{"ref": {"main", "dev"}},
			check: func(t *testing.T, r *Request) {
				if got := r.Headers["cookie"]; got != "a=1; b=2" {
					t.Errorf("cookie = %q (existing header must win)", got)
				}
				if want := `{"ref":"refs/heads/main","note":"café 🚀 <ok> & /done"}`; r.Body != want {
					t.Errorf("Body = %q, want %q", r.Body, want)
				}
			},
		},
		{
			file: "websocket_connect.json", kind: KindWebsocket,
			query: map[string][]string{"token": {"t0k3n"}},
			check: func(t *testing.T, r *Request) {
				c := r.Context
				if c.EventType != "CONNECT" || c.RouteKey != "$connect" || c.ConnectionID != "Xy1ZabCDEFGHIJ=" {
					t.Errorf("context %+v", c)
				}
			},
		},
		{
			file: "websocket_message.json", kind: KindWebsocket,
			check: func(t *testing.T, r *Request) {
				c := r.Context
				if c.EventType != "MESSAGE" || c.MessageID != "Xy2MsgEXAMPLE=" || c.RouteKey != "sendmessage" {
					t.Errorf("context %+v", c)
				}
				if want := `{"action":"sendmessage","text":"hi \"there\"\n"}`; r.Body != want {
					t.Errorf("Body = %q, want %q", r.Body, want)
				}
			},
		},
		{file: "sqs.json", kind: KindUnknown},
		{file: "empty_object.json", kind: KindUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := Decode(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind != tt.kind {
				t.Errorf("Kind = %v, want %v", r.Kind, tt.kind)
			}
			if r.Resource != tt.resource || r.Path != tt.path || r.Method != tt.method {
				t.Errorf("Resource/Path/Method = %q %q %q, want %q %q %q",
					r.Resource, r.Path, r.Method, tt.resource, tt.path, tt.method)
			}
			if !reflect.DeepEqual(r.Query, tt.query) {
				t.Errorf("Query = %#v, want %#v", r.Query, tt.query)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

var v1Fixtures = []string{"v1_rest.json", "v1_base64.json", "v1_nulls.json", "alb.json",
	"websocket_connect.json", "websocket_message.json", "sqs.json", "empty_object.json"}

var v2Fixtures = []string{"v2_http.json", "function_url.json"}

func TestDecodeMatchesStdlibV1(t *testing.T) {
	for _, name := range v1Fixtures {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			var std events.APIGatewayProxyRequest
			if err := json.Unmarshal(data, &std); err != nil {
				t.Fatal(err)
			}
			r, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			compareV1(r, &std).report(t, name)
			if r.Kind != KindWebsocket {
				return
			}
			var ws events.APIGatewayWebsocketProxyRequest
			if err := json.Unmarshal(data, &ws); err != nil {
				t.Fatal(err)
			}
			var d diff
			d.check("RouteKey", r.Context.RouteKey, ws.RequestContext.RouteKey)
			d.check("EventType", r.Context.EventType, ws.RequestContext.EventType)
			d.check("ConnectionID", r.Context.ConnectionID, ws.RequestContext.ConnectionID)
			wantMsg, _ := ws.RequestContext.MessageID.(string)
			d.check("MessageID", r.Context.MessageID, wantMsg)
			d.report(t, name)
		})
	}
}

func TestDecodeMatchesStdlibV2(t *testing.T) {
	for _, name := range v2Fixtures {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			var std events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(data, &std); err != nil {
				t.Fatal(err)
			}
			r, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			compareV2(r, &std, data).report(t, name)
			var d diff
			d.check("Authorizer", r.Context.Authorizer, stdAuthorizer(t, data))
			d.report(t, name)
		})
	}
}

// TestDecodeStrings checks string unescaping against encoding/json.
func TestDecodeStrings(t *testing.T) {
	tests := []struct {
		name, lit string
		valid     bool
	}{
		{"plain", `"hello"`, true},
		{"empty", `""`, true},
		{"newline", `"a\nb"`, true},
		{"all simple escapes", `"\" \\ \/ \b \f \n \r \t"`, true},
		{"unicode bmp", `"caf\u00e9 \u20AC"`, true},
		{"surrogate pair", `"\ud83d\ude80"`, true},
		{"lone high surrogate", `"\ud83dx"`, true},
		{"lone low surrogate", `"\ude80"`, true},
		{"high then non-low", `"\ud83d\u0041"`, true},
		{"two highs", `"\ud83d\ud83d\ude80"`, true},
		{"nul escape", `"\u0000"`, true},
		{"raw utf8", `"日本語 🚀"`, true},
		{"invalid utf8", "\"a\xffb\xc3\"", true},
		{"encoded surrogate", "\"\xed\xa0\x80\"", true},
		{"truncated utf8 then escape", "\"\xe2\x82\\n\"", true},
		{"literal replacement char", "\"\xef\xbf\xbd\"", true},
		{"u2028", "\"\u2028\u2029\"", true},
		{"long plain", `"` + strings.Repeat("abcdefgh", 20) + `"`, true},
		{"long with escape at end", `"` + strings.Repeat("abcdefgh", 20) + `\t"`, true},
		{"bad escape", `"\x"`, false},
		{"bad escape quote", `"\'"`, false},
		{"short unicode", `"\u12"`, false},
		{"bad hex", `"\u12g4"`, false},
		{"bad second escape", `"\ud83d\u12"`, false},
		{"raw newline", "\"a\nb\"", false},
		{"raw tab", "\"a\tb\"", false},
		{"raw nul", "\"a\x00b\"", false},
		{"unterminated", `"abc`, false},
		{"unterminated escape", `"abc\`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, doc := range []string{
				`{"httpMethod":"GET","body":` + tt.lit + `}`,
				`{"httpMethod":"GET","headers":{` + tt.lit + `:` + tt.lit + `}}`,
				`{"httpMethod":"GET","unknown":[` + tt.lit + `]}`,
			} {
				if json.Valid([]byte(doc)) != tt.valid {
					t.Fatalf("test bug: json.Valid(%q) = %v", doc, !tt.valid)
				}
				r, err := Decode([]byte(doc))
				if !tt.valid {
					var se *SyntaxError
					if !errors.As(err, &se) {
						t.Errorf("Decode(%q) error = %v, want *SyntaxError", doc, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("Decode(%q): %v", doc, err)
				}
				var std events.APIGatewayProxyRequest
				if err := json.Unmarshal([]byte(doc), &std); err != nil {
					t.Fatal(err)
				}
				compareV1(r, &std).report(t, doc)
			}
		})
	}
}

func TestDecodeSyntax(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	deepObj := func(n int) string {
		return `{"httpMethod":"GET","x":` + strings.Repeat(`{"a":`, n-1) + "1" + strings.Repeat("}", n)
	}
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"space", "  \n"},
		{"object", `{}`},
		{"array", `[1, "a", {"b": null}]`},
		{"string", `"str"`},
		{"number", `-1.5e+10`},
		{"null", `null`},
		{"true", ` true `},
		{"bad literal", `tru`},
		{"bad literal 2", `nulL`},
		{"leading zero", `01`},
		{"minus only", `-`},
		{"dot", `1.`},
		{"dot e", `1.e5`},
		{"exp sign only", `1e+`},
		{"plus", `+1`},
		{"trailing garbage", `{} x`},
		{"trailing object", `{}{}`},
		{"trailing comma object", `{"a":1,}`},
		{"trailing comma array", `{"a":[1,]}`},
		{"missing colon", `{"a" 1}`},
		{"missing value", `{"a":}`},
		{"non-string key", `{1:2}`},
		{"unterminated object", `{"httpMethod":"GET"`},
		{"unterminated nested", `{"x":{"y":[1,2`},
		{"bom", "\xef\xbb\xbf{}"},
		{"vertical tab ws", "{\v}"},
		{"nested fine", `{"a":{"b":[true,false,null,{"c":-0.5E-3}]}}`},
		{"number in known string", `{"path":12,"httpMethod":"GET"}`},
		{"bad number in known", `{"requestContext":{"requestTimeEpoch":1.}}`},
		{"deep array ok", deep(maxDepth)},
		{"deep array too deep", deep(maxDepth + 1)},
		{"deep object ok", deepObj(maxDepth)},
		{"deep object too deep", deepObj(maxDepth + 1)},
		{"deep authorizer", `{"requestContext":{"authorizer":` + strings.Repeat(`{"a":`, maxDepth-2) + "1" + strings.Repeat("}", maxDepth)},
		{"deep authorizer too deep", `{"requestContext":{"authorizer":` + strings.Repeat(`{"a":`, maxDepth-1) + "1" + strings.Repeat("}", maxDepth+1)},
		{"deep headers ok", `{"headers":{"a":` + deep(maxDepth-2) + `}}`},
		{"deep headers too deep", `{"headers":{"a":` + deep(maxDepth-1) + `}}`},
		{"deep mvh ok", `{"multiValueHeaders":{"a":[` + deep(maxDepth-3) + `]}}`},
		{"deep mvh too deep", `{"multiValueHeaders":{"a":[` + deep(maxDepth-2) + `]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			valid := json.Valid([]byte(tt.in))
			r, err := Decode([]byte(tt.in))
			if valid {
				if err != nil {
					t.Fatalf("Decode: unexpected error %v", err)
				}
				if strings.TrimSpace(tt.in) != "" && tt.in[0] != '{' && r.Kind != KindUnknown {
					t.Errorf("Kind = %v", r.Kind)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Decode error = %v, want *SyntaxError", err)
			}
			if !strings.Contains(err.Error(), "offset") || se.Offset < 0 || se.Offset > int64(len(tt.in)) {
				t.Errorf("bad error %q (offset %d)", err, se.Offset)
			}
		})
	}
}

func TestDecodeErrorOffset(t *testing.T) {
	_, err := Decode([]byte(`{"path": "/x", "httpMethod": GET}`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 29 {
		t.Fatalf("err = %v, want offset 29", err)
	}
	if want := "invalid character 'G' looking for beginning of value at offset 29"; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to contain %q", err, want)
	}
}

// TestDecodeJSONSemantics covers encoding/json rules the decoder mirrors:
// case-insensitive member names, duplicate names and null handling.
func TestDecodeJSONSemantics(t *testing.T) {
	docs := []string{
		`{"PATH":"/a","HttpMethod":"GET","Resource":"/r"}`,
		`{"path":"/a","Path":"/b","httpmethod":"POST"}`,
		"{\"httpMethod\":\"GET\",\"pathParameter\u017f\":{\"a\":\"b\"}}",        // ſ folds to s
		"{\"httpMethod\":\"GET\",\"\\u0070ath\":\"/escaped-key\"}",              // escaped member name
		"{\"httpMethod\":\"GET\",\"BODY\":\"x\",\"body\":null}",                 // null leaves strings alone
		`{"httpMethod":"GET","headers":{"a":"1","b":null},"headers":{"c":"3"}}`, // maps merge
		`{"httpMethod":"GET","headers":{"a":"1"},"headers":null}`,
		`{"httpMethod":"GET","headers":{"a":"1"},"headers":null,"headers":{"b":"2"}}`,
		`{"httpMethod":"GET","headers":{"a":"1","a":"2"}}`,
		`{"httpMethod":"GET","multiValueHeaders":{"a":["1"],"a":["2",null]},"multiValueHeaders":{"b":[]}}`,
		`{"httpMethod":"GET","multiValueHeaders":{"a":null}}`,
		`{"httpMethod":"GET","isBase64Encoded":true,"isBase64Encoded":null}`,
		`{"httpMethod":"GET","requestContext":{"requestTimeEpoch":12},"requestContext":{"stage":"s"}}`,
		`{"httpMethod":"GET","requestContext":{"authorizer":{"a":1}},"requestContext":{"authorizer":{"b":[1,"x",null,{}]}}}`,
		`{"httpMethod":"GET","requestContext":{"authorizer":{"a":1}},"requestContext":{"authorizer":null}}`,
		`{"httpMethod":"GET","requestContext":{"IDENTITY":{"SourceIP":"1.2.3.4","userAGENT":"ua"}}}`,
		`{"requestContext":{"resourcePath":"/from/context","Path":"/p"}}`,
		`{"httpMethod":"GET","requestContext":null,"pathParameters":{}}`,
		`{"httpMethod":"GET","requestContext":{"requestTimeEpoch":-9223372036854775808}}`,
		`{"httpMethod":"GET","requestContext":{"requestTimeEpoch":null}}`,
	}
	for _, doc := range docs {
		var std events.APIGatewayProxyRequest
		if err := json.Unmarshal([]byte(doc), &std); err != nil {
			t.Fatalf("test bug: %q: %v", doc, err)
		}
		r, err := Decode([]byte(doc))
		if err != nil {
			t.Fatalf("Decode(%q): %v", doc, err)
		}
		if r.Kind != KindV1 {
			t.Errorf("%s: Kind = %v", doc, r.Kind)
		}
		compareV1(r, &std).report(t, doc)
	}
}

func TestDecodeKinds(t *testing.T) {
	tests := []struct {
		doc  string
		kind Kind
	}{
		{`{"version":"2.0","rawPath":"/"}`, KindV2},
		{`{"version":"1.0","httpMethod":"GET"}`, KindV1},
		{`{"requestContext":{"domainName":"x.lambda-url.us-east-1.on.aws"},"version":"2.0"}`, KindFunctionURL},
		{`{"requestContext":{"domainName":"x.lambda-url.us-east-1.on.aws"}}`, KindUnknown},
		{`{"requestContext":{"connectionId":"c"},"httpMethod":"GET"}`, KindWebsocket},
		{`{"requestContext":{"eventType":"DISCONNECT"}}`, KindWebsocket},
		{`{"requestContext":{"resourcePath":"/x"}}`, KindV1},
		{`{"httpMethod":null}`, KindUnknown},
		{`{"httpMethod":1}`, KindUnknown},
		{`{"Records":[]}`, KindUnknown},
		{`[{"httpMethod":"GET"}]`, KindUnknown},
	}
	for _, tt := range tests {
		r, err := Decode([]byte(tt.doc))
		if err != nil {
			t.Fatalf("%s: %v", tt.doc, err)
		}
		if r.Kind != tt.kind {
			t.Errorf("%s: Kind = %v, want %v", tt.doc, r.Kind, tt.kind)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindUnknown: "unknown", KindV1: "v1", KindV2: "v2",
		KindFunctionURL: "function-url", KindWebsocket: "websocket", 9: "Kind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

// TestV2Query compares raw query parsing with net/url.ParseQuery.
func TestV2Query(t *testing.T) {
	queries := []string{
		"a=1", "a=1&a=2&b", "a=1&&b=2&", "=x&y=", "k=%zz&ok=1", "a=1;b=2&c=3",
		"sp=a+b%20c", "%61=%62", "x=%E2%82%AC&x=%", "a=b=c", "=&==&a",
		strings.Repeat("a=1&b=2&c&", 15) + "a=last&d=4", // more pairs than parseQuery buffers
		strings.Repeat("&", maxQueryParams) + "over=limit",
	}
	for _, q := range queries {
		doc := `{"version":"2.0","rawQueryString":` + mustMarshal(t, q) + `}`
		r, err := Decode([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := url.ParseQuery(q)
		got := url.Values(r.Query)
		if len(want) == 0 {
			want = nil
		}
		if len(got) == 0 {
			got = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: Query = %v, want %v", q, got, want)
		}
	}
	// queryStringParameters is the fallback when rawQueryString is empty.
	r, err := Decode([]byte(`{"version":"2.0","rawQueryString":"","queryStringParameters":{"a":"1,2","b":"","c":null}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]string{"a": {"1", "2"}, "b": {""}, "c": {""}}; !reflect.DeepEqual(r.Query, want) {
		t.Errorf("fallback Query = %v, want %v", r.Query, want)
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDecodeInto checks that reusing a Request gives the same result as a
// fresh Decode, across kinds, and that it saves allocations.
func TestDecodeInto(t *testing.T) {
	order := []string{"v1_rest.json", "v2_http.json", "v1_nulls.json", "websocket_message.json",
		"v1_rest.json", "function_url.json", "sqs.json", "v1_base64.json", "v1_rest.json"}
	var r Request
	for _, name := range order {
		data := readFixture(t, name)
		if err := DecodeInto(data, &r); err != nil {
			t.Fatal(err)
		}
		fresh, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		got, want := r, *fresh
		got.spare, want.spare = spare{}, spare{}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: DecodeInto result differs from Decode:\n got %+v\nwant %+v", name, got, want)
		}
	}

	data := compact(t, readFixture(t, "v1_rest.json"))
	fresh := testing.AllocsPerRun(100, func() {
		if _, err := Decode(data); err != nil {
			t.Fatal(err)
		}
	})
	reused := testing.AllocsPerRun(100, func() {
		if err := DecodeInto(data, &r); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("allocs: Decode %.0f, DecodeInto %.0f", fresh, reused)
	if reused >= fresh {
		t.Errorf("DecodeInto allocs %.0f, not fewer than Decode's %.0f", reused, fresh)
	}
}

func TestDecodeNonObjectResetsRequest(t *testing.T) {
	var r Request
	if err := DecodeInto(readFixture(t, "v1_rest.json"), &r); err != nil {
		t.Fatal(err)
	}
	if err := DecodeInto([]byte(`[1,2]`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindUnknown || r.Path != "" || r.Headers != nil || r.Query != nil {
		t.Errorf("request not reset: %+v", r)
	}
}
