package bind

import (
	"encoding/json"
	"reflect"
	"testing"
)

// benchUser is the body of the benchmarks: {"username":"ana","age":30}.
type benchUser struct {
	Username string `json:"username" validate:"required,min=3,max=32"`
	Age      int    `json:"age" validate:"min=0,max=150"`
}

type benchIn struct {
	Org   string `path:"org" validate:"min=2"`
	Limit int    `query:"limit" default:"20" validate:"min=1,max=100"`
	Body  benchUser
}

// benchSource is a Source with no allocation of its own, as the
// application's adapter over a decoded event is.
type benchSource struct {
	org   string
	limit []string
	body  []byte
}

func (s *benchSource) PathParam(name string) (string, bool) {
	if name == "org" {
		return s.org, true
	}
	return "", false
}
func (s *benchSource) QueryValues(name string) []string {
	if name == "limit" {
		return s.limit
	}
	return nil
}
func (s *benchSource) HeaderValues(string) []string { return nil }
func (s *benchSource) BodyBytes() ([]byte, string)  { return s.body, "application/json" }

var benchBody = []byte(`{"username":"ana","age":30}`)

// BenchmarkBind binds two parameters and the small body and checks five
// rules: the per-request cost of a typed route's input.
func BenchmarkBind(b *testing.B) {
	bd, err := Compile(reflect.TypeFor[benchIn](), []string{"org"})
	if err != nil {
		b.Fatal(err)
	}
	src := &benchSource{org: "acme", limit: []string{"50"}, body: benchBody}
	b.ReportAllocs()
	for b.Loop() {
		var in benchIn
		if err := bd.Bind(src, &in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBindBodyOnly decodes and checks the body alone, next to
// BenchmarkUnmarshal.
func BenchmarkBindBodyOnly(b *testing.B) {
	type in struct{ Body benchUser }
	bd, err := Compile(reflect.TypeFor[in](), nil)
	if err != nil {
		b.Fatal(err)
	}
	src := &benchSource{body: benchBody}
	b.ReportAllocs()
	for b.Loop() {
		var v in
		if err := bd.Bind(src, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshal is encoding/json into the same struct, without
// parameters or checks: the floor a binder built on it would start from.
func BenchmarkUnmarshal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var u benchUser
		if err := json.Unmarshal(benchBody, &u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBindInvalid is a request failing three rules: the cost of a
// 400.
func BenchmarkBindInvalid(b *testing.B) {
	bd, err := Compile(reflect.TypeFor[benchIn](), []string{"org"})
	if err != nil {
		b.Fatal(err)
	}
	src := &benchSource{org: "a", limit: []string{"500"}, body: []byte(`{"username":"an","age":30}`)}
	b.ReportAllocs()
	for b.Loop() {
		var in benchIn
		if err := bd.Bind(src, &in); err == nil {
			b.Fatal("no error")
		}
	}
}
