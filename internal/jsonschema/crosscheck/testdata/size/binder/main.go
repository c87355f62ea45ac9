// Command binder is base with the body decoded and checked by the binder.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"

	"github.com/gochalice/chalice/internal/bind"
)

type user struct {
	Username string `json:"username" validate:"required,min=3,max=32"`
	Age      int    `json:"age" validate:"min=0,max=150"`
}

type in struct{ Body user }

var name = regexp.MustCompile(`^[a-z]+$`)

func main() {
	b, err := bind.Compile(reflect.TypeFor[in](), nil)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(os.Stdin)
	var v in
	if err := b.Bind(&bind.Values{RawBody: body, ContentType: "application/json"}, &v); err != nil {
		fmt.Println(http.StatusBadRequest, err)
		return
	}
	fmt.Println(v.Body, name.MatchString(v.Body.Username))
}
