package deploy

import (
	"fmt"

	"github.com/gochalice/chalice/internal/deploy/state"
)

// NoSuchFunctionError is invoke's and logs' error when the deployed state
// records no function of that name (Chalice's message; exit status 2).
type NoSuchFunctionError struct{ Name string }

func (e *NoSuchFunctionError) Error() string {
	return fmt.Sprintf("could not find a lambda function named %s.", e.Name)
}

// lookupFunction returns the recorded ARN of the function resource name.
func lookupFunction(d *state.Deployed, name string) (string, error) {
	if r := d.Find(name); r != nil && r.ResourceType == "lambda_function" && r.Get("lambda_arn") != "" {
		return r.Get("lambda_arn"), nil
	}
	return "", &NoSuchFunctionError{Name: name}
}
