package bind

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxDepth is the deepest nesting of arrays and objects a body may
// have, as encoding/json.
const maxDepth = 10000

// decoder reads a JSON body straight into Go values along a codec. It
// follows encoding/json's semantics (duplicate keys: the last wins;
// invalid UTF-8 becomes U+FFFD; an existing map or pointer is decoded
// into) except where the schema of the type is stricter, so that what
// the binder accepts the generated schema accepts too:
//
//   - field names match exactly, not case-insensitively;
//   - an unknown field is an error unless the struct allows them;
//   - null is accepted only by pointers, interfaces and types that
//     decode themselves;
//   - a json.Number and a []byte accept only a number and a string.
//
// A value of the wrong type is recorded with its path and skipped, so
// one body reports every such field; a syntax error stops decoding.
type decoder struct {
	data    []byte
	pos     int
	depth   int
	col     collector
	path    path
	scratch []byte
	syntax  *SyntaxError
}

// SyntaxError is a body that is not JSON.
type SyntaxError struct {
	Msg    string
	Offset int // byte offset in the body
}

func (e *SyntaxError) Error() string {
	return e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

func (d *decoder) fail(msg string) bool {
	if d.syntax == nil {
		if d.pos >= len(d.data) && msg != msgTrailing {
			msg = "unexpected end of input"
		}
		d.syntax = &SyntaxError{Msg: msg, Offset: d.pos}
	}
	return false
}

const msgTrailing = "unexpected data after the value"

func (d *decoder) skipWS() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// top decodes the whole body into the value at p.
func (d *decoder) top(cd *codec, p unsafe.Pointer) bool {
	if !d.value(cd, p) {
		return false
	}
	d.skipWS()
	if d.pos < len(d.data) {
		return d.fail(msgTrailing)
	}
	return true
}

// mismatch records that the value at the current place has the wrong
// type and skips it.
func (d *decoder) mismatch(reason string, err error) bool {
	where := d.path.String()
	d.col.add(where, InBody, reason, err)
	d.col.failed = append(d.col.failed, where)
	return d.skip()
}

// invalid records a value that was read but refused (by a range check
// or a type's own UnmarshalText/UnmarshalJSON).
func (d *decoder) invalid(reason string, err error) {
	where := d.path.String()
	d.col.add(where, InBody, reason, err)
	d.col.failed = append(d.col.failed, where)
}

func (d *decoder) value(cd *codec, p unsafe.Pointer) bool {
	d.skipWS()
	if d.pos >= len(d.data) {
		return d.fail("unexpected end of input")
	}
	c := d.data[d.pos]
	switch cd.class {
	case ClassPointer:
		if c == 'n' {
			if !d.literal("null") {
				return false
			}
			*(*unsafe.Pointer)(p) = nil
			return true
		}
		pp := *(*unsafe.Pointer)(p)
		if pp == nil {
			pp = reflect.New(cd.elem.typ).UnsafePointer()
			*(*unsafe.Pointer)(p) = pp
		}
		return d.value(cd.elem, pp)
	case ClassJSON:
		start := d.pos
		if !d.skip() {
			return false
		}
		u := reflect.NewAt(cd.typ, p).Interface().(json.Unmarshaler)
		if err := u.UnmarshalJSON(d.data[start:d.pos]); err != nil {
			d.invalid("is invalid: "+err.Error(), err)
		}
		return true
	case ClassAny:
		v, ok := d.anyValue()
		if ok {
			*(*any)(p) = v
		}
		return ok
	}
	switch c {
	case '"':
		return d.stringValue(cd, p)
	case '{':
		switch cd.class {
		case ClassStruct:
			return d.object(cd, p)
		case ClassMap:
			return d.mapValue(cd, p)
		}
	case '[':
		if cd.class == ClassSlice {
			return d.array(cd, p)
		}
	case 't', 'f':
		if cd.class == ClassBool {
			if c == 't' {
				if !d.literal("true") {
					return false
				}
				*(*bool)(p) = true
				return true
			}
			if !d.literal("false") {
				return false
			}
			*(*bool)(p) = false
			return true
		}
	case 'n':
	default:
		switch cd.class {
		case ClassInt, ClassUint, ClassFloat, ClassNumber:
			start := d.pos
			end, ok := scanNumber(d.data, d.pos)
			if !ok {
				d.pos = end
				return d.fail("invalid number")
			}
			d.pos = end
			d.number(cd, p, d.data[start:end])
			return true
		}
	}
	return d.mismatch(typeMessage(cd), nil)
}

// typeMessage says what a value of cd must be.
func typeMessage(cd *codec) string {
	switch cd.class {
	case ClassTime:
		return "must be an RFC 3339 date-time string"
	case ClassText, ClassString:
		return "must be a string"
	case ClassNumber, ClassFloat:
		return "must be a number"
	case ClassBool:
		return "must be true or false"
	case ClassInt, ClassUint:
		return "must be an integer"
	case ClassBytes:
		return "must be a base64-encoded string"
	case ClassSlice:
		return "must be an array"
	case ClassMap, ClassStruct:
		return "must be an object"
	}
	if cd.class >= quotedBase {
		switch cd.class - quotedBase {
		case ClassString:
			return "must be a string holding a JSON string"
		case ClassBool:
			return "must be a string holding true or false"
		case ClassInt, ClassUint:
			return "must be a string holding an integer"
		case ClassFloat:
			return "must be a string holding a number"
		}
	}
	return "has the wrong type"
}

// rangeMessage says what range a number of cd must be in.
func rangeMessage(cd *codec) string {
	switch ClassOf(cd.typ) {
	case ClassInt:
		lo, hi := IntRange(cd.typ)
		return "must be an integer between " + strconv.FormatInt(lo, 10) + " and " + strconv.FormatInt(hi, 10)
	case ClassUint:
		return "must be an integer between 0 and " + strconv.FormatUint(UintMax(cd.typ), 10)
	}
	return "must be a number in the range of " + cd.kind.String()
}

// number stores the number literal lit into the value at p.
func (d *decoder) number(cd *codec, p unsafe.Pointer, lit []byte) {
	s := unsafe.String(unsafe.SliceData(lit), len(lit))
	switch cd.class {
	case ClassNumber:
		*(*string)(p) = string(lit)
	case ClassInt:
		if reason := storeInt(cd, p, s); reason != "" {
			d.invalid(reason, nil)
		}
	case ClassUint:
		if reason := storeUint(cd, p, s); reason != "" {
			d.invalid(reason, nil)
		}
	case ClassFloat:
		if reason := storeFloat(cd, p, s); reason != "" {
			d.invalid(reason, nil)
		}
	}
}

func isIntegerLiteral(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

func storeInt(cd *codec, p unsafe.Pointer, s string) string {
	if !isIntegerLiteral(s) {
		return "must be an integer"
	}
	v, err := strconv.ParseInt(s, 10, int(cd.size*8))
	if err != nil {
		if isDigits(s) {
			return rangeMessage(cd)
		}
		return "must be an integer"
	}
	switch cd.size {
	case 1:
		*(*int8)(p) = int8(v)
	case 2:
		*(*int16)(p) = int16(v)
	case 4:
		*(*int32)(p) = int32(v)
	default:
		*(*int64)(p) = v
	}
	return ""
}

func storeUint(cd *codec, p unsafe.Pointer, s string) string {
	if !isIntegerLiteral(s) {
		return "must be an integer"
	}
	v, err := strconv.ParseUint(s, 10, int(cd.size*8))
	if err != nil {
		if isDigits(s) {
			return rangeMessage(cd)
		}
		return "must be an integer"
	}
	switch cd.size {
	case 1:
		*(*uint8)(p) = uint8(v)
	case 2:
		*(*uint16)(p) = uint16(v)
	case 4:
		*(*uint32)(p) = uint32(v)
	default:
		*(*uint64)(p) = v
	}
	return ""
}

// isDigits reports whether s is an optionally signed run of digits: a
// number that failed to parse is then out of range, not malformed.
func isDigits(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func storeFloat(cd *codec, p unsafe.Pointer, s string) string {
	v, err := strconv.ParseFloat(s, int(cd.size*8))
	if err != nil {
		return rangeMessage(cd)
	}
	if cd.size == 4 {
		*(*float32)(p) = float32(v)
	} else {
		*(*float64)(p) = v
	}
	return ""
}

func (d *decoder) literal(word string) bool {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		// Point at the first byte that differs.
		for i := 0; i < len(word) && d.pos < len(d.data) && d.data[d.pos] == word[i]; i++ {
			d.pos++
		}
		return d.fail("invalid literal")
	}
	d.pos += len(word)
	return true
}

// stringValue decodes a JSON string into the value at p.
func (d *decoder) stringValue(cd *codec, p unsafe.Pointer) bool {
	switch cd.class {
	case ClassTime:
		// As time.Time's UnmarshalJSON: the text between the quotes,
		// not unescaped, in strict RFC 3339.
		start := d.pos
		if !d.skipString() {
			return false
		}
		if err := (*time.Time)(p).UnmarshalText(d.data[start+1 : d.pos-1]); err != nil {
			d.invalid("must be an RFC 3339 date-time string", err)
		}
		return true
	case ClassString:
		b, ok := d.readString()
		if !ok {
			return false
		}
		*(*string)(p) = string(b)
		return true
	case ClassText:
		b, ok := d.readString()
		if !ok {
			return false
		}
		u := reflect.NewAt(cd.typ, p).Interface().(encoding.TextUnmarshaler)
		if err := u.UnmarshalText(b); err != nil {
			d.invalid("is invalid: "+err.Error(), err)
		}
		return true
	case ClassBytes:
		b, ok := d.readString()
		if !ok {
			return false
		}
		out := make([]byte, base64.StdEncoding.DecodedLen(len(b)))
		n, err := base64.StdEncoding.Decode(out, b)
		if err != nil {
			d.invalid("must be a base64-encoded string", err)
			return true
		}
		*(*[]byte)(p) = out[:n]
		return true
	}
	if cd.class >= quotedBase {
		return d.quoted(cd, p)
	}
	return d.mismatch(typeMessage(cd), nil)
}

// quoted decodes a json:",string" value: a string holding the literal.
func (d *decoder) quoted(cd *codec, p unsafe.Pointer) bool {
	b, ok := d.readString()
	if !ok {
		return false
	}
	s := string(b)
	base := cd.elem
	bad := func() bool { d.invalid(typeMessage(cd), nil); return true }
	switch base.class {
	case ClassString:
		sub := decoder{data: []byte(s)}
		if len(s) == 0 || s[0] != '"' {
			return bad()
		}
		inner, ok := sub.readString()
		if !ok || sub.pos != len(s) {
			return bad()
		}
		*(*string)(p) = string(inner)
	case ClassBool:
		switch s {
		case "true":
			*(*bool)(p) = true
		case "false":
			*(*bool)(p) = false
		default:
			return bad()
		}
	case ClassInt, ClassUint, ClassFloat:
		if !isNumberLiteral(s) {
			return bad()
		}
		var reason string
		switch base.class {
		case ClassInt:
			reason = storeInt(base, p, s)
		case ClassUint:
			reason = storeUint(base, p, s)
		default:
			reason = storeFloat(base, p, s)
		}
		if reason != "" {
			d.invalid(reason, nil)
		}
	}
	return true
}

func (d *decoder) enter() bool {
	d.depth++
	if d.depth > maxDepth {
		return d.fail("nesting deeper than 10000 levels")
	}
	return true
}

// object decodes a JSON object into the struct at p.
func (d *decoder) object(cd *codec, p unsafe.Pointer) bool {
	d.pos++ // {
	if !d.enter() {
		return false
	}
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return true
	}
	for {
		d.skipWS()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return d.fail("expected a string naming a field")
		}
		key, ok := d.readString()
		if !ok {
			return false
		}
		d.skipWS()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return d.fail("expected a colon after the field name")
		}
		d.pos++
		if i := cd.find(key); i >= 0 {
			f := &cd.fields[i]
			d.path.push(seg{name: f.name})
			ok = d.value(f.codec, f.ptr(p, true))
			d.path.pop()
		} else if cd.allowUnknown {
			ok = d.skip()
		} else {
			d.path.push(seg{name: string(key)})
			d.col.add(d.path.String(), InBody, "is not allowed", nil)
			d.path.pop()
			ok = d.skip()
		}
		if !ok {
			return false
		}
		d.skipWS()
		if d.pos < len(d.data) {
			switch d.data[d.pos] {
			case ',':
				d.pos++
				continue
			case '}':
				d.pos++
				d.depth--
				return true
			}
		}
		return d.fail("expected a comma or } after the field value")
	}
}

// find returns the index of the field named key (exactly), or -1.
func (cd *codec) find(key []byte) int {
	if cd.byName != nil {
		if i, ok := cd.byName[string(key)]; ok {
			return i
		}
		return -1
	}
	for i := range cd.fields {
		if cd.fields[i].name == string(key) {
			return i
		}
	}
	return -1
}

// mapValue decodes a JSON object into the map at p.
func (d *decoder) mapValue(cd *codec, p unsafe.Pointer) bool {
	d.pos++ // {
	if !d.enter() {
		return false
	}
	mv := reflect.NewAt(cd.typ, p).Elem()
	if mv.IsNil() {
		mv.Set(reflect.MakeMap(cd.typ))
	}
	kv := reflect.New(cd.key.typ).Elem()
	ev := reflect.New(cd.elem.typ).Elem()
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return true
	}
	for {
		d.skipWS()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return d.fail("expected a string key")
		}
		kb, ok := d.readString()
		if !ok {
			return false
		}
		key := string(kb)
		d.skipWS()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return d.fail("expected a colon after the key")
		}
		d.pos++
		d.path.push(seg{name: key, kind: segKey})
		keyOK := true
		kv.SetZero()
		switch cd.key.class {
		case ClassText:
			if err := kv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(key)); err != nil {
				d.invalid("has an invalid key: "+err.Error(), err)
				keyOK = false
			}
		case ClassString:
			kv.SetString(key)
		case ClassInt:
			if reason := storeInt(cd.key, kv.Addr().UnsafePointer(), key); reason != "" {
				d.invalid("has a key that "+reason, nil)
				keyOK = false
			}
		case ClassUint:
			if reason := storeUint(cd.key, kv.Addr().UnsafePointer(), key); reason != "" {
				d.invalid("has a key that "+reason, nil)
				keyOK = false
			}
		}
		if keyOK {
			ev.SetZero()
			ok = d.value(cd.elem, ev.Addr().UnsafePointer())
			if ok {
				mv.SetMapIndex(kv, ev)
			}
		} else {
			ok = d.skip()
		}
		d.path.pop()
		if !ok {
			return false
		}
		d.skipWS()
		if d.pos < len(d.data) {
			switch d.data[d.pos] {
			case ',':
				d.pos++
				continue
			case '}':
				d.pos++
				d.depth--
				return true
			}
		}
		return d.fail("expected a comma or } after the value")
	}
}

// array decodes a JSON array into the slice or array at p.
func (d *decoder) array(cd *codec, p unsafe.Pointer) bool {
	d.pos++ // [
	if !d.enter() {
		return false
	}
	isSlice := cd.kind == reflect.Slice
	var sv reflect.Value
	if isSlice {
		sv = reflect.NewAt(cd.typ, p).Elem()
	}
	esize := cd.elem.size
	i := 0
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
	} else {
		for {
			var ok bool
			if isSlice {
				if i >= sv.Cap() {
					sv.Grow(1)
				}
				if i >= sv.Len() {
					sv.SetLen(i + 1)
				}
				ep := unsafe.Add((*sliceHeader)(p).data, uintptr(i)*esize)
				d.path.push(seg{index: i, kind: segIndex})
				ok = d.value(cd.elem, ep)
				d.path.pop()
			} else if i < cd.alen {
				d.path.push(seg{index: i, kind: segIndex})
				ok = d.value(cd.elem, unsafe.Add(p, uintptr(i)*esize))
				d.path.pop()
			} else {
				ok = d.skip()
			}
			if !ok {
				return false
			}
			i++
			d.skipWS()
			if d.pos < len(d.data) {
				if c := d.data[d.pos]; c == ',' {
					d.pos++
					continue
				} else if c == ']' {
					d.pos++
					break
				}
			}
			return d.fail("expected a comma or ] after the element")
		}
	}
	d.depth--
	if isSlice {
		if i < sv.Len() {
			sv.SetLen(i)
		}
		if i == 0 {
			sv.Set(reflect.MakeSlice(cd.typ, 0, 0))
		}
		return true
	}
	for ; i < cd.alen; i++ {
		reflect.NewAt(cd.elem.typ, unsafe.Add(p, uintptr(i)*esize)).Elem().SetZero()
	}
	return true
}

// anyValue decodes any JSON value as encoding/json does into an
// interface: map[string]any, []any, float64, string, bool or nil.
func (d *decoder) anyValue() (any, bool) {
	d.skipWS()
	if d.pos >= len(d.data) {
		return nil, d.fail("unexpected end of input")
	}
	switch c := d.data[d.pos]; c {
	case '"':
		b, ok := d.readString()
		if !ok {
			return nil, false
		}
		return string(b), true
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	case '{':
		d.pos++
		if !d.enter() {
			return nil, false
		}
		m := map[string]any{}
		d.skipWS()
		if d.pos < len(d.data) && d.data[d.pos] == '}' {
			d.pos++
			d.depth--
			return m, true
		}
		for {
			d.skipWS()
			if d.pos >= len(d.data) || d.data[d.pos] != '"' {
				return nil, d.fail("expected a string key")
			}
			kb, ok := d.readString()
			if !ok {
				return nil, false
			}
			key := string(kb)
			d.skipWS()
			if d.pos >= len(d.data) || d.data[d.pos] != ':' {
				return nil, d.fail("expected a colon after the key")
			}
			d.pos++
			d.path.push(seg{name: key, kind: segKey})
			v, ok := d.anyValue()
			d.path.pop()
			if !ok {
				return nil, false
			}
			m[key] = v
			d.skipWS()
			if d.pos < len(d.data) {
				switch d.data[d.pos] {
				case ',':
					d.pos++
					continue
				case '}':
					d.pos++
					d.depth--
					return m, true
				}
			}
			return nil, d.fail("expected a comma or } after the value")
		}
	case '[':
		d.pos++
		if !d.enter() {
			return nil, false
		}
		a := []any{}
		d.skipWS()
		if d.pos < len(d.data) && d.data[d.pos] == ']' {
			d.pos++
			d.depth--
			return a, true
		}
		for {
			d.path.push(seg{index: len(a), kind: segIndex})
			v, ok := d.anyValue()
			d.path.pop()
			if !ok {
				return nil, false
			}
			a = append(a, v)
			d.skipWS()
			if d.pos < len(d.data) {
				switch d.data[d.pos] {
				case ',':
					d.pos++
					continue
				case ']':
					d.pos++
					d.depth--
					return a, true
				}
			}
			return nil, d.fail("expected a comma or ] after the element")
		}
	default:
		start := d.pos
		end, ok := scanNumber(d.data, d.pos)
		d.pos = end
		if !ok {
			return nil, d.fail("invalid character")
		}
		f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(d.data[start:end]), end-start), 64)
		if err != nil {
			d.invalid("must be a number in the range of float64", nil)
			return nil, true
		}
		return f, true
	}
}

// readString reads the JSON string at d.pos and returns its content,
// unescaped. The result aliases the body or the decoder's scratch
// buffer: it is valid until the next call.
func (d *decoder) readString() ([]byte, bool) {
	i := d.pos + 1
	start := i
	for i < len(d.data) {
		c := d.data[i]
		if c == '"' {
			d.pos = i + 1
			return d.data[start:i], true
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
		i++
	}
	buf := append(d.scratch[:0], d.data[start:i]...)
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.scratch = buf
			return buf, true
		case c == '\\':
			if i+1 >= len(d.data) {
				d.pos = len(d.data)
				return nil, d.fail("unexpected end of input")
			}
			switch e := d.data[i+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
				i += 2
			case 'b':
				buf = append(buf, '\b')
				i += 2
			case 'f':
				buf = append(buf, '\f')
				i += 2
			case 'n':
				buf = append(buf, '\n')
				i += 2
			case 'r':
				buf = append(buf, '\r')
				i += 2
			case 't':
				buf = append(buf, '\t')
				i += 2
			case 'u':
				r := hex4(d.data[i+2:])
				if r < 0 {
					d.pos = i
					return nil, d.fail("invalid \\u escape in string")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+1 < len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
						r2 = hex4(d.data[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
			default:
				d.pos = i
				return nil, d.fail("invalid escape in string")
			}
		case c < 0x20:
			d.pos = i
			return nil, d.fail("control character in string")
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, d.data[i:i+size]...)
			}
			i += size
		}
	}
	d.scratch = buf
	d.pos = len(d.data)
	return nil, d.fail("unexpected end of input")
}

func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// skipString moves past the JSON string at d.pos, checking its syntax.
func (d *decoder) skipString() bool {
	i := d.pos + 1
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return true
		case c == '\\':
			if i+1 >= len(d.data) {
				d.pos = len(d.data)
				return d.fail("unexpected end of input")
			}
			switch d.data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if hex4(d.data[i+2:]) < 0 {
					d.pos = i
					return d.fail("invalid \\u escape in string")
				}
				i += 6
			default:
				d.pos = i
				return d.fail("invalid escape in string")
			}
		case c < 0x20:
			d.pos = i
			return d.fail("control character in string")
		default:
			i++
		}
	}
	d.pos = len(d.data)
	return d.fail("unexpected end of input")
}

// skip moves past one JSON value, checking its syntax.
func (d *decoder) skip() bool {
	d.skipWS()
	if d.pos >= len(d.data) {
		return d.fail("unexpected end of input")
	}
	switch c := d.data[d.pos]; c {
	case '"':
		return d.skipString()
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	case '{', '[':
		d.pos++
		if !d.enter() {
			return false
		}
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		d.skipWS()
		if d.pos < len(d.data) && d.data[d.pos] == end {
			d.pos++
			d.depth--
			return true
		}
		for {
			if c == '{' {
				d.skipWS()
				if d.pos >= len(d.data) || d.data[d.pos] != '"' {
					return d.fail("expected a string key")
				}
				if !d.skipString() {
					return false
				}
				d.skipWS()
				if d.pos >= len(d.data) || d.data[d.pos] != ':' {
					return d.fail("expected a colon after the key")
				}
				d.pos++
			}
			if !d.skip() {
				return false
			}
			d.skipWS()
			if d.pos < len(d.data) {
				if d.data[d.pos] == ',' {
					d.pos++
					continue
				}
				if d.data[d.pos] == end {
					d.pos++
					d.depth--
					return true
				}
			}
			return d.fail("expected a comma or " + string(end))
		}
	default:
		end, ok := scanNumber(d.data, d.pos)
		d.pos = end
		if !ok {
			return d.fail("invalid character")
		}
		return true
	}
}
