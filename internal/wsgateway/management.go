package wsgateway

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

const connectionsSegment = "/@connections"

// managementPath recognises /@connections/{id} and
// /{stage}/@connections/{id} (the app's WebsocketAPI builds
// {endpoint}/@connections/{id}, and the endpoint may end in /{stage}),
// returning what follows "/@connections/".
func (g *Gateway) managementPath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/"+g.opts.Stage)
	if !ok || !strings.HasPrefix(rest, connectionsSegment) {
		rest = path
	}
	rest, ok = strings.CutPrefix(rest, connectionsSegment)
	if !ok || (rest != "" && rest[0] != '/') {
		return "", false
	}
	return strings.TrimPrefix(rest, "/"), true
}

// infoTimeLayout is RFC 3339 with milliseconds, as the real API answers.
const infoTimeLayout = "2006-01-02T15:04:05.000Z07:00"

type connectionInfo struct {
	ConnectedAt  string   `json:"connectedAt"`
	Identity     identity `json:"identity"`
	LastActiveAt string   `json:"lastActiveAt"`
}

// serveManagement answers the @connections API (PostToConnection,
// DeleteConnection, GetConnection). SigV4 Authorization headers are
// accepted without being checked.
func (g *Gateway) serveManagement(w http.ResponseWriter, r *http.Request, id string) {
	reqID := newUUID()
	if id == "" || strings.Contains(id, "/") {
		writeJSON(w, http.StatusForbidden, reqID, `{"message": "Missing Authentication Token"}`)
		return
	}
	c := g.lookup(id)
	switch r.Method {
	case http.MethodPost:
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, g.opts.MaxMessageBytes))
		if err != nil {
			if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
				w.Header().Set("x-amzn-ErrorType", "PayloadTooLargeException")
				writeJSON(w, http.StatusRequestEntityTooLarge, reqID,
					fmt.Sprintf(`{"message": "Message too long: the limit is %d bytes"}`, g.opts.MaxMessageBytes))
				return
			}
			writeJSON(w, http.StatusBadRequest, reqID, `{"message": "Could not read request body"}`)
			return
		}
		if c == nil {
			writeGone(w, reqID)
			return
		}
		op := byte(opText)
		if !utf8.Valid(body) {
			op = opBinary
		}
		if err := c.write(op, body); err != nil {
			writeGone(w, reqID)
			return
		}
		w.Header().Set("x-amzn-RequestId", reqID)
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
	case http.MethodDelete:
		if c == nil || !c.sendClose(CloseNormal, "") {
			writeGone(w, reqID)
			return
		}
		w.Header().Set("x-amzn-RequestId", reqID)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodGet:
		if c == nil || c.closing() {
			writeGone(w, reqID)
			return
		}
		info := connectionInfo{
			ConnectedAt:  c.connectedAt.UTC().Format(infoTimeLayout),
			Identity:     identity{UserAgent: c.userAgent, SourceIP: c.sourceIP},
			LastActiveAt: time.Unix(0, c.lastActive.Load()).UTC().Format(infoTimeLayout),
		}
		body, _ := json.Marshal(info)
		writeJSON(w, http.StatusOK, reqID, string(body))
	default:
		writeJSON(w, http.StatusForbidden, reqID, `{"message": "Missing Authentication Token"}`)
	}
}

// writeGone is GoneException: the connection is unknown or closed.
func writeGone(w http.ResponseWriter, reqID string) {
	w.Header().Set("x-amzn-ErrorType", "GoneException")
	writeJSON(w, http.StatusGone, reqID, `{"message": "Gone"}`)
}

// newUUID returns a random (version 4) UUID, the form of the management
// API's request ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
