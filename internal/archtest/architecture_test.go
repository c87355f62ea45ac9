// Package archtest checks that docs/ARCHITECTURE.md is true: its package
// table lists every package of the module (and no other), and every
// import between the module's packages is one the table allows.
package archtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/gochalice/chalice"

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// row is one line of the package table.
type row struct {
	pkg     string // module-relative path, "" for the root package; may end in "/*"
	imports []string
	line    int
}

var backticked = regexp.MustCompile("`([^`]+)`")

// parseTable reads the "## Packages" table: the package (first
// backticked name of the first cell; `chalice` (root) is the root
// package; `internal/cli/<verb>` stands for every package under
// internal/cli not listed on its own) and the packages it may import
// (the backticked names of the third cell that are module packages, and
// the word "root"; other names are outside dependencies).
func parseTable(t *testing.T, doc []byte) []row {
	t.Helper()
	var rows []row
	in := false
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## Packages"
			continue
		case in && line == "" && len(rows) > 0:
			in = false // the end of the first table (other modules follow)
			continue
		case !in || !strings.HasPrefix(line, "| `"):
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		if len(cells) < 4 {
			t.Fatalf("ARCHITECTURE.md:%d: want 4 cells (package | responsibility | may import | imported by): %s", n, line)
		}
		m := backticked.FindStringSubmatch(cells[0])
		r := row{pkg: m[1], line: n}
		switch {
		case strings.Contains(cells[0], "(root)"):
			r.pkg = ""
		case strings.HasSuffix(r.pkg, "/<verb>"):
			r.pkg = strings.TrimSuffix(r.pkg, "<verb>") + "*"
		}
		for _, m := range backticked.FindAllStringSubmatch(cells[2], -1) {
			r.imports = append(r.imports, m[1])
		}
		if regexp.MustCompile(`(^|[ ,])root([ ,]|$)`).MatchString(cells[2]) {
			r.imports = append(r.imports, "")
		}
		if strings.Contains(cells[2], "every verb") {
			r.imports = append(r.imports, "internal/cli/*")
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		t.Fatal("ARCHITECTURE.md has no package table under ## Packages")
	}
	return rows
}

type goPackage struct {
	ImportPath string
	Imports    []string
}

func listPackages(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = repoRoot()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		var internal []string
		for _, imp := range p.Imports {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				internal = append(internal, strings.TrimPrefix(strings.TrimPrefix(imp, module), "/"))
			}
		}
		pkgs[rel] = internal
	}
	return pkgs
}

// rowFor finds the row describing pkg: its own, else a wildcard.
func rowFor(rows []row, pkg string) *row {
	for i := range rows {
		if rows[i].pkg == pkg {
			return &rows[i]
		}
	}
	for i := range rows {
		if p, ok := strings.CutSuffix(rows[i].pkg, "*"); ok && strings.HasPrefix(pkg, p) && !strings.Contains(strings.TrimPrefix(pkg, p), "/") {
			return &rows[i]
		}
	}
	return nil
}

func allowed(r *row, imp string) bool {
	for _, a := range r.imports {
		if a == imp {
			return true
		}
		if p, ok := strings.CutSuffix(a, "*"); ok && strings.HasPrefix(imp, p) {
			return true
		}
	}
	return false
}

func TestArchitectureDocIsTrue(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot(), "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := parseTable(t, doc)
	pkgs := listPackages(t)
	name := func(p string) string {
		if p == "" {
			return "the root package"
		}
		return p
	}
	for _, p := range slices.Sorted(maps.Keys(pkgs)) {
		r := rowFor(rows, p)
		if r == nil {
			t.Errorf("docs/ARCHITECTURE.md has no row for %s", name(p))
			continue
		}
		for _, imp := range pkgs[p] {
			if !allowed(r, imp) {
				t.Errorf("%s imports %s, which its row (docs/ARCHITECTURE.md:%d) does not allow", name(p), name(imp), r.line)
			}
		}
	}
	for _, r := range rows {
		if strings.HasSuffix(r.pkg, "*") {
			continue
		}
		if _, ok := pkgs[r.pkg]; !ok {
			t.Errorf("docs/ARCHITECTURE.md:%d describes %s, which is not a package of the module", r.line, name(r.pkg))
		}
	}
}
