// Command initfail fails during init, before polling the Runtime API, the
// way an app with a missing configuration value would.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "initfail: required setting TABLE_NAME is not set")
	os.Exit(3)
}
