// The default binary types are a function's result, not a variable.
//
// want: cannot assign to chalice.DefaultBinaryTypes
package main

import (
	"github.com/gochalice/chalice"
)

func main() {
	chalice.DefaultBinaryTypes = nil
}
