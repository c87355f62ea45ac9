package jsonschema

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// node is one schema while it is built. Output keywords follow the
// order of append. The bounds most schemas lack live apart, so that a
// plain node stays small.
type node struct {
	Ref                  string
	Type                 types
	Description          string
	Format               string
	Const                json.RawMessage
	Enum                 []json.RawMessage
	Items                *node
	Properties           *properties
	Required             []string
	AdditionalProperties any // false or a *node
	AnyOf                []*node
	*limits
}

// limits holds the less common keywords of a node.
type limits struct {
	ContentEncoding  string
	Default          json.RawMessage
	Minimum          json.Number
	ExclusiveMinimum json.Number
	Maximum          json.Number
	ExclusiveMaximum json.Number
	MinLength        *uint64
	MaxLength        *uint64
	Pattern          string
	MinItems         *uint64
	MaxItems         *uint64
	PropertyNames    *node
	MinProperties    *uint64
	MaxProperties    *uint64
}

// lim returns the node's limits, making them if needed.
func (n *node) lim() *limits {
	if n.limits == nil {
		n.limits = &limits{}
	}
	return n.limits
}

// types is the type keyword: one name, or several.
type types []string

// properties keeps the fields of an object in declaration order.
type properties struct {
	names   []string
	schemas []*node
}

func (p *properties) add(name string, n *node) {
	p.names = append(p.names, name)
	p.schemas = append(p.schemas, n)
}

func u64(n uint64) *uint64 { return &n }

var noLimits limits

func (n *node) append(b []byte) []byte {
	b = append(b, '{')
	first := true
	key := func(k string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, '"', ':')
	}
	str := func(k, v string) {
		if v != "" {
			key(k)
			b = appendString(b, v)
		}
	}
	num := func(k string, v json.Number) {
		if v != "" {
			key(k)
			b = append(b, v...)
		}
	}
	count := func(k string, v *uint64) {
		if v != nil {
			key(k)
			b = strconv.AppendUint(b, *v, 10)
		}
	}
	sub := func(k string, v *node) {
		if v != nil {
			key(k)
			b = v.append(b)
		}
	}
	str("$ref", n.Ref)
	switch len(n.Type) {
	case 0:
	case 1:
		str("type", n.Type[0])
	default:
		key("type")
		b = append(b, '[')
		for i, t := range n.Type {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, t)
		}
		b = append(b, ']')
	}
	str("description", n.Description)
	str("format", n.Format)
	l := n.limits
	if l == nil {
		l = &noLimits
	}
	str("contentEncoding", l.ContentEncoding)
	if n.Const != nil {
		key("const")
		b = append(b, n.Const...)
	}
	if len(n.Enum) > 0 {
		key("enum")
		b = append(b, '[')
		for i, v := range n.Enum {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, v...)
		}
		b = append(b, ']')
	}
	if l.Default != nil {
		key("default")
		b = append(b, l.Default...)
	}
	num("minimum", l.Minimum)
	num("exclusiveMinimum", l.ExclusiveMinimum)
	num("maximum", l.Maximum)
	num("exclusiveMaximum", l.ExclusiveMaximum)
	count("minLength", l.MinLength)
	count("maxLength", l.MaxLength)
	str("pattern", l.Pattern)
	sub("items", n.Items)
	count("minItems", l.MinItems)
	count("maxItems", l.MaxItems)
	if n.Properties != nil {
		key("properties")
		b = append(b, '{')
		for i, name := range n.Properties.names {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, name)
			b = append(b, ':')
			b = n.Properties.schemas[i].append(b)
		}
		b = append(b, '}')
	}
	if len(n.Required) > 0 {
		key("required")
		b = append(b, '[')
		for i, r := range n.Required {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, r)
		}
		b = append(b, ']')
	}
	sub("propertyNames", l.PropertyNames)
	count("minProperties", l.MinProperties)
	count("maxProperties", l.MaxProperties)
	switch ap := n.AdditionalProperties.(type) {
	case bool:
		key("additionalProperties")
		b = strconv.AppendBool(b, ap)
	case *node:
		sub("additionalProperties", ap)
	}
	if len(n.AnyOf) > 0 {
		key("anyOf")
		b = append(b, '[')
		for i, a := range n.AnyOf {
			if i > 0 {
				b = append(b, ',')
			}
			b = a.append(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD, as encoding/json writes it.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// jsonString renders s as a JSON string value.
func jsonString(s string) json.RawMessage { return appendString(nil, s) }
