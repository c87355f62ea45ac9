package proxyevent

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

var trickyStrings = []string{
	"",
	"plain ascii",
	`quote " backslash \ slash /`,
	"<script>alert('x') && y > z</script>",
	"ctl \x00\x01\x07\b\f\n\r\t\x0b\x1b\x1f\x7f",
	"line sep \u2028 para sep \u2029 end",
	"bad utf8 \xff\xfe and truncated \xe2\x82",
	"\xed\xa0\x80 encoded surrogate",
	"emoji 🚀 café ü €",
	"\xef\xbf\xbd literal replacement",
	"\xc0\xaf overlong",
	"tail byte \xe2",
}

// v1Mirror is the v1 response shape with isBase64Encoded always present, so
// encoding/json output can be compared byte for byte.
type v1Mirror struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

func TestAppendEscapingMatchesMarshal(t *testing.T) {
	check := func(s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendQuoted(nil, s); string(got) != string(want) {
			t.Errorf("appendQuoted(%q) = %s, want %s", s, got, want)
		}
	}
	for _, s := range trickyStrings {
		check(s)
	}
	for c := 0; c < 256; c++ {
		check(string([]byte{byte(c)}))
		check("a" + string([]byte{byte(c)}) + "\xe2\x80")
		// Every position of the 8-byte fast path.
		for pos := range 17 {
			b := []byte(strings.Repeat("abcdefgh", 3))
			b[pos] = byte(c)
			check(string(b))
		}
	}
}

func TestAppendResponseV1(t *testing.T) {
	responses := []*Response{
		{},
		{StatusCode: 204},
		{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json", "X-B": "2", "X-A": "1"},
			Body: `{"ok":true,"html":"<b>&</b>"}`},
		{StatusCode: 302, MultiValueHeaders: map[string][]string{
			"Set-Cookie": {"a=1; Path=/", "b=2"}, "Vary": {"Accept"}, "Empty": {}, "Nil": nil}},
		{StatusCode: 200, Headers: map[string]string{"X-Tricky": trickyStrings[4], trickyStrings[3]: trickyStrings[6]},
			Body: trickyStrings[5] + trickyStrings[7], IsBase64Encoded: true},
		{StatusCode: -1, Body: "aGVsbG8=", IsBase64Encoded: true},
	}
	many := &Response{StatusCode: 200, Headers: map[string]string{}, MultiValueHeaders: map[string][]string{}}
	for i := range 50 {
		many.Headers[fmt.Sprintf("X-H-%02d", 49-i)] = fmt.Sprint(i)
		many.MultiValueHeaders[fmt.Sprintf("X-M-%02d", i)] = []string{fmt.Sprint(i), "z"}
	}
	responses = append(responses, many)

	for i, resp := range responses {
		for _, kind := range []Kind{KindV1, KindWebsocket, KindUnknown} {
			out := AppendResponse([]byte("prefix"), kind, resp)
			if string(out[:6]) != "prefix" {
				t.Fatalf("dst prefix clobbered")
			}
			out = out[6:]
			if !json.Valid(out) {
				t.Fatalf("%d/%v: invalid JSON %s", i, kind, out)
			}

			mirror := v1Mirror{resp.StatusCode, resp.Headers, map[string][]string{}, resp.Body, resp.IsBase64Encoded}
			if mirror.Headers == nil {
				mirror.Headers = map[string]string{}
			}
			for k, v := range resp.MultiValueHeaders {
				if v == nil {
					v = []string{}
				}
				mirror.MultiValueHeaders[k] = v
			}
			want, _ := json.Marshal(mirror)
			if string(out) != string(want) {
				t.Errorf("%d/%v:\n got %s\nwant %s", i, kind, out, want)
			}

			var back events.APIGatewayProxyResponse
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatal(err)
			}
			if back.StatusCode != resp.StatusCode || back.Body != validUTF8(resp.Body) ||
				back.IsBase64Encoded != resp.IsBase64Encoded ||
				!equalStringMaps(back.Headers, resp.Headers) || !equalListMaps(back.MultiValueHeaders, resp.MultiValueHeaders) {
				t.Errorf("%d/%v: round trip %+v, want %+v", i, kind, back, resp)
			}
		}
	}
}

func TestAppendResponseV2(t *testing.T) {
	tests := []struct {
		name string
		resp *Response
		want string
	}{
		{"zero", &Response{}, `{"statusCode":0,"headers":{},"body":"","isBase64Encoded":false}`},
		{"nil", nil, `{"statusCode":0,"headers":{},"body":"","isBase64Encoded":false}`},
		{
			"joined headers and cookies",
			&Response{
				StatusCode: 201,
				Headers:    map[string]string{"Content-Type": "text/html", "Vary": "Origin", "set-cookie": "s=1"},
				MultiValueHeaders: map[string][]string{
					"Vary": {"Accept", "Accept-Encoding"}, "X-Multi": {"a", "b"}, "Set-Cookie": {"t=2; HttpOnly", "u=<3>"},
					"X-None": {},
				},
				Body:            "<p>hi</p>",
				IsBase64Encoded: false,
			},
			`{"statusCode":201,"headers":{"Content-Type":"text/html","Vary":"Origin,Accept,Accept-Encoding","X-Multi":"a,b"},` +
				`"body":"\u003cp\u003ehi\u003c/p\u003e","isBase64Encoded":false,"cookies":["t=2; HttpOnly","u=\u003c3\u003e","s=1"]}`,
		},
		{
			"base64 and escaping",
			&Response{StatusCode: 200, Headers: map[string]string{"X-\u2028": "a\"b"}, MultiValueHeaders: map[string][]string{"X-\u2028": {"\xff"}},
				Body: "AAEC", IsBase64Encoded: true},
			`{"statusCode":200,"headers":{"X-\u2028":"a\"b,\ufffd"},"body":"AAEC","isBase64Encoded":true}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kind := range []Kind{KindV2, KindFunctionURL} {
				got := string(AppendResponse(nil, kind, tt.resp))
				if got != tt.want {
					t.Errorf("%v:\n got %s\nwant %s", kind, got, tt.want)
				}
				if !json.Valid([]byte(got)) {
					t.Errorf("invalid JSON")
				}
				var back events.APIGatewayV2HTTPResponse
				if err := json.Unmarshal([]byte(got), &back); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestAppendResponseAllocs(t *testing.T) {
	resp := &Response{StatusCode: 200,
		Headers:           map[string]string{"Content-Type": "application/json", "X-Request-Id": "abc"},
		MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1", "b=2"}},
		Body:              `{"hello":"world"}`}
	buf := make([]byte, 0, 1024)
	for _, kind := range []Kind{KindV1, KindV2} {
		if n := testing.AllocsPerRun(100, func() { buf = AppendResponse(buf[:0], kind, resp) }); n != 0 {
			t.Errorf("%v: %.0f allocs, want 0", kind, n)
		}
	}
}

// validUTF8 is what s reads back as after a JSON round trip.
func validUTF8(s string) string {
	var out string
	_ = json.Unmarshal(appendQuoted(nil, s), &out)
	return out
}

// normalize is what m reads back as after being written with sorted keys:
// keys and values are coerced to valid UTF-8, and where distinct keys
// coerce to the same one the last in sorted order wins.
func normalize[V any](m map[string]V, conv func(V) V) map[string]V {
	out := make(map[string]V, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out[validUTF8(k)] = conv(m[k])
	}
	return out
}

func equalStringMaps(got, want map[string]string) bool {
	want = normalize(want, validUTF8)
	return maps.Equal(got, want)
}

func equalListMaps(got, want map[string][]string) bool {
	want = normalize(want, func(v []string) []string {
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = validUTF8(s)
		}
		return out
	})
	return maps.EqualFunc(got, want, slices.Equal)
}
