package swagger

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// requirePython returns python3 when it has the named modules, or skips
// the test (fails it when GOCHALICE_REQUIRE_TOOLS=1).
func requirePython(t *testing.T, modules ...string) string {
	t.Helper()
	skip := func(msg string) {
		if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg + " (GOCHALICE_REQUIRE_TOOLS=1)")
		}
		t.Skip(msg)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		skip("python3 is not installed")
	}
	for _, m := range modules {
		if err := exec.Command(python, "-c", "import "+m).Run(); err != nil {
			skip("python3 has no " + m + " module (pip install openapi-spec-validator brings it)")
		}
	}
	return python
}

// instance is a value and whether the original schema accepts it. strict
// lists the targets whose converted schema must refuse it too (where the
// target can express the rule); a value the original accepts must always
// be accepted by every converted schema.
type instance struct {
	value  string
	valid  bool
	strict string // "", "oas30", "swagger", "all"
}

var meaningCases = []struct {
	name      string
	schema    string // "" to test the typedSchemas entry of this name
	instances []instance
}{
	{"Item", "", []instance{
		{`{"id": "x", "name": "ab", "price": 5, "tags": null, "note": null, "owner": null, "count": null, "version": 1}`, true, ""},
		{`{"id": "x", "name": "ab", "tags": ["a"], "owner": {"login": "l"}, "count": 3, "kind": "book", "big": 18446744073709551615}`, true, ""},
		{`{"name": "ab"}`, false, "all"},                     // required
		{`{"id": "x", "name": "ab", "price": 0}`, false, ""}, // exclusiveMinimum on a number: inclusive in models
		{`{"id": "x", "name": "ab", "price": -1}`, false, "all"},
		{`{"id": "x", "name": "ab", "extra": 1}`, false, "all"},   // additionalProperties
		{`{"id": "x", "name": "ab", "version": 2}`, false, "all"}, // const
		{`{"id": "x", "name": "ab", "count": -1}`, false, "all"},  // a nullable type's own rules
		{`{"id": "x", "name": "ab", "tags": "a"}`, false, "all"},
		{`{"id": "x", "name": "ab", "kind": "car"}`, false, "all"},
		{`{"id": "x", "name": "ab", "owner": {}}`, false, "oas30"}, // Swagger 2.0 cannot say "an object or null"
	}},
	{"User", "", []instance{
		{`{"login": "a", "x-trace": "s"}`, true, ""}, // patternProperties: additionalProperties must not refuse it
		{`{"login": "a", "other": 1}`, false, ""},
		{`{}`, false, "all"},
	}},
	{"Point", "", []instance{
		{`[1, 2]`, true, ""},
		{`[1, "a"]`, false, "swagger"}, // Swagger 2.0 keeps the tuple
		{`[1, 2, 3]`, false, ""},
		{`[1]`, false, "all"},
	}},
	{"Shape", "", []instance{{`[1, 2]`, true, ""}, {`"circle"`, true, ""}, {`5`, false, "oas30"}}},
	{"Kind", "", []instance{{`"book"`, true, ""}, {`"car"`, false, "all"}}},
	{"OnlyNull", `{"type": "null"}`, []instance{{`null`, true, ""}, {`1`, false, "all"}}},
	{"TwoTypes", `{"type": ["string", "integer"]}`, []instance{{`"a"`, true, ""}, {`1`, true, ""}, {`1.5`, false, "all"}}},
	{"NullableTwo", `{"type": ["string", "integer", "null"], "minLength": 2}`, []instance{
		{`"ab"`, true, ""}, {`1`, true, ""}, {`null`, true, ""}, {`"a"`, false, "all"}, {`true`, false, "all"}}},
	{"TighterMax", `{"exclusiveMaximum": 10, "maximum": 5}`, []instance{{`5`, true, ""}, {`6`, false, "all"}}},
	{"TighterMin", `{"exclusiveMinimum": 3, "minimum": 1}`, []instance{{`3.5`, true, ""}, {`3`, false, ""}, {`2.9`, false, "all"}}},
	{"IntegerBounds", `{"type": "integer", "exclusiveMinimum": 2.5, "exclusiveMaximum": 10}`, []instance{
		{`3`, true, ""}, {`9`, true, ""}, {`2`, false, "all"}, {`10`, false, "all"}, {`3.5`, false, "all"}}},
	{"NegativeIntegerBounds", `{"type": ["integer", "null"], "exclusiveMinimum": -2.5, "exclusiveMaximum": -0.5, "minimum": -10}`, []instance{
		{`-2`, true, ""}, {`-1`, true, ""}, {`null`, true, ""}, {`-3`, false, "all"}, {`0`, false, "all"}}},
	{"NumberExclusiveMax", `{"type": "number", "exclusiveMaximum": 1, "maximum": 5}`, []instance{
		{`0.5`, true, ""}, {`1`, false, ""}, {`1.5`, false, "all"}}},
	{"OmitemptyEmail", `{"anyOf": [{"const": ""}, {"type": "string", "format": "email", "minLength": 3}]}`, []instance{
		{`""`, true, ""}, {`"a@b.co"`, true, ""}, {`"ab"`, false, "oas30"}, {`5`, false, "all"}, {`null`, false, "all"}}},
	{"NullableOmitempty", `{"anyOf": [{"const": ""}, {"type": "string", "maxLength": 2}, {"type": "null"}]}`, []instance{
		{`""`, true, ""}, {`null`, true, ""}, {`"ab"`, true, ""}, {`"abc"`, false, "oas30"}, {`5`, false, "all"}}},
	{"OneOf", `{"oneOf": [{"type": "integer"}, {"type": "number"}]}`, []instance{
		{`1.5`, true, ""}, {`1`, false, ""}, {`"a"`, false, "all"}}},
	{"Annotations", `{"type": "string", "default": 5, "examples": [1], "example": 1, "readOnly": true, "writeOnly": true,
	  "deprecated": true, "x-go-type": "T", "discriminator": {"propertyName": "k"}, "contentMediaType": "text/plain"}`, []instance{
		{`"a"`, true, ""}, {`1`, false, "all"}}},
	{"NumberFormat", `{"type": "number", "format": "int32", "maximum": 3}`, []instance{{`1.5`, true, ""}, {`4`, false, "all"}}},
	{"ConstEnum", `{"const": "a", "enum": ["b"]}`, []instance{{`"a"`, false, "oas30"}, {`"b"`, false, "oas30"}}},
	{"RefSiblings", `{"$ref": "#/components/schemas/Kind", "description": "d", "minLength": 5}`, []instance{
		{`"book"`, false, "all"}, {`"car"`, false, "all"}}},
	{"RefSiblingsOK", `{"$ref": "#/components/schemas/Kind", "description": "d"}`, []instance{{`"game"`, true, ""}}},
	{"AnyOfAndTypes", `{"type": ["integer", "string"], "anyOf": [{"type": "string"}]}`, []instance{{`"a"`, true, ""}, {`1`, false, "oas30"}}},
	{"IfThen", `{"if": {"type": "string"}, "then": {"minLength": 2}}`, []instance{{`"ab"`, true, ""}, {`"a"`, false, ""}, {`3`, true, ""}}},
	{"DependentRequired", `{"dependentRequired": {"a": ["b"]}}`, []instance{{`{"a": 1, "b": 2}`, true, ""}, {`{"a": 1}`, false, ""}}},
	{"False", `{"type": "object", "properties": {"never": false}}`, []instance{{`{}`, true, ""}, {`{"never": 1}`, false, "oas30"}}},
	{"Not", `{"not": {"type": "string"}}`, []instance{{`1`, true, ""}, {`"a"`, false, "oas30"}}},
	{"NullableNot", `{"anyOf": [{"type": "string", "maxLength": 2}, {"type": "null"}]}`, []instance{
		{`null`, true, ""}, {`"ab"`, true, ""}, {`"abc"`, false, "all"}, {`1`, false, "all"}}},
	{"ContainsAndItems", `{"type": "array", "items": {"type": "integer"}, "contains": {"const": 1}}`, []instance{
		{`[1, 2]`, true, ""}, {`[2]`, false, ""}, {`["a", 1]`, false, "all"}}},
}

// TestModelsKeepMeaning checks the conversions with real JSON Schema
// validators (python-jsonschema, and openapi-schema-validator for
// OpenAPI 3.0's reading): each converted schema is a valid draft 4
// schema (what API Gateway models are), never refuses a value the
// original JSON Schema 2020-12 schema accepts, read either as draft 4 (API
// Gateway) or as OpenAPI 3.0, and refuses what the original refuses
// wherever the target can say so.
func TestModelsKeepMeaning(t *testing.T) {
	python := requirePython(t, "jsonschema", "openapi_schema_validator")
	schemas := map[string]any{}
	for name, s := range typedSchemas {
		doc, err := decodeSchema(raw(s))
		if err != nil {
			t.Fatal(err)
		}
		schemas[name] = doc
	}
	for _, c := range meaningCases {
		if c.schema != "" {
			doc, err := decodeSchema(raw(c.schema))
			if err != nil {
				t.Fatal(err)
			}
			schemas[c.name] = doc
		}
	}
	oas, sw := map[string]any{}, map[string]any{}
	for name, s := range schemas {
		oas[name] = convertSchema(s, oas30)
		sw[name] = convertSchema(s, swagger20)
	}
	type jsonCase struct {
		Name      string           `json:"name"`
		Instances []map[string]any `json:"instances"`
	}
	input := map[string]any{"original": schemas, "oas30": oas, "swagger": sw}
	var cases []jsonCase
	for _, c := range meaningCases {
		jc := jsonCase{Name: c.name}
		for _, in := range c.instances {
			var v any
			if err := json.Unmarshal([]byte(in.value), &v); err != nil {
				t.Fatalf("%s: %v", in.value, err)
			}
			jc.Instances = append(jc.Instances, map[string]any{"value": json.RawMessage(in.value), "valid": in.valid, "strict": in.strict})
		}
		cases = append(cases, jc)
	}
	input["cases"] = cases
	body, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	const script = `
import json, sys
from jsonschema import Draft4Validator, Draft202012Validator
from openapi_schema_validator import OAS30Validator
doc = json.load(sys.stdin)
out = []
for name, s in doc["swagger"].items():
    try: Draft4Validator.check_schema(s)
    except Exception as e: out.append("swagger %s is not a draft 4 schema: %s" % (name, str(e).splitlines()[0]))
for name, s in doc["oas30"].items():
    try: Draft4Validator.check_schema(s)
    except Exception as e: out.append("oas30 %s is not a draft 4 schema: %s" % (name, str(e).splitlines()[0]))
def root(schemas, prefix, name):
    r = {"$ref": prefix + name}
    if prefix == "#/definitions/": r["definitions"] = schemas
    else: r["components"] = {"schemas": schemas}
    return r
readings = [
  ("original 2020-12", Draft202012Validator, "original", "#/components/schemas/"),
  ("oas30 as draft 4", Draft4Validator, "oas30", "#/components/schemas/"),
  ("oas30 as OpenAPI 3.0", OAS30Validator, "oas30", "#/components/schemas/"),
  ("swagger as draft 4", Draft4Validator, "swagger", "#/definitions/"),
]
for c in doc["cases"]:
    for label, cls, key, prefix in readings:
        v = cls(root(doc[key], prefix, c["name"]))
        for inst in c["instances"]:
            ok = v.is_valid(inst["value"])
            want = inst["valid"]
            strict = inst["strict"] == "all" or (inst["strict"] != "" and key.startswith(inst["strict"]))
            if key == "original":
                if ok != want: out.append("%s %s: %s is %s, the test says %s" % (label, c["name"], json.dumps(inst["value"]), ok, want))
            elif want and not ok:
                out.append("%s %s: refuses %s, which the original accepts" % (label, c["name"], json.dumps(inst["value"])))
            elif not want and strict and ok:
                out.append("%s %s: accepts %s, which the original refuses" % (label, c["name"], json.dumps(inst["value"])))
print("\n".join(out))
`
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = bytes.NewReader(body)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if line != "" {
			t.Error(line)
		}
	}
}

// TestConvertShapes pins the conversions exactly.
func TestConvertShapes(t *testing.T) {
	tests := []struct {
		in, oas, swagger string
	}{
		// Null: a type list in Swagger 2.0, anyOf with {"enum": [null]}
		// in OpenAPI 3.0 (never "nullable", which models refuse).
		{`{"type": ["string", "null"], "description": "d"}`,
			`{"anyOf":[{"type":"string"},{"enum":[null]}],"description":"d"}`,
			`{"description":"d","type":["string","null"]}`},
		{`{"anyOf": [{"type": "integer"}, {"type": "null"}]}`,
			`{"anyOf":[{"type":"integer"},{"enum":[null]}]}`,
			`{"type":["integer","null"]}`},
		{`{"type": "null", "title": "t"}`, `{"enum":[null],"title":"t"}`, `{"title":"t","type":"null"}`},
		{`{"type": "string", "nullable": true}`, `{"anyOf":[{"type":"string"},{"enum":[null]}]}`, `{"type":["string","null"]}`},
		{`{"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}], "description": "d"}`,
			`{"anyOf":[{"$ref":"#/components/schemas/A"},{"enum":[null]}],"description":"d"}`, `{"description":"d"}`},
		// const, and annotations models refuse.
		{`{"const": "a", "examples": ["a", "b"], "example": "a", "default": "a", "$schema": "x", "$id": "y", "$comment": "z"}`,
			`{"enum":["a"]}`, `{"enum":["a"]}`},
		{`{"const": "a", "enum": ["b"], "description": "d"}`, `{"description":"d","not":{}}`, `{"description":"d"}`},
		{`{"enum": ["a", "a", "b"], "required": ["x", "x"]}`, `{"enum":["a","b"],"required":["x"]}`, `{"enum":["a","b"],"required":["x"]}`},
		{`{"deprecated": true, "writeOnly": true, "readOnly": false, "x-go-type": "T", "discriminator": {"propertyName": "k"}, "xml": {}}`,
			`{}`, `{}`},
		// Exclusive bounds: the next whole number for an integer, the
		// bound itself otherwise; the tighter bound wins.
		{`{"exclusiveMinimum": 0}`, `{"minimum":0}`, `{"minimum":0}`},
		{`{"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10}`,
			`{"maximum":9,"minimum":1,"type":"integer"}`, `{"maximum":9,"minimum":1,"type":"integer"}`},
		{`{"type": ["integer", "null"], "exclusiveMinimum": -2.5, "exclusiveMaximum": 18446744073709551616}`,
			`{"anyOf":[{"maximum":18446744073709551615,"minimum":-2,"type":"integer"},{"enum":[null]}]}`,
			`{"maximum":18446744073709551615,"minimum":-2,"type":["integer","null"]}`},
		{`{"type": "integer", "exclusiveMinimum": 3, "minimum": 5, "exclusiveMaximum": 7, "maximum": 6.5}`,
			`{"maximum":6,"minimum":5,"type":"integer"}`, `{"maximum":6,"minimum":5,"type":"integer"}`},
		{`{"type": "number", "exclusiveMaximum": 1, "maximum": 5}`, `{"maximum":1,"type":"number"}`, `{"maximum":1,"type":"number"}`},
		{`{"type": "integer", "exclusiveMinimum": 2.5e1, "exclusiveMaximum": -1e401}`,
			`{"maximum":-1e401,"minimum":26,"type":"integer"}`, `{"maximum":-1e401,"minimum":26,"type":"integer"}`},
		{`{"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 1.5, "exclusiveMaximum": true}`,
			`{"maximum":1.5,"minimum":1,"type":"integer"}`, `{"maximum":1.5,"minimum":1,"type":"integer"}`},
		// Formats: int32/int64 on integers only, no decimal; base64.
		{`{"type": "number", "format": "int32"}`, `{"type":"number"}`, `{"type":"number"}`},
		{`{"type": ["integer", "null"], "format": "int64"}`,
			`{"anyOf":[{"format":"int64","type":"integer"},{"enum":[null]}]}`, `{"format":"int64","type":["integer","null"]}`},
		{`{"type": ["integer", "number"], "format": "int64"}`,
			`{"anyOf":[{"type":"integer"},{"type":"number"}]}`, `{"type":["integer","number"]}`},
		{`{"format": "int64"}`, `{}`, `{}`},
		{`{"type": "string", "format": "decimal"}`, `{"type":"string"}`, `{"type":"string"}`},
		{`{"type": "string", "contentEncoding": "base64"}`, `{"format":"byte","type":"string"}`, `{"format":"byte","type":"string"}`},
		// Alternatives: oneOf is anyOf in OpenAPI 3.0; Swagger 2.0 keeps
		// the types they allow.
		{`{"oneOf": [{"type": "integer"}, {"type": "string", "minLength": 1}]}`,
			`{"anyOf":[{"type":"integer"},{"minLength":1,"type":"string"}]}`, `{"type":["string","integer"]}`},
		{`{"anyOf": [{"const": ""}, {"type": "string", "format": "email"}]}`,
			`{"anyOf":[{"enum":[""]},{"format":"email","type":"string"}]}`, `{"type":"string"}`},
		{`{"anyOf": [{"enum": [1, "a", null]}, {"type": "number"}]}`,
			`{"anyOf":[{"enum":[1,"a",null]},{"type":"number"}]}`, `{"type":["string","number","null"]}`},
		{`{"anyOf": [{"type": "string"}, {"minLength": 1}]}`,
			`{"anyOf":[{"type":"string"},{"minLength":1}]}`, `{}`},
		{`{"type": ["integer", "string"], "anyOf": [{"type": "string"}], "oneOf": [{"minLength": 1}]}`,
			`{"allOf":[{"anyOf":[{"type":"string"}]},{"anyOf":[{"minLength":1}]}],"anyOf":[{"type":"integer"},{"type":"string"}]}`,
			`{"type":["integer","string"]}`},
		{`{"not": {"type": "string"}}`, `{"not":{"type":"string"}}`, `{}`},
		// References.
		{`{"$ref": "#/components/schemas/A"}`, `{"$ref":"#/components/schemas/A"}`, `{"$ref":"#/definitions/A"}`},
		{`{"$ref": "#/components/schemas/A", "title": "t"}`,
			`{"allOf":[{"$ref":"#/components/schemas/A"}],"title":"t"}`, `{"allOf":[{"$ref":"#/definitions/A"}],"title":"t"}`},
		{`{"$ref": "https://example.com/s.json", "type": "string"}`, `{"type":"string"}`, `{"type":"string"}`},
		// Boolean schemas.
		{`true`, `{}`, `{}`},
		{`false`, `{"not":{}}`, `{}`},
		{`{"type": "object", "properties": {"a": false}, "additionalProperties": {"type": "integer", "default": 1}}`,
			`{"additionalProperties":{"type":"integer"},"properties":{"a":{"not":{}}},"type":"object"}`,
			`{"additionalProperties":{"type":"integer"},"properties":{"a":{}},"type":"object"}`},
		// Keywords with no equivalent.
		{`{"type": "object", "patternProperties": {"^a": {}}, "additionalProperties": false, "propertyNames": {"pattern": "^a"}}`,
			`{"type":"object"}`, `{"type":"object"}`},
		{`{"type": "array", "prefixItems": [{"type": "string"}], "items": false, "contains": {"const": 1}}`,
			`{"items":{},"type":"array"}`, `{"items":[{"type":"string"}],"type":"array"}`},
		{`{"if": {"type": "string"}, "then": {"minLength": 2}, "dependentRequired": {"a": ["b"]}, "$defs": {"x": {}}}`, `{}`, `{}`},
		{`{"type": "integer", "maximum": 18446744073709551615, "multipleOf": 0}`,
			`{"maximum":18446744073709551615,"type":"integer"}`, `{"maximum":18446744073709551615,"type":"integer"}`},
	}
	for _, tt := range tests {
		doc, err := decodeSchema(raw(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonOf(convertSchema(doc, oas30)); got != tt.oas {
			t.Errorf("OpenAPI 3.0 of %s:\n got %s\nwant %s", tt.in, got, tt.oas)
		}
		if got := jsonOf(convertSchema(doc, swagger20)); got != tt.swagger {
			t.Errorf("Swagger 2.0 of %s:\n got %s\nwant %s", tt.in, got, tt.swagger)
		}
		if got := convertSchema(doc, jsonSchema2020); jsonOf(got) != jsonOf(doc) {
			t.Errorf("OpenAPI 3.1 changed %s", tt.in)
		}
	}
}

// FuzzConvertSchema: whatever schema a manifest holds, the conversions
// return JSON without panicking, and the OpenAPI 3.0 and Swagger 2.0
// forms use only keywords API Gateway models take (schemaProblems).
func FuzzConvertSchema(f *testing.F) {
	for _, s := range typedSchemas {
		f.Add(s)
	}
	for _, c := range meaningCases {
		if c.schema != "" {
			f.Add(c.schema)
		}
	}
	f.Add(`{"items": [true, {"type": ["null"]}], "prefixItems": {}, "anyOf": [1], "exclusiveMinimum": "x", "type": [1]}`)
	f.Add(`{"anyOf": [{"const": 1.5}, {"enum": [[], {}]}, {"type": ["null"]}], "oneOf": [false], "not": 3, "const": null, "enum": [null]}`)
	f.Add(`{"$ref": "#/components/schemas/A", "type": "integer", "format": "int32", "exclusiveMaximum": -1e400, "minimum": true}`)
	f.Fuzz(func(t *testing.T, in string) {
		doc, err := decodeSchema(raw(in))
		if err != nil {
			return
		}
		for _, d := range []dialect{oas30, swagger20} {
			b, err := json.Marshal(convertSchema(doc, d))
			if err != nil {
				t.Fatalf("dialect %d: %v", d, err)
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			var back any
			if err := dec.Decode(&back); err != nil {
				t.Fatalf("dialect %d: %v", d, err)
			}
			if probs := schemaProblems(back, "", d); len(probs) > 0 {
				t.Fatalf("dialect %d: %s\nconverted %s from %s", d, strings.Join(probs, "; "), b, in)
			}
		}
	})
}
