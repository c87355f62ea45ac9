package bind

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Field is a field of a struct as JSON sees it: encoding/json's rules
// for names, json tags and fields promoted from embedded structs.
type Field struct {
	Name      string       // JSON name
	GoName    string       // the Go field name
	Type      reflect.Type // the Go field type
	Index     []int        // for reflect.Value.FieldByIndex
	OmitEmpty bool         // json:",omitempty" or ",omitzero"
	Quoted    bool         // json:",string": the value is a JSON string holding the literal
	Doc       string       // the doc:"..." tag
	Rules     *Rules       // the validate tag, nil when there is none

	// viaUnexportedPointer is set when an embedded pointer to an unexported
	// struct type lies on the way to the field: encoding/json cannot
	// allocate it, so the binder refuses the type.
	viaUnexportedPointer bool
}

// Struct describes the JSON form of a struct type.
type Struct struct {
	Type   reflect.Type
	Fields []Field
	// AllowUnknown is set by a blank field tagged
	// `additionalProperties:"true"`: unknown JSON fields are ignored
	// instead of rejected.
	AllowUnknown bool
}

// StructOf returns the JSON form of struct type t, with each field's
// validate tag parsed. A bad tag is an error naming the field.
func StructOf(t reflect.Type) (*Struct, error) { return structOf(t, nil) }

func structOf(t reflect.Type, res map[string]*regexp.Regexp) (*Struct, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s is not a struct type", t)
	}
	s := &Struct{Type: t}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Name == "_" && sf.Tag.Get("additionalProperties") == "true" {
			s.AllowUnknown = true
		}
	}
	fields, err := jsonFields(t)
	if err != nil {
		return nil, err
	}
	for i := range fields {
		f := &fields[i]
		sf := t.FieldByIndex(f.Index)
		r, err := parseRulesWith(sf.Tag.Get("validate"), f.Type, res)
		if err != nil {
			return nil, fmt.Errorf("field %s.%s (json %q): %w", typeName(t), f.GoName, f.Name, err)
		}
		if r != nil && r.Required && structLike(f.Type) {
			return nil, fmt.Errorf("field %s.%s (json %q): rule required cannot fail on a struct of type %s; make the field a pointer (*%s) to require it", typeName(t), f.GoName, f.Name, f.Type, f.Type)
		}
		f.Rules = r
		f.Doc = sf.Tag.Get("doc")
	}
	s.Fields = fields
	return s, nil
}

// structLike reports whether t is a plain struct (not time.Time or a type
// with its own decoding), whose zero value cannot be told from absence.
func structLike(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && ClassOf(t) == ClassStruct
}

func typeName(t reflect.Type) string {
	if t.Name() != "" {
		return t.String()
	}
	return "struct"
}

type candidate struct {
	Field
	tagged bool
}

// jsonFields follows encoding/json's typeFields: a breadth-first walk of
// embedded structs where a shallower field hides a deeper one of the
// same name, and of fields at the same depth a tagged one wins, else
// all of them are dropped.
func jsonFields(t reflect.Type) ([]Field, error) {
	if fields, ok := flatFields(t); ok {
		return fields, nil
	}
	type level struct {
		typ         reflect.Type
		index       []int
		viaUnexpPtr bool
		ro          bool // an unexported embedded field lies on the way
	}
	var fields []candidate
	current, next := []level{}, []level{{typ: t}}
	var count map[reflect.Type]int
	nextCount := map[reflect.Type]int{}
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			for i := range f.typ.NumField() {
				sf := f.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validJSONName(name) {
					name = ""
				}
				index := append(slices.Clone(f.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				quoted := false
				if hasOpt(opts, "string") {
					switch ft.Kind() {
					case reflect.Bool, reflect.String,
						reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64:
						quoted = true
					}
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					tagged := name != ""
					if name == "" {
						name = sf.Name
					}
					c := candidate{Field: Field{
						Name: name, GoName: sf.Name, Type: sf.Type, Index: index,
						OmitEmpty:            hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero"),
						Quoted:               quoted,
						viaUnexportedPointer: f.viaUnexpPtr,
					}, tagged: tagged}
					fields = append(fields, c)
					if count[f.typ] > 1 {
						// Two instances of the embedded type: a duplicate, so the
						// name is dropped below.
						fields = append(fields, c)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					// As reflect (and so encoding/json) sees it: below an
					// unexported field nothing can be set, so an embedded
					// pointer there cannot be allocated.
					ro := f.ro || !sf.IsExported()
					via := f.viaUnexpPtr || (sf.Type.Kind() == reflect.Pointer && ro)
					next = append(next, level{typ: ft, index: index, viaUnexpPtr: via, ro: ro})
				}
			}
		}
	}
	slices.SortStableFunc(fields, func(a, b candidate) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if c := len(a.Index) - len(b.Index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.Index, b.Index)
	})
	var out []Field
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].Name == fields[i].Name {
			j++
		}
		group := fields[i:j]
		if len(group) == 1 || len(group[0].Index) != len(group[1].Index) || group[0].tagged != group[1].tagged {
			out = append(out, group[0].Field)
		}
		i = j
	}
	slices.SortFunc(out, func(a, b Field) int { return slices.Compare(a.Index, b.Index) })
	return out, nil
}

// flatFields is jsonFields for the common struct with no embedded
// fields: no promotion, so only tagged duplicates need resolving.
func flatFields(t reflect.Type) ([]Field, bool) {
	n := t.NumField()
	out := make([]Field, 0, n)
	tagged := make([]bool, 0, n)
	for i := range n {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, false
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !validJSONName(name) {
			name = ""
		}
		isTagged := name != ""
		if name == "" {
			name = sf.Name
		}
		quoted := false
		if opts != "" && hasOpt(opts, "string") {
			ft := sf.Type
			if ft.Name() == "" && ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Bool, reflect.String,
				reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
				reflect.Float32, reflect.Float64:
				quoted = true
			}
		}
		out = append(out, Field{Name: name, GoName: sf.Name, Type: sf.Type, Index: []int{i},
			OmitEmpty: opts != "" && (hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero")), Quoted: quoted})
		tagged = append(tagged, isTagged)
	}
	// Fields of one name at one depth: a single tagged one wins, else
	// none (encoding/json's dominantField).
	var drop []bool
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[i].Name != out[j].Name {
				continue
			}
			if drop == nil {
				drop = make([]bool, len(out))
			}
			drop[i], drop[j] = true, true
		}
	}
	if drop == nil {
		return out, true
	}
	kept := out[:0:0]
	for i, f := range out {
		if !drop[i] {
			kept = append(kept, f)
			continue
		}
		// Keep f if it is the only tagged field of its name.
		only := tagged[i]
		for j, g := range out {
			if j != i && g.Name == f.Name && tagged[j] {
				only = false
			}
		}
		if only {
			kept = append(kept, f)
		}
	}
	return kept, true
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// validJSONName is encoding/json's isValidTag.
func validJSONName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
