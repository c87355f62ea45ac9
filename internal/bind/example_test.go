package bind_test

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/gochalice/chalice/internal/bind"
)

type Address struct {
	Zip string `json:"zip" validate:"required,len=5"`
}

type CreateUserIn struct {
	Org   string `path:"org"`
	Limit int    `query:"limit" default:"20" validate:"min=1,max=100"`
	Body  struct {
		Username string   `json:"username" validate:"required,min=3"`
		Email    string   `json:"email" validate:"required,email"`
		Address  *Address `json:"address"`
	}
}

func Example() {
	b, err := bind.Compile(reflect.TypeFor[CreateUserIn](), []string{"org"})
	if err != nil {
		panic(err)
	}
	var in CreateUserIn
	err = b.Bind(&bind.Values{
		Path:        map[string]string{"org": "acme"},
		Query:       map[string][]string{"limit": {"500"}},
		RawBody:     []byte(`{"username":"al","email":"al@example","address":{"zip":12345}}`),
		ContentType: "application/json",
	}, &in)
	fmt.Println(err)
	var be *bind.Error
	if errors.As(err, &be) {
		for _, f := range be.Fields {
			fmt.Printf("%s (%s): %s\n", f.Field, f.In, f.Reason)
		}
	}
	// Output:
	// query.limit must be at most 100; body.address.zip must be a string; body.username must be at least 3 characters; body.email must be an email address
	// query.limit (query): must be at most 100
	// body.address.zip (body): must be a string
	// body.username (body): must be at least 3 characters
	// body.email (body): must be an email address
}

func ExampleCompile() {
	type in struct {
		ID   string `path:"id"`
		Page int    `query:"page" validate:"min=1,max=abc"`
	}
	_, err := bind.Compile(reflect.TypeFor[in](), []string{"user"})
	fmt.Println(err)
	// Output:
	// bind: bind_test.in field ID (path:"id") binds path parameter "id", which the route template does not have (it has {user})
	// bind: bind_test.in field Page (query:"page"): validate tag: rule max=abc: "abc" is not a number
	// bind: bind_test.in has no field for path parameter {user}; add one tagged path:"user"
}
