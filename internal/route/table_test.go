package route

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// matchTemplates is the route set used by TestMatch and FuzzMatch.
var matchTemplates = []string{
	"/",
	"/users",
	"/users/me",
	"/users/{id}",
	"/users/{id}/posts/{post_id}",
	"/items/{item}",
	"/files/{path+}",
	"/a/{x}/c",
	"/a/b/{y}",
	"/x/b/c",
	"/x/{x}/d",
	"/g/lit",
	"/g/{p}",
	"/g/{rest+}",
	"/h/{p}/end",
	"/h/{rest+}",
	"/m/{a}/{b}/{c}/{d}/{e}/{f}",
	"/m/{a}/{b}/{c}/{d}/{e}/x",
	"/Case/Sensitive",
	"/mux/{tail...}",
	"/p/{a}/{b}",
	"/p/{a}/lit/{b+}",
}

func mustTable(tb testing.TB, templates []string) *Table[string] {
	tb.Helper()
	var table Table[string]
	for _, s := range templates {
		tp, err := Parse(s)
		if err != nil {
			tb.Fatalf("Parse(%q): %v", s, err)
		}
		if err := table.Add(tp, "v:"+s); err != nil {
			tb.Fatalf("Add(%q): %v", s, err)
		}
	}
	return &table
}

func TestMatch(t *testing.T) {
	table := mustTable(t, matchTemplates)
	tests := []struct {
		name   string
		path   string
		want   string // canonical template; "" means no match
		params map[string]string
	}{
		// root
		{"root", "/", "/", nil},
		{"root with query", "/?a=b", "/", nil},
		{"empty path is root", "", "/", nil},
		{"query only is root", "?a=b", "/", nil},
		{"double slash collapses to root", "//", "/", nil},

		// literals, trailing slash, query strip
		{"literal", "/users", "/users", nil},
		{"trailing slash stripped", "/users/", "/users", nil},
		{"query stripped", "/users?limit=10", "/users", nil},
		{"trailing slash then query", "/users/?limit=10", "/users", nil},
		{"query with slash inside", "/users?next=/a/b/", "/users", nil},
		{"only one trailing slash stripped", "/users//", "", nil},
		{"case sensitive literal", "/case/sensitive", "", nil},
		{"case sensitive literal exact", "/Case/Sensitive", "/Case/Sensitive", nil},
		{"no leading slash", "users", "", nil},
		{"fragment is not stripped", "/users#x", "", nil},

		// params
		{"param", "/users/42", "/users/{id}", map[string]string{"id": "42"}},
		{"param trailing slash", "/users/42/", "/users/{id}", map[string]string{"id": "42"}},
		{"param raw not decoded", "/items/a%20b", "/items/{item}", map[string]string{"item": "a%20b"}},
		{"param raw encoded slash", "/items/a%2Fb", "/items/{item}", map[string]string{"item": "a%2Fb"}},
		{"param keeps other chars", "/items/a+b;c=d", "/items/{item}", map[string]string{"item": "a+b;c=d"}},
		{"two params", "/users/7/posts/99", "/users/{id}/posts/{post_id}", map[string]string{"id": "7", "post_id": "99"}},
		{"param wrong segment count", "/items/a/b", "", nil},
		{"param missing", "/items", "", nil},
		{"param missing trailing slash", "/items/", "", nil},
		{"empty segment never matches param", "/users//posts/1", "", nil},
		{"empty segment in second param", "/p/a//", "", nil},
		{"spill beyond inline params", "/m/1/2/3/4/5/6", "/m/{a}/{b}/{c}/{d}/{e}/{f}",
			map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}},
		{"spill literal sibling wins", "/m/1/2/3/4/5/x", "/m/{a}/{b}/{c}/{d}/{e}/x",
			map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}},

		// greedy
		{"greedy one segment", "/files/a", "/files/{path+}", map[string]string{"path": "a"}},
		{"greedy many segments", "/files/a/b/c.txt", "/files/{path+}", map[string]string{"path": "a/b/c.txt"}},
		{"greedy trailing slash", "/files/a/b/", "/files/{path+}", map[string]string{"path": "a/b"}},
		{"greedy raw", "/files/a%20b/c%2Fd", "/files/{path+}", map[string]string{"path": "a%20b/c%2Fd"}},
		{"greedy query stripped", "/files/a/b?x=/y", "/files/{path+}", map[string]string{"path": "a/b"}},
		{"greedy zero segments", "/files", "", nil},
		{"greedy zero segments trailing slash", "/files/", "", nil},
		{"greedy empty inner segment", "/files/a//b", "", nil},
		{"greedy empty last segment", "/files/a//", "", nil},
		{"servemux greedy", "/mux/x/y", "/mux/{tail+}", map[string]string{"tail": "x/y"}},

		// precedence
		{"literal beats param", "/users/me", "/users/me", nil},
		{"earliest literal wins", "/a/b/c", "/a/b/{y}", map[string]string{"y": "c"}},
		{"param branch when literal absent", "/a/z/c", "/a/{x}/c", map[string]string{"x": "z"}},
		{"literal beats param and greedy", "/g/lit", "/g/lit", nil},
		{"param beats greedy", "/g/one", "/g/{p}", map[string]string{"p": "one"}},
		{"greedy when param too short", "/g/one/two", "/g/{rest+}", map[string]string{"rest": "one/two"}},

		// backtracking
		{"backtrack literal to param", "/x/b/d", "/x/{x}/d", map[string]string{"x": "b"}},
		{"no backtrack needed", "/x/b/c", "/x/b/c", nil},
		{"backtrack param to greedy", "/h/a/b", "/h/{rest+}", map[string]string{"rest": "a/b"}},
		{"param path succeeds", "/h/a/end", "/h/{p}/end", map[string]string{"p": "a"}},
		{"backtrack greedy after literal", "/p/a/lit/b/c", "/p/{a}/lit/{b+}", map[string]string{"a": "a", "b": "b/c"}},
		{"literal branch too short falls to param", "/p/a/lit", "/p/{a}/{b}", map[string]string{"a": "a", "b": "lit"}},
		{"dead end everywhere", "/x/b/e", "", nil},

		// no match
		{"unknown", "/nope", "", nil},
		{"too long", "/users/1/posts/2/x", "", nil},
		{"too short", "/users/1/posts", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp, v, params, ok := table.Match(tt.path)
			if tt.want == "" {
				if ok || tp != nil || v != "" || params.Len() != 0 {
					t.Fatalf("Match(%q) = %v, %q, %v, %v; want no match", tt.path, tp, v, params.Map(), ok)
				}
				return
			}
			if !ok || tp == nil {
				t.Fatalf("Match(%q): no match, want %q", tt.path, tt.want)
			}
			if tp.String() != tt.want {
				t.Fatalf("Match(%q) = %q, want %q", tt.path, tp, tt.want)
			}
			if v != "v:"+tt.want && v != "v:"+strings.ReplaceAll(tt.want, "+}", "...}") {
				t.Errorf("Match(%q) value = %q", tt.path, v)
			}
			want := tt.params
			if want == nil {
				want = map[string]string{}
			}
			if got := params.Map(); !maps.Equal(got, want) {
				t.Errorf("Match(%q) params = %v, want %v", tt.path, got, want)
			}
			if params.Len() != len(want) {
				t.Errorf("Match(%q) params.Len() = %d, want %d", tt.path, params.Len(), len(want))
			}
			for _, name := range tp.Params() {
				got, ok := params.Get(name)
				if !ok || got != want[name] {
					t.Errorf("Match(%q) Get(%q) = %q, %v; want %q", tt.path, name, got, ok, want[name])
				}
			}
			if got, ok := params.Get("no_such_param"); ok || got != "" {
				t.Errorf("Get of unknown name = %q, %v", got, ok)
			}
			checkAgainstReference(t, table, tt.path, tp)
		})
	}
}

func TestMatchRootGreedy(t *testing.T) {
	table := mustTable(t, []string{"/{proxy+}", "/health"})
	tests := []struct {
		path, want, proxy string
	}{
		{"/", "", ""},
		{"", "", ""},
		{"/health", "/health", ""},
		{"/health/x", "/{proxy+}", "health/x"},
		{"/anything/at/all", "/{proxy+}", "anything/at/all"},
	}
	for _, tt := range tests {
		tp, _, params, ok := table.Match(tt.path)
		if tt.want == "" {
			if ok {
				t.Errorf("Match(%q) = %q, want no match", tt.path, tp)
			}
			continue
		}
		if !ok || tp.String() != tt.want {
			t.Errorf("Match(%q) = %v, %v; want %q", tt.path, tp, ok, tt.want)
			continue
		}
		if got, _ := params.Get("proxy"); got != tt.proxy {
			t.Errorf("Match(%q) proxy = %q, want %q", tt.path, got, tt.proxy)
		}
	}
}

func TestMatchEmptyTable(t *testing.T) {
	var table Table[int]
	if tp, v, p, ok := table.Match("/"); ok || tp != nil || v != 0 || p.Len() != 0 {
		t.Fatalf("empty table matched: %v %v %v %v", tp, v, p, ok)
	}
	var nilTable *Table[int]
	if _, _, _, ok := nilTable.Match("/"); ok {
		t.Fatal("nil table matched")
	}
	if got := table.Templates(); len(got) != 0 {
		t.Fatalf("Templates() = %v", got)
	}
}

func TestMatchManyLiteralChildren(t *testing.T) {
	// Enough siblings to switch a node to its map index.
	var names []string
	for i := range 3 * mapThreshold {
		names = append(names, fmt.Sprintf("/svc/n%02d", i), fmt.Sprintf("/svc/n%02d/{id}", i))
	}
	names = append(names, "/svc/{other}")
	table := mustTable(t, names)
	for i := range 3 * mapThreshold {
		p := fmt.Sprintf("/svc/n%02d", i)
		if tp, _, _, ok := table.Match(p); !ok || tp.String() != p {
			t.Errorf("Match(%q) = %v, %v", p, tp, ok)
		}
		if tp, _, params, ok := table.Match(p + "/7"); !ok || tp.String() != p+"/{id}" || params.Map()["id"] != "7" {
			t.Errorf("Match(%q) = %v, %v, %v", p+"/7", tp, params.Map(), ok)
		}
	}
	if tp, _, params, ok := table.Match("/svc/zzz"); !ok || tp.String() != "/svc/{other}" || params.Map()["other"] != "zzz" {
		t.Errorf("Match(/svc/zzz) = %v, %v, %v", tp, params.Map(), ok)
	}
}

func TestAddDuplicate(t *testing.T) {
	tests := []struct {
		first, second string
		want          []string // substrings of the error; nil means no error
	}{
		{"/a/{x}", "/a/{y}", []string{`"/a/{y}"`, `"/a/{x}"`, "equivalent"}},
		{"/a/{x}/b", "/a/{y}/b", []string{`"/a/{y}/b"`, `"/a/{x}/b"`}},
		{"/a/{x+}", "/a/{y...}", []string{`"/a/{y+}"`, `"/a/{x+}"`}},
		{"/users", "/users", []string{`"/users"`, "already exists"}},
		{"/", "/", []string{`"/"`, "already exists"}},
		{"/a/{x}", "/a/{x+}", nil},
		{"/a/{x}", "/a/b", nil},
		{"/a/{x}", "/a/{x}/b", nil},
		{"/a/b", "/a/B", nil},
		{"/{p+}", "/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.first+" then "+tt.second, func(t *testing.T) {
			var table Table[int]
			t1, err := Parse(tt.first)
			if err != nil {
				t.Fatal(err)
			}
			t2, err := Parse(tt.second)
			if err != nil {
				t.Fatal(err)
			}
			if err := table.Add(t1, 1); err != nil {
				t.Fatalf("first Add: %v", err)
			}
			err = table.Add(t2, 2)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("second Add: unexpected error %v", err)
				}
				if n := len(table.Templates()); n != 2 {
					t.Fatalf("Templates() has %d entries, want 2", n)
				}
				return
			}
			if err == nil {
				t.Fatal("second Add succeeded, want error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// The failed Add must leave the table unchanged.
			if n := len(table.Templates()); n != 1 {
				t.Fatalf("Templates() has %d entries after failed Add, want 1", n)
			}
			if _, v, _, ok := table.Match(strings.NewReplacer("{x}", "q", "{x+}", "q").Replace(tt.first)); !ok || v != 1 {
				t.Errorf("original route no longer matches with its value: %v %v", v, ok)
			}
		})
	}
	var table Table[int]
	if err := table.Add(nil, 0); err == nil {
		t.Error("Add(nil) succeeded")
	}
}

func TestTemplatesSorted(t *testing.T) {
	table := mustTable(t, matchTemplates)
	got := table.Templates()
	if len(got) != len(matchTemplates) {
		t.Fatalf("Templates() has %d entries, want %d", len(got), len(matchTemplates))
	}
	var strs []string
	for _, tp := range got {
		strs = append(strs, tp.String())
	}
	if !slices.IsSorted(strs) {
		t.Fatalf("Templates() not sorted: %q", strs)
	}
	if !slices.Contains(strs, "/mux/{tail+}") {
		t.Fatalf("Templates() does not use canonical form: %q", strs)
	}
}

func TestParamsZeroValue(t *testing.T) {
	var p Params
	m := p.Map()
	if m == nil || len(m) != 0 {
		t.Fatalf("zero Params.Map() = %#v, want empty non-nil map", m)
	}
	if p.Len() != 0 {
		t.Fatalf("zero Params.Len() = %d", p.Len())
	}
	if v, ok := p.Get("x"); ok || v != "" {
		t.Fatalf("zero Params.Get = %q, %v", v, ok)
	}
}

// fill substitutes params into tp, producing a request path.
func fill(tp *Template, params Params) string {
	if len(tp.segs) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, s := range tp.segs {
		b.WriteByte('/')
		if s.kind == segLiteral {
			b.WriteString(s.text)
			continue
		}
		v, _ := params.Get(s.text)
		b.WriteString(v)
	}
	return b.String()
}

// referenceMatch is a deliberately simple matcher: it tries every template
// against the split path and keeps the most specific match, comparing
// segment kinds from the left (literal < param < greedy).
func referenceMatch(templates []*Template, path string) *Template {
	path = normalize(path)
	if !strings.HasPrefix(path, "/") {
		return nil
	}
	var parts []string
	if path != "/" {
		parts = strings.Split(path[1:], "/")
	}
	var best *Template
	for _, tp := range templates {
		if !simpleMatch(tp, parts) {
			continue
		}
		if best == nil || moreSpecific(tp, best) {
			best = tp
		}
	}
	return best
}

func simpleMatch(tp *Template, parts []string) bool {
	if !tp.Greedy() && len(parts) != len(tp.segs) {
		return false
	}
	if tp.Greedy() && len(parts) < len(tp.segs) {
		return false
	}
	for i, s := range tp.segs {
		switch s.kind {
		case segLiteral:
			if parts[i] != s.text {
				return false
			}
		case segParam:
			if parts[i] == "" {
				return false
			}
		case segGreedy:
			return !slices.Contains(parts[i:], "")
		}
	}
	return true
}

func moreSpecific(a, b *Template) bool {
	for i := 0; i < len(a.segs) && i < len(b.segs); i++ {
		if a.segs[i].kind != b.segs[i].kind {
			return a.segs[i].kind < b.segs[i].kind
		}
	}
	return false
}

func checkAgainstReference(t *testing.T, table *Table[string], path string, got *Template) {
	t.Helper()
	want := referenceMatch(table.Templates(), path)
	if got != want {
		t.Fatalf("Match(%q) = %v, reference matcher says %v", path, got, want)
	}
}

func FuzzMatch(f *testing.F) {
	table := mustTable(f, matchTemplates)
	templates := table.Templates()
	for _, s := range []string{
		"", "/", "//", "?", "/users", "/users/", "/users/me", "/users/1/posts/2", "/files",
		"/files/a/b", "/files/a//b", "/a/b/c", "/x/b/d", "/h/a/b", "/m/1/2/3/4/5/6",
		"/m/1/2/3/4/5/x", "/p/a/lit/b", "/items/a%20b?x=1", "/g/one/two/", "users",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		tp, v, params, ok := table.Match(path)
		if want := referenceMatch(templates, path); tp != want {
			t.Fatalf("Match(%q) = %v, reference matcher says %v", path, tp, want)
		}
		if !ok {
			if tp != nil || v != "" || params.Len() != 0 {
				t.Fatalf("Match(%q) not ok but returned %v %q %d", path, tp, v, params.Len())
			}
			return
		}
		if params.Len() != len(tp.Params()) {
			t.Fatalf("Match(%q): %d params for %q", path, params.Len(), tp)
		}
		for _, name := range tp.Params() {
			if got, ok := params.Get(name); !ok || got == "" {
				t.Fatalf("Match(%q): param %q = %q, %v", path, name, got, ok)
			}
		}
		if got, want := fill(tp, params), normalize(path); got != want {
			t.Fatalf("Match(%q) = %q with %v; refilled %q, want %q", path, tp, params.Map(), got, want)
		}
	})
}

// benchTemplates is a realistic set of 20 routes.
var benchTemplates = []string{
	"/",
	"/health",
	"/login",
	"/logout",
	"/users",
	"/users/me",
	"/users/{user_id}",
	"/users/{user_id}/orders",
	"/users/{user_id}/orders/{order_id}",
	"/users/{user_id}/orders/{order_id}/items/{item_id}",
	"/products",
	"/products/search",
	"/products/{sku}",
	"/products/{sku}/reviews",
	"/products/{sku}/reviews/{review_id}",
	"/carts/{cart_id}",
	"/carts/{cart_id}/checkout",
	"/admin/reports/{year}/{month}",
	"/static/{path+}",
	"/{proxy+}",
}

var benchPaths = []string{
	"/",
	"/health",
	"/users/me",
	"/users/12345",
	"/users/12345/orders/987/items/3?expand=true",
	"/products/search?q=shoes",
	"/products/SKU-42/reviews/",
	"/admin/reports/2024/06",
	"/static/css/site/main.css",
	"/unknown/route/here",
}

func BenchmarkMatch(b *testing.B) {
	table := mustTable(b, benchTemplates)
	for _, p := range benchPaths {
		if _, _, _, ok := table.Match(p); !ok {
			b.Fatalf("no match for %q", p)
		}
	}
	b.Run("mixed", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			table.Match(benchPaths[i%len(benchPaths)])
			i++
		}
	})
	for _, p := range benchPaths {
		b.Run(strings.ReplaceAll(p, "/", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				table.Match(p)
			}
		})
	}
}

func TestMatchAllocs(t *testing.T) {
	table := mustTable(t, slices.Concat(benchTemplates, []string{"/m/{a}/{b}/{c}/{d}/{e}/{f}"}))
	tests := []struct {
		path string
		max  float64
	}{
		{"/", 0},
		{"/users/me", 0},
		{"/users/12345/orders/987/items/3?expand=true", 0},
		{"/static/css/site/main.css", 0},
		{"/unknown/route/here", 0},
		{"/nope", 0},
		{"/m/1/2/3/4/5/6", 1}, // more than inlineParams values spill to a slice
	}
	for _, tt := range tests {
		got := testing.AllocsPerRun(100, func() { table.Match(tt.path) })
		if got > tt.max {
			t.Errorf("Match(%q): %v allocs per run, want <= %v", tt.path, got, tt.max)
		}
	}
}

// TestMatchSpillGrows covers a deeper template filling more spilled
// parameters than the one that first allocated the spill slice.
func TestMatchSpillGrows(t *testing.T) {
	orders := [][]string{
		{"/m/{a}/{b}/{c}/{d}/{e}/x", "/m/{a}/{b}/{c}/{d}/{e}/{f}"},
		{"/m/{a}/{b}/{c}/{d}/{e}/{f}", "/m/{a}/{b}/{c}/{d}/{e}/x"},
	}
	for _, order := range orders {
		var tb Table[int]
		for i, s := range order {
			tmpl, err := Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			if err := tb.Add(tmpl, i); err != nil {
				t.Fatal(err)
			}
		}
		for path, want := range map[string]string{"/m/1/2/3/4/5/x": "/m/{a}/{b}/{c}/{d}/{e}/x", "/m/1/2/3/4/5/6": "/m/{a}/{b}/{c}/{d}/{e}/{f}"} {
			got, _, ps, ok := tb.Match(path)
			if !ok || got.String() != want {
				t.Fatalf("order %v: Match(%s) = %v, %v; want %s", order, path, got, ok, want)
			}
			if v, _ := ps.Get("e"); v != "5" {
				t.Fatalf("order %v: e = %q", order, v)
			}
		}
	}
}
