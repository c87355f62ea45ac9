//go:build !unix

package runtimeapi

import "os"

// processGone reports whether pid no longer runs, as far as can be told
// without kill(2): a process that can no longer be opened is gone.
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	p.Release()
	return false
}
