// Package proxyevent decodes AWS Lambda proxy events and encodes proxy
// responses directly on raw bytes, without reflection.
//
// [Decode] understands API Gateway REST (payload 1.0, including the
// ALB-like v1 shape), API Gateway HTTP API (payload 2.0), Lambda Function
// URL and API Gateway websocket events, normalising them into a [Request].
// It is a purpose-built single-pass JSON scanner: known members are decoded,
// everything else is validated and skipped. Its notion of valid JSON is
// exactly encoding/json's (including the nesting limit, invalid UTF-8
// being accepted and replaced by U+FFFD, and the last of duplicate names
// winning), and member names of the event and its requestContext match
// case-insensitively as they do for encoding/json struct fields, so the
// result agrees with unmarshalling into the aws-lambda-go event types.
//
// Strings are substrings of one copy of the input wherever no unescaping is
// needed, and [DecodeInto] reuses the maps of an existing Request, so a
// decode costs a handful of allocations.
//
// [AppendResponse] writes the JSON Lambda expects back for each event kind,
// with strings escaped byte-for-byte as encoding/json.Marshal escapes them.
package proxyevent
