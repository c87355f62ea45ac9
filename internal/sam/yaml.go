package sam

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MarshalYAML writes v (a *Template, *Object or any JSON value) as a YAML
// block document for --template-format yaml. Objects keep their order and
// plain maps are sorted by key, as in Marshal (Chalice's yaml.safe_dump
// sorts every key; keeping JSON's order makes the two outputs line up).
// Intrinsics stay in their long form ({"Fn::Sub": ...}), which every YAML
// template reader accepts. Strings are written plain when YAML 1.1 and 1.2
// readers both read them back as the same string, and double-quoted
// otherwise.
func MarshalYAML(v any) ([]byte, error) {
	var b strings.Builder
	if err := yamlValue(&b, v, 0, false); err != nil {
		return nil, fmt.Errorf("sam: encoding the template as YAML: %w", err)
	}
	return []byte(b.String()), nil
}

// yamlValue writes v at indentation level indent. inline reports that the
// caller has already written "key:" or "-" on the current line.
func yamlValue(b *strings.Builder, v any, indent int, inline bool) error {
	switch x := v.(type) {
	case *Template:
		return yamlValue(b, x.root, indent, inline)
	case *Object:
		return yamlMapping(b, x.keys, func(k string) any { return x.vals[k] }, indent, inline)
	case map[string]any:
		return yamlMapping(b, slices.Sorted(maps.Keys(x)), func(k string) any { return x[k] }, indent, inline)
	case map[string]string:
		return yamlMapping(b, slices.Sorted(maps.Keys(x)), func(k string) any { return x[k] }, indent, inline)
	case []any:
		return yamlSequence(b, len(x), func(i int) any { return x[i] }, indent, inline)
	case []string:
		return yamlSequence(b, len(x), func(i int) any { return x[i] }, indent, inline)
	case json.RawMessage:
		var d any
		if err := json.Unmarshal(x, &d); err != nil {
			return err
		}
		return yamlValue(b, d, indent, inline)
	}
	s, err := yamlScalar(v)
	if err != nil {
		return err
	}
	if inline {
		b.WriteByte(' ')
	}
	b.WriteString(s)
	b.WriteByte('\n')
	return nil
}

func yamlMapping(b *strings.Builder, keys []string, get func(string) any, indent int, inline bool) error {
	if len(keys) == 0 {
		if inline {
			b.WriteByte(' ')
		}
		b.WriteString("{}\n")
		return nil
	}
	if inline {
		b.WriteByte('\n')
	}
	for _, k := range keys {
		b.WriteString(strings.Repeat("  ", indent))
		b.WriteString(yamlString(k))
		b.WriteByte(':')
		if err := yamlValue(b, get(k), indent+1, true); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func yamlSequence(b *strings.Builder, n int, get func(int) any, indent int, inline bool) error {
	if n == 0 {
		if inline {
			b.WriteByte(' ')
		}
		b.WriteString("[]\n")
		return nil
	}
	if inline {
		b.WriteByte('\n')
	}
	for i := range n {
		b.WriteString(strings.Repeat("  ", indent))
		b.WriteByte('-')
		if err := yamlItem(b, get(i), indent+1); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil
}

// yamlItem writes a sequence item after its "-": a non-empty mapping
// starts on the same line ("- key: value").
func yamlItem(b *strings.Builder, v any, indent int) error {
	var keys []string
	var get func(string) any
	switch x := v.(type) {
	case *Object:
		keys, get = x.keys, func(k string) any { return x.vals[k] }
	case map[string]any:
		keys, get = slices.Sorted(maps.Keys(x)), func(k string) any { return x[k] }
	}
	if len(keys) == 0 {
		return yamlValue(b, v, indent, true)
	}
	for i, k := range keys {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(strings.Repeat("  ", indent))
		}
		b.WriteString(yamlString(k))
		b.WriteByte(':')
		if err := yamlValue(b, get(k), indent+1, true); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func yamlScalar(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		return yamlString(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case json.Number:
		return x.String(), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", fmt.Errorf("unsupported number %v", x)
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case float32:
		return yamlScalar(float64(x))
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Pointer:
		if rv.IsNil() {
			return "null", nil
		}
		return yamlScalar(rv.Elem().Interface())
	case reflect.String:
		return yamlString(rv.String()), nil
	}
	return "", fmt.Errorf("unsupported value of type %T", v)
}

// yamlReserved are plain scalars YAML 1.1 or 1.2 readers resolve to
// something other than a string.
var yamlReserved = map[string]bool{
	"": true, "~": true, "null": true, "true": true, "false": true,
	"yes": true, "no": true, "on": true, "off": true, "y": true, "n": true,
	".inf": true, "-.inf": true, "+.inf": true, ".nan": true, "<<": true, "=": true,
}

// yamlString writes s plain when that is unambiguous, else double-quoted.
func yamlString(s string) string {
	if yamlPlain(s) {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			switch {
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == utf8.RuneError:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func yamlPlain(s string) bool {
	if yamlReserved[strings.ToLower(s)] {
		return false
	}
	// Anything that starts like a number (or a date, or a sexagesimal
	// 1:30 in YAML 1.1) is quoted, and so is "- x".
	switch c := s[0]; {
	case c >= '0' && c <= '9':
		return false
	case c == '+' || c == '-' || c == '.':
		if len(s) == 1 || strings.ContainsAny(s[1:2], "0123456789. \t") {
			return false
		}
	}
	if strings.ContainsAny(s[:1], "?:,[]{}#&*!|>'\"%@` \t") {
		return false
	}
	if strings.HasSuffix(s, " ") || strings.HasSuffix(s, ":") || strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
