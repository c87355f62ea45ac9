package bind

import (
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"testing"
)

type dupInner struct {
	A int `json:"a"`
	B int
	C int `json:"c"`
}

type DupExported struct {
	A int `json:"a"`
	B int
	C int `json:"c"`
}

// DupOther shares the names of DupExported.
type DupOther struct {
	B int
	C int `json:"c"`
}

// Field resolution follows encoding/json: the names it marshals are the
// names StructOf lists, in the same order.
func TestStructOfMatchesEncodingJSON(t *testing.T) {
	intT := reflect.TypeFor[int]()
	field := func(name, tag string) reflect.StructField {
		return reflect.StructField{Name: name, Type: intT, Tag: reflect.StructTag(tag)}
	}
	// Built with reflect.StructOf: go vet rightly flags repeated json
	// names in source, and these repeat them on purpose.
	types := []reflect.Type{
		reflect.StructOf([]reflect.StructField{
			field("A", `json:"x"`), field("B", `json:"x"`), // two tagged: both dropped
			field("X", ``), field("C", `json:"c"`), field("D", `json:"C"`),
			field("E", `json:"-"`), field("F", `json:"-,"`), field("G", `json:",omitempty"`),
		}),
		reflect.StructOf([]reflect.StructField{field("A", `json:"n"`), field("B", `json:"n"`), field("C", `json:"n"`)}),
		reflect.StructOf([]reflect.StructField{field("A", ``), field("B", `json:"A"`)}), // tagged beats untagged
		reflect.StructOf([]reflect.StructField{
			{Name: "DupExported", Type: reflect.TypeFor[DupExported](), Anonymous: true},
			{Name: "DupOther", Type: reflect.TypeFor[DupOther](), Anonymous: true},
			field("B", `json:"b"`),
		}),
		reflect.TypeFor[struct {
			*DupExported
			A string `json:"a"` // shallower wins
		}](),
		reflect.TypeFor[struct {
			dupInner `json:"inner"`
			Z        int `json:"z,string"`
		}](),
	}
	for i, typ := range types {
		s, err := StructOf(typ)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range s.Fields {
			got = append(got, f.Name)
		}
		// Fill every field reachable so that encoding/json writes all names.
		val := reflect.New(typ).Elem()
		for j := range val.NumField() {
			f := val.Field(j)
			switch {
			case !f.CanSet():
			case f.Kind() == reflect.Pointer:
				f.Set(reflect.New(f.Type().Elem()))
			case f.Kind() == reflect.Int:
				f.SetInt(1)
			}
		}
		b, err := json.Marshal(val.Interface())
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		dec := json.NewDecoder(bytesReader(b))
		dec.Token() // {
		for dec.More() {
			k, _ := dec.Token()
			want = append(want, k.(string))
			var skip json.RawMessage
			dec.Decode(&skip)
		}
		// encoding/json writes the inner struct of a tagged embedded field
		// as one object; compare names only.
		if !slices.Equal(got, want) {
			t.Errorf("type %d: StructOf names %v, encoding/json writes %v", i, got, want)
		}
	}
}

func bytesReader(b []byte) *bytesReaderT { return &bytesReaderT{b: b} }

type bytesReaderT struct{ b []byte }

func (r *bytesReaderT) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}
