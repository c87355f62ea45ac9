package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ReservedSchemaName is the model Chalice's documents always define
// ({"type": "object", "title": "Empty Schema"}, the response of untyped
// routes); an app's schema may not take its name.
const ReservedSchemaName = "Empty"

// validSchemaName reports whether name is what API Gateway accepts as a
// model name: letters and digits. (No package-level regexps here: this
// package is linked into every app binary.)
func validSchemaName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// templateParams returns the parameter names of a route template:
// {name} and greedy {name+} give name.
func templateParams(path string) []string {
	var names []string
	for _, seg := range strings.Split(path, "/") {
		if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
			names = append(names, strings.TrimSuffix(seg[1:len(seg)-1], "+"))
		}
	}
	return names
}

// CheckSchemas checks the typed parts of the manifest: the named schemas
// (alphanumeric names other than "Empty", each a JSON Schema object or
// boolean) and each route's parameters (a name, in path, query or header,
// no duplicates, path parameters named in the template and required), its
// request body and response (a content type, a status of 100-599 on the
// response only) and every schema's $ref, which must name one of Schemas
// as "#/components/schemas/<Name>". It returns every problem found, joined.
// Read calls it.
func (m *Manifest) CheckSchemas() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("manifest: "+format, args...))
	}
	names := make([]string, 0, len(m.Schemas))
	for name := range m.Schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	checkSchema := func(where string, raw json.RawMessage) {
		if err := checkSchema(raw, m.Schemas); err != nil {
			add("%s: %v", where, err)
		}
	}
	for _, name := range names {
		where := fmt.Sprintf("schemas[%q]", name)
		switch {
		case name == ReservedSchemaName:
			add("%s: the name %q is reserved for Chalice's empty model; give the type another name", where, name)
		case !validSchemaName(name):
			add("%s: a schema name must be letters and digits only (API Gateway model names are alphanumeric)", where)
		}
		checkSchema(where, m.Schemas[name])
	}
	for _, r := range m.Routes {
		route := fmt.Sprintf("route %s %s", r.Method, r.Path)
		templ := r.Params
		if len(templ) == 0 {
			templ = templateParams(r.Path)
		}
		seen := map[string]bool{}
		for i, p := range r.Parameters {
			where := fmt.Sprintf("%s: parameters[%d] %q", route, i, p.Name)
			if p.Name == "" {
				add("%s: parameters[%d] has no name", route, i)
			}
			key := p.In + " " + p.Name
			switch p.In {
			case InPath:
				if !slices.Contains(templ, p.Name) {
					add("%s: a path parameter the template does not have (its parameters: %s)", where, listOrNone(templ))
				}
				if !p.Required {
					add("%s: a path parameter must be required", where)
				}
			case InQuery:
			case InHeader:
				key = p.In + " " + strings.ToLower(p.Name) // header names are case-insensitive
			default:
				add("%s: in %q is not %s, %s or %s", where, p.In, InPath, InQuery, InHeader)
			}
			if seen[key] && p.Name != "" {
				add("%s: declared twice in %s", where, p.In)
			}
			seen[key] = true
			checkSchema(where, p.Schema)
		}
		if b := r.RequestBody; b != nil {
			where := route + ": requestBody"
			checkContentType(add, where, b.ContentType)
			if b.Status != 0 {
				add("%s: status %d: a request body has no status (status belongs to the response)", where, b.Status)
			}
			checkSchema(where, b.Schema)
		}
		if b := r.Response; b != nil {
			where := route + ": response"
			checkContentType(add, where, b.ContentType)
			if b.Status != 0 && (b.Status < 100 || b.Status > 599) {
				add("%s: status %d is not an HTTP status code (100-599; 0 means 200)", where, b.Status)
			}
			checkSchema(where, b.Schema)
		}
	}
	return errors.Join(errs...)
}

func checkContentType(add func(string, ...any), where, ct string) {
	if ct == "" {
		add("%s: contentType is required (%q for JSON)", where, ContentTypeJSON)
		return
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		add("%s: contentType %q is not a media type: %v", where, ct, err)
	}
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// checkSchema checks one JSON Schema document: an object or a boolean,
// whose references all name a schema of schemas.
func checkSchema(raw json.RawMessage, schemas map[string]json.RawMessage) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return errors.New("schema is required (a JSON Schema object; {} accepts any value)")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("schema is not JSON: %w", err)
	}
	var errs []error
	walkSchema(doc, "#", func(s map[string]any, ptr string) {
		ref, ok := s["$ref"]
		if !ok {
			return
		}
		str, _ := ref.(string)
		name, found := strings.CutPrefix(str, SchemaRefPrefix)
		switch {
		case !found || name == "":
			errs = append(errs, fmt.Errorf("schema %s: $ref %s: only references to named schemas are supported, written %q", ptr, quoteJSON(ref), SchemaRefPrefix+"<Name>"))
		case schemas[name] == nil:
			errs = append(errs, fmt.Errorf("schema %s: $ref %q names a schema the manifest does not have (its schemas: %s)", ptr, str, listOrNone(sortedNames(schemas))))
		}
	}, func(ptr, problem string) {
		errs = append(errs, fmt.Errorf("schema %s %s", ptr, problem))
	})
	return errors.Join(errs...)
}

func quoteJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedNames(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Keywords whose values are subschemas, by shape (JSON Schema 2020-12 and
// the draft-04 forms still met).
var (
	subschemaOne = []string{"additionalItems", "additionalProperties", "contains", "contentSchema", "else", "if",
		"items", "not", "propertyNames", "then", "unevaluatedItems", "unevaluatedProperties"}
	subschemaList = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	subschemaMap  = []string{"$defs", "definitions", "dependencies", "dependentSchemas", "patternProperties", "properties"}
)

// walkSchema calls visit for every schema object in doc (doc itself and
// its subschemas, found by keyword), and bad for every value in a schema
// position that is neither an object nor a boolean, and every keyword
// whose value does not have the shape it needs. ptr is the JSON pointer
// of each schema.
func walkSchema(doc any, ptr string, visit func(s map[string]any, ptr string), bad func(ptr, problem string)) {
	switch s := doc.(type) {
	case bool:
		return
	case map[string]any:
		visit(s, ptr)
		for _, k := range subschemaOne {
			v, ok := s[k]
			if !ok {
				continue
			}
			if list, isList := v.([]any); isList && k == "items" {
				for i, e := range list {
					walkSchema(e, ptr+"/items/"+strconv.Itoa(i), visit, bad)
				}
				continue
			}
			walkSchema(v, ptr+"/"+k, visit, bad)
		}
		for _, k := range subschemaList {
			v, ok := s[k]
			if !ok {
				continue
			}
			list, isList := v.([]any)
			if !isList {
				bad(ptr+"/"+k, "is "+kindOf(v)+", not a list of schemas")
				continue
			}
			for i, e := range list {
				walkSchema(e, ptr+"/"+k+"/"+strconv.Itoa(i), visit, bad)
			}
		}
		for _, k := range subschemaMap {
			v, ok := s[k]
			if !ok {
				continue
			}
			m, isMap := v.(map[string]any)
			if !isMap {
				bad(ptr+"/"+k, "is "+kindOf(v)+", not an object of schemas")
				continue
			}
			keys := make([]string, 0, len(m))
			for name := range m {
				keys = append(keys, name)
			}
			sort.Strings(keys)
			for _, name := range keys {
				e := m[name]
				if _, isList := e.([]any); isList && k == "dependencies" {
					continue // draft-04 property dependencies: a list of names
				}
				walkSchema(e, ptr+"/"+k+"/"+escapePointer(name), visit, bad)
			}
		}
	default:
		bad(ptr, "is "+kindOf(doc)+", not a JSON Schema (an object, or true or false)")
	}
}

// escapePointer escapes a JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
