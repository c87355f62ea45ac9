package chalice_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompileFailures builds each program of testdata/compilefail, which
// misuses the API, and checks that the compiler rejects it with the
// message its "// want:" line gives; testdata/compileok, which uses every
// kind of registration soundly, must build.
func TestCompileFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the compiler; skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	if out, err := exec.Command(gobin, "build", "-o", os.DevNull, "./testdata/compileok").CombinedOutput(); err != nil {
		t.Fatalf("control program testdata/compileok does not build: %v\n%s", err, out)
	}

	dirs, err := filepath.Glob("testdata/compilefail/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no compile-failure programs: %v", err)
	}
	want := map[string]string{} // import path suffix -> message
	var pkgs []string
	for _, d := range dirs {
		msg := wantLine(t, filepath.Join(d, "main.go"))
		want[filepath.Base(d)] = msg
		pkgs = append(pkgs, "./"+filepath.ToSlash(d))
	}
	// One go build for every program: its output has a "# <package>"
	// section per package that failed.
	out, err := exec.Command(gobin, append([]string{"build"}, pkgs...)...).CombinedOutput()
	if err == nil {
		t.Fatalf("go build of the compile-failure programs succeeded:\n%s", out)
	}
	sections := map[string]string{}
	current := ""
	for _, line := range strings.Split(string(out), "\n") {
		if name, ok := strings.CutPrefix(line, "# "); ok {
			current = filepath.Base(strings.TrimSpace(name))
			continue
		}
		sections[current] += line + "\n"
	}
	for name, msg := range want {
		t.Run(name, func(t *testing.T) {
			got, ok := sections[name]
			if !ok {
				t.Fatalf("testdata/compilefail/%s compiled; want the error %q\nbuild output:\n%s", name, msg, out)
			}
			if !strings.Contains(got, msg) {
				t.Errorf("testdata/compilefail/%s: compiler said\n%s\nwant it to say %q", name, got, msg)
			}
		})
	}
}

// wantLine returns the text after "// want: " in file.
func wantLine(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if msg, ok := strings.CutPrefix(sc.Text(), "// want: "); ok {
			return msg
		}
	}
	t.Fatalf("%s has no // want: line", file)
	return ""
}
