package deploy

import (
	"context"

	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
)

// ReadSession connects to AWS as o says and reads the stage's deployed
// state, without taking the stage's lock: for the commands that only
// read what a deploy made (logs, invoke).
func ReadSession(ctx context.Context, o *Options) (*awsapi.Clients, *state.Deployed, error) {
	clients, d, _, err := session(ctx, o.withDefaults(), "")
	return clients, d, err
}

// FunctionARN is the recorded ARN of the function resource name, or a
// *NoSuchFunctionError.
func FunctionARN(d *state.Deployed, name string) (string, error) { return lookupFunction(d, name) }

// IsNotFound reports the "it does not exist" errors of the services used.
func IsNotFound(err error) bool { return isNotFound(err) }

// Transient reports errors worth trying again later: no answer, a server
// error, or throttling.
func Transient(err error) bool { return transient(err) }
