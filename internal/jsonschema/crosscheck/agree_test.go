// Package crosscheck checks the binder and the schema generator against
// outside implementations: a JSON Schema validator
// (santhosh-tekuri/jsonschema) and go-playground/validator. It is its own
// module so that those stay test-only: run it with
//
//	cd internal/jsonschema/crosscheck && go test ./...
package crosscheck

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/bind"
	gcschema "github.com/gochalice/chalice/internal/jsonschema"
	"github.com/gochalice/chalice/internal/swagger"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

type Item struct {
	SKU string `json:"sku" validate:"required,pattern=^[A-Z]{3}-[0-9]+$"`
	Qty int    `json:"qty" validate:"min=1,max=99"`
}

type Meta struct {
	_    struct{} `additionalProperties:"true"`
	Tier string   `json:"tier,omitempty" validate:"omitempty,oneof=gold silver"`
}

// Order uses every kind of field and rule the schema maps.
type Order struct {
	Email   string          `json:"email" validate:"required,email"`
	Name    string          `json:"name,omitempty" validate:"omitempty,min=2,max=20"`
	Kind    string          `json:"kind" validate:"oneof=retail wholesale"`
	Website *string         `json:"website,omitempty" validate:"omitempty,url"`
	ID      string          `json:"id,omitempty" validate:"omitempty,uuid"`
	Day     string          `json:"day,omitempty" validate:"omitempty,datetime=2006-01-02"`
	Score   float64         `json:"score" validate:"gte=0,lt=10"`
	Ratio   float32         `json:"ratio" validate:"gt=0.1,lte=0.9"`
	Level   *int8           `json:"level,omitempty" validate:"omitempty,gt=0"`
	Count   uint16          `json:"count"`
	Items   []Item          `json:"items" validate:"required,min=1,max=3"`
	Tags    []string        `json:"tags,omitempty" validate:"max=4,dive,min=1,max=8"`
	Labels  map[string]int  `json:"labels,omitempty" validate:"max=3,dive,min=0"`
	Codes   map[int]bool    `json:"codes,omitempty"`
	When    time.Time       `json:"when"`
	Blob    []byte          `json:"blob,omitempty"`
	Extra   any             `json:"extra,omitempty"`
	Raw     json.RawMessage `json:"raw,omitempty"`
	Parent  *Order          `json:"parent,omitempty"`
	Big     int64           `json:"big,string"`
	Note    struct {
		Text string `json:"text" validate:"max=5"`
	} `json:"note"`
	Meta Meta    `json:"meta"`
	Pair [2]bool `json:"pair"`
}

type orderIn struct {
	Body Order
}

// draft4Schema is the $schema of JSON Schema draft 4, the language of
// API Gateway models.
const draft4Schema = "http://json-schema.org/draft-04/schema#"

// modelFormats are the documents whose schemas API Gateway reads as
// draft 4 models.
var modelFormats = []swagger.Format{swagger.OpenAPI30, swagger.Swagger2}

// schemas builds Order's schema as a self-contained document for
// 2020-12 and, converted by swagger.ModelSchema, as the draft 4 models of
// each of modelFormats.
func schemas(t testing.TB) (draft2020 *jsonschema.Schema, models map[swagger.Format]*jsonschema.Schema) {
	r := gcschema.NewRegistry()
	if _, err := r.Schema(reflect.TypeFor[Order]()); err != nil {
		t.Fatal(err)
	}
	comps := r.Components()
	doc2020 := map[string]any{
		"$schema":    "https://json-schema.org/draft/2020-12/schema",
		"$ref":       gcschema.RefPrefix + "Order",
		"components": map[string]any{"schemas": comps},
	}
	models = map[swagger.Format]*jsonschema.Schema{}
	for _, f := range modelFormats {
		models[f] = compile(t, modelDocument(t, comps, f, "Order"), jsonschema.Draft4)
	}
	return compile(t, doc2020, jsonschema.Draft2020), models
}

// modelDocument is a draft 4 document of the components converted for
// format f, where their $refs resolve: under definitions (where the
// draft 4 metaschema checks them) and, for OpenAPI 3.0, also under
// components/schemas. With root, the document is that model.
func modelDocument(t testing.TB, comps map[string]json.RawMessage, f swagger.Format, root string) map[string]any {
	defs := map[string]json.RawMessage{}
	for name, s := range comps {
		m, err := swagger.ModelSchema(s, f)
		if err != nil {
			t.Fatalf("%s %s: %v", f, name, err)
		}
		defs[name] = m
	}
	doc := map[string]any{"$schema": draft4Schema, "definitions": defs}
	prefix := "#/definitions/"
	if f == swagger.OpenAPI30 {
		doc["components"] = map[string]any{"schemas": defs}
		prefix = gcschema.RefPrefix
	}
	if root != "" {
		doc["allOf"] = []any{map[string]any{"$ref": prefix + root}}
	}
	return doc
}

// compile compiles a schema document, checking it against its draft's
// metaschema, with format assertions on.
func compile(t testing.TB, doc any, draft *jsonschema.Draft) *jsonschema.Schema {
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(draft)
	c.AssertFormat()
	if err := c.AddResource("mem://order.json", v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem://order.json")
	if err != nil {
		t.Fatalf("the generated schema is not valid for its draft: %v\n%s", err, raw)
	}
	return s
}

var orderSeeds = []string{
	`{"email":"ana@example.com","kind":"retail","score":1,"ratio":0.5,"items":[{"sku":"ABC-1","qty":2}],"when":"2024-01-02T03:04:05Z","big":"7","note":{"text":"hi"},"meta":{"x":1},"pair":[true]}`,
	`{"email":"ana@example.com","name":"Ana","kind":"wholesale","website":"https://example.com","id":"123e4567-e89b-12d3-a456-426614174000","day":"2024-02-29","score":9.99,"ratio":0.9,"level":3,"count":65535,"items":[{"sku":"XYZ-42","qty":99}],"tags":["a","bb"],"labels":{"a":0},"codes":{"-1":true},"when":"2024-01-02T03:04:05.123+02:00","blob":"aGk=","extra":[1,{"a":null}],"raw":{"x":1},"parent":{"email":"b@c.de","kind":"retail","score":0,"ratio":0.2,"items":[{"sku":"AAA-0","qty":1}],"when":"2024-01-02T03:04:05Z","big":"-1","note":{"text":""},"meta":{},"pair":[]},"big":"9223372036854775807","note":{"text":"12345"},"meta":{"tier":"gold"},"pair":[false,true,true]}`,
	`{"email":"","kind":"","score":10,"ratio":0.1,"items":[],"when":"x","big":7}`,
	`{"email":"ana@example.com","name":"","website":"","id":"","day":"","kind":"retail","score":0,"ratio":0.5,"level":null,"items":[{"sku":"ABC-1","qty":1}],"when":"2024-01-02T03:04:05Z","big":"0","note":{"text":""},"meta":{"tier":""},"pair":[]}`,
}

// FuzzSchemaAgreesWithBinder: whatever body the binder accepts, the
// generated schema accepts too, in JSON Schema 2020-12 and, converted,
// as the draft 4 models of the OpenAPI 3.0 and Swagger 2.0 documents
// (what API Gateway validates with). A validator at the
// gateway built from the schema therefore never refuses a request the
// application would take.
func FuzzSchemaAgreesWithBinder(f *testing.F) {
	for _, s := range orderSeeds {
		f.Add([]byte(s))
	}
	b, err := bind.Compile(reflect.TypeFor[orderIn](), nil)
	if err != nil {
		f.Fatal(err)
	}
	s2020, models := schemas(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		var in orderIn
		if err := b.Bind(&bind.Values{RawBody: body, ContentType: "application/json"}, &in); err != nil {
			return
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("the binder accepted %q, which is not JSON: %v", body, err)
		}
		if err := s2020.Validate(inst); err != nil {
			t.Fatalf("the binder accepted %s; the 2020-12 schema refuses it: %v", body, err)
		}
		for _, format := range modelFormats {
			if err := models[format].Validate(inst); err != nil {
				t.Fatalf("the binder accepted %s; the %s model (draft 4) refuses it: %v", body, format, err)
			}
		}
	})
}

// TestSchemaAndBinderAgreeOnSeeds names which seeds each side accepts,
// so that the fuzz seeds cover both outcomes.
func TestSchemaAndBinderAgreeOnSeeds(t *testing.T) {
	b, err := bind.Compile(reflect.TypeFor[orderIn](), nil)
	if err != nil {
		t.Fatal(err)
	}
	s2020, _ := schemas(t)
	want := []struct{ binder, schema bool }{{true, true}, {true, true}, {false, false}, {true, true}}
	for i, s := range orderSeeds {
		var in orderIn
		bErr := b.Bind(&bind.Values{RawBody: []byte(s), ContentType: "application/json"}, &in)
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(s)))
		sErr := s2020.Validate(inst)
		if (bErr == nil) != want[i].binder || (sErr == nil) != want[i].schema {
			t.Errorf("seed %d: binder %v, schema %v; want accepted %v, %v", i, bErr, sErr, want[i].binder, want[i].schema)
		}
	}
}

// TestDraft4SchemasAreValid compiles every converted component with the
// draft 4 metaschema, for each document API Gateway imports.
func TestDraft4SchemasAreValid(t *testing.T) {
	r := gcschema.NewRegistry()
	if _, err := r.Schema(reflect.TypeFor[Order]()); err != nil {
		t.Fatal(err)
	}
	for _, f := range modelFormats {
		compile(t, modelDocument(t, r.Components(), f, ""), jsonschema.Draft4)
	}
}
