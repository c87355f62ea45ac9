// Command gochalice builds, runs, packages and deploys gochalice apps.
package main

import (
	"os"

	"github.com/gochalice/chalice/internal/cli/commands"
)

func main() { os.Exit(commands.Main(os.Args[1:])) }
