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

// FuzzRead: whatever an app binary prints, Read returns a manifest or an
// error, never a panic.
func FuzzRead(f *testing.F) {
	f.Add(`{"schemaVersion":"gochalice.manifest/v1","app":"a","api":{"binaryTypes":[]},"routes":[],"authorizers":[],"functions":[],"eventSources":[],"websocket":[]}`)
	f.Add(`{"schemaVersion":"gochalice.manifest/v1","routes":[{"path":"/","method":"GET","cors":{"maxAge":-1}}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, in string) {
		m, err := Read(strings.NewReader(in))
		if err == nil && m.SchemaVersion != SchemaVersion {
			t.Fatalf("accepted schema %q", m.SchemaVersion)
		}
	})
}
