package check

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func token(header, claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(claims)) + ".sig"
}

func TestDecodeJWT(t *testing.T) {
	tests := []struct {
		name, token, err string
	}{
		{"valid", token(`{"alg":"RS256"}`, `{"sub":"u","n":12345678901234567890}`), ""},
		{"padded", strings.Replace(token(`{"a":1}`, `{"s":"x"}`), ".", "==.", 1), ""},
		{"two parts", "a.b", "three dot-separated parts"},
		{"bad base64", "a.!!.c", "JWT header"},
		{"payload not an object", token(`{}`, `[1]`), "JWT payload"},
		{"payload null", token(`{}`, `null`), "not an object"},
		{"header null", token(`null`, `{}`), "JWT header: not an object"},
		{"trailing data", token(`{}`, `{"a":1} {}`), "data after the JSON object"},
		{"trailing garbage", token(`{}`, `{"a":1} }`), "data after the JSON object"},
	}
	for _, tt := range tests {
		c, err := DecodeJWT(tt.token)
		if tt.err == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: DecodeJWT = %v, %v; want error %q", tt.name, c, err, tt.err)
		}
	}
	c, _ := DecodeJWT(token(`{}`, `{"n":12345678901234567890,"l":["a",1,true],"o":{"k":"v"},"z":null}`))
	want := map[string]string{"n": "12345678901234567890", "l": "[a 1 true]", "o": `{"k":"v"}`, "z": ""}
	if got := c.Strings(); !reflect.DeepEqual(got, want) {
		t.Errorf("Strings = %v, want %v", got, want)
	}
}

func TestClaimsCheck(t *testing.T) {
	now := time.Unix(1000, 0)
	tests := []struct {
		claims string
		err    string
	}{
		{`{"iss":"i","aud":"a","exp":1001}`, ""},
		{`{"iss":"i","aud":["x","a"],"exp":1001,"nbf":1000,"iat":999}`, ""},
		{`{"iss":"i","client_id":"a","exp":1001}`, ""},
		{`{"iss":"j","aud":"a","exp":1001}`, "is not the issuer"},
		{`{"iss":"i","aud":"b","client_id":"a","exp":1001}`, "audience"},
		{`{"iss":"i","aud":"a","exp":1000}`, "expired"},
		{`{"iss":"i","aud":"a","exp":"1001"}`, "no numeric exp"},
		{`{"iss":"i","aud":"a"}`, "no numeric exp"},
		{`{"iss":"i","aud":"a","exp":1001,"nbf":1001}`, "nbf"},
		{`{"iss":"i","aud":"a","exp":1001,"iat":"x"}`, "iat claim is not a number"},
		{`{"iss":"i","aud":"a","exp":1e300}`, ""},
	}
	for _, tt := range tests {
		c, err := DecodeJWT(token(`{}`, tt.claims))
		if err != nil {
			t.Fatal(err)
		}
		err = c.Check("i", []string{"a"}, now)
		if got := ""; err != nil {
			got = err.Error()
			if tt.err == "" || !strings.Contains(got, tt.err) {
				t.Errorf("%s: %v, want %q", tt.claims, err, tt.err)
			}
		} else if tt.err != "" {
			t.Errorf("%s: accepted, want %q", tt.claims, tt.err)
		}
	}
}

func TestScopes(t *testing.T) {
	tests := []struct {
		claims string
		want   []string
	}{
		{`{"scope":"a b  c"}`, []string{"a", "b", "c"}},
		{`{"scp":["a","b"]}`, []string{"a", "b"}},
		{`{"scp":"a b"}`, []string{"a", "b"}},
		{`{"scope":"a","scp":["b"]}`, []string{"a"}},
		{`{}`, nil},
	}
	for _, tt := range tests {
		c, _ := DecodeJWT(token(`{}`, tt.claims))
		if got := c.Scopes(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Scopes = %q, want %q", tt.claims, got, tt.want)
		}
	}
}

// FuzzJWT: any token decodes or is refused; decoded claims round-trip
// through a freshly encoded token, and checking them never panics.
func FuzzJWT(f *testing.F) {
	f.Add(token(`{"alg":"RS256"}`, `{"iss":"i","aud":["a"],"exp":2e9,"scope":"x y","n":1.5}`))
	f.Add("a.b.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, tok string) {
		if len(tok) > 256 {
			return
		}
		c, err := DecodeJWT(tok)
		if err != nil {
			return
		}
		_ = c.Check("i", []string{"a"}, time.Unix(1e9, 0))
		_ = c.Scopes()
		_ = c.Strings()
		raw, err := json.Marshal(map[string]any(c))
		if err != nil {
			t.Fatalf("claims %v do not encode: %v", c, err)
		}
		again, err := DecodeJWT(token(`{}`, string(raw)))
		if err != nil || !reflect.DeepEqual(again.Strings(), c.Strings()) {
			t.Fatalf("round trip of %s: %v, %v", raw, again, err)
		}
	})
}
