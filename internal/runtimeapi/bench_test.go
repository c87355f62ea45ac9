package runtimeapi

import (
	"context"
	"io"
	"net"
	"os"
	"testing"
)

// BenchmarkInvokeWarm measures one round trip through a warm worker:
// assign, /next, the handler, /response.
func BenchmarkInvokeWarm(b *testing.B) {
	p := testPool(b, Config{MaxWorkers: 1, Stdout: io.Discard, Stderr: io.Discard})
	ctx := context.Background()
	if err := p.Warm(ctx, 1); err != nil {
		b.Fatal(err)
	}
	payload := []byte(`{"hello":"world"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInvokeWarmParallel is BenchmarkInvokeWarm with concurrent
// callers sharing four warm workers.
func BenchmarkInvokeWarmParallel(b *testing.B) {
	p := testPool(b, Config{MaxWorkers: 4, Stdout: io.Discard, Stderr: io.Discard})
	ctx := context.Background()
	if err := p.Warm(ctx, 4); err != nil {
		b.Fatal(err)
	}
	payload := []byte(`{"hello":"world"}`)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.Invoke(ctx, payload); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkColdStart measures NewPool, a first Invoke (process start, init,
// first poll, round trip) and Close.
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	payload := []byte(`{"hello":"world"}`)
	for b.Loop() {
		p, err := NewPool(Config{Binary: bin.echo, Function: "echo", Stdout: io.Discard, Stderr: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPeerCheck measures the Runtime API's check that a connection
// comes from the worker process (on Linux: a /proc/self/net/tcp scan and a
// /proc/<pid>/fd walk). It runs once per connection; aws-lambda-go keeps
// one connection alive, so BenchmarkInvokeWarm pays it only once.
func BenchmarkPeerCheck(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		b.Fatal(err)
	}
	defer server.Close()
	local, remote := server.LocalAddr().(*net.TCPAddr).AddrPort(), server.RemoteAddr().(*net.TCPAddr).AddrPort()
	pid := os.Getpid()
	b.ReportAllocs()
	for b.Loop() {
		if err := checkPeer(local, remote, pid); err != nil {
			b.Fatal(err)
		}
	}
}
