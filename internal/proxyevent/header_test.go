package proxyevent

import (
	"errors"
	"strings"
	"testing"
)

func TestValidHeaderName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"Content-Type", true},
		{"x-amzn-RequestId", true},
		{"X_Custom.1~", true},
		{"!#$%&'*+-.^_`|~", true},
		{"", false},
		{"Bad Name", false},
		{"Bad:Name", false},
		{"Bad\r\nX-Injected", false},
		{"nul\x00", false},
		{"tab\t", false},
		{"quote\"", false},
		{"paren(", false},
		{"slash/", false},
		{"caf\u00e9", false},
		{"\x7f", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		if got := ValidHeaderName(tt.name); got != tt.want {
			t.Errorf("ValidHeaderName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidHeaderValue(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"", true},
		{"text/html; charset=utf-8", true},
		{"a\tb", true},
		{"  spaces  ", true},
		{"caf\u00e9 \u2028", true},
		{"obs-text \x80\xff", true},
		{"a\nb", false},
		{"a\rb", false},
		{"a\r\nSet-Cookie: x=1", false},
		{"nul\x00", false},
		{"bell\x07", false},
		{"esc\x1b", false},
		{"del\x7f", false},
	}
	for _, tt := range tests {
		if got := ValidHeaderValue(tt.value); got != tt.want {
			t.Errorf("ValidHeaderValue(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestCheckHeaders(t *testing.T) {
	tests := []struct {
		name    string
		single  map[string]string
		multi   map[string][]string
		wantErr string
	}{
		{name: "none"},
		{name: "valid", single: map[string]string{"Content-Type": "text/plain", "X-Tab": "a\tb"},
			multi: map[string][]string{"Set-Cookie": {"a=1", "b=2"}, "Empty": nil}},
		{name: "newline in value", single: map[string]string{"X-A": "1\n2"},
			wantErr: `bad value for header "X-A": "1\n2" (control character)`},
		{name: "NUL in multi value", multi: map[string][]string{"X-M": {"ok", "n\x00"}},
			wantErr: `bad value for header "X-M": "n\x00" (control character)`},
		{name: "space in name", single: map[string]string{"X Bad": "v"},
			wantErr: `invalid header name "X Bad" (not an RFC 7230 token)`},
		{name: "empty name in multi", multi: map[string][]string{"": {"v"}},
			wantErr: `invalid header name "" (not an RFC 7230 token)`},
		{name: "first in sorted order wins", single: map[string]string{"Z": "\r", "A": "\n", "M": "ok"},
			wantErr: `bad value for header "A": "\n" (control character)`},
		{name: "single before multi", single: map[string]string{"Z": "\r"}, multi: map[string][]string{"A": {"\n"}},
			wantErr: `bad value for header "Z": "\r" (control character)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 5 { // map order must not matter
				err := (&Response{Headers: tt.single, MultiValueHeaders: tt.multi}).CheckHeaders()
				got := ""
				if err != nil {
					got = err.Error()
					var he *HeaderError
					if !errors.As(err, &he) {
						t.Fatalf("error %T is not a *HeaderError", err)
					}
				}
				if got != tt.wantErr {
					t.Fatalf("CheckHeaders = %q, want %q", got, tt.wantErr)
				}
			}
		})
	}
}

func TestCheckHeadersAllocs(t *testing.T) {
	single := map[string]string{"Content-Type": "application/json", "X-Request-Id": "abc"}
	multi := map[string][]string{"Set-Cookie": {"a=1", "b=2"}}
	if n := testing.AllocsPerRun(100, func() { _ = CheckHeaders(single, multi) }); n != 0 {
		t.Errorf("%.0f allocs for valid headers, want 0", n)
	}
}

// specName and specValue transcribe RFC 7230's grammar as directly as
// possible, as an oracle for the table-driven implementation.
func specName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

func specValue(s string) bool {
	for _, c := range []byte(s) {
		vchar := 0x21 <= c && c <= 0x7e
		obsText := c >= 0x80
		if !vchar && !obsText && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// FuzzHeaderValidation checks the validators against the RFC grammar and
// CheckHeaders against them.
func FuzzHeaderValidation(f *testing.F) {
	for _, s := range []string{"", "Content-Type", "a b", "x\r\ny", "\x00", "\t", "\x7f", "\x80", "caf\u00e9", "~|`^"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		if len(name) > 256 || len(value) > 256 {
			return // longer inputs add nothing but slow minimisation
		}
		if got, want := ValidHeaderName(name), specName(name); got != want {
			t.Fatalf("ValidHeaderName(%q) = %v, grammar says %v", name, got, want)
		}
		if got, want := ValidHeaderValue(value), specValue(value); got != want {
			t.Fatalf("ValidHeaderValue(%q) = %v, grammar says %v", value, got, want)
		}
		want := specName(name) && specValue(value)
		errS := CheckHeaders(map[string]string{name: value}, nil)
		errM := CheckHeaders(nil, map[string][]string{name: {"ok", value}})
		if (errS == nil) != want || (errM == nil) != want {
			t.Fatalf("CheckHeaders(%q: %q) = %v / %v, want valid=%v", name, value, errS, errM, want)
		}
	})
}
