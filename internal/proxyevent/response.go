package proxyevent

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Response is what a handler returns, before encoding for Lambda.
type Response struct {
	StatusCode        int
	Headers           map[string]string
	MultiValueHeaders map[string][]string
	Body              string
	IsBase64Encoded   bool
}

// AppendResponse appends to dst the JSON Lambda must return for a request
// of the given kind and returns the extended buffer.
//
// For v1 and websocket (and unknown) kinds the shape is
//
//	{"statusCode":N,"headers":{...},"multiValueHeaders":{...},"body":"...","isBase64Encoded":false}
//
// with both header objects always present and keys sorted.
//
// For v2 and Function URL kinds the shape is
//
//	{"statusCode":N,"headers":{...},"body":"...","isBase64Encoded":false,"cookies":[...]}
//
// where multi-value headers are joined with "," into headers (after the
// single-value header of the same name, if any) and every Set-Cookie value
// (name matched case-insensitively, from either map) goes to "cookies"
// instead; "cookies" is omitted when there are none.
//
// Strings are escaped exactly as encoding/json's Marshal escapes them.
// A nil r encodes like a zero Response.
func AppendResponse(dst []byte, kind Kind, r *Response) []byte {
	if r == nil {
		r = &Response{}
	}
	dst = append(dst, `{"statusCode":`...)
	dst = strconv.AppendInt(dst, int64(r.StatusCode), 10)
	if kind == KindV2 || kind == KindFunctionURL {
		return appendV2(dst, r)
	}

	var keyArr [32]string
	dst = append(dst, `,"headers":{`...)
	keys := keyArr[:0]
	for k := range r.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, k)
		dst = append(dst, ':')
		dst = appendQuoted(dst, r.Headers[k])
	}

	dst = append(dst, `},"multiValueHeaders":{`...)
	keys = keys[:0]
	for k := range r.MultiValueHeaders {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, k)
		dst = append(dst, ':', '[')
		for j, v := range r.MultiValueHeaders[k] {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendQuoted(dst, v)
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `},"body":`...)
	dst = appendQuoted(dst, r.Body)
	dst = appendBool(dst, `,"isBase64Encoded":`, r.IsBase64Encoded)
	return append(dst, '}')
}

func appendBool(dst []byte, name string, b bool) []byte {
	dst = append(dst, name...)
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

func isSetCookie(k string) bool {
	return len(k) == len("set-cookie") && strings.EqualFold(k, "set-cookie")
}

func appendV2(dst []byte, r *Response) []byte {
	var keyArr [32]string
	var cookieArr [8]string
	keys := keyArr[:0]
	cookies := cookieArr[:0]
	for k := range r.Headers {
		keys = append(keys, k)
	}
	for k := range r.MultiValueHeaders {
		if _, dup := r.Headers[k]; !dup {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)

	dst = append(dst, `,"headers":{`...)
	first := true
	for _, k := range keys {
		single, hasSingle := r.Headers[k]
		multi := r.MultiValueHeaders[k]
		if isSetCookie(k) {
			if hasSingle {
				cookies = append(cookies, single)
			}
			cookies = append(cookies, multi...)
			continue
		}
		if !hasSingle && len(multi) == 0 {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendQuoted(dst, k)
		dst = append(dst, ':', '"')
		sep := false
		if hasSingle {
			dst = appendEscaped(dst, single)
			sep = true
		}
		for _, v := range multi {
			if sep {
				dst = append(dst, ',')
			}
			dst = appendEscaped(dst, v)
			sep = true
		}
		dst = append(dst, '"')
	}
	dst = append(dst, `},"body":`...)
	dst = appendQuoted(dst, r.Body)
	dst = appendBool(dst, `,"isBase64Encoded":`, r.IsBase64Encoded)
	if len(cookies) > 0 {
		dst = append(dst, `,"cookies":[`...)
		for i, c := range cookies {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendQuoted(dst, c)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendQuoted appends s as a JSON string literal, escaped exactly like
// encoding/json.Marshal does (HTML-safe, U+2028/U+2029 escaped, invalid
// UTF-8 replaced by U+FFFD).
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s)
	return append(dst, '"')
}

// htmlSafe marks the ASCII bytes encoding/json writes unescaped.
var htmlSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// load64 reads 8 bytes of s little-endian (compiled to a single load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// appendEscaped appends the escaped contents of s, without quotes.
func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		// Skip 8 bytes at a time while none needs escaping: no control byte,
		// '"' or '&' (x|4 == '&'), '<' or '>' (x|2 == '>'), '\\' or non-ASCII.
		for i+8 <= len(s) {
			x := load64(s, i)
			a := (x | swarLo*4) ^ (swarLo * '&')
			b := (x | swarLo*2) ^ (swarLo * '>')
			c := x ^ (swarLo * '\\')
			m := (x - swarLo*0x20) | (a - swarLo) | (b - swarLo) | (c - swarLo)
			m &= ^x & ^a & ^b & ^c
			if f := (m | x) & swarHi; f != 0 {
				i += bits.TrailingZeros64(f) / 8 // the lowest flag is exact
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		if b := s[i]; b < utf8.RuneSelf {
			if htmlSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}
