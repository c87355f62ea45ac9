package bind

import (
	"reflect"
	"strings"
	"testing"
)

// A Cache shares codecs between binders, and a failed Compile leaves it
// usable.
func TestCacheSharesAndRecovers(t *testing.T) {
	type bad struct {
		Body struct {
			User jsonUser `json:"user"`
			Ch   chan int `json:"ch"`
		}
	}
	type good struct {
		ID   string `path:"id"`
		Body struct {
			User jsonUser `json:"user"`
		}
	}
	k := NewCache()
	if _, err := k.Compile(reflect.TypeFor[bad](), nil); err == nil || !strings.Contains(err.Error(), "type chan int cannot be decoded") {
		t.Fatalf("Compile(bad) = %v", err)
	}
	for range 2 {
		b, err := k.Compile(reflect.TypeFor[good](), []string{"id"})
		if err != nil {
			t.Fatal(err)
		}
		var in good
		err = b.Bind(request(map[string]string{"id": "1"}, nil, nil, `{"user":{"username":"x"}}`), &in)
		if err == nil || err.Error() != "body.user.username must be at least 3 characters" {
			t.Errorf("Bind = %v", err)
		}
	}
	s1, _ := k.StructOf(reflect.TypeFor[jsonUser]())
	s2, _ := k.StructOf(reflect.TypeFor[jsonUser]())
	if s1 != s2 {
		t.Error("StructOf is not remembered")
	}
}

func FuzzParseRules(f *testing.F) {
	for _, s := range []string{"required,min=3", "dive,oneof=a 'b c'", "pattern=^a,b$", "min=1,max=0", "datetime=2006", "gt=-1.5e3", "len=0x2C"} {
		f.Add(s)
	}
	types := []reflect.Type{reflect.TypeFor[string](), reflect.TypeFor[int8](), reflect.TypeFor[float32](), reflect.TypeFor[[]string](),
		reflect.TypeFor[map[string][]int](), reflect.TypeFor[*uint](), reflect.TypeFor[bool]()}
	f.Fuzz(func(t *testing.T, tag string) {
		for _, typ := range types {
			r, err := ParseRules(tag, typ)
			if err != nil || r == nil {
				continue
			}
			if _, err := compileChecker(r, typ, place{t: typ}); err != nil {
				t.Fatalf("ParseRules(%q, %s) accepted rules the checker refuses: %v", tag, typ, err)
			}
			ZeroPasses(r, typ)
		}
	})
}
