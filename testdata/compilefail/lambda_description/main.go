// A pure Lambda given Description (which documents routes and schedules).
//
// want: chalice.DescriptionOption does not implement chalice.LambdaOption (missing method applyLambda)
package main

import (
	"context"
	"encoding/json"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) { return nil, nil },
		chalice.Name("pure"), chalice.Description("not for lambdas"))
	app.Run()
}
