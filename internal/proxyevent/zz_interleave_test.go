package proxyevent

import (
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

func TestZZInterleave(t *testing.T) {
	data := compact(t, readFixture(t, "v1_rest.json"))
	data2 := compact(t, readFixture(t, "v2_http.json"))
	var rr Request
	resp := events.APIGatewayProxyResponse{StatusCode: benchResponse.StatusCode, Headers: benchResponse.Headers,
		MultiValueHeaders: benchResponse.MultiValueHeaders, Body: benchResponse.Body}
	buf := make([]byte, 0, 1024)
	fns := []struct {
		name string
		fn   func()
	}{
		{"decode", func() { Decode(data) }},
		{"decodeInto", func() { DecodeInto(data, &rr) }},
		{"stdlib", func() { var r events.APIGatewayProxyRequest; json.Unmarshal(data, &r) }},
		{"decodeV2", func() { Decode(data2) }},
		{"stdlibV2", func() { var r events.APIGatewayV2HTTPRequest; json.Unmarshal(data2, &r) }},
		{"append", func() { buf = AppendResponse(buf[:0], KindV1, benchResponse) }},
		{"appendV2", func() { buf = AppendResponse(buf[:0], KindV2, benchResponse) }},
		{"marshal", func() { json.Marshal(&resp) }},
	}
	best := map[string]time.Duration{}
	for round := 0; round < 40; round++ {
		for _, f := range fns {
			runtime.GC()
			const n = 500
			t0 := time.Now()
			for i := 0; i < n; i++ {
				f.fn()
			}
			d := time.Since(t0) / n
			if b, ok := best[f.name]; !ok || d < b {
				best[f.name] = d
			}
		}
	}
	for _, f := range fns {
		t.Logf("%-10s %v", f.name, best[f.name])
	}
}
