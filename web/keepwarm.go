package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gochalice/chalice"
)

// KeepWarmOption configures KeepWarm.
type KeepWarmOption func(*keepWarm)

type keepWarm struct {
	name   string
	url    string
	client *http.Client
}

// KeepWarmName names the scheduled function (default "keep_warm").
func KeepWarmName(name string) KeepWarmOption { return func(k *keepWarm) { k.name = name } }

// PingURL makes every tick GET url (the site's own address, e.g. from an
// environment variable), which warms the api_handler function through API
// Gateway. Without it the tick only keeps the keep_warm function itself
// warm, as chalice-http-toolkit's keep-warm event does.
func PingURL(url string) KeepWarmOption { return func(k *keepWarm) { k.url = url } }

// KeepWarm registers a scheduled function pinging the site every expr
// (e.g. chalice.Rate(5, chalice.Minutes)): Lambda keeps an idle execution
// environment for roughly 5 to 15 minutes, so a regular request avoids
// most cold starts of a low-traffic site.
func KeepWarm(app *chalice.App, expr chalice.ScheduleExpression, opts ...KeepWarmOption) {
	k := &keepWarm{name: "keep_warm", client: &http.Client{Timeout: 10 * time.Second}}
	for _, o := range opts {
		if o != nil {
			o(k)
		}
	}
	app.Schedule(expr, k.tick, chalice.Name(k.name), chalice.Description("gochalice web keep-warm ping"))
}

func (k *keepWarm) tick(ctx context.Context, _ *chalice.CloudWatchEvent) error {
	if k.url == "" {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "gochalice-keep-warm")
	resp, err := k.client.Do(req)
	if err != nil {
		return fmt.Errorf("keep-warm ping %s: %w", k.url, err)
	}
	resp.Body.Close()
	return nil
}
