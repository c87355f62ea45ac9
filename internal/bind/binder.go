package bind

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unsafe"
)

// Source is the request a Binder reads: the gateway's event as the
// application decoded it.
type Source interface {
	// PathParam returns a path parameter captured by the route.
	PathParam(name string) (string, bool)
	// QueryValues returns every value of a query parameter, in order;
	// nil when it is absent.
	QueryValues(name string) []string
	// HeaderValues returns every value of a header; nil when it is
	// absent. The name is lower-case and the lookup must ignore case.
	HeaderValues(name string) []string
	// BodyBytes returns the raw body (base64-decoded when the event
	// carried it so) and its Content-Type header.
	BodyBytes() (body []byte, contentType string)
}

// Values is a Source held in maps, for tests and simple adapters.
type Values struct {
	Path        map[string]string
	Query       map[string][]string
	Header      map[string][]string // any case
	RawBody     []byte
	ContentType string
}

var _ Source = (*Values)(nil)

// PathParam implements Source.
func (v *Values) PathParam(name string) (string, bool) {
	s, ok := v.Path[name]
	return s, ok
}

// QueryValues implements Source.
func (v *Values) QueryValues(name string) []string { return v.Query[name] }

// HeaderValues implements Source.
func (v *Values) HeaderValues(name string) []string {
	if vs, ok := v.Header[name]; ok {
		return vs
	}
	for k, vs := range v.Header {
		if strings.EqualFold(k, name) {
			return vs
		}
	}
	return nil
}

// BodyBytes implements Source.
func (v *Values) BodyBytes() ([]byte, string) { return v.RawBody, v.ContentType }

// Param describes a parameter field of an input struct, for the
// generated API description.
type Param struct {
	Name       string       // as written in the tag
	In         string       // InPath, InQuery or InHeader
	GoName     string       // the Go field name
	Type       reflect.Type // the field type
	Required   bool         // path parameters always; others with validate:"required"
	Default    string       // the default tag
	HasDefault bool
	Doc        string // the doc tag
	Rules      *Rules
}

// Body describes the Body field of an input struct.
type Body struct {
	GoName   string
	Type     reflect.Type
	Required bool // validate:"required": a request must have a body
	Doc      string
	Rules    *Rules
}

// Binder fills one input struct type from requests. Build it once with
// Compile; Bind is safe for concurrent use.
type Binder struct {
	typ    reflect.Type
	ptr    reflect.Type
	params []param
	body   *body
}

type param struct {
	Param
	lookup  string // header names lower-case
	root    string // "query.limit": the Field of its errors
	offset  uintptr
	codec   *codec // of the field type
	scalar  *codec // the scalar under a pointer or slice
	slice   bool
	pointer bool
	check   *checker
}

type body struct {
	Body
	offset uintptr
	codec  *codec
	check  *checker
}

// Type returns the input struct type.
func (b *Binder) Type() reflect.Type { return b.typ }

// Params returns the parameter fields in field order.
func (b *Binder) Params() []Param {
	ps := make([]Param, len(b.params))
	for i := range b.params {
		ps[i] = b.params[i].Param
	}
	return ps
}

// Body returns the Body field, if the struct has one.
func (b *Binder) Body() (Body, bool) {
	if b.body == nil {
		return Body{}, false
	}
	return b.body.Body, true
}

// Compile checks input struct type t against the parameters of its
// route template (names without braces; a greedy "{path+}" is "path")
// and builds its Binder. Every problem is a definition error naming the
// type, the field and the tag: a path field the template lacks, a
// template parameter no field binds, a field type that cannot be bound,
// a bad validate or default tag.
func Compile(t reflect.Type, pathParams []string) (*Binder, error) {
	return NewCache().Compile(t, pathParams)
}

// Compile is the package's Compile, sharing what the cache knows of the
// types.
func (k *Cache) Compile(t reflect.Type, pathParams []string) (*Binder, error) {
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("bind: input type %v must be a struct type", t)
	}
	c := k.c
	b := &Binder{typ: t, ptr: reflect.PointerTo(t)}
	inTemplate := map[string]bool{}
	for _, name := range pathParams {
		name = strings.TrimSuffix(strings.TrimSuffix(name, "+"), "...")
		inTemplate[name] = true
	}
	seen := map[string]string{} // "query limit" → Go field
	var errs []error
	var walk func(st reflect.Type, base uintptr, prefix string)
	walk = func(st reflect.Type, base uintptr, prefix string) {
		for i := range st.NumField() {
			sf := st.Field(i)
			goName := prefix + sf.Name
			where := place{t: t, field: goName}
			tags, ntags := bindingTags(sf)
			if sf.Tag.Get("bind") == "-" || sf.Name == "_" {
				continue
			}
			if sf.Anonymous && ntags == 0 {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					errs = append(errs, fmt.Errorf("bind: %s: an embedded pointer cannot hold parameters; embed %s by value", where, ft.Elem()))
					continue
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, base+sf.Offset, goName+".")
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			switch {
			case ntags > 1:
				errs = append(errs, fmt.Errorf("bind: %s has both %s and %s tags; a field binds one value", where, tags[0], tags[1]))
			case ntags == 0 && sf.Name == "Body" && prefix == "":
				if b.body != nil {
					errs = append(errs, fmt.Errorf("bind: %s: a second Body field", where))
					continue
				}
				bd, err := compileBody(c, sf, base, where)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				b.body = bd
			case ntags == 0:
				errs = append(errs, fmt.Errorf("bind: %s has no path, query or header tag (only a field named Body holds the JSON body; tag a field bind:\"-\" to leave it to the handler)", where))
			default:
				in := tags[0]
				if sf.Name == "Body" && prefix == "" {
					errs = append(errs, fmt.Errorf("bind: %s: the field named Body holds the JSON body and cannot have a %s tag", where, in))
					continue
				}
				p, err := compileParam(c, sf, in, base, where)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				where.in, where.tag = in, p.Name
				key := in + " " + p.lookup
				if other, dup := seen[key]; dup {
					errs = append(errs, fmt.Errorf("bind: %s binds %s parameter %q, as field %s does", where, in, p.Name, other))
					continue
				}
				seen[key] = goName
				if in == InPath && !inTemplate[p.Name] {
					errs = append(errs, fmt.Errorf("bind: %s binds path parameter %q, which the route template does not have (it has %s)", where, p.Name, listNames(pathParams)))
					continue
				}
				b.params = append(b.params, *p)
			}
		}
	}
	walk(t, 0, "")
	for _, name := range pathParams {
		name = strings.TrimSuffix(strings.TrimSuffix(name, "+"), "...")
		if _, ok := seen[InPath+" "+name]; !ok {
			errs = append(errs, fmt.Errorf("bind: %s has no field for path parameter {%s}; add one tagged path:%q", t, name, name))
		}
	}
	if len(errs) > 0 {
		c.forget()
		return nil, errors.Join(errs...)
	}
	c.markWalk()
	return b, nil
}

func listNames(names []string) string {
	if len(names) == 0 {
		return "no parameters"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "{" + n + "}"
	}
	return strings.Join(q, ", ")
}

// bindingTags returns which of path, query and header tag sf (the first
// two) and how many do.
func bindingTags(sf reflect.StructField) ([2]string, int) {
	var tags [2]string
	n := 0
	for _, in := range [...]string{InPath, InQuery, InHeader} {
		if _, ok := sf.Tag.Lookup(in); ok {
			if n < 2 {
				tags[n] = in
			}
			n++
		}
	}
	return tags, n
}

func compileBody(c *compiler, sf reflect.StructField, base uintptr, where place) (*body, error) {
	bd := &body{Body: Body{GoName: sf.Name, Type: sf.Type, Doc: sf.Tag.Get("doc")}, offset: base + sf.Offset}
	cd, err := c.codecFor(sf.Type, place{})
	if err != nil {
		return nil, fmt.Errorf("bind: %s: %w", where, err)
	}
	bd.codec = cd
	r, err := parseRulesWith(sf.Tag.Get("validate"), sf.Type, c.cache.patterns)
	if err != nil {
		return nil, fmt.Errorf("bind: %s: validate tag: %w", where, err)
	}
	bd.Rules = r
	bd.Required = r != nil && r.Required
	if bd.check, err = compileChecker(r, sf.Type, where); err != nil {
		return nil, err
	}
	if bd.check != nil && structLike(sf.Type) {
		// A struct body is required by being sent; {} is a body.
		bd.check.required = false
	}
	return bd, nil
}

func compileParam(c *compiler, sf reflect.StructField, in string, base uintptr, where place) (*param, error) {
	name := sf.Tag.Get(in)
	if name == "" {
		return nil, fmt.Errorf("bind: %s: the %s tag needs a name, e.g. %s:%q", where, in, in, strings.ToLower(sf.Name))
	}
	where.in, where.tag = in, name
	p := &param{Param: Param{Name: name, In: in, GoName: sf.Name, Type: sf.Type, Doc: sf.Tag.Get("doc")},
		lookup: name, root: in + "." + name, offset: base + sf.Offset}
	if in == InHeader {
		p.lookup = strings.ToLower(name)
	}
	t := sf.Type
	switch {
	case t.Kind() == reflect.Pointer:
		p.pointer = true
		t = t.Elem()
	case t.Kind() == reflect.Slice && !isText(t) && ClassOf(t) != ClassJSON:
		p.slice = true
		t = t.Elem()
	}
	if !scalarParam(t) {
		kinds := "string, bool, integers, floats, time.Time, an encoding.TextUnmarshaler, a pointer to one"
		if in != InPath {
			kinds += " or a slice of them"
		}
		return nil, fmt.Errorf("bind: %s: type %s cannot be a %s parameter (use %s)", where, sf.Type, in, kinds)
	}
	if in == InPath && (p.pointer || p.slice) {
		return nil, fmt.Errorf("bind: %s: a path parameter is always present and single; use %s, not %s", where, t, sf.Type)
	}
	var err error
	if p.codec, err = c.codecFor(sf.Type, where); err != nil {
		return nil, fmt.Errorf("bind: %w", err)
	}
	p.scalar = p.codec
	if p.pointer || p.slice {
		p.scalar = p.codec.elem
	}
	if p.Rules, err = parseRulesWith(sf.Tag.Get("validate"), sf.Type, c.cache.patterns); err != nil {
		return nil, fmt.Errorf("bind: %s: validate tag: %w", where, err)
	}
	p.Required = in == InPath || (p.Rules != nil && p.Rules.Required)
	if p.check, err = compileChecker(p.Rules, sf.Type, where); err != nil {
		return nil, err
	}
	if def, ok := sf.Tag.Lookup("default"); ok {
		if in == InPath || p.slice {
			return nil, fmt.Errorf("bind: %s: a default applies to query and header parameters of a single value", where)
		}
		p.Default, p.HasDefault = def, true
		v := reflect.New(t)
		if reason, _ := parseScalar(p.scalar, v.UnsafePointer(), def); reason != "" {
			return nil, fmt.Errorf("bind: %s: default %q %s", where, def, reason)
		}
		if p.check != nil && !(p.check.omitEmpty && isZero(p.scalar, v.UnsafePointer())) {
			if msg := p.check.run(p.scalar, v.UnsafePointer()); msg != "" {
				return nil, fmt.Errorf("bind: %s: default %q %s", where, def, msg)
			}
		}
	}
	return p, nil
}

// scalarParam reports whether a parameter can hold type t.
func scalarParam(t reflect.Type) bool {
	if t == timeType || isText(t) {
		return true
	}
	switch ClassOf(t) {
	case ClassString, ClassBool, ClassInt, ClassUint, ClassFloat:
		return true
	}
	return false
}

// parseScalar parses parameter text s into the value at p and returns
// why it cannot, or "".
func parseScalar(cd *codec, p unsafe.Pointer, s string) (string, error) {
	t := cd.typ
	switch {
	case t == timeType:
		if err := (*time.Time)(p).UnmarshalText(unsafe.Slice(unsafe.StringData(s), len(s))); err != nil {
			return "must be an RFC 3339 date-time", err
		}
		return "", nil
	case isText(t):
		u := reflect.NewAt(t, p).Interface().(encoding.TextUnmarshaler)
		if err := u.UnmarshalText([]byte(s)); err != nil {
			return "is invalid: " + err.Error(), err
		}
		return "", nil
	}
	switch cd.kind {
	case reflect.String:
		*(*string)(p) = s
	case reflect.Bool:
		switch s {
		case "true":
			*(*bool)(p) = true
		case "false":
			*(*bool)(p) = false
		default:
			return "must be true or false", nil
		}
	case reflect.Float32, reflect.Float64:
		if !isNumberLiteral(s) {
			return "must be a number", nil
		}
		return storeFloat(cd, p, s), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !isDigits(s) {
			return "must be an integer", nil
		}
		return storeInt(cd, p, s), nil
	default:
		if !isDigits(s) || s[0] == '-' {
			if isDigits(s) {
				return rangeMessage(cd), nil
			}
			return "must be an integer", nil
		}
		return storeUint(cd, p, s), nil
	}
	return "", nil
}

// Bind fills dst, a pointer to the input struct type, from src: path,
// query and header parameters are converted, the JSON body is decoded,
// then every rule is checked. A request that does not fit is an *Error
// listing every failing field; any other error (dst of the wrong type)
// is the caller's mistake.
func (b *Binder) Bind(src Source, dst any) error {
	rv := reflect.ValueOf(dst)
	if !rv.IsValid() || rv.Type() != b.ptr || rv.IsNil() {
		return fmt.Errorf("bind: Bind needs a non-nil %s, got %T", b.ptr, dst)
	}
	p := rv.UnsafePointer()
	var w walker
	for i := range b.params {
		b.params[i].bind(src, p, &w)
	}
	if b.body != nil {
		b.body.bind(src, p, &w)
	}
	return w.col.err()
}

func (pm *param) values(src Source) []string {
	if pm.In == InQuery {
		return src.QueryValues(pm.Name)
	}
	return src.HeaderValues(pm.lookup)
}

func (pm *param) bind(src Source, base unsafe.Pointer, w *walker) {
	fp := unsafe.Add(base, pm.offset)
	w.in = pm.In
	w.path.reset(pm.root)
	var vals []string
	if pm.In == InPath {
		s, ok := src.PathParam(pm.Name)
		if !ok || s == "" {
			w.fail(reqMsg)
			return
		}
		if reason, err := parseScalar(pm.scalar, fp, s); reason != "" {
			w.col.add(pm.root, pm.In, reason, err)
			return
		}
	} else {
		vals = pm.values(src)
		if len(vals) == 0 && pm.HasDefault {
			vals = []string{pm.Default}
		}
		switch {
		case len(vals) == 0:
			// absent: the zero value (nil for pointers and slices)
		case pm.slice:
			sv := reflect.NewAt(pm.Type, fp).Elem()
			sv.Set(reflect.MakeSlice(pm.Type, len(vals), len(vals)))
			data := (*sliceHeader)(fp).data
			bad := false
			for i, s := range vals {
				if reason, err := parseScalar(pm.scalar, unsafe.Add(data, uintptr(i)*pm.scalar.size), s); reason != "" {
					w.path.push(seg{index: i, kind: segIndex})
					w.col.add(w.path.String(), pm.In, reason, err)
					w.path.pop()
					bad = true
				}
			}
			if bad {
				sv.SetZero()
				return
			}
		case pm.pointer:
			np := reflect.New(pm.scalar.typ).UnsafePointer()
			if reason, err := parseScalar(pm.scalar, np, vals[len(vals)-1]); reason != "" {
				w.col.add(pm.root, pm.In, reason, err)
				return
			}
			*(*unsafe.Pointer)(fp) = np
		default:
			if reason, err := parseScalar(pm.scalar, fp, vals[len(vals)-1]); reason != "" {
				w.col.add(pm.root, pm.In, reason, err)
				return
			}
		}
	}
	if pm.check != nil {
		w.value(pm.codec, fp, pm.check)
	}
}

// isJSONType reports whether a Content-Type names JSON:
// application/json or a +json type.
func isJSONType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	return strings.EqualFold(mt, "application/json") || len(mt) > 5 && strings.EqualFold(mt[len(mt)-5:], "+json")
}

func (bd *body) bind(src Source, base unsafe.Pointer, w *walker) {
	fp := unsafe.Add(base, bd.offset)
	w.in = InBody
	w.path.reset(InBody)
	raw, ct := src.BodyBytes()
	if len(bytes.TrimLeft(raw, " \t\r\n")) == 0 {
		if bd.Required {
			w.fail(reqMsg)
			return
		}
	} else {
		if ct != "" && !isJSONType(ct) {
			w.col.add(InBody, InBody, "must be JSON (Content-Type: application/json), not "+ct, nil)
			return
		}
		mark, omitted := len(w.col.fields), w.col.omitted
		d := decoder{data: raw, col: w.col}
		d.path.reset(InBody)
		ok := d.top(bd.codec, fp)
		w.col = d.col
		if !ok {
			// Not JSON: what was read so far means nothing.
			w.col.fields = w.col.fields[:mark]
			w.col.omitted = omitted
			w.col.add(InBody, InBody, "must be valid JSON: "+d.syntax.Error(), d.syntax)
			return
		}
	}
	w.value(bd.codec, fp, bd.check)
}
