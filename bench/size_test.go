package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkBinarySize builds each program as it is deployed (linux/arm64,
// CGO off, -tags lambda.norpc, -trimpath, -ldflags "-s -w") and reports its
// size in bytes. The time per op is meaningless; read the bytes metric.
func BenchmarkBinarySize(b *testing.B) {
	programs := []struct{ name, dir string }{
		{"aws-lambda-go-hello", "./cmd/lambdahello"},
		{"aws-lambda-go-dynamodb", "./cmd/lambdaddb"},
		{"gochalice-hello", "./cmd/chalicehello"},
		{"gochalice-typed-hello", "./cmd/chalicetyped"},
		{"users-service", "../examples/users-service/web-api"},
	}
	for _, p := range programs {
		b.Run(p.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "bootstrap")
			cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, ".")
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
			cmd.Dir = p.dir
			if msg, err := cmd.CombinedOutput(); err != nil {
				b.Skipf("building %s: %v\n%s", p.dir, err, msg)
			}
			st, err := os.Stat(out)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
			}
			b.ReportMetric(float64(st.Size()), "bytes")
		})
	}
}
