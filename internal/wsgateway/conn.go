package wsgateway

import (
	"bufio"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

const (
	// closeGrace bounds how long a closing connection waits for the
	// client's close frame and TCP shutdown.
	closeGrace = 3 * time.Second
	// writeTimeout bounds one frame write to a client that stopped reading.
	writeTimeout = 10 * time.Second
)

// errGone is returned when writing to a connection that is closing.
var errGone = errors.New("wsgateway: connection is gone")

// conn is one client connection.
type conn struct {
	id          string
	connectedAt time.Time
	sourceIP    string
	userAgent   string
	domainName  string
	lastActive  atomic.Int64 // unix nanoseconds

	nc net.Conn
	br *bufio.Reader

	wmu sync.Mutex // serialises frame writes; taken before mu

	mu            sync.Mutex
	closeSent     bool
	closeDeadline time.Time
	discSet       bool
	discCode      int
	discReason    string
	peerClosed    bool // the client's close frame was received

	inflight sync.WaitGroup // message invocations
}

func (c *conn) touch() { c.lastActive.Store(time.Now().UnixNano()) }

// closing reports whether a close frame was sent.
func (c *conn) closing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeSent
}

// setDisconnect records why the connection ended; the first reason wins.
// Callers hold c.mu.
func (c *conn) setDisconnectLocked(code int, reason string) {
	if !c.discSet {
		c.discSet, c.discCode, c.discReason = true, code, reason
	}
}

func (c *conn) setDisconnect(code int, reason string) {
	c.mu.Lock()
	c.setDisconnectLocked(code, reason)
	c.mu.Unlock()
}

func (c *conn) disconnect() (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.discSet {
		return CloseAbnormal, "Connection was closed abnormally"
	}
	return c.discCode, c.discReason
}

// sendClose starts the closing handshake with code and reason (also
// recorded as the disconnect reason unless one was recorded already). It
// reports false if a close frame had already been sent.
func (c *conn) sendClose(code int, reason string) bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.mu.Lock()
	if c.closeSent {
		c.mu.Unlock()
		return false
	}
	c.closeSent = true
	c.setDisconnectLocked(code, reason)
	c.closeDeadline = time.Now().Add(closeGrace)
	// Under c.mu, so that the read loop cannot push the deadline back.
	_ = c.nc.SetReadDeadline(c.closeDeadline)
	c.mu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, _ = c.nc.Write(appendFrame(nil, opClose, closePayload(code, reason)))
	return true
}

// write sends one complete message or a pong, unless the connection is
// closing.
func (c *conn) write(opcode byte, payload []byte) error {
	frame := appendFrame(make([]byte, 0, len(payload)+10), opcode, payload)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closing() {
		return errGone
	}
	_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := c.nc.Write(frame); err != nil {
		return err
	}
	if opcode != opPong {
		c.touch()
	}
	return nil
}

// armReadDeadline sets the deadline for the next frame: the idle timeout,
// or the end of the closing grace period.
func (c *conn) armReadDeadline(idle time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.closeDeadline
	if !c.closeSent {
		d = time.Now().Add(idle)
	}
	_ = c.nc.SetReadDeadline(d)
}

// fail closes the connection for a protocol violation.
func (c *conn) fail(code int, reason string) {
	c.sendClose(code, reason)
}

// readLoop reads frames until the connection ends, passing complete
// messages to onMessage (which takes ownership of data).
func (c *conn) readLoop(idle time.Duration, maxMessage int64, onMessage func(data []byte, binary bool)) {
	var (
		msgOp  byte // opcode of the fragmented message in progress, 0 if none
		msg    []byte
		header frameHeader
		ctl    [maxControlPayload]byte
		err    error
	)
	for {
		c.armReadDeadline(idle)
		header, err = readFrameHeader(c.br)
		if err != nil {
			var fl errFrameLength
			if errors.As(err, &fl) {
				c.fail(CloseProtocolError, "Frame length too large")
				return
			}
			c.readFailed(err)
			return
		}
		h := header
		switch {
		case h.rsv != 0:
			c.fail(CloseProtocolError, "Reserved bits must be 0")
			return
		case !h.masked:
			c.fail(CloseProtocolError, "Client frames must be masked")
			return
		case h.opcode >= opClose:
			if h.opcode > opPong {
				c.fail(CloseProtocolError, "Unknown opcode")
				return
			}
			if !h.fin || h.length > maxControlPayload {
				c.fail(CloseProtocolError, "Control frames must not be fragmented or longer than 125 bytes")
				return
			}
		case h.opcode == opContinuation:
			if msgOp == 0 {
				c.fail(CloseProtocolError, "Unexpected continuation frame")
				return
			}
		case h.opcode == opText || h.opcode == opBinary:
			if msgOp != 0 {
				c.fail(CloseProtocolError, "Expected a continuation frame")
				return
			}
		default:
			c.fail(CloseProtocolError, "Unknown opcode")
			return
		}

		if h.opcode >= opClose {
			p := ctl[:h.length]
			if _, err := io.ReadFull(c.br, p); err != nil {
				c.readFailed(noEOF(err))
				return
			}
			unmask(p, h.mask)
			switch h.opcode {
			case opPing:
				c.touch()
				_ = c.write(opPong, p) // errGone while closing: no pong due
			case opClose:
				c.clientClose(p)
				return
			}
			continue
		}

		if h.length > uint64(maxMessage) || int64(len(msg))+int64(h.length) > maxMessage {
			c.fail(CloseMessageTooBig, "Message too big")
			return
		}
		if msgOp == 0 {
			msgOp = h.opcode
		}
		n := len(msg)
		msg = slices.Grow(msg, int(h.length))[:n+int(h.length)]
		if _, err := io.ReadFull(c.br, msg[n:]); err != nil {
			c.readFailed(noEOF(err))
			return
		}
		unmask(msg[n:], h.mask)
		if !h.fin {
			continue
		}
		data, binary := msg, msgOp == opBinary
		msgOp, msg = 0, nil
		if !binary && !utf8.Valid(data) {
			c.fail(CloseInvalidPayload, "Invalid UTF-8 in text frame")
			return
		}
		if c.closing() {
			continue // the client sent it before seeing our close frame
		}
		c.touch()
		onMessage(data, binary)
	}
}

// clientClose answers the client's close frame p.
func (c *conn) clientClose(p []byte) {
	code, reason := CloseNoStatus, ""
	switch {
	case len(p) == 1:
		c.fail(CloseProtocolError, "Invalid close frame")
		return
	case len(p) >= 2:
		code, reason = int(p[0])<<8|int(p[1]), string(p[2:])
		if !validCloseCode(code) {
			c.fail(CloseProtocolError, "Invalid close code")
			return
		}
		if !utf8.ValidString(reason) {
			c.fail(CloseInvalidPayload, "Invalid UTF-8 in close reason")
			return
		}
	}
	if code == CloseNoStatus {
		reason = "Client-side close frame status not set"
	}
	c.mu.Lock()
	c.peerClosed = true
	c.setDisconnectLocked(code, reason)
	c.mu.Unlock()
	// Echo the code (RFC 6455 §5.5.1); a no-op if we started the close.
	c.sendClose(code, "")
}

// readFailed handles a read error outside the closing handshake.
func (c *conn) readFailed(err error) {
	if c.closing() {
		return // the grace period ran out or the client hung up: done
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.sendClose(CloseGoingAway, "Going away")
		return
	}
	c.setDisconnect(CloseAbnormal, "Connection was closed abnormally")
}

// shutdown closes the TCP connection. After the closing handshake the
// server closes first (RFC 6455 §7.1.1). Otherwise (a protocol error, the
// idle timeout, a client that did not answer our close frame) it
// half-closes and reads, discarding, until the client hangs up or the
// grace period ends, so that unread input does not turn the close into a
// reset that could destroy the close frame before the client reads it.
func (c *conn) shutdown() {
	c.mu.Lock()
	deadline, done := c.closeDeadline, c.peerClosed
	if !c.closeSent {
		deadline = time.Now().Add(closeGrace)
	}
	c.mu.Unlock()
	if done {
		_ = c.nc.Close()
		return
	}
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		_ = c.nc.SetReadDeadline(deadline)
		_, _ = io.Copy(io.Discard, c.br)
	}
	_ = c.nc.Close()
}
