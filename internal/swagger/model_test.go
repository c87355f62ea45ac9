package swagger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/bind"
	"github.com/gochalice/chalice/internal/jsonschema"
	"github.com/gochalice/chalice/manifest"
)

// The keywords API Gateway models take, derived here independently of
// modelKeywords: those of JSON Schema draft 4 that the target's schema
// object has, minus what "Amazon API Gateway important notes for REST
// APIs" says API Gateway does not support.
var (
	// draft 4 (draft-zyp-json-schema-04, draft-fge-json-schema-validation-00).
	draft4Keywords = []string{"$schema", "id", "$ref", "title", "description", "default", "format",
		"multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
		"maxLength", "minLength", "pattern", "additionalItems", "items", "maxItems", "minItems", "uniqueItems",
		"maxProperties", "minProperties", "required", "additionalProperties", "definitions", "properties",
		"patternProperties", "dependencies", "enum", "type", "allOf", "anyOf", "oneOf", "not"}
	// The OpenAPI 3.0 Schema Object.
	oas30SchemaFields = []string{"$ref", "title", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
		"maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties",
		"required", "enum", "type", "allOf", "oneOf", "anyOf", "not", "items", "properties", "additionalProperties",
		"description", "format", "default", "nullable", "discriminator", "readOnly", "writeOnly", "xml",
		"externalDocs", "example", "deprecated"}
	// The Swagger 2.0 Schema Object.
	swagger20SchemaFields = []string{"$ref", "format", "title", "description", "default", "multipleOf", "maximum",
		"exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
		"uniqueItems", "maxProperties", "minProperties", "required", "enum", "type", "items", "allOf", "properties",
		"additionalProperties", "discriminator", "readOnly", "xml", "externalDocs", "example"}
	// Not supported by API Gateway (exclusiveMaximum with exclusiveMinimum;
	// deprecated is dropped from its exports).
	apiGatewayUnsupported = []string{"discriminator", "example", "exclusiveMinimum", "exclusiveMaximum", "oneOf",
		"readOnly", "default", "deprecated"}
)

// allowedKeywords is the vocabulary of models in a dialect.
func allowedKeywords(d dialect) map[string]bool {
	fields := oas30SchemaFields
	if d == swagger20 {
		fields = swagger20SchemaFields
	}
	out := map[string]bool{}
	for _, k := range draft4Keywords {
		if slices.Contains(fields, k) && !slices.Contains(apiGatewayUnsupported, k) {
			out[k] = true
		}
	}
	return out
}

// TestModelKeywordsTable: the converter's table is the derived one.
func TestModelKeywordsTable(t *testing.T) {
	every := slices.Concat(draft4Keywords, oas30SchemaFields, swagger20SchemaFields,
		[]string{"const", "examples", "prefixItems", "$defs", "contentEncoding", "propertyNames", "if", "x-go"})
	for _, d := range []dialect{oas30, swagger20} {
		allowed := allowedKeywords(d)
		for _, k := range every {
			if got := modelKeyword(d, k); got != allowed[k] {
				t.Errorf("dialect %d: modelKeyword(%q) = %v, want %v", d, k, got, allowed[k])
			}
		}
	}
}

// modelProblems lists where the API documents inside v (a document, a
// SAM template holding one, a Terraform file holding one as a string)
// use a keyword API Gateway models do not take, in any schema: named
// schemas, parameters, request bodies, responses. found counts the
// documents by dialect.
func modelProblems(v any, at string, found map[dialect]int) []string {
	var probs []string
	switch v := v.(type) {
	case map[string]any:
		d, isDoc := documentDialect(v)
		if isDoc {
			found[d]++
			if d != jsonSchema2020 {
				return documentProblems(v, at, d)
			}
			return nil
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			probs = append(probs, modelProblems(v[k], at+"/"+k, found)...)
		}
	case []any:
		for i, e := range v {
			probs = append(probs, modelProblems(e, fmt.Sprintf("%s/%d", at, i), found)...)
		}
	case string:
		// Terraform keeps the document as a JSON string with ${...}
		// escaped as $${...}.
		if strings.HasPrefix(v, "{") && (strings.Contains(v, `"swagger":`) || strings.Contains(v, `"openapi":`)) {
			text := strings.NewReplacer("$${", "${", "%%{", "%{").Replace(v)
			var doc any
			if err := json.Unmarshal([]byte(text), &doc); err != nil {
				return []string{at + ": a document that is not JSON: " + err.Error()}
			}
			return modelProblems(doc, at+"(json)", found)
		}
	}
	return probs
}

func documentDialect(m map[string]any) (dialect, bool) {
	if m["swagger"] == "2.0" {
		return swagger20, true
	}
	switch m["openapi"] {
	case openAPI30Version:
		return oas30, true
	case openAPI31Version:
		return jsonSchema2020, true
	}
	return 0, false
}

// documentProblems checks every schema position of an OpenAPI 3.0 or
// Swagger 2.0 document.
func documentProblems(doc map[string]any, at string, d dialect) []string {
	var probs []string
	check := func(s any, where string) { probs = append(probs, schemaProblems(s, where, d)...) }
	obj := func(v any) map[string]any { m, _ := v.(map[string]any); return m }
	var named map[string]any
	if d == oas30 {
		named = obj(obj(doc["components"])["schemas"])
	} else {
		named = obj(doc["definitions"])
	}
	for name, s := range named {
		check(s, at+"/models/"+name)
	}
	for path, item := range obj(doc["paths"]) {
		for method, o := range obj(item) {
			op := obj(o)
			where := at + " " + strings.ToUpper(method) + " " + path
			for i, p := range asList(op["parameters"]) {
				pm := obj(p)
				pw := fmt.Sprintf("%s parameter %d (%v)", where, i, pm["name"])
				switch {
				case d == oas30:
					if s, ok := pm["schema"]; ok {
						check(s, pw)
					}
				case pm["in"] == "body":
					check(pm["schema"], pw)
				default:
					probs = append(probs, simpleParameterProblems(pm, pw)...)
				}
			}
			if d == oas30 {
				for ct, mt := range obj(obj(op["requestBody"])["content"]) {
					check(obj(mt)["schema"], where+" requestBody "+ct)
				}
			}
			for code, r := range obj(op["responses"]) {
				resp := obj(r)
				if d == oas30 {
					for ct, mt := range obj(resp["content"]) {
						check(obj(mt)["schema"], where+" response "+code+" "+ct)
					}
					for h, hv := range obj(resp["headers"]) {
						check(obj(hv)["schema"], where+" response "+code+" header "+h)
					}
				} else if s, ok := resp["schema"]; ok {
					check(s, where+" response "+code)
				}
			}
		}
	}
	return probs
}

// simpleParameterProblems checks a Swagger 2.0 parameter that is not the
// body: its fields, and its items', are a parameter's, with the model
// keywords' rules.
func simpleParameterProblems(p map[string]any, at string) []string {
	fields := []string{"name", "in", "required", "description", "type", "format", "items", "collectionFormat",
		"enum", "maximum", "minimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf"}
	var probs []string
	for k, v := range p {
		if !slices.Contains(fields, k) {
			probs = append(probs, fmt.Sprintf("%s: field %q", at, k))
		}
		if k == "format" && !formatOK(v, p["type"]) {
			probs = append(probs, fmt.Sprintf("%s: format %v on type %v", at, v, p["type"]))
		}
		if k == "items" {
			items, _ := v.(map[string]any)
			probs = append(probs, simpleParameterProblems(items, at+"/items")...)
		}
	}
	return probs
}

func formatOK(format, typ any) bool {
	switch format {
	case "decimal":
		return false
	case "int32", "int64":
		types, _ := typ.([]any)
		if s, ok := typ.(string); ok {
			types = []any{s}
		}
		integer := false
		for _, t := range types {
			switch t {
			case "integer":
				integer = true
			case "null":
			default:
				return false
			}
		}
		return integer
	}
	return true
}

// schemaProblems checks one schema and its subschemas.
func schemaProblems(v any, at string, d dialect) []string {
	s, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: a schema that is not an object: %v", at, v)}
	}
	allowed := allowedKeywords(d)
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, at+": "+fmt.Sprintf(format, args...)) }
	if _, ok := s["$ref"]; ok && len(s) > 1 {
		bad("$ref with other keywords, which draft 4 ignores")
	}
	for k, val := range s {
		if !allowed[k] {
			bad("keyword %q", k)
			continue
		}
		switch k {
		case "type":
			var types []any
			switch tv := val.(type) {
			case string:
				types = []any{tv}
			case []any:
				if d == oas30 {
					bad("a type list in OpenAPI 3.0")
				}
				types = tv
			default:
				bad("type %v", val)
			}
			for _, ty := range types {
				okTypes := []any{"string", "number", "integer", "boolean", "object", "array"}
				if d == swagger20 {
					okTypes = append(okTypes, "null")
				}
				if !slices.Contains(okTypes, ty) {
					bad("type %v", ty)
				}
			}
		case "format":
			if !formatOK(val, s["type"]) {
				bad("format %v on type %v", val, s["type"])
			}
		case "required", "enum":
			l, _ := val.([]any)
			if len(l) == 0 {
				bad("%s must be a list of at least one value", k)
			}
			for i, e := range l {
				if slices.ContainsFunc(l[:i], func(x any) bool { return reflect.DeepEqual(x, e) }) {
					bad("%s lists %v twice", k, e)
				}
			}
		case "properties":
			m, _ := val.(map[string]any)
			for name, sub := range m {
				probs = append(probs, schemaProblems(sub, at+"/properties/"+name, d)...)
			}
		case "items":
			if l, isList := val.([]any); isList {
				if d == oas30 {
					bad("items is a list in OpenAPI 3.0")
				}
				for i, sub := range l {
					probs = append(probs, schemaProblems(sub, fmt.Sprintf("%s/items/%d", at, i), d)...)
				}
			} else {
				probs = append(probs, schemaProblems(val, at+"/items", d)...)
			}
		case "additionalProperties":
			if _, isBool := val.(bool); !isBool {
				probs = append(probs, schemaProblems(val, at+"/additionalProperties", d)...)
			}
		case "not":
			probs = append(probs, schemaProblems(val, at+"/not", d)...)
		case "allOf", "anyOf":
			l, _ := val.([]any)
			if len(l) == 0 {
				bad("%s must list at least one schema", k)
			}
			for i, sub := range l {
				probs = append(probs, schemaProblems(sub, fmt.Sprintf("%s/%s/%d", at, k, i), d)...)
			}
		}
	}
	if s["type"] == "array" && s["items"] == nil && d == oas30 {
		bad("an OpenAPI 3.0 array without items")
	}
	return probs
}

// goldenDocuments are the golden files holding API documents: this
// package's, and the SAM templates, Terraform files and generate-models
// output that embed or print them.
var goldenDocuments = []string{
	"testdata/*.json",
	"../sam/testdata/*.json",
	"../terraform/testdata/*.tf.json",
	"../cli/models/testdata/*.json",
}

// TestGoldensUseModelKeywords walks every schema of every OpenAPI 3.0 and
// Swagger 2.0 document in the golden files: each uses only keywords API
// Gateway models take.
func TestGoldensUseModelKeywords(t *testing.T) {
	found := map[dialect]int{}
	files := 0
	for _, pattern := range goldenDocuments {
		matches, err := filepath.Glob(pattern)
		if err != nil || len(matches) == 0 {
			t.Fatalf("%s: no golden files (%v)", pattern, err)
		}
		for _, f := range matches {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			files++
			for _, p := range modelProblems(v, f, found) {
				t.Error(p)
			}
		}
	}
	t.Logf("%d files: %d Swagger 2.0, %d OpenAPI 3.0 and %d OpenAPI 3.1 documents", files, found[swagger20], found[oas30], found[jsonSchema2020])
	if found[swagger20] < 10 || found[oas30] < 5 {
		t.Errorf("found %d Swagger 2.0 and %d OpenAPI 3.0 documents; the golden files are not where the test looks", found[swagger20], found[oas30])
	}
}

// The rich typed app: Go types with every construct the schema
// generator writes (pointers, omitempty alternatives, exclusive bounds on
// integers and floats, enums with null, maps with integer keys, base64
// bytes, date-times, any values, generics, recursion, embedding, open
// structs, arrays, unsigned bounds, defaults and descriptions).
type (
	richAddress struct {
		Street string `json:"street" doc:"street and number"`
		Zip    string `json:"zip" validate:"required,len=5,pattern=^[0-9]+$"`
	}
	richBase struct {
		ID      string    `json:"id" validate:"required,uuid"`
		Created time.Time `json:"created"`
	}
	richUser struct {
		richBase
		Username string            `json:"username" validate:"required,min=3,max=32,pattern=^[a-z][a-z0-9_]*$" doc:"the login name"`
		Age      int               `json:"age,omitempty" validate:"gte=0,lt=150"`
		Email    string            `json:"email,omitempty" validate:"omitempty,email"`
		Website  *string           `json:"website" validate:"omitempty,url"`
		Role     string            `json:"role" validate:"oneof=admin member 'read only'"`
		Level    *int8             `json:"level,omitempty" validate:"oneof=1 2 3"`
		Score    float32           `json:"score" validate:"gt=0,lte=100"`
		Ratio    float64           `json:"ratio" validate:"gte=0,lt=1"`
		Rank     int32             `json:"rank" validate:"gt=0,lt=10"`
		Big      uint64            `json:"big"`
		Small    *uint8            `json:"small,omitempty" validate:"omitempty,gt=3"`
		Address  *richAddress      `json:"address,omitempty"`
		Home     richAddress       `json:"home"`
		Tags     []string          `json:"tags" validate:"max=5,dive,min=1,max=10"`
		Labels   map[string]string `json:"labels" validate:"max=10,dive,oneof=a b"`
		Counts   map[uint16]int64  `json:"counts"`
		Born     time.Time         `json:"born"`
		Birthday string            `json:"birthday" validate:"datetime=2006-01-02"`
		Avatar   []byte            `json:"avatar,omitempty"`
		Extra    any               `json:"extra,omitempty"`
		Raw      json.RawMessage   `json:"raw,omitempty"`
		Quoted   int64             `json:"quoted,string"`
		Pair     [2]float64        `json:"pair"`
		Friends  []*richUser       `json:"friends,omitempty"`
	}
	richOpen struct {
		_    struct{} `additionalProperties:"true"`
		Name string   `json:"name,omitempty" validate:"omitempty,min=2"`
	}
	richPage[T any] struct {
		Items []T      `json:"items" validate:"required"`
		Next  *string  `json:"next,omitempty"`
		Meta  richOpen `json:"meta"`
	}
	richTree struct {
		Value    int         `json:"value" validate:"gt=-5"`
		Children []richTree  `json:"children,omitempty"`
		Parent   *richTree   `json:"parent,omitempty"`
		Weights  *[]*float64 `json:"weights,omitempty"`
	}
	richListIn struct {
		Org    string              `path:"org" doc:"the organisation"`
		Limit  int                 `query:"limit" default:"20" validate:"min=1,max=100"`
		Ratio  *float64            `query:"ratio" default:"0.5" validate:"gt=0,lte=1"`
		Since  *time.Time          `query:"since"`
		IDs    []string            `query:"id" validate:"max=10,dive,uuid"`
		Sort   string              `query:"sort" validate:"required,oneof=name age"`
		Count  *int32              `query:"count" validate:"omitempty,gt=0"`
		ReqID  string              `header:"X-Request-Id" validate:"omitempty,uuid"`
		Client netip.Addr          `header:"X-Client-IP"`
		Body   *richPage[richUser] `validate:"required" doc:"the users to add"`
	}
	richTreeIn struct {
		ID   string   `path:"id" validate:"uuid"`
		Body richTree `doc:"a tree"`
	}
)

// richManifest is a REST API whose routes take and return the rich types,
// with the schemas the generator writes for them.
func richManifest(t *testing.T) *manifest.Manifest {
	t.Helper()
	r := jsonschema.NewRegistry()
	js := []string{"application/json"}
	route := func(method, path string, params []string, in, out reflect.Type) manifest.Route {
		b, err := bind.Compile(in, params)
		if err != nil {
			t.Fatalf("%v: %v", in, err)
		}
		ps, err := r.Parameters(b)
		if err != nil {
			t.Fatal(err)
		}
		rt := manifest.Route{Path: path, Method: method, Params: params, ContentTypes: js}
		for _, p := range ps {
			rt.Parameters = append(rt.Parameters, manifest.Parameter{Name: p.Name, In: p.In, Required: p.Required, Schema: p.Schema})
		}
		if s, required, ok, err := r.RequestBody(b); err != nil {
			t.Fatal(err)
		} else if ok {
			rt.RequestBody = &manifest.Body{ContentType: "application/json", Required: required, Schema: s}
		}
		s, err := r.Schema(out)
		if err != nil {
			t.Fatal(err)
		}
		rt.Response = &manifest.Body{ContentType: "application/json", Schema: s}
		return rt
	}
	routes := []manifest.Route{
		route("POST", "/orgs/{org}/users", []string{"org"}, reflect.TypeFor[richListIn](), reflect.TypeFor[richPage[*richUser]]()),
		route("PUT", "/trees/{id}", []string{"id"}, reflect.TypeFor[richTreeIn](), reflect.TypeFor[[]richTree]()),
		route("GET", "/users/{org}", []string{"org"}, reflect.TypeFor[struct {
			Org string `path:"org"`
		}](), reflect.TypeFor[map[string]*richUser]()),
	}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "richapp",
		API:           manifest.API{BinaryTypes: []string{"application/octet-stream"}},
		Routes:        routes,
		Functions:     []manifest.Function{{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"}},
		EventSources:  []manifest.EventSource{},
		Websocket:     []manifest.WSHandler{},
		Schemas:       r.Components(),
	}
}

const richConfig = `{"version": "2.0", "app_name": "richapp", "api_gateway_request_validation": true,
  "stages": {"dev": {"api_gateway_stage": "api"}}}`

// TestRichManifestUsesModelKeywords: the documents of an app of rich Go
// types, and each of its schemas converted alone, use only keywords API
// Gateway models take; the OpenAPI 3.1 document keeps the schemas as
// they are.
func TestRichManifestUsesModelKeywords(t *testing.T) {
	m := richManifest(t)
	if _, err := manifest.Read(strings.NewReader(mustJSON(t, m))); err != nil {
		t.Fatalf("the rich manifest is not a valid manifest: %v", err)
	}
	if len(m.Schemas) < 6 {
		t.Fatalf("%d schemas: %v", len(m.Schemas), m.Schemas)
	}
	for _, f := range []Format{OpenAPI30, Swagger2, OpenAPI31} {
		doc := generateDoc(t, m, richConfig, f)
		found := map[dialect]int{}
		for _, p := range modelProblems(doc, string(f), found) {
			t.Error(p)
		}
		if found[dialectOf(f)] != 1 {
			t.Errorf("%s: found %v", f, found)
		}
		checkDocument(t, doc, f)
		if f == OpenAPI31 {
			schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
			for name, want := range m.Schemas {
				if got := jsonOf(schemas[name]); got != compactJSON(t, want) {
					t.Errorf("OpenAPI 3.1 changed %s:\n got %s\nwant %s", name, got, want)
				}
			}
		}
	}
	var all []json.RawMessage
	for _, s := range m.Schemas {
		all = append(all, s)
	}
	for _, r := range m.Routes {
		for _, p := range r.Parameters {
			all = append(all, p.Schema)
		}
		if r.RequestBody != nil {
			all = append(all, r.RequestBody.Schema)
		}
		all = append(all, r.Response.Schema)
	}
	for _, f := range []Format{OpenAPI30, Swagger2} {
		for _, s := range all {
			out, err := ModelSchema(s, f)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatal(err)
			}
			for _, p := range schemaProblems(v, string(f)+" "+string(s), dialectOf(f)) {
				t.Error(p)
			}
		}
	}
}

func compactJSON(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return jsonOf(v)
}

// generateDoc is the document of m, after a JSON round trip.
func generateDoc(t *testing.T, m *manifest.Manifest, config string, f Format) map[string]any {
	t.Helper()
	doc, err := Generate(buildAPI(t, m, config), m.App, samOptions(f))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(encode(t, doc), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestModelSchema(t *testing.T) {
	in := raw(`{"type": ["integer", "null"], "exclusiveMinimum": 0, "description": "<n>", "default": 1,
	  "items": {"$ref": "#/components/schemas/Item"}}`)
	for _, tt := range []struct {
		format Format
		want   string
	}{
		{OpenAPI30, `{"anyOf":[{"items":{"$ref":"#/components/schemas/Item"},"minimum":1,"type":"integer"},{"enum":[null]}],"description":"<n>"}`},
		{Swagger2, `{"description":"<n>","items":{"$ref":"#/definitions/Item"},"minimum":1,"type":["integer","null"]}`},
		{"", `{"description":"<n>","items":{"$ref":"#/definitions/Item"},"minimum":1,"type":["integer","null"]}`},
		{OpenAPI31, `{"default":1,"description":"<n>","exclusiveMinimum":0,"items":{"$ref":"#/components/schemas/Item"},"type":["integer","null"]}`},
	} {
		got, err := ModelSchema(in, tt.format)
		if err != nil {
			t.Fatalf("%s: %v", tt.format, err)
		}
		if string(got) != tt.want {
			t.Errorf("ModelSchema(%s):\n got %s\nwant %s", tt.format, got, tt.want)
		}
	}
	for _, tt := range []struct {
		schema string
		format Format
		want   string
	}{
		{`{}`, "yaml", `swagger: ModelSchema: unknown format "yaml" (want swagger2, openapi3.0 or openapi3.1)`},
		{`[1]`, OpenAPI30, `swagger: ModelSchema: schema is not a JSON Schema (an object, or true or false)`},
		{`{`, Swagger2, `swagger: ModelSchema: schema is not JSON: unexpected EOF`},
		{``, Swagger2, `swagger: ModelSchema: no schema`},
		{`{} {}`, Swagger2, `swagger: ModelSchema: schema has data after the JSON value`},
	} {
		if _, err := ModelSchema(raw(tt.schema), tt.format); err == nil || err.Error() != tt.want {
			t.Errorf("ModelSchema(%q, %q) error = %v, want %q", tt.schema, tt.format, err, tt.want)
		}
	}
}

// Example output must stay readable: ModelSchema does not escape HTML.
func TestModelSchemaNoHTMLEscape(t *testing.T) {
	out, err := ModelSchema(raw(`{"pattern": "^<a>&$"}`), Swagger2)
	if err != nil || !bytes.Equal(out, []byte(`{"pattern":"^<a>&$"}`)) {
		t.Errorf("ModelSchema = %s, %v", out, err)
	}
}
