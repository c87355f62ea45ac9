// Command base decodes a JSON body from stdin with encoding/json, next to
// net/http and regexp, which every gochalice application links already.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
)

type user struct {
	Username string `json:"username" validate:"required,min=3,max=32"`
	Age      int    `json:"age" validate:"min=0,max=150"`
}

var name = regexp.MustCompile(`^[a-z]+$`)

func main() {
	body, _ := io.ReadAll(os.Stdin)
	var u user
	if err := json.Unmarshal(body, &u); err != nil {
		fmt.Println(http.StatusBadRequest, err)
		return
	}
	fmt.Println(u, name.MatchString(u.Username))
}
