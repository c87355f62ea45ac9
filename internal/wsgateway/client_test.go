package wsgateway

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// wsClient is a minimal RFC 6455 client: it masks its frames and lets
// tests write malformed ones.
type wsClient struct {
	t    testing.TB
	conn net.Conn
	br   *bufio.Reader
	resp *http.Response
}

// dial opens a websocket to rawURL (http://host/path?query). If the server
// does not answer 101 the response is returned with a nil client.
func dial(t testing.TB, rawURL string, header http.Header) (*wsClient, *http.Response) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	var k [16]byte
	_, _ = rand.Read(k[:])
	key := base64.StdEncoding.EncodeToString(k[:])
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Sec-WebSocket-Key", key)
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("User-Agent", "wstest/1.0")
	for k, vs := range header {
		req.Header[k] = vs
	}
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := req.Write(nc); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		_ = nc.Close()
		return nil, resp
	}
	if got, want := resp.Header.Get("Sec-WebSocket-Accept"), acceptKey(key); got != want {
		t.Fatalf("Sec-WebSocket-Accept = %q, want %q", got, want)
	}
	_ = nc.SetDeadline(time.Time{})
	c := &wsClient{t: t, conn: nc, br: br, resp: resp}
	t.Cleanup(func() { _ = nc.Close() })
	return c, resp
}

// rawFrame writes one frame; first is the first header byte (FIN, RSV,
// opcode) as is.
func (c *wsClient) rawFrame(first byte, payload []byte, masked bool) {
	c.t.Helper()
	b := []byte{first}
	maskBit := byte(0)
	if masked {
		maskBit = 0x80
	}
	switch n := len(payload); {
	case n <= 125:
		b = append(b, maskBit|byte(n))
	case n <= 0xffff:
		b = append(b, maskBit|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, maskBit|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	p := append([]byte(nil), payload...)
	if masked {
		var key [4]byte
		_, _ = rand.Read(key[:])
		b = append(b, key[:]...)
		unmask(p, key)
	}
	_ = c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.conn.Write(append(b, p...)); err != nil {
		c.t.Fatalf("writing frame: %v", err)
	}
}

// frame writes a masked frame.
func (c *wsClient) frame(fin bool, opcode byte, payload []byte) {
	c.t.Helper()
	first := opcode
	if fin {
		first |= 0x80
	}
	c.rawFrame(first, payload, true)
}

func (c *wsClient) sendText(s string) {
	c.t.Helper()
	c.frame(true, opText, []byte(s))
}

type frame struct {
	fin     bool
	opcode  byte
	payload []byte
}

// read reads one frame from the server (which must not mask).
func (c *wsClient) read() (frame, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	h, err := readFrameHeader(c.br)
	if err != nil {
		return frame{}, err
	}
	if h.masked {
		return frame{}, fmt.Errorf("server frame is masked")
	}
	if h.rsv != 0 {
		return frame{}, fmt.Errorf("server frame has reserved bits %x", h.rsv)
	}
	p := make([]byte, h.length)
	if _, err := io.ReadFull(c.br, p); err != nil {
		return frame{}, err
	}
	return frame{fin: h.fin, opcode: h.opcode, payload: p}, nil
}

func (c *wsClient) mustRead() frame {
	c.t.Helper()
	f, err := c.read()
	if err != nil {
		c.t.Fatalf("reading frame: %v", err)
	}
	return f
}

// readMessage reads the next frame, which must be a complete text or
// binary message.
func (c *wsClient) readMessage() (byte, string) {
	c.t.Helper()
	f := c.mustRead()
	if !f.fin || (f.opcode != opText && f.opcode != opBinary) {
		c.t.Fatalf("got frame fin=%v opcode=%d %q, want a complete message", f.fin, f.opcode, f.payload)
	}
	return f.opcode, string(f.payload)
}

// expectClose reads until the server's close frame, answers it, waits for
// the server to hang up and returns the code (CloseNoStatus if none) and
// reason.
func (c *wsClient) expectClose() (int, string) {
	c.t.Helper()
	for {
		f, err := c.read()
		if err != nil {
			c.t.Fatalf("waiting for close frame: %v", err)
		}
		if f.opcode != opClose {
			continue
		}
		code, reason := CloseNoStatus, ""
		if len(f.payload) >= 2 {
			code, reason = int(binary.BigEndian.Uint16(f.payload)), string(f.payload[2:])
		}
		c.replyClose(f.payload)
		return code, reason
	}
}

// replyClose answers a close frame and reads until the server's EOF.
func (c *wsClient) replyClose(payload []byte) {
	var echo []byte
	if len(payload) >= 2 {
		echo = payload[:2]
	}
	first := byte(0x80 | opClose)
	b := []byte{first, 0x80 | byte(len(echo)), 0, 0, 0, 0}
	b = append(b, echo...) // zero mask key
	_ = c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = c.conn.Write(b)
	_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, c.br); err != nil {
		c.t.Errorf("server did not close the TCP connection: %v", err)
	}
	_ = c.conn.Close()
}

// closeAsync answers the server's close frame in the background (so that
// the test goroutine can call Gateway.Close) and delivers its code, or -1
// if the connection ended without one.
func (c *wsClient) closeAsync() <-chan int {
	ch := make(chan int, 1)
	go func() {
		for {
			f, err := c.read()
			if err != nil {
				ch <- -1
				return
			}
			if f.opcode == opClose {
				code := CloseNoStatus
				if len(f.payload) >= 2 {
					code = int(binary.BigEndian.Uint16(f.payload))
				}
				c.replyClose(f.payload)
				ch <- code
				return
			}
		}
	}()
	return ch
}
