package runtimeapi

// Each worker's Runtime API listens on its own loopback port, and serves
// only connections made by that worker's process: any other local process
// could otherwise poll /next to read request events, or post forged
// responses. How the connecting process is identified is OS-specific
// (checkPeer in peer_linux.go; elsewhere there is no check, see
// peer_other.go). The verdict is reached once per connection, on its first
// request (apiConn.serve): aws-lambda-go keeps its connection alive for
// every request it makes. A refused connection is answered 403
// AccessDenied and closed.
