package proxyevent

import (
	"encoding/json"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

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
		n    int
	}{
		{"DecodeV1", func() { Decode(data) }, 20000},
		{"DecodeIntoV1", func() { DecodeInto(data, &rr) }, 20000},
		{"StdlibV1", func() { var r events.APIGatewayProxyRequest; json.Unmarshal(data, &r) }, 4000},
		{"DecodeV2", func() { Decode(data2) }, 20000},
		{"StdlibV2", func() { var r events.APIGatewayV2HTTPRequest; json.Unmarshal(data2, &r) }, 8000},
		{"AppendResponse", func() { buf = AppendResponse(buf[:0], KindV1, benchResponse) }, 100000},
		{"AppendResponseV2", func() { buf = AppendResponse(buf[:0], KindV2, benchResponse) }, 100000},
		{"StdlibMarshal", func() { json.Marshal(&resp) }, 50000},
	}
	res := map[string][]time.Duration{}
	for round := 0; round < 15; round++ {
		for _, f := range fns {
			t0 := cpuNow()
			for i := 0; i < f.n; i++ {
				f.fn()
			}
			res[f.name] = append(res[f.name], (cpuNow()-t0)/time.Duration(f.n))
		}
	}
	med := map[string]time.Duration{}
	for _, f := range fns {
		v := res[f.name]
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
		med[f.name] = v[len(v)/2]
		t.Logf("%-17s cpu/op min %8v median %8v", f.name, v[0], v[len(v)/2])
	}
	t.Logf("median ratios: V1 %.1fx, V1 into %.1fx, V2 %.1fx, append %.1fx",
		float64(med["StdlibV1"])/float64(med["DecodeV1"]), float64(med["StdlibV1"])/float64(med["DecodeIntoV1"]),
		float64(med["StdlibV2"])/float64(med["DecodeV2"]), float64(med["StdlibMarshal"])/float64(med["AppendResponse"]))
}
