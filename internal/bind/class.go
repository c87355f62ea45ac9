package bind

import (
	"encoding"
	"encoding/json"
	"reflect"
	"time"
)

// Class is how a Go type is read from a request and which validation
// rules apply to it. The binder and the JSON Schema generator classify
// types the same way, through ClassOf.
type Class uint8

// The classes, in the order ClassOf tests them.
const (
	ClassInvalid Class = iota // channels, functions, complex numbers, unsafe pointers
	ClassTime                 // time.Time: an RFC 3339 string
	ClassJSON                 // implements json.Unmarshaler (json.RawMessage, custom types): any JSON
	ClassText                 // implements encoding.TextUnmarshaler: a string
	ClassNumber               // json.Number: a JSON number kept as written
	ClassString               // string kinds
	ClassBool                 // bool kinds
	ClassInt                  // signed integer kinds
	ClassUint                 // unsigned integer kinds
	ClassFloat                // float32 and float64 kinds
	ClassBytes                // []byte (a base64 string in JSON)
	ClassSlice                // slices and arrays
	ClassMap                  // maps
	ClassStruct               // structs
	ClassAny                  // interfaces
	ClassPointer              // pointers: optional, the rules apply to what they point to
)

var (
	timeType            = reflect.TypeFor[time.Time]()
	numberType          = reflect.TypeFor[json.Number]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// ClassOf classifies t. As encoding/json does, a type whose pointer
// implements json.Unmarshaler is ClassJSON even when it also implements
// encoding.TextUnmarshaler; time.Time is ClassTime.
func ClassOf(t reflect.Type) Class {
	if t == timeType {
		return ClassTime
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		pt := reflect.PointerTo(t)
		if pt.Implements(jsonUnmarshalerType) {
			return ClassJSON
		}
		if pt.Implements(textUnmarshalerType) {
			return ClassText
		}
	}
	if t == numberType {
		return ClassNumber
	}
	switch t.Kind() {
	case reflect.String:
		return ClassString
	case reflect.Bool:
		return ClassBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ClassInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return ClassUint
	case reflect.Float32, reflect.Float64:
		return ClassFloat
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			pe := reflect.PointerTo(t.Elem())
			if !pe.Implements(jsonUnmarshalerType) && !pe.Implements(textUnmarshalerType) {
				return ClassBytes
			}
		}
		return ClassSlice
	case reflect.Array:
		return ClassSlice
	case reflect.Map:
		return ClassMap
	case reflect.Struct:
		return ClassStruct
	case reflect.Interface:
		return ClassAny
	case reflect.Pointer:
		return ClassPointer
	}
	return ClassInvalid
}

// isText reports whether a parameter of type t is parsed with
// UnmarshalText (time.Time is handled on its own).
func isText(t reflect.Type) bool {
	return t != timeType && t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textUnmarshalerType)
}

func (c Class) String() string {
	switch c {
	case ClassTime:
		return "time"
	case ClassJSON:
		return "custom JSON"
	case ClassText:
		return "text"
	case ClassNumber:
		return "json.Number"
	case ClassString:
		return "string"
	case ClassBool:
		return "bool"
	case ClassInt, ClassUint:
		return "integer"
	case ClassFloat:
		return "number"
	case ClassBytes:
		return "bytes"
	case ClassSlice:
		return "slice"
	case ClassMap:
		return "map"
	case ClassStruct:
		return "struct"
	case ClassAny:
		return "interface"
	case ClassPointer:
		return "pointer"
	}
	return "unsupported"
}

// IntRange returns the smallest and largest value a signed integer type
// holds.
func IntRange(t reflect.Type) (min, max int64) {
	bits := t.Bits()
	return -1 << (bits - 1), 1<<(bits-1) - 1
}

// UintMax returns the largest value an unsigned integer type holds.
func UintMax(t reflect.Type) uint64 {
	return 1<<t.Bits() - 1
}
