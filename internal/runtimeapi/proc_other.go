//go:build !unix

package runtimeapi

import (
	"errors"
	"os"
	"os/exec"
)

func setProcAttr(*exec.Cmd) {}

// signalGroup kills the process; without Unix process groups there is no
// graceful stop and no group.
func signalGroup(p *os.Process, _ bool) error {
	err := p.Kill()
	if errors.Is(err, os.ErrProcessDone) {
		err = nil
	}
	return err
}

func isExecutable(fi os.FileInfo) bool { return fi.Mode().IsRegular() }
