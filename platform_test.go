package chalice_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
)

func TestEventBusAndTimeZoneManifest(t *testing.T) {
	app := chalice.New("shop")
	noop := func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }
	app.OnCWEvent(map[string]any{"source": []string{"shop"}}, noop, chalice.Name("by_name"), chalice.EventBus("orders"))
	app.OnCWEvent(map[string]any{"source": []string{"shop"}}, noop, chalice.Name("by_arn"),
		chalice.EventBus("arn:aws:events:eu-west-1:123456789012:event-bus/orders"))
	app.OnCWEvent(map[string]any{"source": []string{"shop"}}, noop, chalice.Name("default_bus"))
	app.Schedule(chalice.Cron("0", "2", "*", "*", "?", "*"), noop, chalice.Name("nightly"), chalice.TimeZone("Europe/Paris"))
	app.Schedule(chalice.Rate(1, chalice.Hours), noop, chalice.Name("hourly"))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]string{}
	for _, s := range m.EventSources {
		got[s.Function] = [2]string{s.Bus, s.TimeZone}
	}
	want := map[string][2]string{
		"by_name": {"orders", ""}, "by_arn": {"arn:aws:events:eu-west-1:123456789012:event-bus/orders", ""},
		"default_bus": {"", ""}, "nightly": {"", "Europe/Paris"}, "hourly": {"", ""},
	}
	for fn, w := range want {
		if got[fn] != w {
			t.Errorf("%s: bus, timezone = %q, want %q", fn, got[fn], w)
		}
	}
}

func TestEventBusAndTimeZoneErrors(t *testing.T) {
	app := chalice.New("bad")
	noop := func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }
	pattern := map[string]any{"source": []string{"shop"}}
	bus := app.Bus("declared")
	app.OnCWEvent(pattern, noop, chalice.Name("empty"), chalice.EventBus(""))
	app.OnCWEvent(pattern, noop, chalice.Name("default"), chalice.EventBus("default"))
	app.OnCWEvent(pattern, noop, chalice.Name("spaces"), chalice.EventBus("my bus"))
	app.OnCWEvent(pattern, noop, chalice.Name("rule_arn"), chalice.EventBus("arn:aws:events:us-east-1:123456789012:rule/r"))
	app.OnCWEvent(pattern, noop, chalice.Name("both"), chalice.EventBus("orders"), chalice.OnBus(bus))
	app.Schedule(chalice.Rate(1, chalice.Hours), noop, chalice.Name("zone"), chalice.TimeZone("Paris time"))

	_, err := app.Manifest()
	var de *chalice.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("Manifest() = %v, want a *DefinitionError", err)
	}
	for _, want := range []string{
		`cloudwatch event handler empty: chalice.EventBus: the bus name is empty`,
		`cloudwatch event handler default: chalice.EventBus: "default" is the default bus: leave the option out`,
		`cloudwatch event handler spaces: chalice.EventBus: "my bus" is not an event bus name (1-256 letters, digits and . - _ /)`,
		`cloudwatch event handler rule_arn: chalice.EventBus: "arn:aws:events:us-east-1:123456789012:rule/r" is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)`,
		`cloudwatch event handler both: chalice.OnBus and chalice.EventBus both name a bus; keep one`,
		`schedule zone: chalice.TimeZone("Paris time") is not an IANA time zone name`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the definition error lacks %q\n%s", want, err)
		}
	}
}
