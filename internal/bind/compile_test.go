package bind

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

type pageParams struct {
	Limit  int    `query:"limit" default:"20" validate:"min=1,max=100"`
	Cursor string `query:"cursor"`
}

type okInput struct {
	pageParams
	Org    string     `path:"org"`
	Path   string     `path:"path"`
	When   *time.Time `query:"when"`
	IP     netip.Addr `header:"X-Client-IP"`
	Tags   []string   `header:"X-Tag"`
	Ignore chan int   `bind:"-"`
	Body   *struct{ A int }
	secret string       //lint:ignore U1000 unexported fields are not the binder's
	_      struct{}     `additionalProperties:"true"`
	Sizes  []float32    `query:"size"`
	Addrs  []netip.Addr `query:"addr"`
}

func TestCompileAccepts(t *testing.T) {
	b, err := Compile(reflect.TypeFor[okInput](), []string{"org", "path+"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range b.Params() {
		names = append(names, p.In+":"+p.Name)
	}
	want := "query:limit query:cursor path:org path:path query:when header:X-Client-IP header:X-Tag query:size query:addr"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("params = %s\nwant     %s", got, want)
	}
	body, ok := b.Body()
	if !ok || body.Type != reflect.TypeFor[*struct{ A int }]() || body.Required {
		t.Errorf("Body() = %+v, %v", body, ok)
	}
	ps := b.Params()
	if !ps[0].HasDefault || ps[0].Default != "20" || ps[0].Required || !ps[2].Required {
		t.Errorf("limit/org params = %+v / %+v", ps[0], ps[2])
	}
}

// Every definition error names the type, the field and what would be
// valid.
func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name   string
		typ    reflect.Type
		params []string
		want   []string
	}{
		{"not a struct", reflect.TypeFor[*okInput](), nil, []string{"input type *bind.okInput must be a struct type"}},
		{"path field missing from template", reflect.TypeFor[struct {
			ID string `path:"id"`
		}](), []string{"name"}, []string{`field ID (path:"id") binds path parameter "id", which the route template does not have (it has {name})`, `has no field for path parameter {name}; add one tagged path:"name"`}},
		{"template param without field", reflect.TypeFor[struct{}](), []string{"id"}, []string{`has no field for path parameter {id}`}},
		{"pointer path", reflect.TypeFor[struct {
			ID *string `path:"id"`
		}](), []string{"id"}, []string{"a path parameter is always present and single; use string, not *string"}},
		{"slice path", reflect.TypeFor[struct {
			ID []string `path:"id"`
		}](), []string{"id"}, []string{"use string, not []string"}},
		{"map query", reflect.TypeFor[struct {
			M map[string]string `query:"m"`
		}](), nil, []string{`field M (query:"m"): type map[string]string cannot be a query parameter (use string, bool, integers, floats, time.Time, an encoding.TextUnmarshaler, a pointer to one or a slice of them)`}},
		{"struct header", reflect.TypeFor[struct {
			S struct{} `header:"X-S"`
		}](), nil, []string{"type struct {} cannot be a header parameter"}},
		{"slice of pointers", reflect.TypeFor[struct {
			P []*int `query:"p"`
		}](), nil, []string{"type []*int cannot be a query parameter"}},
		{"two tags", reflect.TypeFor[struct {
			X string `query:"x" header:"X"`
		}](), nil, []string{"field X has both query and header tags"}},
		{"untagged field", reflect.TypeFor[struct{ Name string }](), nil, []string{"field Name has no path, query or header tag (only a field named Body holds the JSON body"}},
		{"empty tag name", reflect.TypeFor[struct {
			Limit int `query:""`
		}](), nil, []string{`the query tag needs a name, e.g. query:"limit"`}},
		{"Body with a tag", reflect.TypeFor[struct {
			Body string `query:"body"`
		}](), nil, []string{"the field named Body holds the JSON body and cannot have a query tag"}},
		{"duplicate query", reflect.TypeFor[struct {
			A string `query:"q"`
			B int    `query:"q"`
		}](), nil, []string{`field B (query:"q") binds query parameter "q", as field A does`}},
		{"duplicate header in another case", reflect.TypeFor[struct {
			A string `header:"X-Id"`
			B string `header:"x-id"`
		}](), nil, []string{`binds header parameter "x-id", as field A does`}},
		{"bad validate", reflect.TypeFor[struct {
			Limit int `query:"limit" validate:"min=abc"`
		}](), nil, []string{`field Limit (query:"limit"): validate tag: rule min=abc: "abc" is not a number`}},
		{"default not parsable", reflect.TypeFor[struct {
			Limit int `query:"limit" default:"ten"`
		}](), nil, []string{`field Limit (query:"limit"): default "ten" must be an integer`}},
		{"default breaks a rule", reflect.TypeFor[struct {
			Limit int `query:"limit" default:"0" validate:"min=1"`
		}](), nil, []string{`default "0" must be at least 1`}},
		{"default on path", reflect.TypeFor[struct {
			ID string `path:"id" default:"x"`
		}](), []string{"id"}, []string{"a default applies to query and header parameters of a single value"}},
		{"default on slice", reflect.TypeFor[struct {
			IDs []string `query:"id" default:"x"`
		}](), nil, []string{"a default applies to query and header parameters of a single value"}},
		{"embedded pointer", reflect.TypeFor[struct{ *pageParams }](), nil, []string{"an embedded pointer cannot hold parameters; embed bind.pageParams by value"}},
		{"body chan", reflect.TypeFor[struct{ Body chan int }](), nil, []string{"bind: struct { Body chan int } field Body: type chan int cannot be decoded from JSON"}},
		{"body nested func", reflect.TypeFor[struct {
			Body struct{ F func() }
		}](), nil, []string{"field struct.F: type func() cannot be decoded from JSON"}},
		{"body interface", reflect.TypeFor[struct{ Body error }](), nil, []string{"interface type error cannot be decoded from JSON (only any / interface{} can)"}},
		{"body map key", reflect.TypeFor[struct{ Body map[[2]int]string }](), nil, []string{"map key type [2]int cannot be decoded from JSON (use strings, integers or an encoding.TextUnmarshaler)"}},
		{"nested bad validate", reflect.TypeFor[struct{ Body jsonUser }](), nil, nil}, // valid: guards the next case
		{"nested required struct", reflect.TypeFor[struct {
			Body struct {
				Addr jsonAddr `json:"addr" validate:"required"`
			}
		}](), nil, []string{`field struct.Addr (json "addr"): rule required cannot fail on a struct of type bind.jsonAddr; make the field a pointer (*bind.jsonAddr) to require it`}},
		{"nested unknown rule", reflect.TypeFor[struct {
			Body []struct {
				N int `json:"n" validate:"positive"`
			}
		}](), nil, []string{`field struct.N (json "n"): unknown rule "positive"`}},
		{"string option on a self-decoding type", reflect.TypeFor[struct {
			Body struct {
				N json.Number `json:"n,string"`
			}
		}](), nil, []string{`the json ",string" option is not supported on type json.Number`}},
		{"two errors at once", reflect.TypeFor[struct {
			A string   `query:"a" validate:"nope"`
			B chan int `header:"b"`
		}](), nil, []string{`unknown rule "nope"`, "type chan int cannot be a header parameter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.typ, tt.params)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Compile(%s) = nil error, want %q", tt.typ, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Compile(%s) error:\n%v\nwant it to contain:\n%s", tt.typ, err, w)
				}
			}
		})
	}
}

type embeddedHidden struct{ X int }

func TestCompileRejectsUnexportedEmbeddedPointer(t *testing.T) {
	type body struct {
		*embeddedHidden
	}
	_, err := Compile(reflect.TypeFor[struct{ Body body }](), nil)
	if err == nil || !strings.Contains(err.Error(), "is promoted through an embedded pointer to an unexported struct type") {
		t.Fatalf("err = %v", err)
	}
}

type Hop2 struct{ X int }
type Hop1 struct{ *Hop2 }

type hidden struct{ *Hop2 }

func TestEmbeddedPointers(t *testing.T) {
	// Below an unexported embedded struct, an embedded pointer cannot be
	// allocated (encoding/json fails on it at run time): refused up front.
	if _, err := Compile(reflect.TypeFor[struct{ Body struct{ hidden } }](), nil); err == nil ||
		!strings.Contains(err.Error(), "is promoted through an embedded pointer to an unexported struct type") {
		t.Errorf("Compile through an unexported embedded struct = %v", err)
	}
	// Exported pointers are allocated on the way, as encoding/json does.
	type in struct{ Body struct{ *Hop1 } }
	b, err := Compile(reflect.TypeFor[in](), nil)
	if err != nil {
		t.Fatal(err)
	}
	var v in
	if err := b.Bind(&Values{RawBody: []byte(`{"X":7}`)}, &v); err != nil || v.Body.Hop1 == nil || v.Body.X != 7 {
		t.Fatalf("Bind = %v, %+v", err, v)
	}
	var ref struct{ *Hop1 }
	if err := json.Unmarshal([]byte(`{"X":7}`), &ref); err != nil || ref.X != 7 {
		t.Fatalf("encoding/json: %v", err)
	}
	// Checking does not allocate: a nil embedded pointer holds no values.
	type checked struct {
		Body struct{ *Req }
	}
	b2, err := Compile(reflect.TypeFor[checked](), nil)
	if err != nil {
		t.Fatal(err)
	}
	var c checked
	if err := b2.Bind(&Values{RawBody: []byte(`{}`)}, &c); err == nil || err.Error() != "body.name is required" || c.Body.Req != nil {
		t.Errorf("Bind = %v, %+v", err, c)
	}
}

type Req struct {
	Name string `json:"name" validate:"required"`
}
