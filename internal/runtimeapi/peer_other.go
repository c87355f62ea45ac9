//go:build !linux

package runtimeapi

import "net/netip"

// checkPeer admits every connection: outside Linux there is no cheap,
// unprivileged way to map a loopback connection to its process (no
// /proc/net/tcp), so the Runtime API is protected only by listening on
// 127.0.0.1 on a random port per worker. Any local process that finds the
// port can poll /next or post responses there.
func checkPeer(local, remote netip.AddrPort, pid int) error { return nil }
