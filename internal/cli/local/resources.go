package local

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/localevents"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/manifest"
)

// Test values for the emulator, as chalicetest uses, when the
// environment sets none.
const (
	defaultRegion = "us-west-2"
	testKey       = "testing"
)

// endpoint is the AWS endpoint the declared resources live on: an
// embedded moto server gochalice local started (stop non-nil), or the
// --aws-endpoint one.
type endpoint struct {
	url  string
	cfg  aws.Config
	env  []string // for the workers: AWS_ENDPOINT_URL, region, credentials
	stop func() error
}

// motoStart is a moto server starting in the background.
type motoStart struct {
	began time.Time
	done  chan struct{}
	srv   *moto.Server
	stop  func() error
	err   error
}

func startMoto() *motoStart {
	m := &motoStart{began: time.Now(), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		m.srv, m.stop, m.err = moto.StartProcess(context.Background())
	}()
	return m
}

// wait returns the started server, or the error, once the start is over.
func (m *motoStart) wait(ctx context.Context) (*moto.Server, func() error, error) {
	select {
	case <-m.done:
		return m.srv, m.stop, m.err
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}

// discard stops the server once it has started.
func (m *motoStart) discard() {
	<-m.done
	if m.stop != nil {
		_ = m.stop()
	}
}

// resourcesMarker, in the local build directory, records that the last
// build of the project declared resources, so that the next gochalice
// local starts moto while it builds rather than after.
const resourcesMarker = "declares-resources"

// prestartMoto starts moto in the background when the project's last
// build declared resources (and --aws-endpoint names no emulator).
func (s *server) prestartMoto() {
	if s.o.AWSEndpoint != "" {
		return
	}
	if _, err := os.Stat(filepath.Join(s.binDir, resourcesMarker)); err == nil {
		s.motoStart = startMoto()
	}
}

// noteResources keeps the marker in step with the build's manifest and
// stops a moto started ahead for a build that declares nothing.
func (s *server) noteResources(declares bool) {
	marker := filepath.Join(s.binDir, resourcesMarker)
	if declares {
		_ = os.WriteFile(marker, nil, 0o644)
		return
	}
	_ = os.Remove(marker)
	if s.motoStart != nil && s.aws == nil {
		go s.motoStart.discard()
		s.motoStart = nil
	}
}

// endpointFor returns the endpoint, starting moto on first use unless
// --aws-endpoint names one. It is kept across reloads.
func (s *server) endpointFor(ctx context.Context) (*endpoint, error) {
	if s.aws != nil {
		return s.aws, nil
	}
	ep := &endpoint{url: s.o.AWSEndpoint}
	if ep.url == "" {
		m := s.motoStart
		if m == nil {
			m = startMoto()
		}
		s.motoStart = nil
		srv, stop, err := m.wait(ctx)
		if ctx.Err() != nil {
			go m.discard()
		}
		began := m.began
		if err != nil {
			return nil, fmt.Errorf("the app declares resources, and gochalice local could not start moto to create them "+
				"(or pass --aws-endpoint URL of another emulator): %w", err)
		}
		ep.url, ep.stop = srv.Endpoint, stop
		fmt.Fprintf(s.o.IO.ErrOut, "Started moto (AWS emulator, pid %d) at %s in %v; it stops with gochalice local\n",
			srv.Pid(), srv.Endpoint, time.Since(began).Round(time.Millisecond))
	}
	region := cmp.Or(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), defaultRegion)
	key := cmp.Or(os.Getenv("AWS_ACCESS_KEY_ID"), testKey)
	secret := cmp.Or(os.Getenv("AWS_SECRET_ACCESS_KEY"), testKey)
	ep.cfg = aws.Config{Region: region, BaseEndpoint: aws.String(ep.url),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, os.Getenv("AWS_SESSION_TOKEN"))}
	ep.env = []string{"AWS_ENDPOINT_URL=" + ep.url, "AWS_REGION=" + region, "AWS_DEFAULT_REGION=" + region,
		"AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=" + secret}
	s.aws = ep
	return ep, nil
}

// closeEndpoint stops the moto server gochalice local started, if any.
func (s *server) closeEndpoint() {
	if s.motoStart != nil {
		s.motoStart.discard()
		s.motoStart = nil
	}
	if s.aws != nil && s.aws.stop != nil {
		if err := s.aws.stop(); err != nil {
			fmt.Fprintln(s.o.IO.ErrOut, "Warning:", err)
		}
		s.aws.stop = nil
	}
}

// provision creates what the manifest declares and is missing on the
// endpoint (each build: new declarations are created on reload) and
// returns the resources with the workers' environment.
func (s *server) provision(ctx context.Context, m *manifest.Manifest) (*provision.Result, []string, error) {
	ep, err := s.endpointFor(ctx)
	if err != nil {
		return nil, nil, err
	}
	model, err := appgraph.Build(appgraph.Input{Manifest: m, Config: s.cfg, Stage: s.o.Stage, DeclaredResources: true})
	if err != nil {
		return nil, nil, err
	}
	res, err := provision.Ensure(ctx, ep.cfg, model.Declared)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the app's resources at %s: %w", ep.url, err)
	}
	var created []string
	for _, r := range res.Resources {
		if r.Created {
			created = append(created, r.Declared.Spec.Kind+" "+r.Declared.Spec.Name+" ("+r.Values[appgraph.AttrName]+")")
		}
	}
	if len(created) > 0 {
		fmt.Fprintf(s.o.IO.ErrOut, "Created on %s: %s\n", hostOf(ep.url), strings.Join(created, ", "))
	}
	env := slices.Clone(ep.env)
	resEnv := res.Env()
	for _, k := range slices.Sorted(maps.Keys(resEnv)) {
		env = append(env, k+"="+resEnv[k])
	}
	return res, env, nil
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

// hasLocalEvents reports whether m has sources localevents runs or
// reports on.
func hasLocalEvents(m *manifest.Manifest) bool {
	return len(m.EventSources) > 0
}

// startEvents runs the build's event sources against the endpoint.
func (s *server) startEvents(ctx context.Context, st *state, res *provision.Result) error {
	if !hasLocalEvents(st.m) {
		return nil
	}
	o := localevents.Options{Manifest: st.m, Resources: res, App: st.m.App, Stage: s.o.Stage, Schedules: s.o.Schedules, Log: s.log,
		Invoke: func(ctx context.Context, function string, payload []byte) ([]byte, error) {
			p := st.pools[function]
			if p == nil {
				return nil, fmt.Errorf("function %q has no worker pool", function)
			}
			return p.Invoke(ctx, payload)
		},
		Timeout: func(function string) time.Duration {
			return time.Duration(s.cfg.LambdaTimeout(s.o.Stage, function)) * time.Second
		},
	}
	if s.aws != nil {
		o.AWS = s.aws.cfg
	} else {
		o.AWS = aws.Config{Region: cmp.Or(os.Getenv("AWS_REGION"), defaultRegion)}
	}
	r, err := localevents.Start(ctx, o)
	if err != nil {
		return err
	}
	st.events = r
	if len(r.Sources) > 0 {
		fmt.Fprintf(s.o.IO.ErrOut, "Event sources: %s\n", strings.Join(r.Sources, ", "))
	}
	if s.gen.Load() == 1 {
		for _, why := range r.Skipped {
			fmt.Fprintln(s.o.IO.ErrOut, "Warning: not run locally:", why)
		}
	}
	return nil
}
