package local

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// BenchmarkURLStreamTTFB measures, through `gochalice local` with a
// Function URL in RESPONSE_STREAM mode and the real app binary, the time
// to the first body byte and to the end of a 1 MiB response the handler
// produces in 16 writes with a 2 ms pause before each: streamed
// (chalice.StreamResponse) against the same bytes answered whole. Figures
// are reported as ttfb-ms and total-ms (means over the iterations); they
// are measurements, not assertions (docs/PERFORMANCE.md).
func BenchmarkURLStreamTTFB(b *testing.B) {
	dir := newProjectFrom(b, "testdata/stream/main.go.txt",
		`{"version": "2.0", "app_name": "streamtest", "stages": {"dev": {"api_type": "url", "function_url_invoke_mode": "RESPONSE_STREAM", "lambda_timeout": 30}}}`)
	srv := startURLLocal(b, dir, Options{Workers: 1})
	const query = "/bytes?n=1048576&writes=16&pause_us=2000"
	for _, mode := range []struct{ name, path string }{
		{"streamed", query},
		{"buffered", query + "&buffered=1"},
	} {
		b.Run(mode.name, func(b *testing.B) {
			buf := make([]byte, 64<<10)
			var ttfb, total time.Duration
			fetch := func() {
				start := time.Now()
				resp, err := http.Get(srv.base + mode.path)
				if err != nil {
					b.Fatal(err)
				}
				defer resp.Body.Close()
				n, err := resp.Body.Read(buf)
				if n == 0 || (err != nil && err != io.EOF) {
					b.Fatalf("first read: %d, %v", n, err)
				}
				first := time.Since(start)
				rest, err := io.Copy(io.Discard, resp.Body)
				if err != nil || int64(n)+rest != 1<<20 || resp.StatusCode != 200 {
					b.Fatalf("status %d, %d bytes, %v", resp.StatusCode, int64(n)+rest, err)
				}
				ttfb += first
				total += time.Since(start)
			}
			fetch() // warm
			ttfb, total = 0, 0
			b.ResetTimer()
			for b.Loop() {
				fetch()
			}
			b.ReportMetric(float64(ttfb.Microseconds())/1000/float64(b.N), "ttfb-ms")
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "total-ms")
		})
	}
}
