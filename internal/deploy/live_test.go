package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
)

// TestLiveAWS deploys a small app to the real AWS account of the ambient
// credentials, calls it, redeploys it unchanged (0 mutating calls) and
// deletes it. It runs only with GOCHALICE_LIVE_AWS=1 (it creates billable,
// if tiny, resources, and needs IAM, Lambda and API Gateway permissions).
func TestLiveAWS(t *testing.T) {
	if os.Getenv("GOCHALICE_LIVE_AWS") != "1" {
		t.Skip("set GOCHALICE_LIVE_AWS=1 to deploy to the real AWS account of the current credentials")
	}
	ctx := context.Background()
	dir := project(t)
	name := fmt.Sprintf("gochalice-live-%d", time.Now().Unix()%1000000)
	os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(`{"version": "2.0", "app_name": "`+name+`", "stages": {"dev": {"api_gateway_stage": "api"}}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.Replace(strings.Replace(httpApp, "ROUTES", "", 1), `chalice.New("sample")`, `chalice.New("`+name+`")`, 1)), 0o644)
	built, err := packager.Build(ctx, &packager.Options{ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	rec := &awsapi.Recorder{}
	var out bytes.Buffer
	opts := func(b *packager.Built) *deploy.Options {
		out.Reset()
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Reporter: report.New(&out), Recorder: rec, Built: b}
	}
	t.Cleanup(func() {
		if err := deploy.Delete(ctx, opts(nil)); err != nil {
			t.Errorf("delete: %v\n%s", err, out.String())
		}
	})
	if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Logf("first deploy: %d calls, %d mutating\n%s", len(rec.Calls()), len(rec.Mutating()), out.String())
	u, err := deploy.URL(ctx, &deploy.Options{ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var body string
	for deadline := time.Now().Add(90 * time.Second); ; {
		resp, err := http.Get(u)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v %q", u, err, body)
		}
		time.Sleep(3 * time.Second)
	}
	if !strings.Contains(body, `"hello"`) {
		t.Errorf("GET %s = %q", u, body)
	}
	if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(rec.Mutating()) != 0 {
		t.Errorf("no-op redeploy: %v, mutating calls %v", err, rec.Mutating())
	}
}
