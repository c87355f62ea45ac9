// Package jsonschema builds JSON Schemas from Go types, reading the same
// tags as package bind, so that an API's description says exactly what
// its binder accepts: whatever a Binder accepts, the schema of its type
// accepts too (the schema may be looser where JSON Schema cannot say what
// a rule does, e.g. go-playground/validator's required on a number).
//
// A Registry builds draft 2020-12 schemas, the dialect of OpenAPI 3.1,
// and keeps each named struct type as a component:
//
//	r := jsonschema.NewRegistry(jsonschema.WithCache(cache))
//	s, _ := r.Schema(reflect.TypeFor[User]()) // {"$ref":"#/components/schemas/User"}
//	r.Components()                            // {"User": {"type":"object",...}}
//	r.Parameters(binder)                      // path, query and header parameters
//	r.RequestBody(binder)                     // the Body field's schema
//
// Structs are objects whose properties are their JSON fields, required
// when validate says required, closed (additionalProperties false) as the
// binder refuses unknown fields, unless a blank field is tagged
// additionalProperties:"true". Pointers admit null. Slices and arrays are
// arrays, maps objects with additionalProperties, time.Time a date-time
// string, []byte a base64 string, encoding.TextUnmarshaler types strings,
// json.RawMessage and interfaces any value. Rules become keywords:
// minLength, maxLength, minimum, maximum, exclusiveMinimum,
// exclusiveMaximum, minItems, maxItems, minProperties, maxProperties,
// enum, pattern and format (email, uuid, uri, date, date-time). Component
// names are the type names, generic arguments spelled out (Page[User] is
// PageUser), qualified by package then numbered when two types share a
// name, and always alphanumeric, as API Gateway requires of model names.
// (The OpenAPI 3.0 and Swagger 2.0 documents API Gateway imports rewrite
// these schemas into the draft 4 models it accepts: package
// internal/swagger.)
package jsonschema
