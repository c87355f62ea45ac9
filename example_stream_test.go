package chalice_test

import (
	"context"
	"fmt"
	"io"

	"github.com/gochalice/chalice"
)

// A streamed response writes its body while the client reads it. Behind
// a Function URL with "function_url_invoke_mode": "RESPONSE_STREAM" the
// status and headers go out first and each write follows as it happens;
// on every other front end (here the in-process client, like API
// Gateway) the same handler's body is collected and sent whole.
func ExampleStreamResponse() {
	app := chalice.New("reports")
	app.Get("/report", func(ctx context.Context, r *chalice.Request) (any, error) {
		return chalice.StreamResponse(200, map[string]string{"Content-Type": "text/csv"},
			func(ctx context.Context, w io.Writer) error {
				fmt.Fprintln(w, "month,total")
				for _, month := range []string{"jan", "feb", "mar"} {
					if err := ctx.Err(); err != nil {
						return err // the client went away
					}
					fmt.Fprintf(w, "%s,%d\n", month, len(month)*100)
				}
				return nil
			}), nil
	})

	r := client(app).Get("/report")
	fmt.Println(r.StatusCode, r.Header.Get("Content-Type"))
	fmt.Print(string(r.Body))
	// Output:
	// 200 text/csv
	// month,total
	// jan,300
	// feb,300
	// mar,300
}

// EventBus puts an event rule on a bus the app does not declare;
// TimeZone runs a cron schedule in local time (EventBridge Scheduler).
func ExampleEventBus() {
	app := chalice.New("shop")
	app.OnCWEvent(map[string]any{"source": []string{"shop.orders"}},
		func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.Name("on_order"), chalice.EventBus("orders"))
	app.Schedule(chalice.Cron("0", "7", "?", "*", "MON-FRI", "*"),
		func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil },
		chalice.Name("morning_digest"), chalice.TimeZone("Europe/Paris"))

	m, _ := app.Manifest()
	for _, s := range m.EventSources {
		fmt.Printf("%s: bus %q, time zone %q\n", s.Function, s.Bus, s.TimeZone)
	}
	// Output:
	// on_order: bus "orders", time zone ""
	// morning_digest: bus "", time zone "Europe/Paris"
}
