package local

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/newproject"
)

// loadResult summarises a bounded load run.
type loadResult struct {
	requests, errors int
	elapsed          time.Duration
	p50, p99         time.Duration
}

func (r loadResult) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// runLoad sends clients×perClient GETs to url (loopback only) and checks
// every answer is 200 with want as body.
func runLoad(url, want string, clients, perClient int) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	lat := make([][]time.Duration, clients)
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			lat[c] = make([]time.Duration, 0, perClient)
			for i := 0; i < perClient; i++ {
				t0 := time.Now()
				resp, err := client.Get(url)
				if err != nil {
					errs.Add(1)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(b) != want {
					errs.Add(1)
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	res := loadResult{requests: clients * perClient, errors: int(errs.Load()), elapsed: elapsed}
	if len(all) > 0 {
		res.p50 = all[len(all)/2]
		res.p99 = all[len(all)*99/100]
	}
	return res
}

// startLocal runs `gochalice local` in process on a free port.
func startLocal(tb testing.TB, dir string, workers int) (base string, out *syncBuffer, stop func()) {
	tb.Helper()
	out = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, &Options{IO: cli.IO{Out: out, ErrOut: io.Discard}, ProjectDir: dir, Host: "127.0.0.1",
			Stage: "dev", Workers: workers, Autoreload: true, Ready: func(a string) { ready <- a }})
	}()
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		tb.Fatalf("local exited: %v", err)
	case <-time.After(180 * time.Second):
		tb.Fatal("local not ready")
	}
	return base, out, func() {
		cancel()
		<-done
	}
}

// TestLocalConcurrency: many concurrent clients, zero errors, nothing
// leaked. GOCHALICE_SOAK_REQUESTS sets requests per client (default 50;
// the soak is 10000).
func TestLocalConcurrency(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	per := 50
	if v, err := strconv.Atoi(os.Getenv("GOCHALICE_SOAK_REQUESTS")); err == nil && v > 0 {
		per = v
	}
	dir := newProject(t, "world")
	base, _, stop := startLocal(t, dir, 4)
	res := runLoad(base+"/", `{"hello":"world"}`, 64, per)
	stop()
	t.Logf("64 clients x %d: %d requests, %d errors, %.0f req/s, p50 %v, p99 %v", per, res.requests, res.errors, res.rps(), res.p50, res.p99)
	if res.errors != 0 {
		t.Fatalf("%d of %d requests failed", res.errors, res.requests)
	}
	if pids := appProcesses(t, dir); len(pids) > 0 {
		t.Fatalf("worker processes left running: %v", pids)
	}
}

// TestMalformedHTTP: bad requests get the right 4xx and the server lives.
func TestMalformedHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	dir := newProject(t, "world")
	base, _, stop := startLocal(t, dir, 1)
	defer stop()
	addr := strings.TrimPrefix(base, "http://")
	raw := func(req string) string {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(conn, req); err != nil {
			return ""
		}
		b, _ := io.ReadAll(conn)
		line, _, _ := strings.Cut(string(b), "\r\n")
		return line
	}
	tests := []struct{ name, req, want string }{
		{"garbage request line", "NOT HTTP AT ALL\r\n\r\n", "HTTP/1.1 400 Bad Request"},
		{"huge header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 2<<20) + "\r\n\r\n", "HTTP/1.1 431 Request Header Fields Too Large"},
		{"bad content-length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", "HTTP/1.1 400 Bad Request"},
		{"invalid json", "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{x}", "HTTP/1.1 400 Bad Request"},
		{"wrong content type", "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 3\r\nConnection: close\r\n\r\na,b", "HTTP/1.1 415 Unsupported Media Type"},
		{"too large body", "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485761\r\nConnection: close\r\n\r\n", "HTTP/1.1 413 Request Entity Too Large"},
	}
	for _, tt := range tests {
		if got := raw(tt.req); got != tt.want {
			t.Errorf("%s: status line %q, want %q", tt.name, got, tt.want)
		}
	}
	if status, body := get(t, base+"/"); status != 200 || body != `{"hello":"world"}` {
		t.Fatalf("server unhealthy afterwards: %d %s", status, body)
	}
}

// BenchmarkLocalVsNetHTTP measures gochalice local (gateway emulator + a
// real worker process per request) next to a plain net/http server
// returning the same JSON, with the same bounded loopback load. Each
// iteration is one round against each server, interleaved so that both
// see the same machine; a warm-up round of each is discarded first. The
// figures reported are the medians over the rounds (-benchtime=5x for
// five) and the ratio of the medians.
func BenchmarkLocalVsNetHTTP(b *testing.B) {
	const clients, per = 16, 500
	dir := newProject(b, "world")
	base, _, stop := startLocal(b, dir, 4)
	defer stop()
	plain := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"hello":"world"}`)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go plain.Serve(ln)
	defer plain.Close()
	targets := []string{base + "/", "http://" + ln.Addr().String() + "/"}
	round := func(url string) loadResult {
		runtime.GC() // the last round's garbage is not collected during this one
		res := runLoad(url, `{"hello":"world"}`, clients, per)
		if res.errors > 0 {
			b.Fatalf("%s: %d errors", url, res.errors)
		}
		return res
	}
	for _, u := range targets {
		round(u) // warm-up: worker pools grown, connections and caches warm
	}
	var local, nethttp []loadResult
	for b.Loop() {
		local = append(local, round(targets[0]))
		nethttp = append(nethttp, round(targets[1]))
	}
	l, n := medianBy(local, loadResult.rps), medianBy(nethttp, loadResult.rps)
	b.ReportMetric(l, "local-req/s")
	b.ReportMetric(n, "nethttp-req/s")
	b.ReportMetric(l/n, "ratio")
	b.ReportMetric(medianBy(local, func(r loadResult) float64 { return float64(r.p50.Microseconds()) }), "local-p50-µs")
	b.ReportMetric(medianBy(local, func(r loadResult) float64 { return float64(r.p99.Microseconds()) }), "local-p99-µs")
	b.ReportMetric(medianBy(nethttp, func(r loadResult) float64 { return float64(r.p50.Microseconds()) }), "nethttp-p50-µs")
	b.ReportMetric(medianBy(nethttp, func(r loadResult) float64 { return float64(r.p99.Microseconds()) }), "nethttp-p99-µs")
}

// medianBy returns the median of f over rs (the mean of the middle two for
// an even count).
func medianBy(rs []loadResult, f func(loadResult) float64) float64 {
	if len(rs) == 0 {
		return 0
	}
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// BenchmarkLocalStartAndReload measures the developer loop: from starting
// `gochalice local` to the first 200 (warm Go build cache), and from saving
// a change to the new code answering.
func BenchmarkLocalStartAndReload(b *testing.B) {
	dir := newProject(b, "world")
	// Warm the build cache once, as a developer's machine is.
	warm := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", filepath.Join(b.TempDir(), "warm"), ".")
	warm.Dir = dir
	if out, err := warm.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	var startup, reload time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		base, out, stop := startLocal(b, dir, 1)
		if s, _ := get(b, base+"/"); s != 200 {
			b.Fatalf("status %d", s)
		}
		startup += time.Since(t0)
		mainGo := filepath.Join(dir, "main.go")
		src, _ := os.ReadFile(mainGo)
		word := fmt.Sprintf("v%d", n)
		t1 := time.Now()
		if err := os.WriteFile(mainGo, []byte(strings.Replace(string(src), `"world"`, `"`+word+`"`, 1)), 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			if _, body := get(b, base+"/"); body == `{"hello":"`+word+`"}` {
				break
			}
			if time.Since(t1) > 120*time.Second {
				b.Fatalf("reload never answered:\n%s", out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		reload += time.Since(t1)
		stop()
		_ = os.WriteFile(mainGo, src, 0o644)
		n++
	}
	b.ReportMetric(float64(startup.Milliseconds())/float64(n), "start-to-200-ms")
	b.ReportMetric(float64(reload.Milliseconds())/float64(n), "save-to-new-code-ms")
}

// BenchmarkLocalWebSite measures a rendered page and a static file of the
// scaffolded web site through gochalice local (bounded loopback load).
func BenchmarkLocalWebSite(b *testing.B) {
	const clients, per = 16, 300
	parent := b.TempDir()
	if err := newproject.Run(context.Background(), &newproject.Options{IO: cli.IO{Out: io.Discard, ErrOut: io.Discard}, Dir: parent, Name: "site", ProjectType: "web"}); err != nil {
		b.Fatal(err)
	}
	base, _, stop := startLocal(b, filepath.Join(parent, "site"), 4)
	defer stop()
	resp, err := http.Get(base + "/")
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	css := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindStringSubmatch(string(page))
	if css == nil {
		b.Fatalf("no stylesheet in page:\n%s", page)
	}
	resp, err = http.Get(base + css[1])
	if err != nil {
		b.Fatal(err)
	}
	cssBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, target := range []struct{ name, url, want string }{{"page", base + "/", string(page)}, {"static-css", base + css[1], string(cssBody)}} {
		b.Run(target.name, func(b *testing.B) {
			var last loadResult
			for b.Loop() {
				last = runLoad(target.url, target.want, clients, per)
				if last.errors > 0 {
					b.Fatalf("%d errors", last.errors)
				}
			}
			b.ReportMetric(last.rps(), "req/s")
			b.ReportMetric(float64(last.p50.Microseconds()), "p50-µs")
			b.ReportMetric(float64(last.p99.Microseconds()), "p99-µs")
		})
	}
}
