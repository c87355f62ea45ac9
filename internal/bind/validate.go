package bind

import (
	"cmp"
	"encoding"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"
)

// checker is Rules compiled for one type, with every message written
// in advance so that a failure costs no formatting.
type checker struct {
	class     Class
	typ       reflect.Type // the checked type, pointers removed
	required  bool
	omitEmpty bool
	ops       []op
	elem      *checker // dive
}

type opKind uint8

const (
	opMinCount opKind = iota
	opMaxCount
	opGtCount
	opLtCount
	opLenCount
	opMin
	opMax
	opGt
	opLt
	opEq
	opOneOfString
	opOneOfInt
	opOneOfUint
	opOneOfFloat
	opEmail
	opUUID
	opURL
	opLayout
	opPattern
)

type op struct {
	kind   opKind
	class  Class // of the value checked
	n      int
	i      int64
	u      uint64
	f      float64
	arg    string   // the bound as written
	words  []string // oneof values as written
	ints   []int64
	uints  []uint64
	floats []float64
	layout string
	re     *regexp.Regexp
}

// message says what the value failed; it is put together on failure
// only.
func (o *op) message() string {
	switch o.kind {
	case opMinCount, opMaxCount, opGtCount, opLtCount, opLenCount:
		verb := "must have "
		if o.class == ClassString {
			verb = "must be "
		}
		switch o.kind {
		case opMinCount:
			verb += "at least "
		case opMaxCount:
			verb += "at most "
		case opGtCount:
			verb += "more than "
		case opLtCount:
			verb += "fewer than "
		default:
			verb += "exactly "
		}
		return verb + o.arg + " " + plural(unitOf(o.class), o.n)
	case opMin:
		return "must be at least " + o.arg
	case opMax:
		return "must be at most " + o.arg
	case opGt:
		return "must be greater than " + o.arg
	case opLt:
		return "must be less than " + o.arg
	case opEq:
		return "must be " + o.arg
	case opOneOfString, opOneOfInt, opOneOfUint, opOneOfFloat:
		return "must be one of: " + oneOfText(o.words)
	case opEmail:
		return "must be an email address"
	case opUUID:
		return "must be a UUID"
	case opURL:
		return "must be a URL"
	case opLayout:
		return "must be a date/time in the form " + o.layout
	case opPattern:
		return "must match the pattern " + o.re.String()
	}
	return "is invalid"
}

// unitOf names what count rules count in a value of class c.
func unitOf(c Class) string {
	switch c {
	case ClassString:
		return "character"
	case ClassMap:
		return "entry"
	case ClassBytes:
		return "byte"
	}
	return "item"
}

const reqMsg = "is required"

// compileChecker compiles rules for values of type t; nil rules give a
// nil checker.
func compileChecker(r *Rules, t reflect.Type, where place) (*checker, error) {
	if r == nil {
		return nil, nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	ck := &checker{class: ClassOf(t), typ: t, required: r.Required, omitEmpty: r.OmitEmpty}
	nops := len(r.OneOf) // an upper bound, at least
	for _, s := range [...]string{r.Min, r.Max, r.Gt, r.Lt, r.Len, r.Format, r.Layout, r.Pattern} {
		if s != "" {
			nops++
		}
	}
	if nops > 0 {
		ck.ops = make([]op, 0, min(nops, 8))
	}
	add := func(k opKind, s string) {
		if s == "" {
			return
		}
		o := op{kind: k, class: ck.class, arg: s}
		switch {
		case k <= opLenCount:
			o.n, _ = strconv.Atoi(s)
		case ck.class == ClassInt:
			o.i, _ = strconv.ParseInt(s, 10, 64)
		case ck.class == ClassUint:
			o.u, _ = strconv.ParseUint(s, 10, 64)
		default:
			o.f, _ = strconv.ParseFloat(s, t.Bits())
		}
		ck.ops = append(ck.ops, o)
	}
	switch ck.class {
	case ClassString, ClassSlice, ClassMap, ClassBytes:
		add(opLenCount, r.Len)
		add(opMinCount, r.Min)
		add(opMaxCount, r.Max)
		add(opGtCount, r.Gt)
		add(opLtCount, r.Lt)
	default:
		add(opEq, r.Len)
		add(opMin, r.Min)
		add(opMax, r.Max)
		add(opGt, r.Gt)
		add(opLt, r.Lt)
	}
	if len(r.OneOf) > 0 {
		o := op{class: ck.class, words: r.OneOf}
		switch ck.class {
		case ClassString:
			o.kind = opOneOfString
		case ClassInt:
			o.kind = opOneOfInt
			for _, s := range r.OneOf {
				v, _ := strconv.ParseInt(s, 10, 64)
				o.ints = append(o.ints, v)
			}
		case ClassUint:
			o.kind = opOneOfUint
			for _, s := range r.OneOf {
				v, _ := strconv.ParseUint(s, 10, 64)
				o.uints = append(o.uints, v)
			}
		case ClassFloat:
			o.kind = opOneOfFloat
			for _, s := range r.OneOf {
				v, _ := strconv.ParseFloat(s, t.Bits())
				o.floats = append(o.floats, v)
			}
		}
		ck.ops = append(ck.ops, o)
	}
	switch r.Format {
	case "email":
		ck.ops = append(ck.ops, op{kind: opEmail})
	case "uuid":
		ck.ops = append(ck.ops, op{kind: opUUID})
	case "url":
		ck.ops = append(ck.ops, op{kind: opURL})
	}
	if r.Layout != "" {
		ck.ops = append(ck.ops, op{kind: opLayout, layout: r.Layout})
	}
	if r.re != nil {
		ck.ops = append(ck.ops, op{kind: opPattern, re: r.re})
	}
	if r.Elem != nil {
		var et reflect.Type
		if ck.class == ClassMap || ck.class == ClassSlice || ck.class == ClassBytes {
			et = t.Elem()
		}
		if et == nil {
			return nil, fmt.Errorf("%s: dive on %s", where, t)
		}
		var err error
		if ck.elem, err = compileChecker(r.Elem, et, where); err != nil {
			return nil, err
		}
	}
	return ck, nil
}

func plural(unit string, n int) string {
	if n == 1 {
		return unit
	}
	if unit == "entry" {
		return "entries"
	}
	return unit + "s"
}

func oneOfText(vals []string) string {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(' ')
		}
		if strings.Contains(v, " ") || v == "" {
			b.WriteString("'" + v + "'")
		} else {
			b.WriteString(v)
		}
	}
	return b.String()
}

// isZero reports whether the value at p, of the type of cd (not a
// pointer), is its zero value in go-playground/validator's sense:
// slices and maps are empty only when nil.
func isZero(cd *codec, p unsafe.Pointer) bool {
	switch cd.kind {
	case reflect.String:
		return len(*(*string)(p)) == 0
	case reflect.Bool:
		return !*(*bool)(p)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return isZeroBits(p, cd.size)
	case reflect.Slice, reflect.Map, reflect.Pointer:
		return *(*unsafe.Pointer)(p) == nil
	case reflect.Interface:
		return *(*[2]unsafe.Pointer)(p) == [2]unsafe.Pointer{}
	}
	return reflect.NewAt(cd.typ, p).Elem().IsZero()
}

func isZeroBits(p unsafe.Pointer, size uintptr) bool {
	switch size {
	case 1:
		return *(*uint8)(p) == 0
	case 2:
		return *(*uint16)(p) == 0
	case 4:
		return *(*uint32)(p) == 0
	}
	return *(*uint64)(p) == 0
}

func readInt(p unsafe.Pointer, size uintptr) int64 {
	switch size {
	case 1:
		return int64(*(*int8)(p))
	case 2:
		return int64(*(*int16)(p))
	case 4:
		return int64(*(*int32)(p))
	}
	return *(*int64)(p)
}

func readUint(p unsafe.Pointer, size uintptr) uint64 {
	switch size {
	case 1:
		return uint64(*(*uint8)(p))
	case 2:
		return uint64(*(*uint16)(p))
	case 4:
		return uint64(*(*uint32)(p))
	}
	return *(*uint64)(p)
}

func readFloat(p unsafe.Pointer, size uintptr) float64 {
	if size == 4 {
		return float64(*(*float32)(p))
	}
	return *(*float64)(p)
}

// count returns the length that count rules measure.
func count(cd *codec, p unsafe.Pointer) int {
	switch cd.kind {
	case reflect.String:
		return utf8.RuneCountInString(*(*string)(p))
	case reflect.Slice:
		return (*sliceHeader)(p).len
	case reflect.Array:
		return cd.alen
	case reflect.Map:
		return reflect.NewAt(cd.typ, p).Elem().Len()
	}
	return 0
}

type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

// run applies the operations to the value at p and returns the message
// of the first that fails, or "".
func (ck *checker) run(cd *codec, p unsafe.Pointer) string {
	for i := range ck.ops {
		o := &ck.ops[i]
		if !o.ok(cd, p) {
			return o.message()
		}
	}
	return ""
}

func (o *op) ok(cd *codec, p unsafe.Pointer) bool {
	switch o.kind {
	case opMinCount:
		return count(cd, p) >= o.n
	case opMaxCount:
		return count(cd, p) <= o.n
	case opGtCount:
		return count(cd, p) > o.n
	case opLtCount:
		return count(cd, p) < o.n
	case opLenCount:
		return count(cd, p) == o.n
	case opMin, opMax, opGt, opLt, opEq:
		return o.compare(cd, p)
	case opOneOfString:
		s := *(*string)(p)
		for _, v := range o.words {
			if s == v {
				return true
			}
		}
		return false
	case opOneOfInt:
		v := readInt(p, cd.size)
		for _, w := range o.ints {
			if v == w {
				return true
			}
		}
		return false
	case opOneOfUint:
		v := readUint(p, cd.size)
		for _, w := range o.uints {
			if v == w {
				return true
			}
		}
		return false
	case opOneOfFloat:
		v := readFloat(p, cd.size)
		for _, w := range o.floats {
			if v == w {
				return true
			}
		}
		return false
	case opEmail:
		return isEmail(*(*string)(p))
	case opUUID:
		return isUUID(*(*string)(p))
	case opURL:
		return isURL(*(*string)(p))
	case opLayout:
		_, err := time.Parse(o.layout, *(*string)(p))
		return err == nil
	case opPattern:
		return o.re.MatchString(*(*string)(p))
	}
	return true
}

func (o *op) compare(cd *codec, p unsafe.Pointer) bool {
	var c int // the value compared with the bound: -1, 0, 1
	switch o.class {
	case ClassInt:
		v := readInt(p, cd.size)
		c = cmp3(v < o.i, v > o.i)
	case ClassUint:
		v := readUint(p, cd.size)
		c = cmp3(v < o.u, v > o.u)
	default:
		v := readFloat(p, cd.size)
		if math.IsNaN(v) {
			return false
		}
		c = cmp3(v < o.f, v > o.f)
	}
	switch o.kind {
	case opMin:
		return c >= 0
	case opMax:
		return c <= 0
	case opGt:
		return c > 0
	case opLt:
		return c < 0
	}
	return c == 0
}

func cmp3(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

// walker applies checkers to a decoded value and what it holds,
// recording each failure at its place.
type walker struct {
	col  collector
	in   string
	path path
}

func (w *walker) fail(msg string) {
	w.col.add(w.path.String(), w.in, msg, nil)
}

// value checks the value at p, of codec cd, against ck (which may be
// nil), then the rules of the fields and elements inside it.
func (w *walker) value(cd *codec, p unsafe.Pointer, ck *checker) {
	if len(w.col.failed) > 0 && w.col.failedUnder(w.path.String()) {
		return // already reported as undecodable
	}
	for cd.class == ClassPointer {
		pp := *(*unsafe.Pointer)(p)
		if pp == nil {
			if ck != nil && ck.required {
				w.fail(reqMsg)
			}
			return
		}
		p, cd = pp, cd.elem
	}
	var elemCk *checker
	if ck != nil {
		if isZero(cd, p) {
			if ck.required {
				w.fail(reqMsg)
				return
			}
			if ck.omitEmpty {
				return
			}
		}
		if msg := ck.run(cd, p); msg != "" {
			w.fail(msg)
			return
		}
		elemCk = ck.elem
	}
	switch cd.class {
	case ClassStruct:
		if !cd.walk {
			return
		}
		for i := range cd.fields {
			f := &cd.fields[i]
			if f.check == nil && !f.codec.walk {
				continue
			}
			w.path.push(seg{name: f.name})
			if fp := f.ptr(p, false); fp != nil {
				w.value(f.codec, fp, f.check)
			} else if f.check != nil && f.check.required {
				w.fail(reqMsg) // inside a nil embedded pointer
			}
			w.path.pop()
		}
	case ClassSlice, ClassBytes:
		if elemCk == nil && !cd.elem.walk {
			return
		}
		n, base := cd.alen, p
		if cd.kind == reflect.Slice {
			h := (*sliceHeader)(p)
			n, base = h.len, h.data
		}
		for i := 0; i < n; i++ {
			w.path.push(seg{index: i, kind: segIndex})
			w.value(cd.elem, unsafe.Add(base, uintptr(i)*cd.elem.size), elemCk)
			w.path.pop()
		}
	case ClassMap:
		if elemCk == nil && !cd.elem.walk {
			return
		}
		mv := reflect.NewAt(cd.typ, p).Elem()
		keys := mv.MapKeys()
		names := make([]string, len(keys))
		order := make([]int, len(keys))
		for i, k := range keys {
			names[i] = keyName(k)
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return cmpKeys(keys[a], keys[b], names[a], names[b]) })
		tmp := reflect.New(cd.elem.typ).Elem()
		for _, i := range order {
			tmp.Set(mv.MapIndex(keys[i]))
			w.path.push(seg{name: names[i], kind: segKey})
			w.value(cd.elem, tmp.Addr().UnsafePointer(), elemCk)
			w.path.pop()
		}
	}
}

func keyName(k reflect.Value) string {
	switch k.Kind() {
	case reflect.String:
		return k.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	}
	if m, ok := k.Interface().(encoding.TextMarshaler); ok {
		if b, err := m.MarshalText(); err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(k.Interface())
}

func cmpKeys(a, b reflect.Value, an, bn string) int {
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	}
	return strings.Compare(an, bn)
}

// ZeroPasses reports whether the zero value of t meets rules, leaving
// required and omitempty aside: whether omitempty changes anything.
func ZeroPasses(r *Rules, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	ck, err := compileChecker(r, t, place{t: t})
	if err != nil || ck == nil {
		return err == nil
	}
	// The checks read only a value's kind and size (and an array's length).
	cd := &codec{class: ClassOf(t), typ: t, kind: t.Kind(), size: t.Size()}
	if t.Kind() == reflect.Array {
		cd.alen = t.Len()
	}
	return ck.run(cd, reflect.New(t).UnsafePointer()) == ""
}
