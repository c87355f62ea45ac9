package proxyevent

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth mirrors encoding/json's nesting limit: 10000 nested objects or
// arrays are accepted, one more is a syntax error.
const maxDepth = 10000

// SyntaxError reports malformed JSON. Offset is the byte offset in the input
// at which the problem was detected.
type SyntaxError struct {
	Offset int64
	msg    string
}

func (e *SyntaxError) Error() string {
	return "proxyevent: " + e.msg + " at offset " + strconv.FormatInt(e.Offset, 10)
}

// decoder is a single-pass JSON scanner over one event. Strings that need no
// unescaping are returned as substrings of str, a single copy of data, so
// they cost no allocation.
type decoder struct {
	data []byte
	str  string
	pos  int
	buf  []byte // scratch for unescaping
}

func (d *decoder) errorf(off int, msg string) error {
	return &SyntaxError{Offset: int64(off), msg: msg}
}

func (d *decoder) eof() error {
	return &SyntaxError{Offset: int64(len(d.data)), msg: "unexpected end of JSON input"}
}

// errChar reports an unexpected byte at off (or end of input).
func (d *decoder) errChar(off int, context string) error {
	if off >= len(d.data) {
		return d.eof()
	}
	return &SyntaxError{Offset: int64(off), msg: "invalid character " + quoteChar(d.data[off]) + " " + context}
}

func quoteChar(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c == '"':
		return `'"'`
	case c < utf8.RuneSelf && strconv.IsPrint(rune(c)):
		return "'" + string(rune(c)) + "'"
	}
	return strconv.Quote(string([]byte{c}))
}

// ws skips JSON whitespace.
func (d *decoder) ws() {
	if d.pos < len(d.data) && d.data[d.pos] > ' ' {
		return // the common case: compact JSON
	}
	i, data := d.pos, d.data
	for i < len(data) && isSpace[data[i]] {
		i++
	}
	d.pos = i
}

// peek returns the byte at the cursor, or 0 at end of input.
func (d *decoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// strPlain marks bytes that can appear unescaped in a string and need no
// further attention: printable ASCII other than '"' and '\\'.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

// plainPrefix returns the index of the first byte at or after i that is not
// plain string content ('"', '\\', a control byte or a non-ASCII byte), or
// len(data).
func plainPrefix(data []byte, i int) int {
	for i+8 <= len(data) {
		x := binary.LittleEndian.Uint64(data[i:])
		q := x ^ (swarLo * '"')
		b := x ^ (swarLo * '\\')
		m := ((x - swarLo*0x20) & ^x) | ((q - swarLo) & ^q) | ((b - swarLo) & ^b) | x
		m &= swarHi
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(data) && strPlain[data[i]] {
		i++
	}
	return i
}

// readString decodes the string literal whose opening quote is at d.pos.
// Invalid UTF-8 is replaced by U+FFFD exactly as encoding/json does.
func (d *decoder) readString() (string, error) {
	start := d.pos + 1
	i := plainPrefix(d.data, start)
	if i < len(d.data) && d.data[i] == '"' {
		d.pos = i + 1
		return d.str[start:i], nil
	}
	return d.readStringSlow(start, i)
}

func (d *decoder) readStringSlow(start, i int) (string, error) {
	data := d.data
	// Valid multi-byte UTF-8 still needs no copy.
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return d.str[start:i], nil
		case c == '\\':
			return d.unescape(start, i)
		case c < 0x20:
			return "", d.errChar(i, "in string literal")
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return d.unescape(start, i)
			}
			i += size
		}
	}
	return "", d.eof()
}

// unescape builds the decoded string in d.buf; data[start:i] is known to be
// plain, valid content.
func (d *decoder) unescape(start, i int) (string, error) {
	data := d.data
	b := append(d.buf[:0], data[start:i]...)
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.buf = b
			return string(b), nil
		case c == '\\':
			if i+1 >= len(data) {
				return "", d.eof()
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
				i += 2
			case 'b':
				b = append(b, '\b')
				i += 2
			case 'f':
				b = append(b, '\f')
				i += 2
			case 'n':
				b = append(b, '\n')
				i += 2
			case 'r':
				b = append(b, '\r')
				i += 2
			case 't':
				b = append(b, '\t')
				i += 2
			case 'u':
				rr, err := d.hex4(i + 2)
				if err != nil {
					return "", err
				}
				i += 6
				if utf16.IsSurrogate(rr) {
					if rr1, ok := u4(data, i); ok {
						if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
							b = utf8.AppendRune(b, dec)
							i += 6
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
			default:
				return "", d.errChar(i+1, "in string escape code")
			}
		case c < 0x20:
			return "", d.errChar(i, "in string literal")
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			b = utf8.AppendRune(b, r)
			i += size
		}
	}
	d.buf = b
	return "", d.eof()
}

func hexVal(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

// hex4 validates and decodes the four hex digits at data[i:i+4].
func (d *decoder) hex4(i int) (rune, error) {
	var r rune
	for k := i; k < i+4; k++ {
		if k >= len(d.data) {
			return 0, d.eof()
		}
		v := hexVal(d.data[k])
		if v < 0 {
			return 0, d.errChar(k, `in \u hexadecimal character escape`)
		}
		r = r<<4 | v
	}
	return r, nil
}

// u4 decodes a complete `\uXXXX` escape at data[i:], like encoding/json's getu4.
func u4(data []byte, i int) (rune, bool) {
	if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range data[i+2 : i+6] {
		v := hexVal(c)
		if v < 0 {
			return 0, false
		}
		r = r<<4 | v
	}
	return r, true
}

// skipString validates the string literal at d.pos without decoding it.
func (d *decoder) skipString() error {
	data := d.data
	i := d.pos + 1
	for {
		i = plainPrefix(data, i)
		for i < len(data) && data[i] >= utf8.RuneSelf {
			i++
			i = plainPrefix(data, i)
		}
		if i >= len(data) {
			return d.eof()
		}
		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			return nil
		case c == '\\':
			if i+1 >= len(data) {
				return d.eof()
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, err := d.hex4(i + 2); err != nil {
					return err
				}
				i += 6
			default:
				return d.errChar(i+1, "in string escape code")
			}
		default:
			return d.errChar(i, "in string literal")
		}
	}
}

// scanNumber validates the number at d.pos and returns it as a substring.
func (d *decoder) scanNumber() (string, error) {
	data := d.data
	start, i := d.pos, d.pos
	if data[i] == '-' {
		i++
	}
	if i >= len(data) {
		return "", d.eof()
	}
	switch c := data[i]; {
	case c == '0':
		i++
	case '1' <= c && c <= '9':
		i++
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	default:
		return "", d.errChar(i, "in numeric literal")
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) {
			return "", d.eof()
		}
		if !isDigit(data[i]) {
			return "", d.errChar(i, "after decimal point in numeric literal")
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) {
			return "", d.eof()
		}
		if !isDigit(data[i]) {
			return "", d.errChar(i, "in exponent of numeric literal")
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	d.pos = i
	if d.str == "" {
		return "", nil // validation only (no string copy available)
	}
	return d.str[start:i], nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// literal consumes the literal lit (true, false or null) at d.pos.
func (d *decoder) literal(lit string) error {
	data := d.data
	for k := 1; k < len(lit); k++ {
		i := d.pos + k
		if i >= len(data) {
			return d.eof()
		}
		if data[i] != lit[k] {
			return d.errChar(i, "in literal "+lit+" (expecting "+quoteChar(lit[k])+")")
		}
	}
	d.pos += len(lit)
	return nil
}

// skipValue validates and skips the value at d.pos. depth is the nesting
// depth of the enclosing container (0 at top level).
func (d *decoder) skipValue(depth int) error {
	if d.pos >= len(d.data) {
		return d.eof()
	}
	switch c := d.data[d.pos]; c {
	case '"':
		return d.skipString()
	case '{':
		return d.skipObject(depth + 1)
	case '[':
		return d.skipArray(depth + 1)
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		if c == '-' || isDigit(c) {
			_, err := d.scanNumber()
			return err
		}
		return d.errChar(d.pos, "looking for beginning of value")
	}
}

// objectStart consumes the '{' at d.pos (checking the depth of the object
// itself) and reports whether the object is empty (its '}' consumed too).
func (d *decoder) objectStart(depth int) (empty bool, err error) {
	if depth > maxDepth {
		return false, d.errorf(d.pos, "exceeded max depth")
	}
	d.pos++
	d.ws()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return true, nil
	}
	return false, nil
}

// objectKey reads a member name and the following ':'.
func (d *decoder) objectKey() (string, error) {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return "", d.errChar(d.pos, "looking for beginning of object key string")
	}
	key, err := d.readString()
	if err != nil {
		return "", err
	}
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		return "", d.errChar(d.pos, "after object key")
	}
	d.pos++
	d.ws()
	return key, nil
}

// skipKey is objectKey without decoding the name.
func (d *decoder) skipKey() error {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return d.errChar(d.pos, "looking for beginning of object key string")
	}
	if err := d.skipString(); err != nil {
		return err
	}
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		return d.errChar(d.pos, "after object key")
	}
	d.pos++
	d.ws()
	return nil
}

// objectNext consumes what follows a member value: ',' (more members
// follow) or '}'.
func (d *decoder) objectNext() (more bool, err error) {
	d.ws()
	if d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.ws()
			return true, nil
		case '}':
			d.pos++
			return false, nil
		}
	}
	return false, d.errChar(d.pos, "after object key:value pair")
}

func (d *decoder) arrayStart(depth int) (empty bool, err error) {
	if depth > maxDepth {
		return false, d.errorf(d.pos, "exceeded max depth")
	}
	d.pos++
	d.ws()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return true, nil
	}
	return false, nil
}

func (d *decoder) arrayNext() (more bool, err error) {
	d.ws()
	if d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.ws()
			return true, nil
		case ']':
			d.pos++
			return false, nil
		}
	}
	return false, d.errChar(d.pos, "after array element")
}

func (d *decoder) skipObject(depth int) error {
	empty, err := d.objectStart(depth)
	for more := !empty; more && err == nil; {
		if err = d.skipKey(); err != nil {
			break
		}
		if err = d.skipValue(depth); err != nil {
			break
		}
		more, err = d.objectNext()
	}
	return err
}

func (d *decoder) skipArray(depth int) error {
	empty, err := d.arrayStart(depth)
	for more := !empty; more && err == nil; {
		if err = d.skipValue(depth); err != nil {
			break
		}
		more, err = d.arrayNext()
	}
	return err
}

// Values of the requested type are decoded; null leaves the destination
// untouched (as encoding/json does for strings, numbers and bools) and any
// other type is validated and skipped.

func (d *decoder) stringField(dst *string, depth int) (ok bool, err error) {
	if d.pos < len(d.data) && d.data[d.pos] == '"' {
		s, err := d.readString()
		if err != nil {
			return false, err
		}
		*dst = s
		return true, nil
	}
	return false, d.skipValue(depth)
}

func (d *decoder) boolField(dst *bool, depth int) error {
	switch d.peek() {
	case 't':
		*dst = true
		return d.literal("true")
	case 'f':
		*dst = false
		return d.literal("false")
	}
	return d.skipValue(depth)
}

func (d *decoder) int64Field(dst *int64, depth int) error {
	if c := d.peek(); c == '-' || isDigit(c) {
		s, err := d.scanNumber()
		if err != nil {
			return err
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			*dst = n
		}
		return nil
	}
	return d.skipValue(depth)
}

// isNull consumes a null literal at the cursor if there is one.
func (d *decoder) isNull() (bool, error) {
	if d.peek() != 'n' {
		return false, nil
	}
	return true, d.literal("null")
}

// mapBuffer is how many members stringMap and listMap collect before
// creating a map, so that a fresh map can be allocated at its final size.
const mapBuffer = 32

// stringMap decodes an object of strings into *m (allocating it, or taking
// *spare, if nil, with room for extra more entries). Members merge into an
// existing map and null resets it, like encoding/json; null member values
// become "".
func (d *decoder) stringMap(m *map[string]string, spare *map[string]string, extra, depth int) error {
	if null, err := d.isNull(); null || err != nil {
		if *m != nil {
			clear(*m)
			*m = nil
		}
		return err
	}
	if d.peek() != '{' {
		return d.skipValue(depth)
	}
	mm := *m
	if mm == nil {
		mm = *spare
	}
	type member struct{ k, v string }
	var buf [mapBuffer]member
	pending := buf[:0]
	empty, err := d.objectStart(depth + 1)
	for more := !empty; more && err == nil; {
		var key, val string
		if key, err = d.objectKey(); err != nil {
			return err
		}
		switch d.peek() {
		case '"':
			if val, err = d.readString(); err != nil {
				return err
			}
		case 'n':
			if err = d.literal("null"); err != nil {
				return err
			}
		default:
			if err = d.skipValue(depth + 1); err != nil {
				return err
			}
			more, err = d.objectNext()
			continue
		}
		switch {
		case mm != nil:
			mm[key] = val
		case len(pending) < mapBuffer:
			pending = append(pending, member{key, val})
		default:
			mm = make(map[string]string, 2*mapBuffer)
			for _, p := range pending {
				mm[p.k] = p.v
			}
			mm[key] = val
		}
		more, err = d.objectNext()
	}
	if err != nil {
		return err
	}
	if mm == nil {
		mm = make(map[string]string, len(pending)+extra)
		for _, p := range pending {
			mm[p.k] = p.v
		}
	}
	*m, *spare = mm, mm
	return nil
}

// stringSlab hands out small []string values carved from one backing array.
type stringSlab struct {
	s []string
}

var emptyStrings = []string{}

// slabSize is the initial capacity of a stringSlab.
const slabSize = 16

// listMap decodes an object of string arrays into *m, with the same merge
// and null rules as stringMap. The value slices share the slab's storage.
func (d *decoder) listMap(m *map[string][]string, spare *map[string][]string, slab *stringSlab, depth int) error {
	if null, err := d.isNull(); null || err != nil {
		if *m != nil {
			clear(*m)
			*m = nil
		}
		return err
	}
	if d.peek() != '{' {
		return d.skipValue(depth)
	}
	mm := *m
	if mm == nil {
		mm = *spare
	}
	type member struct {
		k string
		v []string
	}
	var buf [mapBuffer]member
	pending := buf[:0]
	empty, err := d.objectStart(depth + 1)
	for more := !empty; more && err == nil; {
		var key string
		var vals []string
		if key, err = d.objectKey(); err != nil {
			return err
		}
		switch d.peek() {
		case '[':
			if vals, err = d.stringList(slab, depth+1); err != nil {
				return err
			}
		case 'n':
			if err = d.literal("null"); err != nil {
				return err
			}
		default:
			if err = d.skipValue(depth + 1); err != nil {
				return err
			}
			more, err = d.objectNext()
			continue
		}
		switch {
		case mm != nil:
			mm[key] = vals
		case len(pending) < mapBuffer:
			pending = append(pending, member{key, vals})
		default:
			mm = make(map[string][]string, 2*mapBuffer)
			for _, p := range pending {
				mm[p.k] = p.v
			}
			mm[key] = vals
		}
		more, err = d.objectNext()
	}
	if err != nil {
		return err
	}
	if mm == nil {
		mm = make(map[string][]string, len(pending))
		for _, p := range pending {
			mm[p.k] = p.v
		}
	}
	*m, *spare = mm, mm
	return nil
}

// stringList decodes an array of strings (null elements become "") into
// slab storage and returns a capacity-limited slice of it.
func (d *decoder) stringList(slab *stringSlab, depth int) ([]string, error) {
	empty, err := d.arrayStart(depth + 1)
	if err != nil {
		return nil, err
	}
	if empty {
		return emptyStrings, nil
	}
	if slab.s == nil {
		slab.s = make([]string, 0, slabSize)
	}
	start := len(slab.s)
	for more := true; more; {
		switch d.peek() {
		case '"':
			s, err := d.readString()
			if err != nil {
				return nil, err
			}
			slab.s = append(slab.s, s)
		case 'n':
			if err := d.literal("null"); err != nil {
				return nil, err
			}
			slab.s = append(slab.s, "")
		default:
			if err := d.skipValue(depth + 1); err != nil {
				return nil, err
			}
		}
		if more, err = d.arrayNext(); err != nil {
			return nil, err
		}
	}
	if len(slab.s) == start {
		return emptyStrings, nil
	}
	return slab.s[start:len(slab.s):len(slab.s)], nil
}

// anyValue decodes a value generically, like encoding/json into an any.
func (d *decoder) anyValue(depth int) (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.eof()
	}
	switch c := d.data[d.pos]; c {
	case '"':
		return d.readString()
	case '{':
		m := make(map[string]any)
		if err := d.anyObject(m, depth+1); err != nil {
			return nil, err
		}
		return m, nil
	case '[':
		return d.anyArray(depth + 1)
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	default:
		if c == '-' || isDigit(c) {
			s, err := d.scanNumber()
			if err != nil {
				return nil, err
			}
			f, _ := strconv.ParseFloat(s, 64)
			if i := int(f); i >= 0 && i < len(smallFloats) && math.Float64bits(f) == math.Float64bits(float64(i)) {
				return smallFloats[i], nil // no allocation for small integers
			}
			return f, nil
		}
		return nil, d.errChar(d.pos, "looking for beginning of value")
	}
}

// smallFloats holds the integers 0-255 as boxed float64 values.
var smallFloats = func() (t [256]any) {
	for i := range t {
		t[i] = float64(i)
	}
	return t
}()

// anyObject decodes the object at d.pos (at the given depth) into m.
func (d *decoder) anyObject(m map[string]any, depth int) error {
	empty, err := d.objectStart(depth)
	for more := !empty; more && err == nil; {
		var key string
		if key, err = d.objectKey(); err != nil {
			break
		}
		var v any
		if v, err = d.anyValue(depth); err != nil {
			break
		}
		m[key] = v
		more, err = d.objectNext()
	}
	return err
}

func (d *decoder) anyArray(depth int) ([]any, error) {
	empty, err := d.arrayStart(depth)
	if err != nil {
		return nil, err
	}
	// Collect small arrays on the stack so the result is allocated once.
	var buf [8]any
	var long []any
	n := 0
	for more := !empty; more; {
		v, err := d.anyValue(depth)
		if err != nil {
			return nil, err
		}
		switch {
		case long != nil:
			long = append(long, v)
		case n < len(buf):
			buf[n] = v
			n++
		default:
			long = make([]any, n, 4*n)
			copy(long, buf[:])
			long = append(long, v)
		}
		if more, err = d.arrayNext(); err != nil {
			return nil, err
		}
	}
	if long != nil {
		return long, nil
	}
	a := make([]any, n)
	copy(a, buf[:n])
	return a, nil
}

// foldMatch reports the index of the name in names that key matches
// case-insensitively the way encoding/json matches struct fields (Unicode
// simple folding, so "ſ" matches "s" and "K" (Kelvin) matches "k"), or -1.
func foldMatch(key string, names []string) int {
	ascii := -1 // unknown
	for i, name := range names {
		if len(key) != len(name) {
			if len(key) < len(name) {
				continue
			}
			if ascii < 0 {
				ascii = 0
				if isASCII(key) {
					ascii = 1
				}
			}
			if ascii == 1 {
				continue
			}
		}
		if strings.EqualFold(key, name) {
			return i
		}
	}
	return -1
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
