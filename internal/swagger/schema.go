package swagger

// Schemas in the three specifications.
//
// The manifest's schemas are JSON Schema 2020-12, which is what OpenAPI
// 3.1 documents hold: they are written as they are. OpenAPI 3.0 and
// Swagger 2.0 documents are what API Gateway imports (deploy sends
// OpenAPI 3.0; SAM and Terraform carry Swagger 2.0), and API Gateway
// turns their schemas into REST API models: JSON Schema draft 4, minus
// the keywords its documentation lists as unsupported ("Amazon API
// Gateway important notes for REST APIs": discriminator, example,
// exclusiveMinimum, oneOf, readOnly, default, an int32/int64 format on a
// number, the decimal format). A model with a keyword API Gateway does
// not take fails the import ("Invalid model schema specified.
// Unsupported keyword(s): ..."), so these documents are written with
// modelKeywords only, and every rewriting only ever accepts more than the
// original, never less (the function's own validation still checks it
// all):
//
//   - a nullable type (["string", "null"], or anyOf with {"type":
//     "null"}) stays a type list in Swagger 2.0 (draft 4 has them);
//     OpenAPI 3.0 has no type lists, and its nullable is not a draft 4
//     keyword, so it becomes anyOf [the schema, {"enum": [null]}], which
//     means the same to draft 4 and to OpenAPI 3.0 readers;
//   - const becomes a one-value enum; exclusiveMinimum/exclusiveMaximum
//     become minimum/maximum: the next whole number for an integer
//     (exact), the bound itself otherwise (looser);
//   - oneOf becomes anyOf (looser) in OpenAPI 3.0; Swagger 2.0, which has
//     neither, keeps a nullable single type as a type list and otherwise
//     only the types the alternatives allow (looser);
//   - contentEncoding base64 becomes the format "byte", and a format API
//     Gateway refuses is left out;
//   - a $ref with other keywords next to it (which older readers ignore)
//     becomes allOf [{"$ref": ...}] with them, and the reference points
//     at #/definitions/ in Swagger 2.0;
//   - the boolean schemas true and false become {} and {"not": {}}
//     (Swagger 2.0, which has no "not": {});
//   - everything else is left out: annotations models refuse (default,
//     examples, readOnly, writeOnly, deprecated, x-...) and keywords the
//     target cannot express (prefixItems in OpenAPI 3.0, not in Swagger
//     2.0, patternProperties, dependentRequired, dependentSchemas,
//     if/then/else, contains, propertyNames, unevaluatedItems/Properties,
//     discriminator, $defs, the $-keywords...). additionalProperties is
//     dropped with patternProperties, and items with prefixItems, since
//     they refer to each other.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/gochalice/chalice/manifest"
)

// dialect is the schema language of a document.
type dialect int

const (
	jsonSchema2020 dialect = iota // OpenAPI 3.1
	oas30                         // OpenAPI 3.0, read as draft 4 by API Gateway
	swagger20                     // Swagger 2.0, read as draft 4 by API Gateway
)

func (g *generator) dialect() dialect { return dialectOf(g.format) }

func dialectOf(f Format) dialect {
	switch f {
	case OpenAPI31:
		return jsonSchema2020
	case OpenAPI30:
		return oas30
	}
	return swagger20
}

// refPrefix is where a document keeps its named schemas.
func (d dialect) refPrefix() string {
	if d == swagger20 {
		return "#/definitions/"
	}
	return manifest.SchemaRefPrefix
}

// Dialects a model keyword is written in.
const (
	inOAS30 = 1 << iota
	inSwagger20
	inBoth = inOAS30 | inSwagger20
)

// modelKeywords are the keywords OpenAPI 3.0 and Swagger 2.0 schemas are
// written with: those of JSON Schema draft 4 that the target's schema
// object has and API Gateway models support. Swagger 2.0's schema object
// lacks anyOf and not (and oneOf, which API Gateway does not support);
// its type may be a list and its items a list, as in draft 4.
var modelKeywords = map[string]int{
	"$ref": inBoth, "title": inBoth, "description": inBoth, "type": inBoth, "format": inBoth, "enum": inBoth,
	"multipleOf": inBoth, "maximum": inBoth, "minimum": inBoth,
	"maxLength": inBoth, "minLength": inBoth, "pattern": inBoth,
	"items": inBoth, "maxItems": inBoth, "minItems": inBoth, "uniqueItems": inBoth,
	"properties": inBoth, "additionalProperties": inBoth, "required": inBoth,
	"maxProperties": inBoth, "minProperties": inBoth,
	"allOf": inBoth, "anyOf": inOAS30, "not": inOAS30,
}

// modelKeyword reports whether documents of dialect d write keyword k in
// their schemas.
func modelKeyword(d dialect, k string) bool {
	switch d {
	case oas30:
		return modelKeywords[k]&inOAS30 != 0
	case swagger20:
		return modelKeywords[k]&inSwagger20 != 0
	}
	return true
}

// modelFormat reports whether API Gateway models take format f on a
// schema of the given types (non-null, as written): not "decimal", and
// int32/int64 only on integers.
func modelFormat(f string, types []string) bool {
	switch f {
	case "decimal":
		return false
	case "int32", "int64":
		if len(types) == 0 {
			return false
		}
		for _, t := range types {
			if t != "integer" {
				return false
			}
		}
	}
	return true
}

// ModelSchema returns schema, a JSON Schema 2020-12 document as the
// manifest holds it, as a document of format f holds it: unchanged in
// OpenAPI31; in OpenAPI30 and Swagger2 written with the draft 4 keywords
// API Gateway models support, so that it never refuses a value schema
// accepts, its $refs pointing at #/components/schemas/ (OpenAPI30) or
// #/definitions/ (Swagger2).
func ModelSchema(schema json.RawMessage, f Format) (json.RawMessage, error) {
	if f == "" {
		f = Swagger2
	}
	if f != Swagger2 && f != OpenAPI30 && f != OpenAPI31 {
		return nil, fmt.Errorf("swagger: ModelSchema: unknown format %q (want %s, %s or %s)", f, Swagger2, OpenAPI30, OpenAPI31)
	}
	doc, err := decodeSchema(schema)
	if err != nil {
		return nil, fmt.Errorf("swagger: ModelSchema: %w", err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(convertSchema(doc, dialectOf(f))); err != nil {
		return nil, fmt.Errorf("swagger: ModelSchema: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// decodeSchema decodes a manifest schema, keeping numbers as written.
func decodeSchema(raw json.RawMessage) (any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("no schema")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("schema is not JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("schema has data after the JSON value")
	}
	switch doc.(type) {
	case bool, map[string]any:
	default:
		return nil, fmt.Errorf("schema is not a JSON Schema (an object, or true or false)")
	}
	return doc, nil
}

// schema returns raw in the document's dialect.
func (g *generator) schema(raw json.RawMessage) (any, error) {
	doc, err := decodeSchema(raw)
	if err != nil {
		return nil, err
	}
	return convertSchema(doc, g.dialect()), nil
}

func convertSchema(doc any, d dialect) any {
	if d == jsonSchema2020 {
		return doc
	}
	switch s := doc.(type) {
	case bool:
		return boolSchema(s, d)
	case map[string]any:
		return convertObject(s, d)
	}
	return map[string]any{}
}

// boolSchema is the schema true (anything) or false (nothing): Swagger
// 2.0, which has no "not", writes false as {} too.
func boolSchema(b bool, d dialect) map[string]any {
	if !b && d == oas30 {
		return map[string]any{"not": map[string]any{}}
	}
	return map[string]any{}
}

// wellTyped reports whether a copied keyword has a value draft 4 takes
// (one that does not is left out, rather than make the model invalid).
func wellTyped(k string, v any) bool {
	switch k {
	case "title", "description", "format", "pattern":
		_, ok := v.(string)
		return ok
	case "uniqueItems":
		_, ok := v.(bool)
		return ok
	case "enum":
		l, ok := v.([]any)
		return ok && len(l) > 0
	case "required":
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			return false
		}
		for _, e := range l {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	case "maximum", "minimum":
		_, ok := number(v)
		return ok
	case "multipleOf":
		n, ok := number(v)
		return ok && n.Sign() > 0
	case "maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties":
		n, ok := number(v)
		return ok && n.Sign() >= 0 && n.IsInt()
	}
	return false
}

// jsonTypes are JSON Schema's types but null.
var jsonTypes = map[string]bool{"string": true, "number": true, "integer": true, "boolean": true, "object": true, "array": true}

// annotations are kept on the outer schema around a nullable type.
var annotations = map[string]bool{"title": true, "description": true}

// copied are the keywords written as they are (when well typed).
var copied = []string{"title", "description", "multipleOf", "maximum", "minimum", "maxLength", "minLength",
	"pattern", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties"}

// typesOf returns the JSON types a type keyword lists, null apart.
func typesOf(v any) (types []string, null bool) {
	add := func(t string) {
		switch {
		case t == "null":
			null = true
		case jsonTypes[t]:
			for _, seen := range types {
				if seen == t {
					return
				}
			}
			types = append(types, t)
		}
	}
	switch t := v.(type) {
	case string:
		add(t)
	case []any:
		for _, e := range t {
			if name, ok := e.(string); ok {
				add(name)
			}
		}
	}
	return types, null
}

func convertObject(s map[string]any, d dialect) map[string]any {
	out := map[string]any{}
	for _, k := range copied {
		if v, ok := s[k]; ok && wellTyped(k, v) {
			out[k] = v
		}
	}
	if v, ok := s["enum"]; ok && wellTyped("enum", v) {
		out["enum"] = unique(v.([]any))
	}
	if v, ok := s["required"]; ok && wellTyped("required", v) {
		out["required"] = unique(v.([]any))
	}
	if c, ok := s["const"]; ok {
		if enum, has := out["enum"].([]any); has && !containsValue(enum, c) {
			return withAnnotations(boolSchema(false, d), out) // nothing matches both
		}
		out["enum"] = []any{c}
	}

	types, nullable := typesOf(s["type"])
	if n, _ := s["nullable"].(bool); n && len(types) > 0 {
		nullable = true // an OpenAPI 3.0 keyword met in a 3.1 document
	}
	_, typed := s["type"]
	if typed && len(types) == 0 && nullable {
		// Only null.
		if d == oas30 {
			return withAnnotations(map[string]any{"enum": []any{nil}}, out) // OpenAPI 3.0 has no null type
		}
		out["type"] = "null"
		nullable = false
	}
	integer := len(types) == 1 && types[0] == "integer"
	inclusiveBound(s, out, "exclusiveMinimum", "minimum", integer, 1)
	inclusiveBound(s, out, "exclusiveMaximum", "maximum", integer, -1)

	format, _ := s["format"].(string)
	if enc, _ := s["contentEncoding"].(string); enc == "base64" && format == "" {
		format = "byte" // the older specifications' name for base64 text
	}
	if format != "" && modelFormat(format, types) {
		out["format"] = format
	}

	switch {
	case len(types) == 0:
	case d == swagger20:
		if nullable || len(types) > 1 {
			list := make([]any, 0, len(types)+1)
			for _, t := range types {
				list = append(list, t)
			}
			if nullable {
				list = append(list, "null")
			}
			out["type"] = list // draft 4 has type lists
		} else {
			out["type"] = types[0]
		}
		nullable = false
	case len(types) == 1:
		out["type"] = types[0]
	default:
		branches := make([]any, len(types))
		for i, typ := range types {
			branches[i] = map[string]any{"type": typ}
		}
		out["anyOf"] = branches
	}

	if v, ok := s["properties"].(map[string]any); ok {
		props := make(map[string]any, len(v))
		for name, sub := range v {
			props[name] = convertSchema(sub, d)
		}
		out["properties"] = props
	}
	if v, ok := s["additionalProperties"]; ok {
		_, pattern := s["patternProperties"]
		switch ap := v.(type) {
		case bool:
			if !pattern || ap {
				out["additionalProperties"] = ap
			}
		case map[string]any:
			if !pattern {
				out["additionalProperties"] = convertObject(ap, d)
			}
		}
	}
	prefix, hasPrefix := s["prefixItems"].([]any)
	switch items := s["items"].(type) {
	case []any: // the draft 4 tuple form
		if d == swagger20 && !hasPrefix {
			out["items"] = convertList(items, d)
		}
	case bool, map[string]any:
		if !hasPrefix {
			out["items"] = convertSchema(items, d)
		}
	}
	if hasPrefix && d == swagger20 {
		out["items"] = convertList(prefix, d)
	}
	if out["type"] == "array" && out["items"] == nil && d == oas30 {
		out["items"] = map[string]any{} // OpenAPI 3.0 wants items with type array
	}
	if v, ok := s["allOf"].([]any); ok && len(v) > 0 {
		out["allOf"] = append(asList(out["allOf"]), convertList(v, d)...)
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		v, ok := s[k].([]any)
		if !ok || len(v) == 0 {
			continue
		}
		if d == oas30 {
			// oneOf (exactly one) is written as anyOf (at least one).
			if out["anyOf"] != nil {
				// Both a type list and alternatives: each must hold.
				out["allOf"] = append(asList(out["allOf"]), map[string]any{"anyOf": convertList(v, d)})
			} else {
				out["anyOf"] = convertList(v, d)
			}
			continue
		}
		swaggerAlternatives(out, v)
	}
	if v, ok := s["not"]; ok && d == oas30 {
		switch v.(type) {
		case bool, map[string]any:
			out["not"] = convertSchema(v, d)
		}
	}
	if ref, ok := s["$ref"].(string); ok && strings.HasPrefix(ref, manifest.SchemaRefPrefix) {
		ref = d.refPrefix() + strings.TrimPrefix(ref, manifest.SchemaRefPrefix)
		if len(out) == 0 {
			out["$ref"] = ref
		} else {
			// Older readers ignore whatever is next to a $ref.
			out["allOf"] = append([]any{map[string]any{"$ref": ref}}, asList(out["allOf"])...)
		}
	}
	if nullable {
		inner := stripAnnotations(out)
		if len(inner) == 0 {
			return out // any value already
		}
		return withAnnotations(map[string]any{"anyOf": []any{inner, map[string]any{"enum": []any{nil}}}}, out)
	}
	return out
}

// swaggerAlternatives writes anyOf/oneOf alternatives in Swagger 2.0,
// which has neither: a nullable single type, the common case, joins out
// as a draft 4 type list; otherwise out gets the types the alternatives
// allow, when it has no type of its own.
func swaggerAlternatives(out map[string]any, list []any) {
	if merged, null, ok := nullableBranch(list); ok {
		conv := convertObject(merged, swagger20)
		if mergeable(out, conv) {
			for key, val := range conv {
				out[key] = val
			}
			if t, ok := out["type"].(string); ok && null {
				out["type"] = []any{t, "null"}
			}
			return
		}
	}
	if _, has := out["type"]; has {
		return
	}
	types := map[string]bool{}
	for _, alt := range list {
		if !admittedTypes(alt, types, 0) {
			return // some alternative takes any type
		}
	}
	var names []any
	for _, t := range []string{"string", "number", "integer", "boolean", "object", "array", "null"} {
		if types[t] && !(t == "integer" && types["number"]) {
			names = append(names, t)
		}
	}
	switch len(names) {
	case 0:
	case 1:
		out["type"] = names[0]
	default:
		out["type"] = names
	}
}

// admittedTypes adds to types the JSON types schema v can accept, and
// reports false when it cannot tell (any type may be accepted).
func admittedTypes(v any, types map[string]bool, depth int) bool {
	s, ok := v.(map[string]any)
	if !ok {
		b, isBool := v.(bool)
		return isBool && !b // false accepts nothing
	}
	if t, ok := s["type"]; ok {
		list, null := typesOf(t)
		if len(list) == 0 && !null {
			return false
		}
		for _, name := range list {
			types[name] = true
		}
		if null {
			types["null"] = true
		}
		return true
	}
	if c, ok := s["const"]; ok {
		types[jsonType(c)] = true
		return true
	}
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		for _, e := range enum {
			types[jsonType(e)] = true
		}
		return true
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		if alts, ok := s[k].([]any); ok && len(alts) > 0 && depth < 8 {
			for _, alt := range alts {
				if !admittedTypes(alt, types, depth+1) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// jsonType is the JSON Schema type of a decoded value: a number written
// without a fraction or exponent is an "integer", others a "number".
func jsonType(v any) string {
	switch n := v.(type) {
	case json.Number:
		if strings.ContainsAny(n.String(), ".eE") {
			return "number"
		}
		return "integer"
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return "number"
}

// nullableBranch returns the one alternative of an anyOf/oneOf list that
// is not {"type": "null"}, and whether there was a null, when that
// alternative is a schema of one type.
func nullableBranch(list []any) (map[string]any, bool, bool) {
	var other map[string]any
	nulls := 0
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false, false
		}
		if len(m) == 1 && m["type"] == "null" {
			nulls++
			continue
		}
		if other != nil {
			return nil, false, false
		}
		other = m
	}
	if other == nil {
		return nil, false, false
	}
	t, ok := other["type"].(string)
	if !ok || !jsonTypes[t] || other["$ref"] != nil || other["anyOf"] != nil || other["oneOf"] != nil {
		return nil, false, false
	}
	return other, nulls > 0, true
}

// mergeable reports whether the branch's keywords can join out without
// replacing any of out's.
func mergeable(out, branch map[string]any) bool {
	for k := range branch {
		if _, ok := out[k]; ok {
			return false
		}
	}
	return true
}

func withAnnotations(inner, from map[string]any) map[string]any {
	for k, v := range from {
		if annotations[k] {
			inner[k] = v
		}
	}
	return inner
}

func stripAnnotations(s map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range s {
		if !annotations[k] {
			out[k] = v
		}
	}
	return out
}

func convertList(list []any, d dialect) []any {
	out := make([]any, len(list))
	for i, e := range list {
		out[i] = convertSchema(e, d)
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func containsValue(list []any, v any) bool {
	for _, e := range list {
		if reflect.DeepEqual(e, v) {
			return true
		}
	}
	return false
}

// unique returns list without repeated values (draft 4 wants the items
// of enum and required unique).
func unique(list []any) []any {
	out := make([]any, 0, len(list))
	for _, e := range list {
		if !containsValue(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// inclusiveBound writes JSON Schema 2020-12's exclusiveMinimum (sign 1)
// or exclusiveMaximum (sign -1), which API Gateway models do not take,
// as the inclusive bound: for an integer the next whole number past it
// (x > 2.5 is x >= 3: exact), for other numbers the bound itself (which
// then also admits the bound). The tighter of it and an inclusive bound
// also given is kept. The draft 4 form (a boolean beside the inclusive
// bound) is read too.
func inclusiveBound(s, out map[string]any, exclusive, inclusive string, integer bool, sign int) {
	ex, ok := s[exclusive]
	if !ok {
		return
	}
	if b, isBool := ex.(bool); isBool {
		in, ok := ratOf(out[inclusive])
		if b && ok && integer && in.IsInt() {
			out[inclusive] = json.Number(step(in, sign).RatString())
		}
		return // otherwise the bound is kept as inclusive: looser
	}
	exR, ok := ratOf(ex)
	if !ok {
		// Too large to work with exactly: the inclusive bound, or this
		// one made inclusive.
		if _, has := out[inclusive]; !has && wellTyped(inclusive, ex) {
			out[inclusive] = ex
		}
		return
	}
	bound := ex
	if integer {
		exR = step(exR, sign)
		bound = json.Number(exR.RatString())
	}
	if in, ok := ratOf(out[inclusive]); ok && exR.Cmp(in)*sign <= 0 {
		return // the inclusive bound is at least as tight
	}
	out[inclusive] = bound
}

// step returns the first integer above r (sign 1) or below it (sign -1).
func step(r *big.Rat, sign int) *big.Rat {
	floor := new(big.Int).Div(r.Num(), r.Denom()) // Denom > 0: rounds down
	switch {
	case sign > 0:
		floor.Add(floor, big.NewInt(1))
	case r.IsInt():
		floor.Sub(floor, big.NewInt(1))
	}
	return new(big.Rat).SetInt(floor)
}

// ratOf returns a JSON number exactly, when it is one of a size worth
// computing with (at most 400 characters, an exponent within ±400).
func ratOf(v any) (*big.Rat, bool) {
	var s string
	switch n := v.(type) {
	case json.Number:
		s = n.String()
	case float64:
		s = strconv.FormatFloat(n, 'g', -1, 64)
	default:
		return nil, false
	}
	if len(s) > 400 {
		return nil, false
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || exp > 400 || exp < -400 {
			return nil, false
		}
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

func number(v any) (*big.Float, bool) {
	var s string
	switch n := v.(type) {
	case json.Number:
		s = n.String()
	case float64:
		return big.NewFloat(n), true
	default:
		return nil, false
	}
	f, _, err := big.ParseFloat(s, 10, 256, big.ToNearestEven)
	return f, err == nil
}

// simpleTypes are the types of a Swagger 2.0 parameter that is not the
// body.
var simpleTypes = map[string]bool{"string": true, "number": true, "integer": true, "boolean": true, "array": true}

// parameterSchema is the schema of an OpenAPI 3.0 parameter: a parameter
// is never JSON null, so a nullable type is the type alone.
func parameterSchema(doc any) any {
	s, ok := doc.(map[string]any)
	if !ok {
		return convertSchema(doc, oas30)
	}
	if types, null := typesOf(s["type"]); null && len(types) > 0 || s["nullable"] != nil {
		c := make(map[string]any, len(s))
		for k, v := range s {
			c[k] = v
		}
		delete(c, "nullable")
		if len(types) == 1 {
			c["type"] = types[0]
		} else if len(types) > 1 {
			list := make([]any, len(types))
			for i, t := range types {
				list[i] = t
			}
			c["type"] = list
		}
		s = c
	}
	return convertObject(s, oas30)
}

// simpleParameter writes a parameter's schema in the fields a Swagger 2.0
// path, query or header parameter has instead of a schema (type, format,
// items, enum, bounds...), with the keywords models take. Named schemas
// are followed. What they cannot say (objects, alternatives) is left out:
// such a parameter is a string.
func (g *generator) simpleParameter(p map[string]any, doc any, in string, depth int) {
	s, _ := doc.(map[string]any)
	for depth < 8 && s != nil {
		ref, ok := s["$ref"].(string)
		if !ok {
			break
		}
		named, err := decodeSchema(g.api.Schemas[strings.TrimPrefix(ref, manifest.SchemaRefPrefix)])
		if err != nil {
			break
		}
		s, _ = named.(map[string]any)
		depth++
	}
	typ := "string"
	if types, _ := typesOf(s["type"]); len(types) == 1 {
		typ = types[0]
	} else if _, typed := s["type"]; !typed {
		// Alternatives (omitempty's) of one type: that type.
		alts := map[string]bool{}
		if admittedTypes(s, alts, 0) {
			delete(alts, "null")
			if len(alts) == 1 {
				for t := range alts {
					typ = t
				}
			}
		}
	}
	if !simpleTypes[typ] {
		p["type"] = "string" // anything arrives as a string
		return
	}
	p["type"] = typ
	conv := convertObject(s, swagger20)
	for _, k := range []string{"format", "maximum", "minimum", "maxLength", "minLength", "pattern",
		"maxItems", "minItems", "uniqueItems", "multipleOf"} {
		if v, ok := conv[k]; ok {
			p[k] = v
		}
	}
	if f, ok := p["format"].(string); ok && !modelFormat(f, []string{typ}) {
		delete(p, "format")
	}
	if enum, ok := conv["enum"].([]any); ok {
		var vals []any
		for _, e := range enum {
			switch e.(type) {
			case string, json.Number, float64, bool:
				vals = append(vals, e)
			}
		}
		if len(vals) > 0 {
			p["enum"] = vals
		}
	}
	if d, ok := s["description"].(string); ok && p["description"] == nil {
		p["description"] = d
	}
	if typ == "array" {
		items := map[string]any{}
		g.simpleParameter(items, s["items"], in, depth+1)
		delete(items, "description")
		p["items"] = items
		if in == manifest.InQuery {
			p["collectionFormat"] = "multi" // ?tag=a&tag=b
		} else {
			p["collectionFormat"] = "csv"
		}
	}
}
