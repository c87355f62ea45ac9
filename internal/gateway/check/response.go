// Package check reads what reaches the API Gateway emulator from outside
// its own code, and checks it as API Gateway does: the proxy responses of
// functions (REST payload format 1.0 and HTTP API 2.0), the answers of
// Lambda authorizers (IAM policies, simple responses) and the JWTs of JWT
// authorizers. It depends on no networking package, so its fuzz targets
// run in a small, fast test binary.
package check

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/gochalice/chalice/internal/proxyevent"
)

// DefaultMaxResponseBytes is Lambda's limit on a synchronous invocation's
// response (6 MB).
const DefaultMaxResponseBytes = 6 << 20

// Response is a function's answer, checked and ready to write: a final
// status, header names in canonical form (as net/http's
// CanonicalHeaderKey), valid values, and the decoded body. Header
// converts to net/http's http.Header as is.
type Response struct {
	StatusCode int
	Header     map[string][]string
	Body       []byte
}

// ErrTooLarge is wrapped by the error for a response over the limit.
var ErrTooLarge = errors.New("function response too large")

func checkSize(out []byte, limit int) error {
	if limit > 0 && len(out) > limit {
		return fmt.Errorf("%w: %d bytes, over Lambda's %d-byte limit", ErrTooLarge, len(out), limit)
	}
	return nil
}

// proxyResponse is the REST API (payload 1.0) proxy response.
type proxyResponse struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              *string             `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// RESTResponse checks a REST proxy response as API Gateway does: a
// JSON object with an HTTP status, valid header names and values, and a
// base64 body when isBase64Encoded is true. Anything else is an error
// saying why (API Gateway answers 502).
func RESTResponse(out []byte, limit int) (*Response, error) {
	if err := checkSize(out, limit); err != nil {
		return nil, err
	}
	var pr proxyResponse
	if err := json.Unmarshal(out, &pr); err != nil {
		return nil, fmt.Errorf("function response is not a Lambda proxy response object: %w", err)
	}
	if err := checkStatus(pr.StatusCode); err != nil {
		return nil, err
	}
	body, err := responseBody(pr.Body, pr.IsBase64Encoded)
	if err != nil {
		return nil, err
	}
	if err := proxyevent.CheckHeaders(pr.Headers, pr.MultiValueHeaders); err != nil {
		return nil, fmt.Errorf("function response: %w", err)
	}
	h := make(map[string][]string, len(pr.Headers)+len(pr.MultiValueHeaders)+3)
	for k, v := range pr.Headers {
		h[CanonicalKey(k)] = []string{v}
	}
	// Multi-value headers win over single ones of the same name, as API
	// Gateway merges them.
	names := make([]string, 0, len(pr.MultiValueHeaders))
	for k := range pr.MultiValueHeaders {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		h[CanonicalKey(k)] = append([]string(nil), pr.MultiValueHeaders[k]...)
	}
	setDefaultType(h, body)
	return &Response{StatusCode: pr.StatusCode, Header: h, Body: body}, nil
}

// checkStatus accepts the final HTTP statuses (1xx are not responses).
func checkStatus(code int) error {
	if code == 0 {
		return errors.New("function response has no statusCode")
	}
	if code < 200 || code > 599 {
		return fmt.Errorf("function response statusCode %d is not an HTTP status between 200 and 599", code)
	}
	return nil
}

// responseBody decodes a proxy response body (nil when absent).
func responseBody(body *string, isBase64 bool) ([]byte, error) {
	switch {
	case body == nil:
		return nil, nil
	case isBase64:
		b, err := base64.StdEncoding.DecodeString(*body)
		if err != nil {
			return nil, fmt.Errorf("function response has isBase64Encoded true but its body is not base64: %w", err)
		}
		return b, nil
	}
	return []byte(*body), nil
}

// HTTPAPIResponse interprets a payload format 2.0 response as an
// HTTP API does. A JSON object with a statusCode member is a response
// (statusCode, headers, cookies, body, isBase64Encoded, each of its JSON
// type); any other valid JSON is the body of a 200 application/json
// response, a JSON string standing for its text. Invalid JSON, wrongly
// typed members, a bad status, bad base64 or an invalid header are errors
// (API Gateway answers 500).
func HTTPAPIResponse(out []byte, limit int) (*Response, error) {
	if err := checkSize(out, limit); err != nil {
		return nil, err
	}
	if !json.Valid(out) {
		return nil, errors.New("function response is not valid JSON")
	}
	trimmed := bytes.TrimLeft(out, " \t\r\n")
	var members map[string]json.RawMessage
	if len(trimmed) > 0 && trimmed[0] == '{' {
		if err := json.Unmarshal(trimmed, &members); err != nil {
			return nil, fmt.Errorf("function response: %w", err)
		}
	}
	if _, ok := members["statusCode"]; !ok {
		body := out
		if trimmed[0] == '"' {
			var s string
			if err := json.Unmarshal(trimmed, &s); err != nil {
				return nil, fmt.Errorf("function response: %w", err)
			}
			body = []byte(s)
		}
		h := map[string][]string{"Content-Type": {"application/json"}}
		return &Response{StatusCode: 200, Header: h, Body: body}, nil
	}

	var (
		status  int
		headers map[string]string
		cookies []string
		body    *string
		isB64   bool
	)
	fields := []struct {
		name string
		dst  any
		want string
	}{
		{"statusCode", &status, "an integer"},
		{"headers", &headers, "an object of strings"},
		{"cookies", &cookies, "a list of strings"},
		{"body", &body, "a string"},
		{"isBase64Encoded", &isB64, "a boolean"},
	}
	for _, f := range fields {
		raw, ok := members[f.name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, f.dst); err != nil {
			return nil, fmt.Errorf("function response %s must be %s, got %s", f.name, f.want, clipJSON(raw))
		}
	}
	if err := checkStatus(status); err != nil {
		return nil, err
	}
	b, err := responseBody(body, isB64)
	if err != nil {
		return nil, err
	}
	if err := proxyevent.CheckHeaders(headers, nil); err != nil {
		return nil, fmt.Errorf("function response: %w", err)
	}
	for _, c := range cookies {
		if !proxyevent.ValidHeaderValue(c) {
			return nil, fmt.Errorf("function response: %w", &proxyevent.HeaderError{Name: "Set-Cookie", Value: c})
		}
	}
	h := make(map[string][]string, len(headers)+len(cookies)+3)
	for k, v := range headers {
		h[CanonicalKey(k)] = []string{v}
	}
	if len(cookies) > 0 {
		h["Set-Cookie"] = append(h["Set-Cookie"], cookies...)
	}
	setDefaultType(h, b)
	return &Response{StatusCode: status, Header: h, Body: b}, nil
}

// setDefaultType gives a body without a Content-Type application/json, as
// API Gateway does.
func setDefaultType(h map[string][]string, body []byte) {
	if len(body) > 0 && len(h["Content-Type"]) == 0 {
		h["Content-Type"] = []string{"application/json"}
	}
}

// CanonicalKey returns the canonical form of a valid header name: the
// first letter and every letter after a hyphen upper case, the rest lower
// case (what net/http's CanonicalHeaderKey returns for a valid name).
func CanonicalKey(name string) string {
	upper := true
	ok := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' || !upper && 'A' <= c && c <= 'Z' {
			ok = false
			break
		}
		upper = c == '-'
	}
	if ok {
		return name
	}
	b := []byte(name)
	upper = true
	for i, c := range b {
		switch {
		case upper && 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case !upper && 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
		upper = c == '-'
	}
	return string(b)
}

// clipJSON shortens a JSON value for an error message.
func clipJSON(raw []byte) string {
	const max = 40
	if len(raw) > max {
		return string(raw[:max]) + "..."
	}
	return string(raw)
}
