//go:build unix

package runtimeapi

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// setProcAttr puts the worker in its own process group so that it and
// anything it spawns can be signalled together.
func setProcAttr(cmd *exec.Cmd) {
	attr := &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(attr)
	cmd.SysProcAttr = attr
}

// signalGroup sends SIGTERM (graceful) or SIGKILL to the process group led
// by p, falling back to p alone. A group that no longer exists is not an
// error.
func signalGroup(p *os.Process, graceful bool) error {
	sig := syscall.SIGKILL
	if graceful {
		sig = syscall.SIGTERM
	}
	err := syscall.Kill(-p.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		err = p.Signal(sig)
		if errors.Is(err, os.ErrProcessDone) {
			err = nil
		}
	}
	return err
}

func isExecutable(fi os.FileInfo) bool { return fi.Mode().Perm()&0o111 != 0 }
