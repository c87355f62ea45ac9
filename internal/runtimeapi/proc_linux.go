package runtimeapi

import "syscall"

// setParentDeathSignal makes the kernel kill the worker if the parent dies
// without closing the pool (e.g. gochalice local is killed with SIGKILL).
func setParentDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
