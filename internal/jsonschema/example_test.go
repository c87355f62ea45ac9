package jsonschema_test

import (
	"fmt"
	"reflect"

	"github.com/gochalice/chalice/internal/jsonschema"
)

type Pet struct {
	Name string   `json:"name" validate:"required,max=40"`
	Kind string   `json:"kind" validate:"oneof=dog cat fish"`
	Age  *int     `json:"age,omitempty" validate:"gte=0"`
	Tags []string `json:"tags,omitempty" validate:"max=5"`
}

func Example() {
	r := jsonschema.NewRegistry()
	s, err := r.Schema(reflect.TypeFor[[]Pet]())
	if err != nil {
		panic(err)
	}
	fmt.Println(string(s))
	fmt.Println(string(r.Components()["Pet"]))
	// Output:
	// {"type":"array","items":{"$ref":"#/components/schemas/Pet"}}
	// {"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":40},"kind":{"type":"string","enum":["dog","cat","fish"]},"age":{"type":["integer","null"],"format":"int64","minimum":0},"tags":{"type":"array","items":{"type":"string"},"maxItems":5}},"required":["name"],"additionalProperties":false}
}
