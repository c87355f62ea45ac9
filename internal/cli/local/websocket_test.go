package local

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// wsDial opens a websocket client connection (RFC 6455) to addr.
func wsDial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 16)
	rand.Read(key)
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
		addr, base64.StdEncoding.EncodeToString(key))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake status %d", resp.StatusCode)
	}
	return conn, br
}

func wsWriteText(conn net.Conn, msg string) error {
	frame := []byte{0x81}
	n := len(msg)
	switch {
	case n < 126:
		frame = append(frame, 0x80|byte(n))
	default:
		frame = append(frame, 0x80|126, byte(n>>8), byte(n))
	}
	mask := []byte{1, 2, 3, 4}
	frame = append(frame, mask...)
	for i := 0; i < n; i++ {
		frame = append(frame, msg[i]^mask[i%4])
	}
	_, err := conn.Write(frame)
	return err
}

func wsReadText(br *bufio.Reader) (string, error) {
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return "", err
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		var ext [2]byte
		if _, err := io.ReadFull(br, ext[:]); err != nil {
			return "", err
		}
		n = int(binary.BigEndian.Uint16(ext[:]))
	case 127:
		var ext [8]byte
		if _, err := io.ReadFull(br, ext[:]); err != nil {
			return "", err
		}
		n = int(binary.BigEndian.Uint64(ext[:]))
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(br, payload); err != nil {
		return "", err
	}
	return string(payload), nil
}

// TestLocalWebsocket: a message reaches the app's websocket_message
// function in a real worker, which answers through the @connections
// management API that gochalice local serves.
func TestLocalWebsocket(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	dir := newProject(t, "world")
	base, out, stop := startLocal(t, dir, 1)
	defer stop()
	if !strings.Contains(out.String(), "Websocket API on ws://") {
		t.Errorf("no websocket banner: %s", out.String())
	}
	conn, br := wsDial(t, strings.TrimPrefix(base, "http://"))
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	for _, msg := range []string{"hi", "again"} {
		if err := wsWriteText(conn, msg); err != nil {
			t.Fatal(err)
		}
		got, err := wsReadText(br)
		if err != nil {
			t.Fatal(err)
		}
		if want := "echo: " + msg; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	// The REST API still answers on the same port.
	if status, body := get(t, base+"/"); status != 200 || body != `{"hello":"world"}` {
		t.Fatalf("REST after websocket: %d %s", status, body)
	}
}
