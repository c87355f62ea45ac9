package proxyevent

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

var fuzzFixtures = []string{"v1_rest.json", "v1_base64.json", "v1_nulls.json", "alb.json", "v2_http.json",
	"function_url.json", "websocket_connect.json", "websocket_message.json", "sqs.json", "empty_object.json"}

// FuzzDecode checks Decode against encoding/json: the same inputs are
// rejected, and where encoding/json can unmarshal the input into the
// aws-lambda-go event type, the decoded fields agree.
func FuzzDecode(f *testing.F) {
	for _, name := range fuzzFixtures {
		data := readFixture(f, name)
		f.Add(data)
		f.Add(compact(f, data))
	}
	for _, s := range []string{
		`{"httpMethod":"GET","body":"\ud83d\ude80 \ud83d \u00e9\n\"\\\/"}`,
		"{\"httpMethod\":\"GET\",\"headers\":{\"a\xff\":\"\xed\xa0\x80\"}}",
		`{"PATH":"/x","HTTPMETHOD":"GET","headers":{"a":"1"},"headers":{"b":null}}`,
		`{"requestContext":{"resourcePath":"/r","authorizer":{"n":[1,-2.5e3,true,null,{"x":"y"}]}}}`,
		`[1,2,{"a":"b"}]`, `"str"`, `-0.0e-0`, `{"a":1,}`, `{"a":01}`, "",
	} {
		f.Add([]byte(s))
	}
	g := &eventGen{rnd: rand.New(rand.NewPCG(3, 4))}
	for range 40 {
		f.Add(g.event())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] != '{' {
			if r, err := Decode(data); err == nil && r.Kind != KindUnknown {
				t.Fatalf("non-object decoded as %v", r.Kind)
			}
		}
		differential(t, data)
	})
}

// maxFuzzString bounds every string FuzzAppendResponse feeds the encoder.
// The escaper works in 8-byte strides, so 64 bytes reach every code path
// many times over; longer strings only add coverage noise (loop-count
// buckets) that makes the fuzzer keep long inputs, and Go's minimiser
// spends time quadratic in an argument's length on each of them.
const maxFuzzString = 64

func clip(s string) string {
	if len(s) > maxFuzzString {
		return s[:maxFuzzString]
	}
	return s
}

// v2Mirror is the v2 response shape, for comparison with encoding/json.
type v2Mirror struct {
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	Cookies         []string          `json:"cookies,omitempty"`
}

// FuzzAppendResponse checks that AppendResponse writes, byte for byte,
// what encoding/json.Marshal writes for the same response (so the output
// is valid JSON that reads back as the original), for v1 and v2.
//
// The property is one Marshal and one comparison per shape: decoding the
// output back and normalising maps cost ten times more per execution,
// which, multiplied by the minimiser's quadratic number of attempts, made
// fuzzing stall for tens of seconds on every new input.
func FuzzAppendResponse(f *testing.F) {
	f.Add(200, "Content-Type", "application/json", "Set-Cookie", "a=1", "b=2", `{"ok":true}`, false)
	f.Add(404, "X-\u2028", "<&>", "set-cookie", "\xff", "", "", true)
	f.Add(0, "", "", "", "", "", "\x00\x1f\"\\", false)
	f.Add(302, "Set-Cookie", "s=1", "set-cookie", "t=2", "u=3", strings.Repeat("abcdefg\u00e9", 8), false)
	f.Add(201, "Vary", "Origin", "Vary", "Accept", "Accept-Encoding", "", false)
	f.Fuzz(func(t *testing.T, status int, hk, hv, mk, mv1, mv2, body string, b64 bool) {
		checkAppendResponse(t, status, clip(hk), clip(hv), clip(mk), clip(mv1), clip(mv2), clip(body), b64)
	})
}

func checkAppendResponse(t *testing.T, status int, hk, hv, mk, mv1, mv2, body string, b64 bool) {
	resp := &Response{
		StatusCode:        status,
		Headers:           map[string]string{hk: hv},
		MultiValueHeaders: map[string][]string{mk: {mv1, mv2}},
		Body:              body,
		IsBase64Encoded:   b64,
	}
	v1 := AppendResponse(nil, KindV1, resp)
	want, err := json.Marshal(v1Mirror{status, resp.Headers, resp.MultiValueHeaders, body, b64})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v1, want) {
		t.Fatalf("v1 output differs from encoding/json:\n got %s\nwant %s", v1, want)
	}

	// v2 joins the values of a name with "," (single-value first) and moves
	// every Set-Cookie value to cookies, names in sorted order.
	var cookies []string
	headers := map[string]string{}
	add := func(k string, vals ...string) {
		if isSetCookie(k) {
			cookies = append(cookies, vals...)
			return
		}
		for _, v := range vals {
			if old, ok := headers[k]; ok {
				headers[k] = old + "," + v
			} else {
				headers[k] = v
			}
		}
	}
	switch {
	case hk < mk:
		add(hk, hv)
		add(mk, mv1, mv2)
	case hk == mk:
		add(hk, hv, mv1, mv2)
	default:
		add(mk, mv1, mv2)
		add(hk, hv)
	}
	v2 := AppendResponse(nil, KindV2, resp)
	want, err = json.Marshal(v2Mirror{status, headers, body, b64, cookies})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v2, want) {
		t.Fatalf("v2 output differs from encoding/json:\n got %s\nwant %s", v2, want)
	}
}
