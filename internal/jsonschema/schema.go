package jsonschema

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gochalice/chalice/internal/bind"
)

// RefPrefix is where the $refs of a Registry point: OpenAPI 3's
// components.
const RefPrefix = "#/components/schemas/"

// Registry builds JSON Schemas (draft 2020-12, the dialect of OpenAPI
// 3.1) from Go types and keeps every named struct type it meets as a
// component, referenced as {"$ref": "#/components/schemas/<Name>"}.
// Build one per API at start-up; it is not safe for concurrent use.
type Registry struct {
	names map[reflect.Type]string
	types map[string]reflect.Type
	comps map[string]json.RawMessage
	cache *bind.Cache
	buf   []byte // scratch for rendering
}

// Option configures a Registry.
type Option func(*Registry)

// WithCache shares what c knows of the types (each struct's fields and
// parsed rules) with the binders built from it.
func WithCache(c *bind.Cache) Option { return func(r *Registry) { r.cache = c } }

// NewRegistry returns an empty Registry.
func NewRegistry(opts ...Option) *Registry {
	r := &Registry{names: map[reflect.Type]string{}, types: map[string]reflect.Type{}, comps: map[string]json.RawMessage{}}
	for _, o := range opts {
		o(r)
	}
	if r.cache == nil {
		r.cache = bind.NewCache()
	}
	return r
}

// Components returns the component schemas by name.
func (r *Registry) Components() map[string]json.RawMessage { return maps.Clone(r.comps) }

// Schema returns the schema of values of type t (a pointer type's
// schema also admits null). Named struct types met on the way become
// components.
func (r *Registry) Schema(t reflect.Type) (json.RawMessage, error) {
	return r.render(func(g *gen) (*node, error) { return g.schemaFor(t, nil, false, place{t: t}) })
}

// FieldSchema returns the schema of a value of type t held by a field
// with rules (its parsed validate tag), e.g. a Body field.
func (r *Registry) FieldSchema(t reflect.Type, rules *bind.Rules) (json.RawMessage, error) {
	return r.render(func(g *gen) (*node, error) { return g.schemaFor(t, rules, false, place{t: t}) })
}

func (r *Registry) render(build func(*gen) (*node, error)) (json.RawMessage, error) {
	g := &gen{r: r}
	n, err := build(g)
	if err != nil {
		g.rollback()
		return nil, err
	}
	return g.encode(n), nil
}

// Parameter is a path, query or header parameter of an operation.
// It marshals as an OpenAPI 3.1 Parameter Object.
type Parameter struct {
	Name        string          `json:"name"` // as written in the tag
	In          string          `json:"in"`   // "path", "query" or "header"
	Required    bool            `json:"required,omitempty"`
	Description string          `json:"description,omitempty"`
	Schema      json.RawMessage `json:"schema"`
}

// Parameters returns the parameters a Binder reads, in field order. A
// slice parameter is an array of its values (repeated in the query or
// header); a pointer is optional, never null.
func (r *Registry) Parameters(b *bind.Binder) ([]Parameter, error) {
	var out []Parameter
	for _, p := range b.Params() {
		t := p.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		where := place{in: p.In, name: p.Name}
		s, err := r.render(func(g *gen) (*node, error) {
			n, err := g.schemaFor(t, p.Rules, false, where)
			if err != nil || !p.HasDefault {
				return n, err
			}
			n.lim().Default, err = defaultJSON(t, p.Default)
			return n, err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, Parameter{Name: p.Name, In: p.In, Required: p.Required, Description: p.Doc, Schema: s})
	}
	return out, nil
}

// RequestBody returns the schema of a Binder's Body field and whether a
// request must have a body; ok is false when there is no Body.
func (r *Registry) RequestBody(b *bind.Binder) (schema json.RawMessage, required, ok bool, err error) {
	body, ok := b.Body()
	if !ok {
		return nil, false, false, nil
	}
	s, err := r.render(func(g *gen) (*node, error) {
		n, err := g.schemaFor(body.Type, body.Rules, false, place{field: "Body"})
		if err == nil && body.Doc != "" {
			n.Description = body.Doc
		}
		return n, err
	})
	return s, body.Required, true, err
}

// defaultJSON renders a parameter's default text as a JSON value of its
// type.
func defaultJSON(t reflect.Type, s string) (json.RawMessage, error) {
	switch bind.ClassOf(t) {
	case bind.ClassBool:
		return json.RawMessage(s), nil
	case bind.ClassInt:
		v, err := strconv.ParseInt(s, 10, 64)
		return json.RawMessage(strconv.FormatInt(v, 10)), err
	case bind.ClassUint:
		v, err := strconv.ParseUint(s, 10, 64)
		return json.RawMessage(strconv.FormatUint(v, 10)), err
	case bind.ClassFloat:
		v, err := strconv.ParseFloat(s, 64)
		return json.RawMessage(strconv.FormatFloat(v, 'g', -1, 64)), err
	}
	return jsonString(s), nil
}

// gen is one Schema call: it records the component names it reserves so
// that a failure leaves the Registry as it was.
type gen struct {
	r     *Registry
	added []string
}

// encode renders n into the registry's buffer and returns an exact copy.
func (g *gen) encode(n *node) json.RawMessage {
	g.r.buf = n.append(g.r.buf[:0])
	return slices.Clone(g.r.buf)
}

func (g *gen) rollback() {
	for _, name := range g.added {
		if t, ok := g.r.types[name]; ok {
			delete(g.r.names, t)
		}
		delete(g.r.types, name)
		delete(g.r.comps, name)
	}
}

// schemaFor builds the schema of a value of type t under rules; quoted
// is json:",string".
func (g *gen) schemaFor(t reflect.Type, rules *bind.Rules, quoted bool, where place) (*node, error) {
	ptr := false
	for t.Kind() == reflect.Pointer {
		t, ptr = t.Elem(), true
	}
	var n *node
	if quoted {
		n = &node{Type: tString}
	} else {
		var elemRules *bind.Rules
		if rules != nil {
			elemRules = rules.Elem
		}
		var err error
		if n, err = g.typeNode(t, elemRules, where); err != nil {
			return nil, err
		}
		if rules != nil {
			applyRules(n, t, rules, ptr)
			if rules.OmitEmpty && !rules.Required && !bind.ZeroPasses(rules, t) {
				// omitempty: the zero value skips the rules it would fail.
				n = &node{AnyOf: []*node{{Const: zeroJSON(t)}, n}}
			}
		}
	}
	if ptr && (rules == nil || !rules.Required) {
		n = nullable(n)
	}
	return n, nil
}

// typeNode builds the schema of type t itself (not a pointer); elem is
// the rules for its elements (after dive).
func (g *gen) typeNode(t reflect.Type, elem *bind.Rules, where place) (*node, error) {
	switch bind.ClassOf(t) {
	case bind.ClassTime:
		return &node{Type: tString, Format: "date-time"}, nil
	case bind.ClassJSON, bind.ClassAny:
		return &node{}, nil
	case bind.ClassText, bind.ClassString:
		return &node{Type: tString}, nil
	case bind.ClassNumber:
		return &node{Type: tNumber}, nil
	case bind.ClassBool:
		return &node{Type: tBoolean}, nil
	case bind.ClassInt:
		n := &node{Type: tInteger}
		switch t.Bits() {
		case 64:
			n.Format = "int64"
		case 32:
			n.Format = "int32"
		default:
			lo, hi := bind.IntRange(t)
			n.lim().Minimum, n.Maximum = json.Number(strconv.FormatInt(lo, 10)), json.Number(strconv.FormatInt(hi, 10))
		}
		return n, nil
	case bind.ClassUint:
		n := &node{Type: tInteger, limits: &limits{Minimum: "0"}}
		if t.Bits() < 64 {
			n.Maximum = json.Number(strconv.FormatUint(bind.UintMax(t), 10))
		}
		return n, nil
	case bind.ClassFloat:
		n := &node{Type: tNumber, Format: "double"}
		if t.Bits() == 32 {
			n.Format = "float"
		}
		return n, nil
	case bind.ClassBytes:
		return &node{Type: tString, limits: &limits{ContentEncoding: "base64"}}, nil
	case bind.ClassSlice:
		items, err := g.schemaFor(t.Elem(), elem, false, where)
		if err != nil {
			return nil, err
		}
		return &node{Type: tArray, Items: items}, nil
	case bind.ClassMap:
		n := &node{Type: tObject}
		switch bind.ClassOf(t.Key()) {
		case bind.ClassString, bind.ClassText:
		case bind.ClassInt:
			n.lim().PropertyNames = &node{limits: &limits{Pattern: "^-?[0-9]+$"}}
		case bind.ClassUint:
			n.lim().PropertyNames = &node{limits: &limits{Pattern: "^[0-9]+$"}}
		default:
			return nil, fmt.Errorf("jsonschema: %s: map key type %s has no JSON form", where, t.Key())
		}
		v, err := g.schemaFor(t.Elem(), elem, false, where)
		if err != nil {
			return nil, err
		}
		n.AdditionalProperties = v
		return n, nil
	case bind.ClassStruct:
		if t.Name() == "" {
			return g.object(t)
		}
		name, err := g.component(t)
		if err != nil {
			return nil, err
		}
		return &node{Ref: RefPrefix + name}, nil
	}
	return nil, fmt.Errorf("jsonschema: %s: type %s has no JSON form", where, t)
}

// component returns the component name of named struct type t, building
// its schema the first time.
func (g *gen) component(t reflect.Type) (string, error) {
	if name, ok := g.r.names[t]; ok {
		return name, nil
	}
	name := g.r.uniqueName(t)
	g.r.names[t], g.r.types[name] = name, t
	g.added = append(g.added, name)
	n, err := g.object(t)
	if err != nil {
		return "", err
	}
	g.r.comps[name] = g.encode(n)
	return name, nil
}

// object builds the object schema of struct type t.
func (g *gen) object(t reflect.Type) (*node, error) {
	s, err := g.r.cache.StructOf(t)
	if err != nil {
		return nil, fmt.Errorf("jsonschema: %w", err)
	}
	n := &node{Type: tObject}
	if len(s.Fields) > 0 {
		n.Properties = &properties{names: make([]string, 0, len(s.Fields)), schemas: make([]*node, 0, len(s.Fields))}
	}
	for _, f := range s.Fields {
		fn, err := g.schemaFor(f.Type, f.Rules, f.Quoted, place{t: t, field: f.GoName})
		if err != nil {
			return nil, err
		}
		if f.Doc != "" {
			fn.Description = f.Doc
		}
		n.Properties.add(f.Name, fn)
		if f.Rules != nil && f.Rules.Required {
			n.Required = append(n.Required, f.Name)
		}
	}
	if !s.AllowUnknown {
		n.AdditionalProperties = false
	}
	return n, nil
}

// place names where a schema is built, for errors; formatted only when
// there is one.
type place struct {
	t        reflect.Type // the struct holding field, or the type itself
	field    string
	in, name string // a parameter
}

func (p place) String() string {
	switch {
	case p.in != "":
		return fmt.Sprintf("%s parameter %q", p.in, p.name)
	case p.field != "" && p.t != nil:
		return "field " + typeLabel(p.t) + "." + p.field
	case p.field != "":
		return "field " + p.field
	}
	return p.t.String()
}

func typeLabel(t reflect.Type) string {
	if t.Name() != "" {
		return t.String()
	}
	return "struct"
}

// nullable makes n also admit null.
func nullable(n *node) *node {
	switch {
	case n.Ref != "":
		return &node{AnyOf: []*node{n, {Type: tNull}}, Description: n.Description}
	case n.AnyOf != nil:
		n.AnyOf = append(n.AnyOf, &node{Type: tNull})
		return n
	case len(n.Type) == 0:
		return n // any value already
	}
	n.Type = append(n.Type, "null")
	if n.Enum != nil {
		n.Enum = append(n.Enum, json.RawMessage("null"))
	}
	return n
}

// applyRules maps validation rules onto n, the schema of t (pointers
// removed; ptr says there was one).
func applyRules(n *node, t reflect.Type, r *bind.Rules, ptr bool) {
	class := bind.ClassOf(t)
	count := func(s string) uint64 { v, _ := strconv.ParseUint(s, 10, 64); return v }
	// lower and upper bounds on a count, combining min/gt/len and max/lt/len
	var lo, hi uint64
	hasLo, hasHi := false, false
	raise := func(v uint64) {
		if !hasLo || v > lo {
			lo, hasLo = v, true
		}
	}
	lower := func(v uint64) {
		if !hasHi || v < hi {
			hi, hasHi = v, true
		}
	}
	switch class {
	case bind.ClassString, bind.ClassSlice, bind.ClassMap:
		if r.Min != "" {
			raise(count(r.Min))
		}
		if r.Gt != "" {
			raise(count(r.Gt) + 1)
		}
		if r.Len != "" {
			raise(count(r.Len))
			lower(count(r.Len))
		}
		if r.Max != "" {
			lower(count(r.Max))
		}
		if r.Lt != "" && count(r.Lt) > 0 {
			lower(count(r.Lt) - 1)
		}
		if class == bind.ClassString && r.Required && !ptr {
			raise(1) // required: not ""
		}
		var plo, phi *uint64
		if hasLo {
			plo = u64(lo)
		}
		if hasHi {
			phi = u64(hi)
		}
		if hasLo || hasHi {
			l := n.lim()
			switch class {
			case bind.ClassString:
				l.MinLength, l.MaxLength = plo, phi
			case bind.ClassSlice:
				l.MinItems, l.MaxItems = plo, phi
			case bind.ClassMap:
				l.MinProperties, l.MaxProperties = plo, phi
			}
		}
	case bind.ClassInt, bind.ClassUint, bind.ClassFloat:
		if r.Min != "" {
			n.lim().Minimum = tighter(n.lim().Minimum, json.Number(r.Min), true)
		}
		if r.Max != "" {
			n.lim().Maximum = tighter(n.lim().Maximum, json.Number(r.Max), false)
		}
		if r.Len != "" {
			n.lim().Minimum = tighter(n.lim().Minimum, json.Number(r.Len), true)
			n.lim().Maximum = tighter(n.lim().Maximum, json.Number(r.Len), false)
		}
		if r.Gt != "" {
			n.lim().ExclusiveMinimum = json.Number(r.Gt)
		}
		if r.Lt != "" {
			n.lim().ExclusiveMaximum = json.Number(r.Lt)
		}
	}
	if len(r.OneOf) > 0 {
		for _, v := range r.OneOf {
			var lit json.RawMessage
			switch class {
			case bind.ClassString:
				lit = jsonString(v)
			case bind.ClassInt:
				i, _ := strconv.ParseInt(v, 10, 64)
				lit = json.RawMessage(strconv.FormatInt(i, 10))
			case bind.ClassUint:
				u, _ := strconv.ParseUint(v, 10, 64)
				lit = json.RawMessage(strconv.FormatUint(u, 10))
			case bind.ClassFloat:
				f, _ := strconv.ParseFloat(v, t.Bits())
				lit = json.RawMessage(strconv.FormatFloat(f, 'g', -1, t.Bits()))
			}
			n.Enum = append(n.Enum, lit)
		}
	}
	switch r.Format {
	case "email":
		n.Format = "email"
	case "uuid":
		n.Format = "uuid"
	case "url":
		n.Format = "uri"
	}
	switch r.Layout {
	case "":
	case "2006-01-02":
		n.Format = "date"
	case time.RFC3339, time.RFC3339Nano:
		n.Format = "date-time"
	}
	if r.Pattern != "" {
		n.lim().Pattern = r.Pattern
	}
}

// The single types. Their length is their capacity, so appending
// "null" to a node's type copies rather than changes them.
var (
	tString  = types{"string"}[:1:1]
	tNumber  = types{"number"}[:1:1]
	tBoolean = types{"boolean"}[:1:1]
	tInteger = types{"integer"}[:1:1]
	tArray   = types{"array"}[:1:1]
	tObject  = types{"object"}[:1:1]
	tNull    = types{"null"}[:1:1]
)

// zeroJSON is the zero value of a string or number type in JSON.
func zeroJSON(t reflect.Type) json.RawMessage {
	if bind.ClassOf(t) == bind.ClassString {
		return json.RawMessage(`""`)
	}
	return json.RawMessage("0")
}

// tighter returns the stricter of a current bound and a new one.
func tighter(cur, v json.Number, lower bool) json.Number {
	if cur == "" {
		return v
	}
	a, _ := strconv.ParseFloat(string(cur), 64)
	b, _ := strconv.ParseFloat(string(v), 64)
	if (lower && b > a) || (!lower && b < a) || math.IsNaN(a) {
		return v
	}
	return cur
}

// uniqueName picks the component name of t: its type name (generic
// arguments spelled out: Page[User] is PageUser), then, if another type
// holds that name, the name prefixed with the package's (ModelsUser),
// then numbered. Names are alphanumeric, as API Gateway requires of
// model names.
func (r *Registry) uniqueName(t reflect.Type) string {
	base := typeBaseName(t)
	if base == "" {
		base = "Object"
	}
	if _, taken := r.types[base]; !taken {
		return base
	}
	qual := pascal(pkgLast(t.PkgPath())) + base
	if _, taken := r.types[qual]; !taken {
		return qual
	}
	for i := 2; ; i++ {
		name := qual + strconv.Itoa(i)
		if _, taken := r.types[name]; !taken {
			return name
		}
	}
}

func isAlnumASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func pkgLast(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// typeBaseName turns "Page[github.com/x/models.User]" into "PageUser"
// and "Page[[]int]" into "PageListInt".
func typeBaseName(t reflect.Type) string {
	if !strings.ContainsAny(t.Name(), "[]*, ") {
		return pascal(t.Name())
	}
	name := strings.ReplaceAll(t.Name(), "[]", "List[")
	name = strings.ReplaceAll(name, "map[", "Map[")
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '[' || r == ']' || r == ',' || r == '*' || r == ' ' }) {
		if i := strings.LastIndexByte(part, '.'); i >= 0 {
			part = part[i+1:]
		}
		b.WriteString(pascal(part))
	}
	return b.String()
}

// pascal keeps the letters and digits of s, upper-casing the first.
func pascal(s string) string {
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' && isAlnumASCII(s) {
		return s
	}
	var b strings.Builder
	first := true
	for _, c := range s {
		if c > unicode.MaxASCII || !(unicode.IsLetter(c) || unicode.IsDigit(c)) {
			continue
		}
		if first {
			c = unicode.ToUpper(c)
			first = false
		}
		b.WriteRune(c)
	}
	return b.String()
}
