// Package wsgateway emulates an API Gateway websocket API in front of an
// app's websocket functions (websocket_connect, websocket_message,
// websocket_disconnect) for `gochalice local`. Like package gateway it
// talks to the app only through an Invoker, so the same code serves the
// real app binary under the Lambda Runtime API emulator and fakes in tests.
//
// # What is emulated
//
// The server side of RFC 6455 is implemented here on a hijacked
// net/http connection, with the standard library only: the opening
// handshake (Sec-WebSocket-Key → Sec-WebSocket-Accept, 101), masked client
// frames (an unmasked frame closes the connection with 1002), text and
// binary messages, fragmentation, ping/pong, the closing handshake, the
// message size limit (1009), UTF-8 validation of text messages and close
// reasons (1007), and the other protocol checks (reserved bits, unknown
// opcodes, fragmented or long control frames, invalid close codes: 1002).
// Frame writes are serialised per connection. There are no extensions
// (permessage-deflate is never negotiated).
//
// A websocket upgrade on any path opens a connection. Before the 101 is
// written the $connect function (if the app has one) is invoked with a
// CONNECT event carrying the handshake's headers and query string; a
// statusCode outside 2xx refuses the handshake with that status, headers
// and body, as API Gateway does; a function error refuses it with 500 (504
// for a timeout). A Sec-WebSocket-Protocol header in the $connect response
// is returned in the 101, which is how API Gateway negotiates subprotocols.
// The connection can be posted to once the 101 is written, not from its
// own $connect handler (410), as on AWS.
//
// Every message is sent to the $default function as a MESSAGE event (a
// binary message base64-encoded, isBase64Encoded true). gochalice apps
// register only $default, so route selection ($request.body.action) is
// not emulated; without a $default function the client receives API
// Gateway's error frame {"message": "Forbidden", "connectionId":…,
// "requestId":…}. A function error sends {"message": "Internal server
// error", …} ("Endpoint request timed out" for a timeout) and keeps the
// connection. Messages are invoked concurrently, each in its own
// invocation, so, as on AWS, responses are not ordered.
//
// Each accepted connection gets exactly one DISCONNECT event, whatever
// ends it: a client close frame (its code and reason; 1005 when it has no
// code), a dropped TCP connection (1006), a protocol error (the code
// sent), the idle timeout (1001 "Going away"), a management API DELETE
// (1000) or Close (1001 "Going away"). It is invoked after the in-flight
// message invocations of the connection finish. Invocations are not tied
// to the client: like Lambda's, they run to completion when it goes away.
//
// The management API (@connections, what chalice.WebsocketAPI calls) is
// served at /@connections/{id} and /{stage}/@connections/{id}: POST sends
// the body as one text frame (a binary frame if it is not valid UTF-8) →
// 200, DELETE closes the connection with 1000 → 204, GET → 200
// {"connectedAt", "identity": {"sourceIp", "userAgent"}, "lastActiveAt"}.
// An unknown or closing connection is 410 {"message": "Gone"}, which the
// app maps to WebsocketDisconnectedError. SigV4 Authorization headers are
// accepted without being checked.
//
// # Choices
//
//   - Route responses. API Gateway returns a function's response to the
//     client only when the route has a route response configured (a
//     RouteResponseSelectionExpression). gochalice local does not model
//     that setting: it sends the response body back as a text frame
//     (binary if isBase64Encoded) whenever the response has a statusCode
//     and a non-empty body, so replying by returning a body works
//     locally; a nil chalice response ({"statusCode":200}) sends nothing.
//     Apps that must behave the same on AWS should reply through the
//     management API (ev.API.Send).
//   - A $connect response without a statusCode (a function returning
//     null) accepts the connection.
//   - Limits: MaxMessageBytes (default 128 KiB, API Gateway's message
//     limit) for client messages and POST bodies; API Gateway's 32 KB
//     per-frame limit is not enforced (browsers send a message as one
//     frame), nor is the 2-hour maximum connection duration. The idle
//     timeout (default 10 minutes) is reset by any frame from the client
//     (pings included); GET's lastActiveAt also counts messages sent to it.
//   - Headers keep Go's canonical form (API Gateway keeps the client's
//     spelling); sourceIp is the client's address.
//   - Close gives clients a few seconds to answer the closing handshake
//     before dropping them, then waits for every $disconnect invocation.
//     Connections are hijacked, so http.Server.Shutdown does not close
//     them: call Close.
package wsgateway
