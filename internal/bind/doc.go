// Package bind fills the input struct of a typed route from a request
// and checks it: path, query and header parameters by tag, the JSON body
// into the field named Body, then the validate rules of every field —
// reporting every problem at once, as one error naming each field.
//
// An input struct reads like the request it describes:
//
//	type GetUserIn struct {
//		Username string   `path:"username" validate:"min=3,max=32"`
//		Limit    int      `query:"limit" default:"20" validate:"min=1,max=100"`
//		Tags     []string `query:"tag" validate:"dive,oneof=a b c"`
//		Trace    string   `header:"X-Trace-Id" validate:"omitempty,uuid"`
//		Body     struct {
//			Email string `json:"email" validate:"required,email"`
//		}
//	}
//
// Compile checks the struct once, at start-up, against the route
// template's parameters: a path field the template lacks, a template
// parameter no field binds, a field type that cannot be bound and a bad
// tag are all definition errors naming the type, the field and the tag.
// The Binder it returns does no reflection per request beyond what
// encoding.TextUnmarshaler and json.Unmarshaler types need, and
// allocates only the values it stores (strings, slices, maps, pointers).
//
//	b, err := bind.Compile(reflect.TypeFor[GetUserIn](), []string{"username"})
//	...
//	var in GetUserIn
//	err = b.Bind(src, &in) // *bind.Error: "query.limit must be at most 100; body.email is required"
//
// An application registering many routes holds one Cache and compiles
// each route with Cache.Compile: a struct type met by several routes, and
// by the schema registry (jsonschema.WithCache), is read once.
//
// # Parameters
//
// A field tagged path:"name", query:"name" or header:"Name" holds a
// parameter: a string, a bool ("true" or "false"), an integer or float of
// any size, a time.Time (RFC 3339), any type implementing
// encoding.TextUnmarshaler, a pointer to one of those (nil when absent),
// or, for query and header parameters, a slice of them (every repeated
// value, in order). A single-valued parameter given several times takes
// the last value, as Chalice does. Header names ignore case. A
// default:"..." tag gives an absent query or header parameter its value;
// it is parsed and checked at Compile. Embedded structs (by value) share
// their parameter fields, e.g. a common pagination struct.
//
// # The body
//
// The field named Body holds the JSON body: any type encoding/json can
// decode (a struct, slice, map, string...). The decoder follows
// encoding/json with four differences that keep it in step with the JSON
// Schema generated from the same type: field names match exactly (not
// regardless of case); an unknown field is an error (unless the struct
// has a blank field tagged additionalProperties:"true"); null is taken
// only by pointers, interfaces and types that decode themselves; a
// json.Number takes only a number and a []byte only a base64 string. A
// body of the wrong type is reported per field ("body.age must be an
// integer") and the rest of the body is still read; a body that is not
// JSON is one error. An empty body leaves Body at its zero value; the
// rule required on Body demands one.
//
// # Rules
//
// The validate tag uses go-playground/validator's names and meaning for
// required, omitempty, min, max, gte, lte, gt, lt, len, oneof, email,
// uuid, url, datetime and dive, and adds pattern= (a Go regular
// expression, which takes the rest of the tag). ParseRules reads a tag;
// docs/TYPED.md lists every rule, its message and its JSON Schema.
// Where this package differs from go-playground/validator: the rules of
// a struct's fields apply wherever the struct is, in slices and maps
// too, without dive; a nil pointer skips every rule but required; and
// required on a struct field is refused (make it a pointer).
package bind
