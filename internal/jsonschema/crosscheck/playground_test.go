package crosscheck

import (
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/go-playground/validator/v10"
	"github.com/gochalice/chalice/internal/bind"
)

// user is the body of the per-request benchmarks:
// {"username":"ana","age":30}.
type user struct {
	Username string `json:"username" validate:"required,min=3,max=32"`
	Age      int    `json:"age" validate:"min=0,max=150"`
}

var userBody = []byte(`{"username":"ana","age":30}`)

// BenchmarkBinder decodes and checks the body with the binder.
func BenchmarkBinder(b *testing.B) {
	type in struct{ Body user }
	bd, err := bind.Compile(reflect.TypeFor[in](), nil)
	if err != nil {
		b.Fatal(err)
	}
	src := &bind.Values{RawBody: userBody, ContentType: "application/json"}
	b.ReportAllocs()
	for b.Loop() {
		var v in
		if err := bd.Bind(src, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGoPlayground decodes the same body with encoding/json and
// checks it with go-playground/validator, the pair the binder replaces.
func BenchmarkGoPlayground(b *testing.B) {
	v := validator.New(validator.WithRequiredStructEnabled())
	b.ReportAllocs()
	for b.Loop() {
		var u user
		if err := json.Unmarshal(userBody, &u); err != nil {
			b.Fatal(err)
		}
		if err := v.Struct(&u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGoPlaygroundInvalid and BenchmarkBinderInvalid: a body
// breaking two rules, the cost of a 400.
func BenchmarkGoPlaygroundInvalid(b *testing.B) {
	v := validator.New(validator.WithRequiredStructEnabled())
	body := []byte(`{"username":"an","age":151}`)
	b.ReportAllocs()
	for b.Loop() {
		var u user
		if err := json.Unmarshal(body, &u); err != nil {
			b.Fatal(err)
		}
		if err := v.Struct(&u); err == nil {
			b.Fatal("no error")
		}
	}
}

func BenchmarkBinderInvalid(b *testing.B) {
	type in struct{ Body user }
	bd, err := bind.Compile(reflect.TypeFor[in](), nil)
	if err != nil {
		b.Fatal(err)
	}
	src := &bind.Values{RawBody: []byte(`{"username":"an","age":151}`), ContentType: "application/json"}
	b.ReportAllocs()
	for b.Loop() {
		var v in
		if err := bd.Bind(src, &v); err == nil {
			b.Fatal("no error")
		}
	}
}

// TestBinarySize builds three Lambda programs that decode and check the
// same body (testdata/size/*) as they are deployed — linux/arm64,
// CGO_ENABLED=0, -trimpath, -ldflags "-s -w" — and reports what the
// binder and go-playground/validator add to a net/http + encoding/json
// program. It only measures; run with -v to see the figures.
func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three programs")
	}
	dir := t.TempDir()
	size := func(name string) (file, loaded int64) {
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./testdata/size/"+name)
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", name, err, b)
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		// The file rounds segments to pages; the sections loaded in
		// memory (code, data, tables) are the finer measure.
		f, err := elf.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, s := range f.Sections {
			if s.Flags&elf.SHF_ALLOC != 0 && s.Type != elf.SHT_NOBITS {
				loaded += int64(s.Size)
			}
		}
		return fi.Size(), loaded
	}
	baseF, baseL := size("base")
	bndF, bndL := size("binder")
	pgF, pgL := size("playground")
	t.Logf("base (net/http + encoding/json + regexp): file %d bytes, sections %d", baseF, baseL)
	t.Logf("binder:                                   file %+d bytes, sections %+d", bndF-baseF, bndL-baseL)
	t.Logf("go-playground/validator:                  file %+d bytes, sections %+d", pgF-baseF, pgL-baseL)
	if 10*(bndL-baseL) >= pgL-baseL {
		t.Errorf("the binder adds %d bytes, go-playground/validator %d: want less than a tenth", bndL-baseL, pgL-baseL)
	}
}
