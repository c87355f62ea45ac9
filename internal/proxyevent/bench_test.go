package proxyevent

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// compact returns data as API Gateway sends it: compact JSON.
func compact(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkDecodeV1(b *testing.B) {
	data := compact(b, readFixture(b, "v1_rest.json"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Decode(data)
		if err != nil || r.Kind != KindV1 {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeIntoV1(b *testing.B) {
	data := compact(b, readFixture(b, "v1_rest.json"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var r Request
	for b.Loop() {
		if err := DecodeInto(data, &r); err != nil || r.Kind != KindV1 {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibDecodeV1(b *testing.B) {
	data := compact(b, readFixture(b, "v1_rest.json"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var r events.APIGatewayProxyRequest
		if err := json.Unmarshal(data, &r); err != nil || r.HTTPMethod != "GET" {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeV2(b *testing.B) {
	data := compact(b, readFixture(b, "v2_http.json"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Decode(data)
		if err != nil || r.Kind != KindV2 {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibDecodeV2(b *testing.B) {
	data := compact(b, readFixture(b, "v2_http.json"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var r events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(data, &r); err != nil || r.RawPath == "" {
			b.Fatal(err)
		}
	}
}

var benchResponse = &Response{
	StatusCode: 200,
	Headers: map[string]string{
		"Content-Type":                "application/json",
		"X-Request-Id":                "0c7a9e52-3b1d-4f6e-9a2b-5d8c1e0f7a34",
		"Access-Control-Allow-Origin": "*",
	},
	MultiValueHeaders: map[string][]string{"Set-Cookie": {"session=abc; Path=/; HttpOnly", "theme=dark"}},
	Body:              `{"orderId":"8f2c1e","items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}],"note":"ships <today> & free"}`,
}

func BenchmarkAppendResponse(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		buf = AppendResponse(buf[:0], KindV1, benchResponse)
	}
}

func BenchmarkAppendResponseV2(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		buf = AppendResponse(buf[:0], KindV2, benchResponse)
	}
}

func BenchmarkStdlibMarshalResponse(b *testing.B) {
	b.ReportAllocs()
	resp := events.APIGatewayProxyResponse{
		StatusCode:        benchResponse.StatusCode,
		Headers:           benchResponse.Headers,
		MultiValueHeaders: benchResponse.MultiValueHeaders,
		Body:              benchResponse.Body,
	}
	for b.Loop() {
		if _, err := json.Marshal(&resp); err != nil {
			b.Fatal(err)
		}
	}
}
