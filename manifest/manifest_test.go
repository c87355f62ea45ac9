package manifest

import (
	"bytes"
	"strings"
	"testing"
)

func TestReadRejects(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"schemaVersion":"gochalice.manifest/v9","app":"a"}`, `unsupported schemaVersion "gochalice.manifest/v9"`},
		{`{"schemaVersion":"gochalice.manifest/v1","app":"a","extra":1}`, `unknown field "extra"`},
		{`not json`, "manifest: decoding"},
	}
	for _, tt := range tests {
		if _, err := Read(strings.NewReader(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Read(%s) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	age := 60
	m := &Manifest{SchemaVersion: SchemaVersion, App: "a", Routes: []Route{{Path: "/x/{id}", Method: "GET", Params: []string{"id"},
		ContentTypes: []string{"application/json"}, CORS: &CORS{AllowOrigin: "*", AllowHeaders: []string{"A", "B"}, MaxAge: &age}}}}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Routes[0].Path != "/x/{id}" || *got.Routes[0].CORS.MaxAge != 60 {
		t.Fatalf("round trip lost data: %+v", got.Routes[0])
	}
	h := got.Routes[0].CORS.Headers()
	if h["Access-Control-Allow-Headers"] != "A,B" || h["Access-Control-Max-Age"] != "60" || h["Access-Control-Allow-Credentials"] != "" {
		t.Fatalf("CORS headers = %v", h)
	}
}

func TestAuthorizerHTTPFields(t *testing.T) {
	in := `{"schemaVersion":"gochalice.manifest/v1","app":"a","authorizers":[` +
		`{"name":"jwt","type":"jwt","header":"Authorization","issuer":"https://issuer.example","audience":["app1","app2"]},` +
		`{"name":"lam","type":"builtin","function":"lam","identitySources":["$request.header.X-Key","$request.querystring.k"],"payloadFormatVersion":"2.0","enableSimpleResponses":true}]}`
	m, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	jwt, lam := m.Authorizers[0], m.Authorizers[1]
	if jwt.Type != AuthJWT || jwt.Issuer != "https://issuer.example" || strings.Join(jwt.Audience, ",") != "app1,app2" {
		t.Errorf("jwt = %+v", jwt)
	}
	if lam.PayloadFormatVersion != AuthPayload20 || !lam.SimpleResponses || strings.Join(lam.HTTPIdentitySources(), " ") != "$request.header.X-Key $request.querystring.k" {
		t.Errorf("lambda = %+v", lam)
	}
	tests := []struct {
		a    Authorizer
		want string
	}{
		{Authorizer{}, "$request.header.Authorization"},
		{Authorizer{Header: "X-Token"}, "$request.header.X-Token"},
		{Authorizer{Header: "X-Token", IdentitySources: []string{"$context.routeKey"}}, "$context.routeKey"},
	}
	for _, tt := range tests {
		if got := strings.Join(tt.a.HTTPIdentitySources(), " "); got != tt.want {
			t.Errorf("HTTPIdentitySources(%+v) = %q, want %q", tt.a, got, tt.want)
		}
	}
	// The new fields are omitted when empty, so older documents are unchanged.
	var buf bytes.Buffer
	if err := (&Manifest{SchemaVersion: SchemaVersion, Authorizers: []Authorizer{{Name: "b", Type: AuthBuiltin}}}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"identitySources", "payloadFormatVersion", "enableSimpleResponses", "issuer", "audience"} {
		if strings.Contains(buf.String(), field) {
			t.Errorf("empty %s written: %s", field, buf.String())
		}
	}
}

// FuzzRead: whatever an app binary prints, Read returns a manifest or an
// error, never a panic.
func FuzzRead(f *testing.F) {
	f.Add(`{"schemaVersion":"gochalice.manifest/v1","app":"a","api":{"binaryTypes":[]},"routes":[],"authorizers":[],"functions":[],"eventSources":[],"websocket":[]}`)
	f.Add(`{"schemaVersion":"gochalice.manifest/v1","routes":[{"path":"/","method":"GET","cors":{"maxAge":-1}}]}`)
	f.Add(`[]`)
	f.Add(typedDoc(typedRoute, ""))
	f.Add(typedDoc(`[{"path":"/{a}","method":"GET","parameters":[{"name":"a","in":"path","required":true,"schema":{"anyOf":[{"$ref":"#/components/schemas/B"},true]}}]}]`,
		`{"B":{"properties":{"x":{"$ref":"#/components/schemas/B"}},"items":[false]}}`))
	f.Fuzz(func(t *testing.T, in string) {
		m, err := Read(strings.NewReader(in))
		if err != nil {
			return
		}
		if m.SchemaVersion != SchemaVersion {
			t.Fatalf("accepted schema %q", m.SchemaVersion)
		}
		// What Read accepts, Write writes and Read accepts again.
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if _, err := Read(&buf); err != nil {
			t.Fatalf("re-reading the written manifest: %v\n%s", err, buf.String())
		}
	})
}
