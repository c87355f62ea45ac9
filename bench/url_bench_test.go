package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
)

// BenchmarkGochaliceFrontEnds: the same route and answer as
// BenchmarkGochalice, fed the event of each front end the API handler can
// sit behind: a REST API (payload 1.0), an HTTP API (payload 2.0) and a
// Lambda Function URL (payload 2.0 with routeKey $default, routed by the
// app from rawPath).
func BenchmarkGochaliceFrontEnds(b *testing.B) {
	for _, fe := range []struct{ name, file string }{
		{"rest", "testdata/apigw_v1_get.json"},
		{"http", "testdata/apigw_v2_get.json"},
		{"url", "testdata/function_url_get.json"},
	} {
		b.Run(fe.name, func(b *testing.B) {
			pretty, err := os.ReadFile(fe.file)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := json.Compact(&buf, pretty); err != nil {
				b.Fatal(err)
			}
			raw := buf.Bytes()
			app := gochaliceApp()
			ctx := context.Background()
			out, err := app.Invoke(ctx, "api_handler", raw)
			if err != nil {
				b.Fatal(err)
			}
			checkResponse(b, out)
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := app.Invoke(ctx, "api_handler", raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
