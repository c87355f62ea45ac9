package proxyevent

import (
	"slices"
	"strconv"
)

// Header names and values of a proxy response are checked with the rules
// net/http applies before it writes a header (RFC 7230 section 3.2):
//
//   - a name is a non-empty token: ASCII letters, digits and
//     ! # $ % & ' * + - . ^ _ ` | ~
//   - a value may hold any byte except the control characters (0x00-0x1F
//     and 0x7F), horizontal tab excepted; bytes from 0x80 up (obs-text,
//     UTF-8) are allowed.
//
// The gateway emulator and the app runtime use the same functions, so a
// header is refused in the same way locally, in tests and on Lambda.

// headerByte classifies every byte for names and values.
var headerByte = func() (t [256]uint8) {
	const token = "!#$%&'*+-.^_`|~"
	for c := 0; c < 256; c++ {
		b := byte(c)
		if b >= 0x20 && b != 0x7f || b == '\t' {
			t[c] |= valueOK
		}
		if b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' {
			t[c] |= nameOK
		}
	}
	for i := 0; i < len(token); i++ {
		t[token[i]] |= nameOK
	}
	return t
}()

const (
	nameOK  = 1 << iota // may appear in a header name
	valueOK             // may appear in a header value
)

// ValidHeaderName reports whether name is an RFC 7230 token.
func ValidHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if headerByte[name[i]]&nameOK == 0 {
			return false
		}
	}
	return true
}

// ValidHeaderValue reports whether v holds no control character other
// than horizontal tab.
func ValidHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if headerByte[v[i]]&valueOK == 0 {
			return false
		}
	}
	return true
}

// HeaderError reports an invalid header name or value.
type HeaderError struct {
	Name  string
	Value string
	// BadName is true when the name is at fault, false for the value.
	BadName bool
}

func (e *HeaderError) Error() string {
	if e.BadName {
		return "invalid header name " + strconv.Quote(e.Name) + " (not an RFC 7230 token)"
	}
	return "bad value for header " + strconv.Quote(e.Name) + ": " + strconv.Quote(e.Value) + " (control character)"
}

// CheckHeaders returns a *HeaderError for an invalid name or value in
// single or multi, or nil when every header is valid. When several are
// invalid it reports the first name in sorted order (single-value headers
// first), so the error is the same on every run. It does not allocate when
// all headers are valid.
func CheckHeaders(single map[string]string, multi map[string][]string) error {
	bad := false
	for k, v := range single {
		if !ValidHeaderName(k) || !ValidHeaderValue(v) {
			bad = true
			break
		}
	}
	if !bad {
		for k, vs := range multi {
			if !validMulti(k, vs) {
				bad = true
				break
			}
		}
	}
	if !bad {
		return nil
	}
	return firstHeaderError(single, multi)
}

// CheckHeaders checks r's headers as the package-level CheckHeaders does.
func (r *Response) CheckHeaders() error {
	return CheckHeaders(r.Headers, r.MultiValueHeaders)
}

func validMulti(k string, vs []string) bool {
	if !ValidHeaderName(k) {
		return false
	}
	for _, v := range vs {
		if !ValidHeaderValue(v) {
			return false
		}
	}
	return true
}

// firstHeaderError finds the deterministic error once something is known
// to be wrong (the slow path).
func firstHeaderError(single map[string]string, multi map[string][]string) error {
	for _, k := range sortedKeys(single) {
		if !ValidHeaderName(k) {
			return &HeaderError{Name: k, Value: single[k], BadName: true}
		}
		if !ValidHeaderValue(single[k]) {
			return &HeaderError{Name: k, Value: single[k]}
		}
	}
	for _, k := range sortedKeys(multi) {
		if !ValidHeaderName(k) {
			var v string
			if len(multi[k]) > 0 {
				v = multi[k][0]
			}
			return &HeaderError{Name: k, Value: v, BadName: true}
		}
		for _, v := range multi[k] {
			if !ValidHeaderValue(v) {
				return &HeaderError{Name: k, Value: v}
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
