package manifest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// typedDoc is a manifest with one typed route; routes, schemas replace
// its parts.
func typedDoc(routes, schemas string) string {
	if schemas == "" {
		schemas = `{"Item": {"type": "object", "properties": {"id": {"type": "string"}}}}`
	}
	return `{"schemaVersion":"gochalice.manifest/v1","app":"a","routes":` + routes + `,"schemas":` + schemas + `}`
}

const typedRoute = `[{"path":"/items/{id}","method":"PUT","name":"put","params":["id"],"contentTypes":["application/json"],
  "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}},
                {"name":"limit","in":"query","schema":{"type":"integer","minimum":1}},
                {"name":"X-Trace","in":"header","schema":{"type":"string"}}],
  "requestBody":{"contentType":"application/json","required":true,"schema":{"$ref":"#/components/schemas/Item"}},
  "response":{"contentType":"application/json","status":201,"schema":{"type":"array","items":{"$ref":"#/components/schemas/Item"}}}}]`

func TestReadTypedRoute(t *testing.T) {
	m, err := Read(strings.NewReader(typedDoc(typedRoute, "")))
	if err != nil {
		t.Fatal(err)
	}
	r := m.Routes[0]
	if len(r.Parameters) != 3 || r.Parameters[1].Name != "limit" || r.Parameters[1].In != InQuery || r.Parameters[1].Required {
		t.Errorf("parameters = %+v", r.Parameters)
	}
	if r.RequestBody == nil || !r.RequestBody.Required || r.RequestBody.StatusCode() != 200 {
		t.Errorf("requestBody = %+v", r.RequestBody)
	}
	if r.Response == nil || r.Response.StatusCode() != 201 {
		t.Errorf("response = %+v", r.Response)
	}
	if string(m.Schemas["Item"]) == "" {
		t.Error("schemas lost")
	}
	// Written back, the typed parts survive and an untyped route stays
	// as it was (the new fields are omitted when empty).
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	again, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(m)
	b, _ := json.Marshal(again)
	if !bytes.Equal(a, b) {
		t.Errorf("round trip changed the manifest:\n%s\n%s", a, b)
	}
	buf.Reset()
	if err := (&Manifest{SchemaVersion: SchemaVersion, Routes: []Route{{Path: "/", Method: "GET", ContentTypes: []string{"application/json"}}}}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"parameters", "requestBody", "response", "schemas"} {
		if strings.Contains(buf.String(), `"`+field+`"`) {
			t.Errorf("untyped manifest has %s: %s", field, buf.String())
		}
	}
}

func TestSchemaRef(t *testing.T) {
	if got := string(SchemaRef("Item")); got != `{"$ref":"#/components/schemas/Item"}` {
		t.Errorf("SchemaRef = %s", got)
	}
}

func TestReadRejectsTypedMistakes(t *testing.T) {
	route := func(extra string) string {
		return `[{"path":"/items/{id}","method":"POST","name":"n","params":["id"],"contentTypes":["application/json"],` + extra + `}]`
	}
	item := `{"Item":{"type":"object"}}`
	tests := []struct {
		name, routes, schemas string
		want                  []string
	}{
		{"unknown in", route(`"parameters":[{"name":"c","in":"cookie","schema":{}}]`), item,
			[]string{`route POST /items/{id}: parameters[0] "c": in "cookie" is not path, query or header`}},
		{"no name", route(`"parameters":[{"name":"","in":"query","schema":{}}]`), item,
			[]string{`parameters[0] has no name`}},
		{"path not in template", route(`"parameters":[{"name":"other","in":"path","required":true,"schema":{}}]`), item,
			[]string{`parameters[0] "other": a path parameter the template does not have (its parameters: id)`}},
		{"optional path", route(`"parameters":[{"name":"id","in":"path","schema":{"type":"string"}}]`), item,
			[]string{`parameters[0] "id": a path parameter must be required`}},
		{"duplicate header", route(`"parameters":[{"name":"X-A","in":"header","schema":{}},{"name":"x-a","in":"header","schema":{}}]`), item,
			[]string{`parameters[1] "x-a": declared twice in header`}},
		{"missing schema", route(`"parameters":[{"name":"q","in":"query"}]`), item,
			[]string{`parameters[0] "q": schema is required`}},
		{"null schema", route(`"parameters":[{"name":"q","in":"query","schema":null}]`), item,
			[]string{`parameters[0] "q": schema # is null, not a JSON Schema`}},
		{"missing ref", route(`"requestBody":{"contentType":"application/json","schema":{"$ref":"#/components/schemas/Nope"}}`), item,
			[]string{`requestBody: schema #: $ref "#/components/schemas/Nope" names a schema the manifest does not have (its schemas: Item)`}},
		{"nested missing ref", route(`"response":{"contentType":"application/json","schema":{"type":"object","properties":{"a":{"items":{"$ref":"#/components/schemas/Gone"}}}}}`), item,
			[]string{`response: schema #/properties/a/items: $ref "#/components/schemas/Gone" names a schema`}},
		{"local ref", route(`"requestBody":{"contentType":"application/json","schema":{"$ref":"#/$defs/x","$defs":{"x":{}}}}`), item,
			[]string{`$ref "#/$defs/x": only references to named schemas are supported, written "#/components/schemas/<Name>"`}},
		{"no content type", route(`"requestBody":{"schema":{}}`), item,
			[]string{`requestBody: contentType is required ("application/json" for JSON)`}},
		{"bad content type", route(`"response":{"contentType":"json/","schema":{}}`), item,
			[]string{`response: contentType "json/" is not a media type`}},
		{"request status", route(`"requestBody":{"contentType":"application/json","status":201,"schema":{}}`), item,
			[]string{`requestBody: status 201: a request body has no status`}},
		{"bad status", route(`"response":{"contentType":"application/json","status":42,"schema":{}}`), item,
			[]string{`response: status 42 is not an HTTP status code`}},
		{"reserved name", `[]`, `{"Empty":{"type":"object"}}`,
			[]string{`schemas["Empty"]: the name "Empty" is reserved`}},
		{"bad name", `[]`, `{"Page[Item]":{"type":"object"}}`,
			[]string{`schemas["Page[Item]"]: a schema name must be letters and digits only`}},
		{"schema not object", `[]`, `{"A":"string"}`,
			[]string{`schemas["A"]: schema # is a string, not a JSON Schema`}},
		{"subschema not object", `[]`, `{"A":{"properties":{"x":3},"allOf":{}}}`,
			[]string{`schemas["A"]: schema #/allOf is an object, not a list of schemas`, `schema #/properties/x is a number`}},
		{"ref between schemas", `[]`, `{"A":{"$ref":"#/components/schemas/B"}}`,
			[]string{`schemas["A"]: schema #: $ref "#/components/schemas/B" names a schema the manifest does not have (its schemas: A)`}},
		{"every problem", route(`"parameters":[{"name":"c","in":"cookie","schema":{}}],"response":{"contentType":"","schema":{}}`), `{"Empty":{}}`,
			[]string{`"Empty" is reserved`, `in "cookie"`, `response: contentType is required`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(typedDoc(tt.routes, tt.schemas)))
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\ndoes not contain %q", err, want)
				}
			}
			if !strings.HasPrefix(err.Error(), "manifest: ") {
				t.Errorf("error does not start with manifest: %q", err)
			}
		})
	}
}

// Values that look like references but are data (enum values, defaults,
// a property named $ref) are not references.
func TestReadRefsOnlyInSchemaPositions(t *testing.T) {
	schemas := `{"A":{"type":"object","properties":{"$ref":{"type":"string"}},"enum":[{"$ref":"x"}],"default":{"$ref":"y"},
	  "dependencies":{"a":["b"]},"items":[{"type":"string"}],"x-note":{"$ref":"z"}}}`
	if _, err := Read(strings.NewReader(typedDoc(`[]`, schemas))); err != nil {
		t.Fatal(err)
	}
}

func TestReadUnknownFieldHint(t *testing.T) {
	_, err := Read(strings.NewReader(`{"schemaVersion":"gochalice.manifest/v1","app":"a","routes":[{"path":"/","method":"GET","future":1}]}`))
	if err == nil || !strings.Contains(err.Error(), `unknown field "future"`) || !strings.Contains(err.Error(), "newer gochalice") {
		t.Errorf("err = %v", err)
	}
}

func TestTemplateParams(t *testing.T) {
	for path, want := range map[string]string{
		"/": "", "/items/{id}": "id", "/files/{dir}/{path+}": "dir,path", "/a/{x}/b": "x", "/{weird": "",
	} {
		if got := strings.Join(templateParams(path), ","); got != want {
			t.Errorf("templateParams(%q) = %q, want %q", path, got, want)
		}
	}
	// Without a params list, path parameters are checked against the
	// template itself.
	doc := typedDoc(`[{"path":"/f/{dir}/{path+}","method":"GET","parameters":[
	  {"name":"dir","in":"path","required":true,"schema":{}},{"name":"path","in":"path","required":true,"schema":{}}]}]`, "")
	if _, err := Read(strings.NewReader(doc)); err != nil {
		t.Error(err)
	}
}

func TestValidSchemaName(t *testing.T) {
	for name, want := range map[string]bool{"Item": true, "PageUser2": true, "": false, "Page[User]": false, "my_type": false, "Ünicode": false} {
		if got := validSchemaName(name); got != want {
			t.Errorf("validSchemaName(%q) = %v", name, got)
		}
	}
}
