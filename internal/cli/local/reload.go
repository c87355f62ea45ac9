package local

import (
	"os"
	"strings"
)

// buildEnv is the go tool environment of local builds, which run on every
// save. Unless GOFLAGS already sets them, they leave out DWARF debug
// information (-ldflags=-w: the linker's slowest output, used only by
// debuggers; symbols, and so panics' stack traces, are kept) and VCS
// stamping (-buildvcs=false: no git commands per build).
func buildEnv() []string {
	return []string{"GOFLAGS=" + localGOFLAGS(os.Getenv("GOFLAGS"))}
}

// localGOFLAGS adds the local build flags to goflags, the user's GOFLAGS,
// except those it already mentions.
func localGOFLAGS(goflags string) string {
	flags := strings.Fields(goflags)
	has := func(name string) bool {
		for _, f := range flags {
			f = strings.TrimLeft(f, "-")
			if f == name || strings.HasPrefix(f, name+"=") {
				return true
			}
		}
		return false
	}
	if !has("ldflags") {
		flags = append(flags, "-ldflags=-w")
	}
	if !has("buildvcs") {
		flags = append(flags, "-buildvcs=false")
	}
	return strings.Join(flags, " ")
}
