package chalicetest

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Call sends a request described by in, the input struct of a typed
// route, and decodes a successful answer into an O:
//
//	out, resp, err := chalicetest.Call[User](c, "POST", "/orgs/{org}/users",
//		CreateUserIn{Org: "acme", Body: NewUser{Username: "ana"}})
//
// path is the route template: each {name} is replaced by the field
// tagged path:"name" (escaped as a client would; a greedy {name+} keeps
// its slashes). Fields tagged query:"name" and header:"Name" are sent as
// query parameters and headers, a slice as repeated values; one at its
// zero value (0, "", false, nil) is not sent, so the route sees it
// absent and applies its default (to send a zero, write it into path's
// query string, "/items?limit=0", or use WithHeader). The Body field is
// sent as JSON with Content-Type application/json, unless it is a nil
// pointer. in may also be a pointer to the struct, or nil for no input.
// opts apply after, so they can override headers or the body.
//
// A 2xx answer is decoded into O (nil for an empty body, as a 204 has);
// any other status is a *StatusError carrying Chalice's Code and
// Message. The response is returned in every case where one was
// received.
func Call[O any](c *Client, method, path string, in any, opts ...RequestOption) (*O, *HTTPResponse, error) {
	resp, err := c.Send(method, path, in, opts...)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, resp, newStatusError(method, path, resp)
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return nil, resp, nil
	}
	out := new(O)
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return nil, resp, fmt.Errorf("chalicetest: %s %s answered %d with a body that is not a %T: %w (body %q)", method, path, resp.StatusCode, *out, err, resp.Body)
	}
	return out, resp, nil
}

// Send sends the request in describes, as Call does, and returns the
// response without decoding it: for testing the answers to requests a
// typed route refuses. The error is about in itself (a template
// parameter no field fills, a field the template lacks, a body that
// cannot be encoded); the answer's status is the response's.
func (c *Client) Send(method, path string, in any, opts ...RequestOption) (*HTTPResponse, error) {
	r, err := requestFor(path, in)
	if err != nil {
		return nil, fmt.Errorf("chalicetest: %s %s: %w", method, path, err)
	}
	all := make([]RequestOption, 0, len(opts)+2)
	for name, vs := range r.header {
		for _, v := range vs {
			all = append(all, WithHeader(name, v))
		}
	}
	if r.body != nil {
		all = append(all, WithBody(r.body), WithHeader("Content-Type", "application/json"))
	}
	all = append(all, opts...)
	target := r.path
	if q := r.query.Encode(); q != "" {
		if strings.Contains(target, "?") {
			target += "&" + q
		} else {
			target += "?" + q
		}
	}
	return c.Request(method, target, all...), nil
}

// StatusError is a typed call answered with a status other than 2xx.
type StatusError struct {
	Method, Path string
	StatusCode   int
	// Code and Message are Chalice's error body, when the body is one.
	Code, Message string
	Body          []byte
}

func (e *StatusError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("chalicetest: %s %s answered %d %s: %s", e.Method, e.Path, e.StatusCode, e.Code, e.Message)
	}
	return fmt.Sprintf("chalicetest: %s %s answered %d: %q", e.Method, e.Path, e.StatusCode, e.Body)
}

func newStatusError(method, path string, resp *HTTPResponse) *StatusError {
	e := &StatusError{Method: method, Path: path, StatusCode: resp.StatusCode, Body: resp.Body}
	var body struct{ Code, Message string }
	if json.Unmarshal(resp.Body, &body) == nil {
		e.Code, e.Message = body.Code, body.Message
	}
	return e
}

// typedRequest is what an input struct says to send.
type typedRequest struct {
	path   string
	query  url.Values
	header http.Header
	body   []byte
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func requestFor(template string, in any) (*typedRequest, error) {
	r := &typedRequest{query: url.Values{}, header: http.Header{}}
	pathVals := map[string]string{}
	v := reflect.ValueOf(in)
	for v.IsValid() && v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v = reflect.Value{}
			break
		}
		v = v.Elem()
	}
	if v.IsValid() {
		if v.Kind() != reflect.Struct {
			return nil, fmt.Errorf("the input %T is not a struct (an input struct of a typed route, or a pointer to one)", in)
		}
		if err := r.fields(v, pathVals); err != nil {
			return nil, err
		}
	}
	path, err := fillTemplate(template, pathVals)
	if err != nil {
		return nil, err
	}
	r.path = path
	return r, nil
}

// fields reads the tagged fields of struct v (embedded structs too).
func (r *typedRequest) fields(v reflect.Value, pathVals map[string]string) error {
	t := v.Type()
	var errs []error
	for i := range t.NumField() {
		sf := t.Field(i)
		fv := v.Field(i)
		if sf.Tag.Get("bind") == "-" || sf.Name == "_" {
			continue
		}
		name, in := "", ""
		for _, tag := range []string{"path", "query", "header"} {
			if n, ok := sf.Tag.Lookup(tag); ok {
				name, in = n, tag
				break
			}
		}
		switch {
		case in == "" && sf.Anonymous && sf.Type.Kind() == reflect.Struct:
			if err := r.fields(fv, pathVals); err != nil {
				errs = append(errs, err)
			}
		case in == "" && sf.Name == "Body":
			if sf.Type.Kind() == reflect.Pointer && fv.IsNil() {
				continue
			}
			b, err := json.Marshal(fv.Interface())
			if err != nil {
				errs = append(errs, fmt.Errorf("field Body: %w", err))
				continue
			}
			r.body = b
		case in == "" || !sf.IsExported():
		case in != "path" && fv.IsZero():
		default:
			vals, err := paramValues(fv)
			if err != nil {
				errs = append(errs, fmt.Errorf("field %s (%s:%q): %w", sf.Name, in, name, err))
				continue
			}
			switch in {
			case "path":
				if len(vals) != 1 {
					errs = append(errs, fmt.Errorf("field %s (path:%q): a path parameter needs exactly one value", sf.Name, name))
					continue
				}
				pathVals[name] = vals[0]
			case "query":
				r.query[name] = append(r.query[name], vals...)
			case "header":
				for _, s := range vals {
					r.header.Add(name, s)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// paramValues renders a parameter field as the request carries it.
func paramValues(v reflect.Value) ([]string, error) {
	switch {
	case v.Kind() == reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		return paramValues(v.Elem())
	case v.Kind() == reflect.Slice && !implementsText(v.Type()):
		var out []string
		for i := range v.Len() {
			s, err := scalarText(v.Index(i))
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalarText(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func implementsText(t reflect.Type) bool {
	return t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)
}

func scalarText(v reflect.Value) (string, error) {
	if v.Type() == timeType {
		return v.Interface().(time.Time).Format(time.RFC3339Nano), nil
	}
	if v.Type().Implements(textMarshalerType) {
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		return string(b), err
	}
	if v.CanAddr() && v.Addr().Type().Implements(textMarshalerType) {
		b, err := v.Addr().Interface().(encoding.TextMarshaler).MarshalText()
		return string(b), err
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, v.Type().Bits()), nil
	}
	return "", fmt.Errorf("a %s cannot be a parameter", v.Type())
}

// fillTemplate replaces the template's {name} and greedy {name+} /
// {name...} parameters with their escaped values.
func fillTemplate(template string, vals map[string]string) (string, error) {
	template, query, hasQuery := strings.Cut(template, "?")
	if hasQuery {
		s, err := fillTemplate(template, vals)
		return s + "?" + query, err
	}
	var b strings.Builder
	used := map[string]bool{}
	var errs []error
	rest := template
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("template %q has an unclosed {", template)
		}
		b.WriteString(rest[:open])
		name := rest[open+1 : open+end]
		rest = rest[open+end+1:]
		greedy := false
		if n, ok := strings.CutSuffix(name, "+"); ok {
			name, greedy = n, true
		} else if n, ok := strings.CutSuffix(name, "..."); ok {
			name, greedy = n, true
		}
		v, ok := vals[name]
		if !ok {
			errs = append(errs, fmt.Errorf("template parameter {%s} has no field tagged path:%q in the input", name, name))
			continue
		}
		used[name] = true
		if greedy {
			segs := strings.Split(v, "/")
			for i, s := range segs {
				segs[i] = url.PathEscape(s)
			}
			b.WriteString(strings.Join(segs, "/"))
		} else {
			b.WriteString(url.PathEscape(v))
		}
	}
	for _, name := range slices.Sorted(mapKeys(vals)) {
		if !used[name] {
			errs = append(errs, fmt.Errorf("field tagged path:%q, but template %s has no {%s}", name, template, name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	return b.String(), nil
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
