package crosscheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/gochalice/chalice/internal/bind"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// pools holds, per field of Order, values on both sides of its rules:
// the fuzzer picks among them, so most bodies it builds are near valid
// and the boundaries are where the binder and the schema could differ.
var pools = []struct {
	key  string
	vals []string
}{
	{"email", []string{`"ana@example.com"`, `"a.b+c@sub.example.co"`, `"ana@localhost"`, `"ana@example.123"`, `"o'neil@x.io"`, `""`, `"a@b.c"`, `"a..b@x.io"`, `"A@B.CO"`}},
	{"name", []string{`"Ana"`, `""`, `"A"`, `"ab"`, `"abcdefghijklmnopqrst"`, `"abcdefghijklmnopqrstu"`, `"éé"`, `"😀😀"`}},
	{"kind", []string{`"retail"`, `"wholesale"`, `""`, `"Retail"`}},
	{"website", []string{`"https://example.com"`, `""`, `null`, `"example.com"`, `"mailto:a@b.co"`, `"http://[::1]/"`, `"file:///x"`, `"http://a b"`, `"HTTP://EXAMPLE.COM"`}},
	{"id", []string{`"123e4567-e89b-12d3-a456-426614174000"`, `"123E4567-E89B-12D3-A456-426614174000"`, `""`, `"123e4567e89b12d3a456426614174000"`}},
	{"day", []string{`"2024-02-29"`, `"2023-02-29"`, `""`, `"2024-1-2"`, `"2024-12-31"`}},
	{"score", []string{`0`, `9.999`, `10`, `-0`, `-0.0001`, `5e0`, `1E1`}},
	{"ratio", []string{`0.5`, `0.1`, `0.10000001`, `0.9`, `0.90000004`, `1e-1`}},
	{"level", []string{`1`, `0`, `null`, `127`, `-1`, `128`}},
	{"count", []string{`0`, `65535`, `65536`, `-1`, `1.0`}},
	{"items", []string{`[{"sku":"ABC-1","qty":1}]`, `[]`, `[{"sku":"ABC-1","qty":1},{"sku":"XYZ-99","qty":99},{"sku":"QQQ-0","qty":50}]`,
		`[{"sku":"abc-1","qty":1}]`, `[{"sku":"ABC-1","qty":100}]`, `[{"sku":"ABC-1","qty":1},{"sku":"ABC-1","qty":1},{"sku":"ABC-1","qty":1},{"sku":"ABC-1","qty":1}]`, `[{"qty":1}]`}},
	{"tags", []string{`["a"]`, `[]`, `[""]`, `["abcdefgh"]`, `["abcdefghi"]`, `["a","b","c","d"]`, `["a","b","c","d","e"]`}},
	{"labels", []string{`{"a":0}`, `{}`, `{"a":-1}`, `{"a":1,"b":2,"c":3}`, `{"a":1,"b":2,"c":3,"d":4}`}},
	{"codes", []string{`{"1":true}`, `{"-1":false}`, `{"x":true}`, `{"01":true}`}},
	{"when", []string{`"2024-01-02T03:04:05Z"`, `"2024-01-02T03:04:05.5+01:00"`, `"2024-01-02t03:04:05z"`, `"2024-01-02"`, `"2024-01-02T24:00:00Z"`}},
	{"blob", []string{`"aGk="`, `""`, `"aGk"`, `"!"`}},
	{"extra", []string{`1`, `null`, `{"a":[1,"x"]}`}},
	{"big", []string{`"7"`, `"-9223372036854775808"`, `"9223372036854775808"`, `7`, `"1.5"`}},
	{"note", []string{`{"text":"12345"}`, `{"text":"123456"}`, `{}`, `{"text":"é"}`}},
	{"meta", []string{`{}`, `{"tier":"gold"}`, `{"tier":""}`, `{"tier":"bronze"}`, `{"x":[1]}`}},
	{"pair", []string{`[]`, `[true]`, `[true,false,true]`}},
}

func build(choices []byte) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for i, p := range pools {
		c := 0
		if i < len(choices) {
			c = int(choices[i])
		}
		if c%(len(p.vals)+1) == len(p.vals) {
			continue // leave the field out
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(`"` + p.key + `":` + p.vals[c%(len(p.vals)+1)])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// FuzzSchemaAgreesWithBinderNearValid is FuzzSchemaAgreesWithBinder on
// bodies built from the pools: whatever the binder accepts, the schemas
// accept.
func FuzzSchemaAgreesWithBinderNearValid(f *testing.F) {
	f.Add(make([]byte, len(pools)))
	f.Add([]byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	b, err := bind.Compile(reflect.TypeFor[orderIn](), nil)
	if err != nil {
		f.Fatal(err)
	}
	s2020, models := schemas(f)
	f.Fuzz(func(t *testing.T, choices []byte) {
		body := build(choices)
		var in orderIn
		if err := b.Bind(&bind.Values{RawBody: body, ContentType: "application/json"}, &in); err != nil {
			return
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
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

// TestNearValidAccepts makes sure the pools reach the accepting side.
func TestNearValidAccepts(t *testing.T) {
	b, err := bind.Compile(reflect.TypeFor[orderIn](), nil)
	if err != nil {
		t.Fatal(err)
	}
	body := build(make([]byte, len(pools)))
	var in orderIn
	if err := b.Bind(&bind.Values{RawBody: body, ContentType: "application/json"}, &in); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if !json.Valid(body) {
		t.Fatal("not JSON")
	}
}

// TestSchemaAgreesWithBinderOneAtATime varies one field at a time over
// its pool, the others valid: every value the binder accepts the
// schemas accept. Values only the schema accepts are listed with -v
// (the schema may be looser: it cannot say everything a rule does).
func TestSchemaAgreesWithBinderOneAtATime(t *testing.T) {
	b, err := bind.Compile(reflect.TypeFor[orderIn](), nil)
	if err != nil {
		t.Fatal(err)
	}
	s2020, models := schemas(t)
	accepted := 0
	for i, p := range pools {
		for j := range len(p.vals) + 1 {
			choices := make([]byte, len(pools))
			choices[i] = byte(j)
			body := build(choices)
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var in orderIn
			bErr := b.Bind(&bind.Values{RawBody: body, ContentType: "application/json"}, &in)
			e2020 := s2020.Validate(inst)
			var eModels []error
			for _, format := range modelFormats {
				if err := models[format].Validate(inst); err != nil {
					eModels = append(eModels, fmt.Errorf("%s: %w", format, err))
				}
			}
			switch {
			case bErr == nil && (e2020 != nil || len(eModels) > 0):
				t.Errorf("the binder accepted %s; the schemas refuse it: %v / %v", body, e2020, eModels)
			case bErr == nil:
				accepted++
			case e2020 == nil:
				t.Logf("%s: only the schema accepts %s (%v)", p.key, choiceText(p.vals, j), bErr)
			}
		}
	}
	t.Logf("%d bodies accepted by both", accepted)
}

func choiceText(vals []string, j int) string {
	if j == len(vals) {
		return "(absent)"
	}
	return vals[j]
}
