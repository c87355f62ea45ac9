//go:build !unix

package moto

import (
	"errors"
	"os"
	"os/exec"
)

func setProcAttr(*exec.Cmd) {}

// terminate has no SIGTERM to send outside Unix; it kills the process.
func terminate(cmd *exec.Cmd) error { return cmd.Process.Kill() }

func kill(cmd *exec.Cmd) error { return cmd.Process.Kill() }

func isGone(err error) bool { return errors.Is(err, os.ErrProcessDone) }
