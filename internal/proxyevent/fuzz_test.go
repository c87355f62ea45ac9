package proxyevent

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-lambda-go/events"
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

// FuzzAppendResponse checks that responses are always valid JSON that
// encoding/json reads back as the original.
func FuzzAppendResponse(f *testing.F) {
	f.Add(200, "Content-Type", "application/json", "Set-Cookie", "a=1", "b=2", `{"ok":true}`, false)
	f.Add(404, "X-\u2028", "<&>", "set-cookie", "\xff", "", "", true)
	f.Add(0, "", "", "", "", "", "\x00\x1f\"\\", false)
	f.Fuzz(func(t *testing.T, status int, hk, hv, mk, mv1, mv2, body string, b64 bool) {
		resp := &Response{
			StatusCode:        status,
			Headers:           map[string]string{hk: hv},
			MultiValueHeaders: map[string][]string{mk: {mv1, mv2}},
			Body:              body,
			IsBase64Encoded:   b64,
		}
		v1 := AppendResponse(nil, KindV1, resp)
		if !json.Valid(v1) {
			t.Fatalf("invalid v1 JSON: %s", v1)
		}
		var back events.APIGatewayProxyResponse
		if err := json.Unmarshal(v1, &back); err != nil {
			t.Fatal(err)
		}
		if back.StatusCode != status || back.Body != validUTF8(body) || back.IsBase64Encoded != b64 ||
			!equalStringMaps(back.Headers, resp.Headers) || !equalListMaps(back.MultiValueHeaders, resp.MultiValueHeaders) {
			t.Fatalf("v1 round trip: %+v from %s", back, v1)
		}
		want, _ := json.Marshal(v1Mirror{status, resp.Headers, resp.MultiValueHeaders, body, b64})
		if !bytes.Equal(v1, want) {
			t.Fatalf("v1 output differs from encoding/json:\n got %s\nwant %s", v1, want)
		}

		v2 := AppendResponse(nil, KindV2, resp)
		if !json.Valid(v2) {
			t.Fatalf("invalid v2 JSON: %s", v2)
		}
		var back2 events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(v2, &back2); err != nil {
			t.Fatal(err)
		}
		if back2.StatusCode != status || back2.Body != validUTF8(body) || back2.IsBase64Encoded != b64 {
			t.Fatalf("v2 round trip: %+v from %s", back2, v2)
		}
		// Every header value and cookie must survive, in order.
		var wantCookies []string
		wantHeaders := map[string]string{}
		add := func(k string, vals ...string) {
			if isSetCookie(k) {
				wantCookies = append(wantCookies, vals...)
				return
			}
			for _, v := range vals {
				if old, ok := wantHeaders[k]; ok {
					wantHeaders[k] = old + "," + v
				} else {
					wantHeaders[k] = v
				}
			}
		}
		if hk < mk {
			add(hk, hv)
			add(mk, mv1, mv2)
		} else if hk == mk {
			add(hk, hv, mv1, mv2)
		} else {
			add(mk, mv1, mv2)
			add(hk, hv)
		}
		if len(back2.Cookies) != len(wantCookies) || !equalStringMaps(back2.Headers, wantHeaders) {
			t.Fatalf("v2 headers/cookies %v %q, want %v %q (from %s)", back2.Headers, back2.Cookies, wantHeaders, wantCookies, v2)
		}
		for i := range wantCookies {
			if back2.Cookies[i] != validUTF8(wantCookies[i]) {
				t.Fatalf("cookie %d = %q, want %q", i, back2.Cookies[i], wantCookies[i])
			}
		}
	})
}
