// Command playground is base with the body checked by
// go-playground/validator.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"

	"github.com/go-playground/validator/v10"
)

type user struct {
	Username string `json:"username" validate:"required,min=3,max=32"`
	Age      int    `json:"age" validate:"min=0,max=150"`
}

var name = regexp.MustCompile(`^[a-z]+$`)

func main() {
	v := validator.New(validator.WithRequiredStructEnabled())
	body, _ := io.ReadAll(os.Stdin)
	var u user
	if err := json.Unmarshal(body, &u); err != nil {
		fmt.Println(http.StatusBadRequest, err)
		return
	}
	if err := v.Struct(&u); err != nil {
		fmt.Println(http.StatusBadRequest, err)
		return
	}
	fmt.Println(u, name.MatchString(u.Username))
}
