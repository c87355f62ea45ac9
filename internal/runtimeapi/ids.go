package runtimeapi

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"
)

// newRequestID returns a random (version 4) UUID, the format of Lambda
// request IDs.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// newTraceID returns an X-Ray trace header value for a new, unsampled
// trace, as Lambda passes it in Lambda-Runtime-Trace-Id.
func newTraceID(now time.Time) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return "Root=1-" + strconv.FormatInt(now.Unix(), 16) + "-" + hex.EncodeToString(b[:12]) +
		";Parent=" + hex.EncodeToString(b[12:]) + ";Sampled=0"
}
