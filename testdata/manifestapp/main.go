// Command manifestapp is a small gochalice app used by the root package's
// tests: they build it and run it in manifest mode and under a fake Lambda
// runtime API.
package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("manifestapp")
	app.Get("/hello/{name}", func(ctx context.Context, req *chalice.Request) (any, error) {
		return map[string]string{"hello": req.URIParams["name"]}, nil
	}, chalice.Name("hello"))
	app.OnSNSMessage("alerts", func(ctx context.Context, ev *chalice.SNSEvent) error {
		if ev.Subject == "fail" {
			return errors.New("sns handler failed")
		}
		return nil
	}, chalice.Name("on_alert"))
	app.LambdaFunction(func(ctx context.Context, ev json.RawMessage) (any, error) {
		return map[string]json.RawMessage{"echo": ev}, nil
	}, chalice.Name("echo"))
	app.Schedule(chalice.Rate(5, chalice.Minutes), func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }, chalice.Name("tick"))
	app.Run()
}
