package runtimeapi

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"syscall"
)

// checkPeer admits a loopback TCP connection whose client end is a socket
// that process pid holds open. The client socket is the one whose local
// address is remote and whose peer is local (as seen by this server). Its
// inode is asked of the kernel with one exact sock_diag lookup over
// netlink or, if that fails, found by scanning this network namespace's
// socket tables (/proc/self/net/tcp, tcp6 for a dual-stack client socket),
// which is slower: the kernel walks its whole connection hash table to
// print them. The inode is then looked for among pid's file descriptors,
// which link to "socket:[inode]".
func checkPeer(local, remote netip.AddrPort, pid int) error {
	if !remote.IsValid() || !local.IsValid() {
		return errors.New("not a TCP connection")
	}
	inode, err := diagInode(remote, local)
	if err != nil {
		inode, err = socketInode(remote, local)
	}
	if err != nil {
		return fmt.Errorf("connection from %v: %w", remote, err)
	}
	held, err := holdsSocket(pid, inode)
	switch {
	case err != nil:
		return fmt.Errorf("connection from %v: %w", remote, err)
	case !held:
		return fmt.Errorf("connection from %v was not opened by the worker process %d", remote, pid)
	}
	return nil
}

// Netlink sock_diag (linux/sock_diag.h, linux/inet_diag.h) values that
// package syscall lacks.
const (
	sockDiagByFamily = 20 // SOCK_DIAG_BY_FAMILY
	inetDiagReqLen   = 56 // sizeof(struct inet_diag_req_v2)
	inetDiagMsgLen   = 72 // sizeof(struct inet_diag_msg)
	inetDiagInodeAt  = 68 // offsetof(struct inet_diag_msg, idiag_inode)
)

// diagInode asks the kernel for the inode of the IPv4 TCP socket (or
// dual-stack socket connected over IPv4) whose local address is src and
// remote address dst: one NETLINK_SOCK_DIAG request for exactly that
// socket, answered without walking the socket tables.
func diagInode(src, dst netip.AddrPort) ([]byte, error) {
	if !src.Addr().Unmap().Is4() || !dst.Addr().Unmap().Is4() {
		return nil, errors.New("sock_diag: not an IPv4 connection")
	}
	fd, err := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, syscall.NETLINK_INET_DIAG)
	if err != nil {
		return nil, fmt.Errorf("sock_diag: %w", err)
	}
	defer syscall.Close(fd)

	ne := binary.NativeEndian
	req := make([]byte, syscall.NLMSG_HDRLEN+inetDiagReqLen)
	ne.PutUint32(req[0:], uint32(len(req))) // nlmsg_len
	ne.PutUint16(req[4:], sockDiagByFamily) // nlmsg_type
	ne.PutUint16(req[6:], syscall.NLM_F_REQUEST)
	r := req[syscall.NLMSG_HDRLEN:]
	r[0], r[1] = syscall.AF_INET, syscall.IPPROTO_TCP // sdiag_family, sdiag_protocol
	ne.PutUint32(r[4:], ^uint32(0))                   // idiag_states: any
	id := r[8:]                                       // struct inet_diag_sockid, ports and addresses big-endian
	binary.BigEndian.PutUint16(id[0:], src.Port())
	binary.BigEndian.PutUint16(id[2:], dst.Port())
	s4, d4 := src.Addr().Unmap().As4(), dst.Addr().Unmap().As4()
	copy(id[4:], s4[:])
	copy(id[20:], d4[:])
	ne.PutUint32(id[40:], ^uint32(0)) // idiag_cookie: INET_DIAG_NOCOOKIE
	ne.PutUint32(id[44:], ^uint32(0))
	if err := syscall.Sendto(fd, req, 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("sock_diag: %w", err)
	}

	buf := make([]byte, 1024)
	n, _, err := syscall.Recvfrom(fd, buf, 0)
	if err != nil {
		return nil, fmt.Errorf("sock_diag: %w", err)
	}
	msgs, err := syscall.ParseNetlinkMessage(buf[:n])
	if err != nil {
		return nil, fmt.Errorf("sock_diag: %w", err)
	}
	for _, m := range msgs {
		switch {
		case m.Header.Type == syscall.NLMSG_ERROR && len(m.Data) >= 4:
			return nil, fmt.Errorf("sock_diag: %w", syscall.Errno(-int32(ne.Uint32(m.Data))))
		case m.Header.Type == sockDiagByFamily && len(m.Data) >= inetDiagMsgLen:
			return strconv.AppendUint(nil, uint64(ne.Uint32(m.Data[inetDiagInodeAt:])), 10), nil
		}
	}
	return nil, errors.New("sock_diag: no answer")
}

// socketInode returns the inode of the TCP socket with local address src
// and remote address dst: an IPv4 socket is listed in /proc/self/net/tcp,
// a dual-stack one (v4-mapped addresses) in tcp6.
func socketInode(src, dst netip.AddrPort) ([]byte, error) {
	tables := [...]struct {
		path string
		v6   bool
	}{{"/proc/self/net/tcp", false}, {"/proc/self/net/tcp6", true}}
	for _, t := range tables {
		if !t.v6 && !(src.Addr().Unmap().Is4() && dst.Addr().Unmap().Is4()) {
			continue
		}
		inode, err := findSocket(t.path, procAddr(src, t.v6), procAddr(dst, t.v6))
		if err != nil || inode != nil {
			return inode, err
		}
	}
	return nil, errors.New("no such socket in /proc/self/net/tcp{,6}")
}

// findSocket scans one socket table for the line whose local_address and
// rem_address columns are src and dst and returns its inode column.
func findSocket(path string, src, dst []byte) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // e.g. no IPv6 in this kernel
	}
	if err != nil {
		return nil, fmt.Errorf("socket table: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.Contains(line, src) {
			continue
		}
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
		fields := bytes.Fields(line)
		if len(fields) > 9 && bytes.Equal(fields[1], src) && bytes.Equal(fields[2], dst) && !bytes.Equal(fields[9], []byte("0")) {
			return bytes.Clone(fields[9]), nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("socket table %s: %w", path, err)
	}
	return nil, nil
}

// procAddr formats ap as the kernel prints it in /proc/net/tcp{,6}: each
// 32-bit word of the address in host byte order as 8 hex digits, a colon,
// then the port as 4 hex digits.
func procAddr(ap netip.AddrPort, v6 bool) []byte {
	var raw []byte
	if v6 {
		a := ap.Addr().As16()
		raw = a[:]
	} else {
		a := ap.Addr().Unmap().As4()
		raw = a[:]
	}
	out := make([]byte, 0, 2*len(raw)+5)
	for i := 0; i < len(raw); i += 4 {
		out = fmt.Appendf(out, "%08X", binary.NativeEndian.Uint32(raw[i:i+4]))
	}
	return fmt.Appendf(out, ":%04X", ap.Port())
}

// holdsSocket reports whether one of pid's file descriptors is the socket
// with the given inode. The threads of a process share its descriptor
// table, so /proc/<pid>/fd covers them all.
func holdsSocket(pid int, inode []byte) (bool, error) {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd/"
	f, err := os.Open(dir)
	if err != nil {
		return false, fmt.Errorf("worker descriptors: %w", err)
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return false, fmt.Errorf("worker descriptors: %w", err)
	}
	want := "socket:[" + string(inode) + "]"
	// Sockets are usually the newest descriptors.
	for i := len(names) - 1; i >= 0; i-- {
		if link, err := os.Readlink(dir + names[i]); err == nil && link == want {
			return true, nil
		}
	}
	return false, nil
}
