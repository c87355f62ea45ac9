package route

import (
	"errors"
	"fmt"
	"strings"
)

// segKind is the kind of one template segment.
type segKind uint8

const (
	segLiteral segKind = iota // exact text
	segParam                  // {name}: one segment
	segGreedy                 // {name+}: one or more trailing segments
)

// segment is one parsed "/"-separated piece of a template.
type segment struct {
	kind segKind
	text string // literal text, or the parameter name
}

// Template is a parsed route path such as "/users/{username}" or
// "/files/{path+}". The zero value is not useful; use [Parse].
type Template struct {
	canon  string    // canonical form, see String
	segs   []segment // empty for the root "/"
	params []string  // parameter names in order
}

// Parse parses a route path template. See the package documentation for
// the grammar. The returned error names the offending path and says what
// would be valid.
func Parse(path string) (*Template, error) {
	switch {
	case path == "":
		return nil, errors.New(`route: invalid path "": a route must start with "/" (for example "/" or "/users/{id}")`)
	case path[0] != '/':
		return nil, fmt.Errorf("route: invalid path %q: a route must start with \"/\" (for example %q)", path, "/"+path)
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		return nil, fmt.Errorf("route: invalid path %q: a route must not contain %q; query strings and fragments are not part of the route (use %q)",
			path, path[i:i+1], path[:i])
	}
	if path == "/" {
		return &Template{canon: "/"}, nil
	}
	if path[len(path)-1] == '/' {
		// Chalice's own wording, kept verbatim.
		return nil, fmt.Errorf("Route cannot end with a trailing slash: %s", path)
	}
	if strings.Contains(path, "//") {
		return nil, fmt.Errorf("route: invalid path %q: empty path segment (\"//\"); separate segments with a single \"/\" (for example %q)",
			path, collapseSlashes(path))
	}

	rest := path[1:]
	n := strings.Count(rest, "/") + 1
	t := &Template{segs: make([]segment, 0, n)}
	for i := 0; rest != ""; i++ {
		s := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			s, rest = rest[:j], rest[j+1:]
		} else {
			rest = ""
		}
		seg, err := parseSegment(path, s)
		if err != nil {
			return nil, err
		}
		if seg.kind == segGreedy && i != n-1 {
			return nil, fmt.Errorf("route: invalid path %q: greedy parameter \"{%s+}\" must be the last segment (for example %q)",
				path, seg.text, greedyLastExample(path, i, seg.text))
		}
		if seg.kind != segLiteral {
			for _, p := range t.params {
				if p == seg.text {
					return nil, fmt.Errorf("route: invalid path %q: duplicate parameter name %q; each parameter in a route needs a unique name", path, p)
				}
			}
			t.params = append(t.params, seg.text)
		}
		t.segs = append(t.segs, seg)
	}
	t.canon = t.build()
	return t, nil
}

// parseSegment parses one non-empty segment s of path.
func parseSegment(path, s string) (segment, error) {
	lb := strings.IndexByte(s, '{')
	rb := strings.IndexByte(s, '}')
	if lb < 0 && rb < 0 {
		return segment{kind: segLiteral, text: s}, nil
	}
	if lb != 0 || rb != len(s)-1 || strings.Count(s, "{") != 1 || strings.Count(s, "}") != 1 {
		return segment{}, fmt.Errorf("route: invalid path %q: segment %q mixes literal text and braces; a parameter must be a whole segment (for example %q)",
			path, s, splitSuggestion(s))
	}
	inner := s[1 : len(s)-1]
	if inner == "$" {
		return segment{}, fmt.Errorf("route: invalid path %q: \"{$}\" is not supported; gochalice routes already match the whole path exactly, so remove it (use %q)",
			path, withoutAnchor(path))
	}
	kind := segParam
	name := inner
	switch {
	case strings.HasSuffix(inner, "..."):
		kind, name = segGreedy, strings.TrimSuffix(inner, "...")
	case strings.HasSuffix(inner, "+"):
		kind, name = segGreedy, strings.TrimSuffix(inner, "+")
	}
	if !validName(name) {
		return segment{}, fmt.Errorf("route: invalid path %q: parameter name %q is invalid; names must match [A-Za-z0-9_]+ (for example \"{%s}\" or \"{%s+}\")",
			path, name, suggestName(s), suggestName(s))
	}
	return segment{kind: kind, text: name}, nil
}

// validName reports whether name matches [A-Za-z0-9_]+.
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// suggestName derives a valid parameter name from the characters of s,
// for use in error messages.
func suggestName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_':
			b.WriteByte(c)
		case c == '-' || c == '.':
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "name"
	}
	return b.String()
}

// splitSuggestion suggests how to write the mixed segment s as separate
// segments, for use in error messages: "a{b}" becomes "a/{b}".
func splitSuggestion(s string) string {
	lb := strings.IndexByte(s, '{')
	rb := strings.IndexByte(s, '}')
	if strings.Count(s, "{") != 1 || strings.Count(s, "}") != 1 || rb < lb {
		return "{" + suggestName(s) + "}"
	}
	var parts []string
	if lb > 0 {
		parts = append(parts, s[:lb])
	}
	parts = append(parts, "{"+suggestName(s[lb+1:rb])+"}")
	if rb < len(s)-1 {
		parts = append(parts, s[rb+1:])
	}
	return strings.Join(parts, "/")
}

// collapseSlashes replaces runs of "/" with a single "/" and drops a
// trailing slash, for use in error messages.
func collapseSlashes(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		if path[i] == '/' && i > 0 && path[i-1] == '/' {
			continue
		}
		b.WriteByte(path[i])
	}
	s := b.String()
	if len(s) > 1 {
		s = strings.TrimSuffix(s, "/")
	}
	return s
}

// withoutAnchor removes "{$}" segments from path, for use in error
// messages.
func withoutAnchor(path string) string {
	s := strings.ReplaceAll(path, "/{$}", "")
	if s == "" {
		return "/"
	}
	return s
}

// greedyLastExample truncates path after its i'th segment (0-based), which
// is the greedy parameter name, for use in error messages.
func greedyLastExample(path string, i int, name string) string {
	segs := strings.Split(path[1:], "/")
	segs = append(segs[:i:i], "{"+name+"+}")
	return "/" + strings.Join(segs, "/")
}

// build returns the canonical form of t.
func (t *Template) build() string {
	if len(t.segs) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, s := range t.segs {
		b.WriteByte('/')
		switch s.kind {
		case segLiteral:
			b.WriteString(s.text)
		case segParam:
			b.WriteByte('{')
			b.WriteString(s.text)
			b.WriteByte('}')
		case segGreedy:
			b.WriteByte('{')
			b.WriteString(s.text)
			b.WriteString("+}")
		}
	}
	return b.String()
}

// String returns the canonical form of the template. Greedy parameters are
// always written "{name+}", even if parsed from "{name...}".
func (t *Template) String() string { return t.canon }

// Params returns the parameter names in the order they appear.
// The caller may modify the returned slice.
func (t *Template) Params() []string {
	if len(t.params) == 0 {
		return nil
	}
	return append([]string(nil), t.params...)
}

// Greedy reports whether the last segment is a greedy parameter {name+}.
func (t *Template) Greedy() bool {
	return len(t.segs) > 0 && t.segs[len(t.segs)-1].kind == segGreedy
}

// Segments returns the number of segments; 0 for the root "/".
func (t *Template) Segments() int { return len(t.segs) }
