//go:build unix

package moto

import (
	"errors"
	"os/exec"
	"syscall"
)

// setProcAttr puts the server in its own process group, so that stopping
// it also stops anything it started, and (on Linux) asks the kernel to kill
// it if the test binary dies without cleaning up.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(cmd.SysProcAttr)
}

// terminate sends SIGTERM to the server's process group.
func terminate(cmd *exec.Cmd) error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }

// kill sends SIGKILL to the server's process group.
func kill(cmd *exec.Cmd) error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

// isGone reports whether err says the process (group) no longer exists.
func isGone(err error) bool { return errors.Is(err, syscall.ESRCH) }
