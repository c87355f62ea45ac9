package proxyevent

import "strconv"

// Kind identifies the shape of a proxy event.
type Kind uint8

const (
	// KindUnknown is valid JSON that is not a recognised proxy event.
	KindUnknown Kind = iota
	// KindV1 is an API Gateway REST proxy event (payload format 1.0),
	// including the ALB-like v1 shape.
	KindV1
	// KindV2 is an API Gateway HTTP API event (payload format 2.0).
	KindV2
	// KindFunctionURL is a Lambda Function URL event (payload 2.0 shape).
	KindFunctionURL
	// KindWebsocket is an API Gateway websocket event (v1 shape).
	KindWebsocket
)

// String returns a short lower-case name for k.
func (k Kind) String() string {
	switch k {
	case KindUnknown:
		return "unknown"
	case KindV1:
		return "v1"
	case KindV2:
		return "v2"
	case KindFunctionURL:
		return "function-url"
	case KindWebsocket:
		return "websocket"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}
