package web_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
	"github.com/gochalice/chalice/web"
)

func TestKeepWarm(t *testing.T) {
	var pings atomic.Int32
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") == "gochalice-keep-warm" {
			pings.Add(1)
		}
	}))
	defer site.Close()
	app := chalice.New("site")
	web.KeepWarm(app, chalice.Rate(5, chalice.Minutes), web.PingURL(site.URL))
	web.KeepWarm(app, chalice.Rate(1, chalice.Hours), web.KeepWarmName("idle_ping"))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"keep_warm": "rate(5 minutes)", "idle_ping": "rate(1 hour)"}
	for _, src := range m.EventSources {
		if exp, ok := want[src.Function]; ok {
			if src.Type != "schedule" || src.Schedule != exp {
				t.Errorf("%s: %+v", src.Function, src)
			}
			delete(want, src.Function)
		}
	}
	if len(want) > 0 {
		t.Fatalf("not in the manifest: %v (sources %+v)", want, m.EventSources)
	}
	c := chalicetest.New(t, app)
	ev := chalicetest.CloudWatchEvent("aws.events", "Scheduled Event", nil, nil, "")
	if _, err := c.Invoke("keep_warm", ev); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Invoke("idle_ping", ev); err != nil {
		t.Fatal(err)
	}
	if pings.Load() != 1 {
		t.Errorf("pings = %d, want 1", pings.Load())
	}
}
