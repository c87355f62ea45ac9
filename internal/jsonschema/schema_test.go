package jsonschema

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/bind"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

type Address struct {
	Street string `json:"street,omitempty" doc:"street and number"`
	Zip    string `json:"zip" validate:"required,len=5,pattern=^[0-9]+$"`
}

type Role string

type User struct {
	Username string            `json:"username" validate:"required,min=3,max=32,pattern=^[a-z][a-z0-9_]*$" doc:"the login name"`
	Age      int               `json:"age,omitempty" validate:"gte=0,lt=150"`
	Email    string            `json:"email,omitempty" validate:"omitempty,email"`
	Website  *string           `json:"website" validate:"omitempty,url"`
	Role     Role              `json:"role" validate:"oneof=admin member 'read only'"`
	Level    *int8             `json:"level,omitempty" validate:"oneof=1 2 3"`
	Score    float32           `json:"score" validate:"gt=0,lte=100"`
	Address  *Address          `json:"address,omitempty"`
	Home     Address           `json:"home"`
	Tags     []string          `json:"tags" validate:"max=5,dive,min=1,max=10"`
	Labels   map[string]string `json:"labels" validate:"max=10,dive,oneof=a b"`
	Counts   map[uint16]int64  `json:"counts"`
	Born     time.Time         `json:"born"`
	Birthday string            `json:"birthday" validate:"datetime=2006-01-02"`
	ID       string            `json:"id" validate:"uuid"`
	IP       netip.Addr        `json:"ip"`
	Photo    []byte            `json:"photo,omitempty"`
	Extra    json.RawMessage   `json:"extra,omitempty"`
	Any      any               `json:"any"`
	Number   json.Number       `json:"number"`
	Big      uint64            `json:"big,string"`
	Flags    [3]bool           `json:"flags"`
	Friends  []*User           `json:"friends,omitempty"`
	Note     struct {
		Text string `json:"text" validate:"required"`
	} `json:"note"`
	Active  bool   `json:"active" validate:"required"`
	private int    //lint:ignore U1000 unexported fields have no schema
	Skipped string `json:"-"`
}

type Page[T any] struct {
	Items []T     `json:"items" validate:"required"`
	Next  *string `json:"next,omitempty"`
}

type Open struct {
	_    struct{} `additionalProperties:"true"`
	Name string   `json:"name"`
}

type Base struct {
	ID      string `json:"id"`
	Created time.Time
}

type WithEmbedded struct {
	Base
	Name string `json:"name"`
	ID   int    `json:"id"` // hides Base.ID
}

type Tree struct {
	Value    int    `json:"value"`
	Children []Tree `json:"children,omitempty"`
	Parent   *Tree  `json:"parent,omitempty"`
}

type listIn struct {
	Org    string      `path:"org" doc:"the organisation"`
	Limit  int         `query:"limit" default:"20" validate:"min=1,max=100"`
	Ratio  *float64    `query:"ratio" default:"0.5" validate:"gte=0,lte=1"`
	Since  *time.Time  `query:"since"`
	IDs    []string    `query:"id" validate:"max=10,dive,uuid"`
	Sort   string      `query:"sort" validate:"required,oneof=name age"`
	ReqID  string      `header:"X-Request-Id" validate:"omitempty,uuid"`
	Client netip.Addr  `header:"X-Client-IP"`
	Body   *Page[User] `validate:"required" doc:"the users to add"`
}

// golden compares got with testdata/name.json, or rewrites it with
// -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", path, b.Bytes())
	}
}

func TestSchemaGolden(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
	}{
		{"user", reflect.TypeFor[User]()},
		{"page", reflect.TypeFor[Page[User]]()},
		{"pointer", reflect.TypeFor[*Address]()},
		{"slice", reflect.TypeFor[[]Address]()},
		{"map", reflect.TypeFor[map[string][]int]()},
		{"open", reflect.TypeFor[Open]()},
		{"embedded", reflect.TypeFor[WithEmbedded]()},
		{"tree", reflect.TypeFor[Tree]()},
		{"anonymous", reflect.TypeFor[struct {
			A string `json:"a" validate:"required"`
			B []struct {
				C int `json:"c" validate:"min=1"`
			} `json:"b"`
		}]()},
		{"scalars", reflect.TypeFor[struct {
			I   int     `json:"i"`
			I8  int8    `json:"i8"`
			I16 int16   `json:"i16"`
			I32 int32   `json:"i32"`
			U   uint    `json:"u"`
			U8  uint8   `json:"u8"`
			U32 uint32  `json:"u32"`
			F   float64 `json:"f"`
			S   string  `json:"s,omitempty" validate:"omitempty,min=2"`
			N   int     `json:"n" validate:"omitempty,oneof=5 6"`
		}]()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry()
			s, err := r.Schema(tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, map[string]any{"schema": s, "components": r.Components()})
		})
	}
}

func TestParametersAndBodyGolden(t *testing.T) {
	b, err := bind.Compile(reflect.TypeFor[listIn](), []string{"org"})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRegistry()
	ps, err := r.Parameters(b)
	if err != nil {
		t.Fatal(err)
	}
	body, required, ok, err := r.RequestBody(b)
	if err != nil || !ok || !required {
		t.Fatalf("RequestBody = %s, %v, %v, %v", body, required, ok, err)
	}
	golden(t, "operation", map[string]any{"parameters": ps, "body": body, "components": r.Components()})

	b2, err := bind.Compile(reflect.TypeFor[struct {
		ID string `path:"id"`
	}](), []string{"id"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := r.RequestBody(b2); ok || err != nil {
		t.Errorf("RequestBody without a Body field = %v, %v", ok, err)
	}
}

func TestComponentNames(t *testing.T) {
	type Pair[K comparable, V any] struct {
		K K `json:"k"`
		V V `json:"v"`
	}
	r := NewRegistry()
	mustRef := func(t *testing.T, typ reflect.Type, want string) {
		t.Helper()
		s, err := r.Schema(typ)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(s); got != `{"$ref":"#/components/schemas/`+want+`"}` {
			t.Errorf("Schema(%s) = %s, want a $ref to %s", typ, got, want)
		}
	}
	mustRef(t, reflect.TypeFor[Address](), "Address")
	mustRef(t, reflect.TypeFor[Address](), "Address") // the same type keeps its name
	mustRef(t, reflect.TypeFor[Page[Address]](), "PageAddress")
	mustRef(t, reflect.TypeFor[Page[[]int]](), "PageListInt")
	mustRef(t, reflect.TypeFor[Page[map[string]Address]](), "PageMapStringAddress")
	mustRef(t, reflect.TypeFor[Pair[string, *Address]](), "PairStringAddress")
	{
		type Address struct { // another type of the same name: qualified by package
			Line string `json:"line"`
		}
		mustRef(t, reflect.TypeFor[Address](), "JsonschemaAddress")
	}
	{
		type Address struct{ X int }
		mustRef(t, reflect.TypeFor[Address](), "JsonschemaAddress2")
	}
	for name := range r.Components() {
		for _, c := range name {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				t.Errorf("component name %q is not alphanumeric (API Gateway model names must be)", name)
			}
		}
	}
}

func TestSchemaErrors(t *testing.T) {
	type bad struct {
		Ch chan int `json:"ch"`
	}
	type holder struct {
		OK  Address `json:"ok"`
		Bad bad     `json:"bad"`
	}
	tests := []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeFor[holder](), "jsonschema: field jsonschema.bad.Ch: type chan int has no JSON form"},
		{reflect.TypeFor[func()](), "type func() has no JSON form"},
		{reflect.TypeFor[map[[2]int]string](), "map key type [2]int has no JSON form"},
		{reflect.TypeFor[struct {
			N int `json:"n" validate:"min=x"`
		}](), `field struct.N (json "n"): rule min=x: "x" is not a number`},
	}
	for _, tt := range tests {
		r := NewRegistry()
		_, err := r.Schema(tt.typ)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Schema(%s) error = %v, want %q", tt.typ, err, tt.want)
		}
		if len(r.Components()) != 0 {
			t.Errorf("Schema(%s) failed but left components %v", tt.typ, slices.Collect(mapsKeys(r.Components())))
		}
	}
	// A failure does not disturb what the registry already holds.
	r := NewRegistry()
	if _, err := r.Schema(reflect.TypeFor[Address]()); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Schema(reflect.TypeFor[holder]()); err == nil {
		t.Fatal("no error")
	}
	if got := slices.Sorted(mapsKeys(r.Components())); !slices.Equal(got, []string{"Address"}) {
		t.Errorf("components after a failure = %v", got)
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "\n\r\t\x00\x1f", "é😀", "a\xffb", "<&>", "\u2028"} {
		got := jsonString(s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("jsonString(%q) = %s: %v", s, got, err)
		}
		want, _ := json.Marshal(s)
		if err := json.Unmarshal(want, &s); err != nil {
			t.Fatal(err)
		}
		if back != s {
			t.Errorf("jsonString round trip: %q, want %q", back, s)
		}
	}
}
