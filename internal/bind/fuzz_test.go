package bind

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

var decodeSeeds = []string{
	`{"s":"a","b":true,"i8":1,"u16":2,"f32":1.5,"n":3,"raw":[1],"any":{"a":[1,null]},"t":"2024-01-02T03:04:05Z","ip":"::1","bs":"aGk=","arr":[1,2,3],"m":{"1":"x"},"mt":{"::1":1},"q":"7","qp":"false","qs":"\"x\"","p":1,"e":"e","ep":1}`,
	`{"s":"\u00e9\ud83d\ude00\ud800","arr":[],"m":{},"any":[]}`,
	`{"s":"a","s":"b","p":null,"any":1e308}`,
	`{"i8":128}`, `{"f32":1e39}`, `{"any":1e999}`, `{"t":"2024-13-01T00:00:00Z"}`, `{"q":"1.5"}`, `{"qs":"x"}`,
	`[`, `{"s":}`, `{"s":"\x01"}`, `{"s":"\q"}`, `  {}  `, `nul`, `{"u16":-0}`, `{"i8":-0}`, `{"f32":-0.0e-0}`,
}

// FuzzDecodeMatchesEncodingJSON checks the body decoder against
// encoding/json: whatever it accepts, encoding/json accepts too (with
// unknown fields disallowed) and decodes to the same value.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	type in struct{ Body bodyKinds }
	b, err := Compile(reflect.TypeFor[in](), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(bytes.TrimLeft(body, " \t\r\n")) == 0 {
			return // no body
		}
		var got in
		err := b.Bind(&Values{RawBody: body, ContentType: "application/json"}, &got)
		checkBindError(t, err)
		if err != nil {
			return
		}
		var want bodyKinds
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("the binder accepted %q, encoding/json did not: %v", body, err)
		}
		if dec.More() || dec.InputOffset() < int64(len(bytes.TrimRight(body, " \t\r\n"))) {
			t.Fatalf("the binder accepted %q with data after the value", body)
		}
		if !reflect.DeepEqual(got.Body, want) {
			t.Fatalf("body %q:\nbinder        %#v\nencoding/json %#v", body, got.Body, want)
		}
	})
}

// FuzzBind feeds arbitrary parameters and bodies to an input struct with
// every kind of field: Bind never panics, and every rejection is an
// *Error whose entries name a field and a reason.
func FuzzBind(f *testing.F) {
	f.Add("acme", "20", "3", "true", "2024-05-06T07:08:09Z", "1,2", "0.5", "name", "123e4567-e89b-12d3-a456-426614174000", "10.0.0.1",
		`{"username":"ana","age":30,"email":"ana@example.com","address":{"zip":"12345"},"tags":["go"],"labels":{"a":"b"},"friends":[{"zip":"12345"}]}`)
	f.Add("", "", "", "", "", "", "", "", "", "", "")
	f.Add("a", "-1", "999", "1", "x", ",,x", "1e999", "size", "nope", "::zz", `{"username":null,"tags":{},"labels":[],"x":1}`)
	f.Add("ab", "101", "0", "false", "2024-05-06", "9223372036854775808", "-0", "age", "", "", `[`)
	b, err := Compile(reflect.TypeFor[userIn](), []string{"org"})
	if err != nil {
		f.Fatal(err)
	}
	kb, err := Compile(reflect.TypeFor[struct{ Body bodyKinds }](), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, orgV, limit, page, verbose, since, ids, ratio, sort, reqID, client, body string) {
		src := &Values{
			Path: map[string]string{"org": orgV},
			Query: map[string][]string{"limit": {limit}, "page": {page}, "verbose": {verbose}, "since": {since},
				"id": strings.Split(ids, ","), "ratio": {ratio}, "sort": {sort}},
			Header:      map[string][]string{"X-Request-Id": {reqID}, "x-client-ip": {client}},
			RawBody:     []byte(body),
			ContentType: "application/json",
		}
		var in userIn
		checkBindError(t, b.Bind(src, &in))
		var k struct{ Body bodyKinds }
		checkBindError(t, kb.Bind(src, &k))
	})
}

func checkBindError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var be *Error
	if !errors.As(err, &be) {
		t.Fatalf("Bind error %v is a %T, not a *bind.Error", err, err)
	}
	if len(be.Fields) == 0 || len(be.Fields) > MaxFieldErrors {
		t.Fatalf("Bind error has %d fields", len(be.Fields))
	}
	for _, fe := range be.Fields {
		switch fe.In {
		case InPath, InQuery, InHeader, InBody:
		default:
			t.Fatalf("field error %+v: In %q", fe, fe.In)
		}
		if fe.Field != fe.In && !strings.HasPrefix(fe.Field, fe.In+".") && !strings.HasPrefix(fe.Field, fe.In+"[") {
			t.Fatalf("field error %+v: Field does not start with In", fe)
		}
		if fe.Reason == "" {
			t.Fatalf("field error %+v has no reason", fe)
		}
	}
	if be.Error() == "" {
		t.Fatal("empty message")
	}
}
