package local

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/cli"
)

// TestLocalAWSEndpointReload: with --aws-endpoint, local starts no moto
// of its own and creates the declared resources on the given endpoint;
// a reload that declares a new resource creates it there too.
func TestLocalAWSEndpointReload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	srv := moto.Start(t)
	src, err := os.ReadFile("testdata/resources/main.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := newProjectSource(t, string(src), `{"version": "2.0", "app_name": "restest", "stages": {"dev": {"api_gateway_stage": "api", "lambda_timeout": 1}}}`)
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, &Options{IO: cli.IO{Out: out, ErrOut: out}, ProjectDir: dir, Host: "127.0.0.1", Stage: "dev", Workers: 1,
			Autoreload: true, AWSEndpoint: srv.Endpoint, Ready: func(a string) { ready <- a }})
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("local exited: %v\n%s", err, out.String())
	case <-time.After(180 * time.Second):
		t.Fatal("local not ready")
	}
	waitFor(t, out, "Created on "+strings.TrimPrefix(srv.Endpoint, "http://")+": table items (restest-dev-items)")
	if strings.Contains(out.String(), "Started moto") {
		t.Errorf("started a moto of its own despite --aws-endpoint:\n%s", out.String())
	}
	changed := strings.Replace(string(src), `failed := app.Queue("jobs-failed")`, `failed := app.Queue("jobs-failed")
	app.Table("extra", chalice.StringKey("k"))`, 1)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, out, "table extra (restest-dev-extra)")
	waitFor(t, out, "Reloaded: serving the new build")
	if n := strings.Count(out.String(), "queue jobs (restest-dev-jobs)"); n != 1 {
		t.Errorf("queue jobs reported created %d times, want once (the reload finds it)", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestPrestartMotoDiscarded: a moto started ahead because the last build
// declared resources is stopped when the new build declares none, and
// the marker goes.
func TestPrestartMotoDiscarded(t *testing.T) {
	if err := moto.Available(); err != nil {
		t.Skipf("moto: %v", err)
	}
	dir := t.TempDir()
	marker := filepath.Join(dir, resourcesMarker)
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s := &server{o: &Options{IO: cli.IO{Out: io.Discard, ErrOut: io.Discard}}, binDir: dir}
	s.prestartMoto()
	m := s.motoStart
	if m == nil {
		t.Fatal("no moto started ahead despite the marker")
	}
	s.noteResources(false)
	if s.motoStart != nil {
		t.Error("the moto started ahead is still kept")
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("marker still there (%v)", err)
	}
	<-m.done
	if m.err != nil {
		t.Fatal(m.err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(m.srv.Pid(), 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("moto (pid %d) still running", m.srv.Pid())
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.noteResources(true)
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("no marker after a build with resources: %v", err)
	}
	// --aws-endpoint: nothing is started ahead.
	s = &server{o: &Options{AWSEndpoint: "http://127.0.0.1:1"}, binDir: dir}
	if s.prestartMoto(); s.motoStart != nil {
		t.Error("started moto ahead despite --aws-endpoint")
	}
}
