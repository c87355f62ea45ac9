package chalice

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gochalice/chalice/internal/proxyevent"
)

// Response is a full HTTP response from a view.
type Response struct {
	// StatusCode defaults to 200.
	StatusCode int
	// Headers are single-value headers; MultiValueHeaders repeat a header.
	Headers           map[string]string
	MultiValueHeaders map[string][]string
	// Body is a string or []byte sent as is, or any other value sent as
	// compact JSON. With a binary Content-Type (App.API.BinaryTypes) the
	// body is base64-encoded for API Gateway.
	Body any
}

// NewResponse returns a response with a status and body.
func NewResponse(status int, body any) *Response {
	return &Response{StatusCode: status, Body: body}
}

// SetHeader sets a single-value header and returns r.
func (r *Response) SetHeader(name, value string) *Response {
	if r.Headers == nil {
		r.Headers = map[string]string{}
	}
	r.Headers[name] = value
	return r
}

// AddHeader appends a value to a multi-value header and returns r.
func (r *Response) AddHeader(name, value string) *Response {
	if r.MultiValueHeaders == nil {
		r.MultiValueHeaders = map[string][]string{}
	}
	r.MultiValueHeaders[name] = append(r.MultiValueHeaders[name], value)
	return r
}

// header returns a header's value ignoring case.
func (r *Response) header(name string) (string, bool) {
	if v, ok := lookupFold(r.Headers, name); ok {
		return v, true
	}
	if vs, ok := lookupFold(r.MultiValueHeaders, name); ok && len(vs) > 0 {
		return vs[len(vs)-1], true
	}
	return "", false
}

func (r *Response) hasHeader(name string) bool {
	if _, ok := r.Headers[name]; ok {
		return true
	}
	_, ok := r.MultiValueHeaders[name]
	return ok
}

// toResponse converts whatever a view returned.
func toResponse(v any) *Response {
	switch x := v.(type) {
	case *Response:
		if x == nil {
			return &Response{StatusCode: 200, Body: nil}
		}
		return x
	case Response:
		return &x
	}
	return &Response{StatusCode: 200, Body: v}
}

// encodeJSON is Chalice's json.dumps(body, separators=(',', ':')): compact,
// HTML characters as is, and (ensure_ascii) every non-ASCII character
// escaped as \uXXXX, with surrogate pairs above U+FFFF.
func encodeJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	b := buf.Bytes()
	b = b[:len(b)-1]
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	if i == len(b) {
		return string(b), nil
	}
	// Non-ASCII bytes only occur inside JSON strings, and encoding/json
	// has already replaced invalid UTF-8, so each rune can be escaped alone.
	out := make([]byte, 0, len(b)+len(b)/2)
	out = append(out, b[:i]...)
	for _, r := range string(b[i:]) {
		switch {
		case r < utf8.RuneSelf:
			out = append(out, byte(r))
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
	}
	return string(out), nil
}

// validateHeaders rejects header names and values that would corrupt the
// response: a name must be an RFC 7230 token and a value must hold no
// control character but tab (Chalice checks values for "\n" only). The
// rules are internal/proxyevent's, which the local API Gateway emulator
// applies to every proxy response too; a view's invalid header becomes
// Chalice's 500, as in Chalice's _validate_response.
func (r *Response) validateHeaders() error {
	return proxyevent.CheckHeaders(r.Headers, r.MultiValueHeaders)
}

// encode turns r into the proxy response. Binary content types are
// base64-encoded as Chalice's Response.to_dict(binary_types) does.
func (r *Response) encode(ctx context.Context, binaryTypes []string, out *proxyevent.Response) error {
	out.StatusCode = r.StatusCode
	if out.StatusCode == 0 {
		out.StatusCode = http.StatusOK
	}
	out.Headers = r.Headers
	out.MultiValueHeaders = r.MultiValueHeaders
	var raw []byte
	isBytes := false
	switch b := r.Body.(type) {
	case string:
		out.Body = b
	case []byte:
		raw, isBytes = b, true
	case json.RawMessage:
		out.Body = string(b)
	case StreamFunc:
		// A buffered front end: the whole body is written first.
		var buf bytes.Buffer
		if b != nil {
			if err := b(ctx, &buf); err != nil {
				return fmt.Errorf("writing the streamed response body: %w", err)
			}
		}
		raw, isBytes = buf.Bytes(), true
	default:
		s, err := encodeJSON(b)
		if err != nil {
			return fmt.Errorf("encoding response body as JSON: %w", err)
		}
		out.Body = s
	}
	ct, _ := r.header("content-type")
	if matchesContentType(ct, binaryTypes) {
		if !isBytes {
			raw = []byte(out.Body)
		}
		out.Body = base64.StdEncoding.EncodeToString(raw)
		out.IsBase64Encoded = true
		return nil
	}
	if isBytes {
		out.Body = string(raw)
	}
	return nil
}

// matchesContentType is Chalice's _matches_content_type: */* on either
// side matches; otherwise any ','/';'-separated token equals a valid type.
func matchesContentType(contentType string, valid []string) bool {
	if strings.Contains(contentType, "*/*") {
		return true
	}
	for _, v := range valid {
		if v == "*/*" {
			return true
		}
	}
	for len(contentType) > 0 {
		i := strings.IndexAny(contentType, ",;")
		part := contentType
		if i >= 0 {
			part, contentType = contentType[:i], contentType[i+1:]
		} else {
			contentType = ""
		}
		part = strings.TrimSpace(part)
		for _, v := range valid {
			if strings.EqualFold(part, v) {
				return true
			}
		}
	}
	return false
}

// MatchesContentType is exported for the gateway emulators.
func MatchesContentType(contentType string, valid []string) bool {
	return matchesContentType(strings.ToLower(contentType), valid)
}
