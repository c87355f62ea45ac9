package route

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Table maps route templates to values of type V and finds the most
// specific template for a request path. The zero value is an empty table
// ready to use.
//
// Add must not be called concurrently with any other method; once all
// templates have been added, Match and Templates are safe for concurrent
// use.
type Table[V any] struct {
	root    *node[V]
	entries []*entry[V]
}

// entry is one template and its value.
type entry[V any] struct {
	t *Template
	v V
}

// mapThreshold is the number of literal children above which a node
// indexes them with a map instead of scanning a slice.
const mapThreshold = 8

// node is one position in the segment trie.
type node[V any] struct {
	lit    string              // literal text leading to this node (literal children only)
	lits   []*node[V]          // literal children
	litMap map[string]*node[V] // index of lits once len(lits) > mapThreshold
	param  *node[V]            // {name} child
	greedy *entry[V]           // {name+} child; always terminal
	leaf   *entry[V]           // template ending at this node
}

// Add adds template t with value v. It returns an error if an equivalent
// template (one of the same shape, such as "/a/{x}" and "/a/{y}") has
// already been added; the error names both templates.
func (tb *Table[V]) Add(t *Template, v V) error {
	if t == nil {
		return errors.New("route: Add called with a nil *Template; parse the path with route.Parse first")
	}
	if tb.root == nil {
		tb.root = &node[V]{}
	}
	e := &entry[V]{t: t, v: v}
	n := tb.root
	for _, s := range t.segs {
		switch s.kind {
		case segLiteral:
			c := n.child(s.text)
			if c == nil {
				c = &node[V]{lit: s.text}
				n.addChild(c)
			}
			n = c
		case segParam:
			if n.param == nil {
				n.param = &node[V]{}
			}
			n = n.param
		case segGreedy:
			if n.greedy != nil {
				return conflict(t, n.greedy.t)
			}
			n.greedy = e
			tb.entries = append(tb.entries, e)
			return nil
		}
	}
	if n.leaf != nil {
		return conflict(t, n.leaf.t)
	}
	n.leaf = e
	tb.entries = append(tb.entries, e)
	return nil
}

func conflict(t, existing *Template) error {
	if t.String() == existing.String() {
		return fmt.Errorf("route: template %q already exists; each route path may be added only once", t)
	}
	return fmt.Errorf("route: template %q is equivalent to existing template %q (same shape, only parameter names differ); remove or rename one of them", t, existing)
}

// child returns the literal child for seg, or nil.
func (n *node[V]) child(seg string) *node[V] {
	if n.litMap != nil {
		return n.litMap[seg]
	}
	for _, c := range n.lits {
		if c.lit == seg {
			return c
		}
	}
	return nil
}

func (n *node[V]) addChild(c *node[V]) {
	n.lits = append(n.lits, c)
	if n.litMap != nil {
		n.litMap[c.lit] = c
	} else if len(n.lits) > mapThreshold {
		n.litMap = make(map[string]*node[V], len(n.lits))
		for _, l := range n.lits {
			n.litMap[l.lit] = l
		}
	}
}

// Templates returns the templates in the table sorted by String.
func (tb *Table[V]) Templates() []*Template {
	ts := make([]*Template, len(tb.entries))
	for i, e := range tb.entries {
		ts[i] = e.t
	}
	slices.SortFunc(ts, func(a, b *Template) int { return strings.Compare(a.canon, b.canon) })
	return ts
}

// Match finds the most specific template matching path and returns it with
// its value and captured parameters. See the package documentation for
// the normalisation and precedence rules. Captured values are raw
// substrings of path (not URL-decoded).
func (tb *Table[V]) Match(path string) (t *Template, v V, params Params, ok bool) {
	if tb == nil || tb.root == nil {
		return nil, v, Params{}, false
	}
	path = normalize(path)
	if path[0] != '/' {
		return nil, v, Params{}, false
	}
	start := 1
	if len(path) == 1 {
		start = 2 // the root has no segments
	}
	e := tb.root.match(path, start, 0, &params)
	if e == nil {
		return nil, v, Params{}, false
	}
	params.finish(e.t.params)
	return e.t, e.v, params, true
}

// normalize strips the query string and one trailing slash, as API
// Gateway does. The result is never empty.
func normalize(path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if len(path) > 1 && path[len(path)-1] == '/' {
		path = path[:len(path)-1]
	}
	if path == "" {
		return "/"
	}
	return path
}

// match matches the segments of path starting at byte offset start
// against the subtree at n. start > len(path) means no segments remain.
// k is the number of parameters captured so far.
func (n *node[V]) match(path string, start, k int, ps *Params) *entry[V] {
	if start > len(path) {
		return n.leaf
	}
	end := start + strings.IndexByte(path[start:], '/')
	if end < start {
		end = len(path)
	}
	seg := path[start:end]
	if c := n.child(seg); c != nil {
		if e := c.match(path, end+1, k, ps); e != nil {
			return e
		}
	}
	if seg == "" {
		return nil
	}
	if n.param != nil {
		if e := n.param.match(path, end+1, k+1, ps); e != nil {
			ps.set(k, seg, len(e.t.params))
			return e
		}
	}
	if n.greedy != nil {
		rest := path[start:]
		if rest[len(rest)-1] != '/' && !strings.Contains(rest, "//") {
			ps.set(k, rest, len(n.greedy.t.params))
			return n.greedy
		}
	}
	return nil
}
