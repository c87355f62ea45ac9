package runtimeapi

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
)

// Each worker's Runtime API listens on its own loopback port, and serves
// only connections made by that worker's process: any other local process
// could otherwise poll /next to read request events, or post forged
// responses. How the connecting process is identified is OS-specific
// (ownerCheck in peer_linux.go; elsewhere there is no check, see
// peer_other.go).

// peerConn is the per-connection state that the Runtime API server keeps
// in each request's context (see withPeer): the verdict on the connecting
// process is reached once per connection, since aws-lambda-go keeps its
// connection alive for every request it makes.
type peerConn struct {
	local, remote netip.AddrPort
	once          sync.Once
	err           error // why the peer was refused; nil when admitted
}

type peerKey struct{}

// withPeer is the http.Server ConnContext that records the connection's
// addresses for onlyFrom.
func withPeer(ctx context.Context, c net.Conn) context.Context {
	pc := &peerConn{}
	if a, ok := c.LocalAddr().(*net.TCPAddr); ok {
		pc.local = a.AddrPort()
	}
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		pc.remote = a.AddrPort()
	}
	return context.WithValue(ctx, peerKey{}, pc)
}

// onlyFrom serves next only to requests arriving on connections opened by
// process pid; others are answered 403 and their connection is closed.
func onlyFrom(pid int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		pc, _ := r.Context().Value(peerKey{}).(*peerConn)
		if pc == nil {
			refuse(rw, fmt.Errorf("connection from %s: no connection state", r.RemoteAddr))
			return
		}
		pc.once.Do(func() { pc.err = checkPeer(pc.local, pc.remote, pid) })
		if pc.err != nil {
			refuse(rw, pc.err)
			return
		}
		next.ServeHTTP(rw, r)
	})
}

func refuse(rw http.ResponseWriter, err error) {
	rw.Header().Set("Connection", "close")
	writeError(rw, http.StatusForbidden, "AccessDenied", "the runtime API serves only its worker process: "+err.Error())
}
