package route

import (
	"slices"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		path     string
		canon    string
		params   []string
		greedy   bool
		segments int
	}{
		{"/", "/", nil, false, 0},
		{"/users", "/users", nil, false, 1},
		{"/users/{username}", "/users/{username}", []string{"username"}, false, 2},
		{"/users/{id}/posts/{post_id}", "/users/{id}/posts/{post_id}", []string{"id", "post_id"}, false, 4},
		{"/files/{path+}", "/files/{path+}", []string{"path"}, true, 2},
		{"/files/{path...}", "/files/{path+}", []string{"path"}, true, 2},
		{"/{proxy+}", "/{proxy+}", []string{"proxy"}, true, 1},
		{"/{a}/{b}/{c}/{d}/{e}/{f}", "/{a}/{b}/{c}/{d}/{e}/{f}", []string{"a", "b", "c", "d", "e", "f"}, false, 6},
		{"/A_1/{X_9}", "/A_1/{X_9}", []string{"X_9"}, false, 2},
		{"/v1.0/some-thing/%20/~x", "/v1.0/some-thing/%20/~x", nil, false, 4},
		{"/{a}/{b+}", "/{a}/{b+}", []string{"a", "b"}, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			tp, err := Parse(tt.path)
			if err != nil {
				t.Fatalf("Parse(%q): unexpected error: %v", tt.path, err)
			}
			if got := tp.String(); got != tt.canon {
				t.Errorf("String() = %q, want %q", got, tt.canon)
			}
			if got := tp.Params(); !slices.Equal(got, tt.params) {
				t.Errorf("Params() = %q, want %q", got, tt.params)
			}
			if got := tp.Greedy(); got != tt.greedy {
				t.Errorf("Greedy() = %v, want %v", got, tt.greedy)
			}
			if got := tp.Segments(); got != tt.segments {
				t.Errorf("Segments() = %d, want %d", got, tt.segments)
			}
		})
	}
}

func TestParamsReturnsCopy(t *testing.T) {
	tp, err := Parse("/{a}/{b}")
	if err != nil {
		t.Fatal(err)
	}
	tp.Params()[0] = "changed"
	if got := tp.Params()[0]; got != "a" {
		t.Fatalf("Params() shares storage with the template: got %q", got)
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name string
		path string
		want []string // substrings the error must contain
		full string   // if set, the whole error text
	}{
		{"empty", "", []string{`""`, `must start with "/"`}, ""},
		{"no leading slash", "users/{id}", []string{`"users/{id}"`, `must start with "/"`, `"/users/{id}"`}, ""},
		{"trailing slash", "/users/", nil, "Route cannot end with a trailing slash: /users/"},
		{"trailing slash after param", "/users/{id}/", nil, "Route cannot end with a trailing slash: /users/{id}/"},
		{"double slash only", "//", nil, "Route cannot end with a trailing slash: //"},
		{"empty segment", "/a//b", []string{`"/a//b"`, "empty path segment", `"/a/b"`}, ""},
		{"leading empty segment", "//a", []string{`"//a"`, "empty path segment", `"/a"`}, ""},
		{"query", "/a?x=1", []string{`"/a?x=1"`, `"?"`, `"/a"`}, ""},
		{"fragment", "/a/b#frag", []string{`"/a/b#frag"`, `"#"`, `"/a/b"`}, ""},
		{"literal before param", "/a{b}", []string{`"/a{b}"`, `"a{b}"`, "whole segment", `"a/{b}"`}, ""},
		{"literal after param", "/{a}b", []string{`"/{a}b"`, `"{a}b"`, "whole segment", `"{a}/b"`}, ""},
		{"unclosed brace", "/{a", []string{`"/{a"`, "whole segment"}, ""},
		{"stray close brace", "/a}", []string{`"/a}"`, "whole segment"}, ""},
		{"nested braces", "/{{a}}", []string{`"/{{a}}"`, "whole segment"}, ""},
		{"two params in one segment", "/{a}{b}", []string{`"/{a}{b}"`, "whole segment"}, ""},
		{"empty name", "/{}", []string{`"/{}"`, `parameter name ""`, "[A-Za-z0-9_]+"}, ""},
		{"dash in name", "/{a-b}", []string{`"/{a-b}"`, `parameter name "a-b"`, "[A-Za-z0-9_]+", `"{a_b}"`}, ""},
		{"space in name", "/{a b}", []string{`"/{a b}"`, `"a b"`, "[A-Za-z0-9_]+"}, ""},
		{"empty greedy name", "/{+}", []string{`"/{+}"`, `parameter name ""`}, ""},
		{"empty servemux greedy name", "/{...}", []string{`"/{...}"`, `parameter name ""`}, ""},
		{"double greedy marker", "/{a++}", []string{`"/{a++}"`, `parameter name "a+"`}, ""},
		{"greedy not last", "/{p+}/x", []string{`"/{p+}/x"`, "last segment", `"/{p+}"`}, ""},
		{"servemux greedy not last", "/a/{p...}/x/y", []string{`"/a/{p...}/x/y"`, "last segment", `"/a/{p+}"`}, ""},
		{"end anchor", "/a/{$}", []string{`"/a/{$}"`, `"{$}"`, "exactly", `"/a"`}, ""},
		{"root end anchor", "/{$}", []string{`"/{$}"`, `"{$}"`, `use "/"`}, ""},
		{"duplicate param", "/{id}/x/{id}", []string{`"/{id}/x/{id}"`, `duplicate parameter name "id"`, "unique"}, ""},
		{"duplicate param greedy", "/{id}/{id+}", []string{`"/{id}/{id+}"`, `duplicate parameter name "id"`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp, err := Parse(tt.path)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want error", tt.path, tp)
			}
			if tp != nil {
				t.Errorf("Parse(%q) returned non-nil template with error", tt.path)
			}
			msg := err.Error()
			if tt.full != "" && msg != tt.full {
				t.Errorf("Parse(%q) error = %q, want %q", tt.path, msg, tt.full)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.path, msg, w)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "/", "//", "/a", "/a/", "/a//b", "/users/{id}", "/files/{p+}", "/files/{p...}",
		"/{$}", "/a{b}", "/{a}b", "/{}", "/{a-b}", "/{p+}/x", "/{a}/{a}", "/a?b", "/a#b",
		"/{a}/{b}/{c}/{d}/{e}", "/{{a}}", "/{a+...}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		tp, err := Parse(path)
		if err != nil {
			if tp != nil {
				t.Fatalf("Parse(%q) returned both a template and error %v", path, err)
			}
			if err.Error() == "" {
				t.Fatalf("Parse(%q) returned an empty error", path)
			}
			return
		}
		s := tp.String()
		tp2, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but Parse(String()=%q) failed: %v", path, s, err)
		}
		if s2 := tp2.String(); s2 != s {
			t.Fatalf("round trip of %q: String() = %q, then %q", path, s, s2)
		}
		if !slices.Equal(tp.Params(), tp2.Params()) || tp.Greedy() != tp2.Greedy() || tp.Segments() != tp2.Segments() {
			t.Fatalf("round trip of %q changed the template: %q vs %q", path, tp.Params(), tp2.Params())
		}
		if tp.Greedy() != strings.HasSuffix(s, "+}") {
			t.Fatalf("Greedy() = %v for %q", tp.Greedy(), s)
		}
	})
}
