package bind

import (
	"fmt"
	"reflect"
	"regexp"
	"unsafe"
)

// codec is the compiled plan for decoding and checking values of one Go
// type, built once by Compile.
type codec struct {
	class Class
	typ   reflect.Type
	kind  reflect.Kind
	size  uintptr
	elem  *codec // pointer target, slice/array element, map value
	key   *codec // map key (ClassString, ClassInt, ClassUint or ClassText)
	alen  int    // array length

	// structs
	fields       []fieldCodec
	byName       map[string]int // when there are many fields
	allowUnknown bool

	// walk is set when validating a value of this type has work to do
	// beyond the rules of the field holding it (nested field rules).
	walk bool
}

type fieldCodec struct {
	name   string
	goName string
	offset uintptr  // from the last embedded pointer (or the struct) to the field
	hops   []ptrHop // embedded pointers on the way, outermost first
	codec  *codec
	quoted bool
	check  *checker
}

// ptrHop is an embedded pointer on the way to a promoted field.
type ptrHop struct {
	offset uintptr      // of the pointer, from the previous hop
	elem   reflect.Type // what it points to
}

// Cache holds what has been worked out about types at start-up, so that
// the binders of every route and the schema registry share it: each
// struct type is read once. Hold one per application while routes are
// registered; it is not safe for concurrent use (the Binders it builds
// are).
type Cache struct {
	structs  map[reflect.Type]*Struct
	patterns map[string]*regexp.Regexp
	c        *compiler
}

// NewCache returns an empty Cache.
func NewCache() *Cache {
	k := &Cache{structs: map[reflect.Type]*Struct{}, patterns: map[string]*regexp.Regexp{}}
	k.c = &compiler{codecs: map[reflect.Type]*codec{}, quoted: map[reflect.Type]*codec{}, cache: k}
	return k
}

// StructOf is the package's StructOf, remembered.
func (k *Cache) StructOf(t reflect.Type) (*Struct, error) {
	if s, ok := k.structs[t]; ok {
		return s, nil
	}
	s, err := structOf(t, k.patterns)
	if err != nil {
		return nil, err
	}
	k.structs[t] = s
	return s, nil
}

// compiler builds codecs, sharing one per type (recursive types refer to
// themselves).
type compiler struct {
	codecs map[reflect.Type]*codec
	quoted map[reflect.Type]*codec
	cache  *Cache
	added  []*codec // since the last markWalk
}

// codecFor compiles the codec of t for a JSON body; where names the place
// (e.g. "field User.Address") for errors.
func (c *compiler) codecFor(t reflect.Type, where place) (*codec, error) {
	if cd, ok := c.codecs[t]; ok {
		return cd, nil
	}
	cd := &codec{class: ClassOf(t), typ: t, kind: t.Kind(), size: t.Size()}
	c.codecs[t] = cd
	c.added = append(c.added, cd)
	if err := c.fill(cd, where); err != nil {
		delete(c.codecs, t)
		return nil, err
	}
	return cd, nil
}

func (c *compiler) fill(cd *codec, where place) error {
	t := cd.typ
	var err error
	switch cd.class {
	case ClassInvalid:
		return where.errorf("type %s cannot be decoded from JSON", t)
	case ClassAny:
		if t.NumMethod() != 0 {
			return where.errorf("interface type %s cannot be decoded from JSON (only any / interface{} can)", t)
		}
	case ClassPointer:
		cd.elem, err = c.codecFor(t.Elem(), where)
	case ClassSlice, ClassBytes:
		cd.elem, err = c.codecFor(t.Elem(), where)
		if t.Kind() == reflect.Array {
			cd.alen = t.Len()
		}
	case ClassMap:
		kt := t.Key()
		switch kc := ClassOf(kt); {
		case kc == ClassText || kc == ClassString || kc == ClassInt || kc == ClassUint:
			cd.key = &codec{class: kc, typ: kt, kind: kt.Kind(), size: kt.Size()}
		default:
			return where.errorf("map key type %s cannot be decoded from JSON (use strings, integers or an encoding.TextUnmarshaler)", kt)
		}
		cd.elem, err = c.codecFor(t.Elem(), where)
	case ClassStruct:
		err = c.fillStruct(cd)
	}
	return err
}

func (c *compiler) fillStruct(cd *codec) error {
	s, err := c.cache.StructOf(cd.typ)
	if err != nil {
		return err
	}
	cd.allowUnknown = s.AllowUnknown
	for _, f := range s.Fields {
		where := place{t: cd.typ, field: f.GoName, member: true}
		if f.viaUnexportedPointer {
			return fmt.Errorf("%s is promoted through an embedded pointer to an unexported struct type, which JSON decoding cannot allocate; embed the struct by value", where)
		}
		fc := fieldCodec{name: f.Name, goName: f.GoName, quoted: f.Quoted}
		if f.Quoted {
			fc.codec, err = c.quotedCodec(f.Type, where)
		} else {
			fc.codec, err = c.codecFor(f.Type, where)
		}
		if err != nil {
			return err
		}
		fc.hops, fc.offset = fieldPath(cd.typ, f.Index)
		fc.check, err = compileChecker(f.Rules, f.Type, where)
		if err != nil {
			return err
		}
		cd.fields = append(cd.fields, fc)
	}
	if len(cd.fields) > 8 {
		cd.byName = make(map[string]int, len(cd.fields))
		for i, f := range cd.fields {
			cd.byName[f.name] = i
		}
	}
	return nil
}

// quotedCodec compiles a json:",string" field: the scalar is read from
// inside a JSON string.
func (c *compiler) quotedCodec(t reflect.Type, where place) (*codec, error) {
	if cd, ok := c.quoted[t]; ok {
		return cd, nil
	}
	switch ClassOf(t) {
	case ClassJSON, ClassText, ClassNumber:
		return nil, where.errorf("the json \",string\" option is not supported on type %s, which decodes itself", t)
	}
	if t.Kind() == reflect.Pointer {
		inner, err := c.quotedCodec(t.Elem(), where)
		if err != nil {
			return nil, err
		}
		cd := &codec{class: ClassPointer, typ: t, kind: t.Kind(), size: t.Size(), elem: inner}
		c.quoted[t] = cd
		c.added = append(c.added, cd)
		return cd, nil
	}
	base, err := c.codecFor(t, where)
	if err != nil {
		return nil, err
	}
	cd := *base
	cd.class = quotedClass(base.class)
	cd.elem = base
	q := &cd
	c.quoted[t] = q
	c.added = append(c.added, q)
	return q, nil
}

// quotedClass marks a codec as read from inside a string. The values
// are above the real classes so a switch on class can tell them apart.
func quotedClass(c Class) Class { return c + quotedBase }

const quotedBase Class = 100

// place names where a definition error is, formatted only when there
// is one: "T field F (query:"f")" for an input struct, "field T.F" for
// a field of a body type.
type place struct {
	t       reflect.Type
	field   string
	in, tag string
	member  bool
}

func (p place) String() string {
	switch {
	case p.member:
		return "field " + typeName(p.t) + "." + p.field
	case p.in != "":
		return fmt.Sprintf("%s field %s (%s:%q)", p.t, p.field, p.in, p.tag)
	case p.field != "":
		return fmt.Sprintf("%s field %s", p.t, p.field)
	}
	if p.t == nil {
		return ""
	}
	return p.t.String()
}

// errorf is an error at p: its text prefixed with the place, if any.
func (p place) errorf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	if s := p.String(); s != "" {
		return fmt.Errorf("%s: %w", s, err)
	}
	return err
}

// fieldPath returns the embedded pointers on the way to the field at
// index in t and the field's offset from the last of them.
func fieldPath(t reflect.Type, index []int) ([]ptrHop, uintptr) {
	var hops []ptrHop
	var off uintptr
	for i, x := range index {
		sf := t.Field(x)
		off += sf.Offset
		t = sf.Type
		if i < len(index)-1 && t.Kind() == reflect.Pointer {
			t = t.Elem()
			hops = append(hops, ptrHop{offset: off, elem: t})
			off = 0
		}
	}
	return hops, off
}

// ptr returns a pointer to field f of the struct at p, allocating the
// embedded pointers on the way when alloc is set (else nil when one of
// them is nil).
func (f *fieldCodec) ptr(p unsafe.Pointer, alloc bool) unsafe.Pointer {
	for _, h := range f.hops {
		pp := (*unsafe.Pointer)(unsafe.Add(p, h.offset))
		if *pp == nil {
			if !alloc {
				return nil
			}
			*pp = reflect.New(h.elem).UnsafePointer()
		}
		p = *pp
	}
	return unsafe.Add(p, f.offset)
}

// markWalk computes codec.walk for the codecs added since the last call:
// whether checking a value needs to look inside it. Older codecs are
// final: a new codec may hold them, never the other way round.
func (c *compiler) markWalk() {
	changed := true
	for changed {
		changed = false
		for _, cd := range c.added {
			if !cd.walk && cd.needsWalk() {
				cd.walk = true
				changed = true
			}
		}
	}
	c.added = c.added[:0]
}

// forget drops the codecs added since the last markWalk, after a failed
// Compile.
func (c *compiler) forget() {
	for _, cd := range c.added {
		if c.codecs[cd.typ] == cd {
			delete(c.codecs, cd.typ)
		}
		if c.quoted[cd.typ] == cd {
			delete(c.quoted, cd.typ)
		}
	}
	c.added = c.added[:0]
}

func (cd *codec) needsWalk() bool {
	switch cd.class {
	case ClassPointer, ClassSlice, ClassMap, ClassBytes:
		return cd.elem.walk
	case ClassStruct:
		for _, f := range cd.fields {
			if f.check != nil || f.codec.walk {
				return true
			}
		}
	}
	return false
}
