package sam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Object is a JSON object that keeps its keys in insertion order, as the
// Python dicts Chalice builds its templates from. The template's top
// level, its Resources and Outputs sections and each resource are Objects;
// everything below a resource's Type/DependsOn/Properties is plain
// map[string]any and []any, written with sorted keys.
type Object struct {
	keys []string
	vals map[string]any
}

// NewObject returns an Object holding the key/value pairs kv (keys must be
// strings).
func NewObject(kv ...any) *Object {
	o := &Object{vals: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// Set adds key at the end, or replaces its value in place.
func (o *Object) Set(key string, v any) {
	if o.vals == nil {
		o.vals = map[string]any{}
	}
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

// Get returns the value of key, nil when absent.
func (o *Object) Get(key string) any { return o.vals[key] }

// Lookup returns the value of key and whether it is present.
func (o *Object) Lookup(key string) (any, bool) {
	v, ok := o.vals[key]
	return v, ok
}

// Delete removes key.
func (o *Object) Delete(key string) {
	if _, ok := o.vals[key]; !ok {
		return
	}
	delete(o.vals, key)
	o.keys = slices.DeleteFunc(o.keys, func(k string) bool { return k == key })
}

// Keys returns the keys in order.
func (o *Object) Keys() []string { return slices.Clone(o.keys) }

// Len is the number of keys.
func (o *Object) Len() int { return len(o.keys) }

// MarshalJSON writes the object with its keys in order.
func (o *Object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := encodeCompact(&buf, k); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := encodeCompact(&buf, o.vals[k]); err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func encodeCompact(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
}

// Template is a generated SAM template: AWSTemplateFormatVersion,
// Transform, Outputs and Resources, in Chalice's order, with Outputs and
// Resources in the order Chalice adds them. Write it with Marshal or
// MarshalYAML; Map returns it as plain maps.
type Template struct {
	root *Object
}

func newTemplate() *Template {
	return &Template{root: NewObject(
		"AWSTemplateFormatVersion", "2010-09-09",
		"Transform", "AWS::Serverless-2016-10-31",
		"Outputs", NewObject(),
		"Resources", NewObject(),
	)}
}

// Root is the template's top-level object.
func (t *Template) Root() *Object { return t.root }

// Resources is the Resources section: logical ID -> *Object with Type,
// [DependsOn,] Properties.
func (t *Template) Resources() *Object { return t.root.Get("Resources").(*Object) }

// Outputs is the Outputs section: name -> {"Value": ...}.
func (t *Template) Outputs() *Object { return t.root.Get("Outputs").(*Object) }

// Resource returns a resource's Properties (nil when there is no such
// resource).
func (t *Template) Resource(logicalID string) map[string]any {
	r, _ := t.Resources().Get(logicalID).(*Object)
	if r == nil {
		return nil
	}
	p, _ := r.Get("Properties").(map[string]any)
	return p
}

// MarshalJSON writes the template compactly, in order.
func (t *Template) MarshalJSON() ([]byte, error) { return t.root.MarshalJSON() }

// Map returns the template as plain map[string]any / []any values (order
// is lost; the values are shared with the template, not copied).
func (t *Template) Map() map[string]any { return plain(t.root).(map[string]any) }

func plain(v any) any {
	switch v := v.(type) {
	case *Template:
		return plain(v.root)
	case *Object:
		m := make(map[string]any, len(v.keys))
		for _, k := range v.keys {
			m[k] = plain(v.vals[k])
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = plain(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = plain(e)
		}
		return s
	}
	return v
}

// Merge deep-merges a user template (chalice package --merge-template) into
// t as Chalice's TemplateDeepMerger: objects are merged key by key, any
// other value of the file replaces the generated one (lists are replaced,
// not concatenated). New keys are added after the generated ones, in
// sorted order.
func (t *Template) Merge(file map[string]any) {
	mergeInto(t.root, file)
}

func mergeInto(dst *Object, src map[string]any) {
	for _, k := range slices.Sorted(maps.Keys(src)) {
		dst.Set(k, merge(src[k], dst.Get(k)))
	}
}

func merge(file, generated any) any {
	fm, ok := file.(map[string]any)
	if !ok {
		return file
	}
	switch g := generated.(type) {
	case *Object:
		mergeInto(g, fm)
		return g
	case map[string]any:
		out := maps.Clone(g)
		for k, v := range fm {
			out[k] = merge(v, g[k])
		}
		return out
	}
	return file
}

// Marshal writes v (a *Template, *Object or any JSON value) as Chalice's
// serialize_to_json does: two-space indentation, separators "," and ": ",
// non-ASCII characters escaped as \uXXXX (Python's
// ensure_ascii), HTML characters not escaped, a trailing newline. Objects
// keep their order; plain maps are sorted by key.
func Marshal(v any) ([]byte, error) { return MarshalIndent(v, "  ") }

// MarshalIndent is Marshal with another indentation (Chalice writes
// generate-models with four spaces).
func MarshalIndent(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("sam: encoding the template: %w", err)
	}
	return asciiJSON(buf.Bytes()), nil
}

// asciiJSON escapes every non-ASCII character of a JSON text (they can
// only occur in strings) as \uXXXX, with surrogate pairs beyond U+FFFF.
func asciiJSON(b []byte) []byte {
	ascii := true
	for _, c := range b {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			out = append(out, b[0])
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r > 0xFFFF {
			r -= 0x10000
			out = appendU(out, 0xD800+(r>>10))
			out = appendU(out, 0xDC00+(r&0x3FF))
			continue
		}
		out = appendU(out, r)
	}
	return out
}

func appendU(out []byte, r rune) []byte {
	s := strconv.FormatInt(int64(r), 16)
	out = append(out, `\u`...)
	for range 4 - len(s) {
		out = append(out, '0')
	}
	return append(out, s...)
}
