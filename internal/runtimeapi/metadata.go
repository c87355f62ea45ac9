package runtimeapi

import (
	"context"
	"encoding/json"
)

// Metadata carries optional per-invocation values that Lambda passes to the
// runtime alongside the payload. Attach it to the context given to
// [Pool.Invoke] with [WithMetadata].
type Metadata struct {
	// ClientContext is sent as Lambda-Runtime-Client-Context (the decoded
	// JSON of an Invoke call's ClientContext); aws-lambda-go exposes it as
	// lambdacontext.LambdaContext.ClientContext.
	ClientContext json.RawMessage
	// CognitoIdentity is sent as Lambda-Runtime-Cognito-Identity;
	// aws-lambda-go exposes it as lambdacontext.LambdaContext.Identity.
	CognitoIdentity json.RawMessage
	// TraceID is sent as Lambda-Runtime-Trace-Id, e.g. an incoming
	// X-Amzn-Trace-Id header. A new unsampled trace ID is used when empty.
	TraceID string
}

type metadataKey struct{}

// WithMetadata returns a context carrying md for [Pool.Invoke].
func WithMetadata(ctx context.Context, md Metadata) context.Context {
	return context.WithValue(ctx, metadataKey{}, md)
}

func metadataFrom(ctx context.Context) Metadata {
	md, _ := ctx.Value(metadataKey{}).(Metadata)
	return md
}
