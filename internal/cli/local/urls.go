package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/gateway"
	"github.com/gochalice/chalice/manifest"
)

// Pure Lambdas with function_url get a Function URL each, which is a host
// of its own: gochalice local serves each on a listener of its own, on
// the ports after --port in function-name order (port+1, port+2, ...), or
// on a free port when that one is taken (or --port is 0). The listeners
// outlive reloads: each request goes to the current build's gateway for
// the function. A reload that gives a function a URL starts its listener;
// one that takes it away stops it.

// pureURLs is the Function URL configuration of each of m's pure Lambdas
// that has one on the stage (config.Config.HasURL).
func (s *server) pureURLs(m *manifest.Manifest) (map[string]gateway.URLOptions, error) {
	out := map[string]gateway.URLOptions{}
	for _, role := range appgraph.FunctionRoles(m) {
		if !role.PureLambda || !s.cfg.HasURL(s.o.Stage, role, config.Overrides{}) {
			continue
		}
		fc, err := s.cfg.Function(s.o.Stage, role.Name, config.Overrides{})
		if err != nil {
			return nil, err
		}
		out[role.Name] = gateway.URLOptions{Function: role.Name, AuthType: fc.URLAuthType, InvokeMode: fc.URLInvokeMode}
	}
	return out, nil
}

// urlListener serves one pure Lambda's Function URL.
type urlListener struct {
	addr string
	hs   *http.Server
	done chan struct{} // closed when Serve returns
}

// urlListeners are the pure Lambdas' Function URL listeners, by function.
type urlListeners struct {
	mu     sync.Mutex
	byName map[string]*urlListener
	closed bool // after close: no listener starts any more
}

// syncURLs makes the listeners match the build being served, st: it
// starts one for each function of st with a URL that has none yet
// (printing its URL) and stops those of functions that lost theirs.
func (s *server) syncURLs(st *state) error {
	u := &s.urls
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return nil
	}
	if u.byName == nil {
		u.byName = map[string]*urlListener{}
	}
	names := make([]string, 0, len(st.urls))
	for name := range st.urls {
		names = append(names, name)
	}
	slices.Sort(names)
	var errs []error
	for i, name := range names {
		if u.byName[name] != nil {
			continue
		}
		l, note, err := s.listenURL(name, s.urlPort(i))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		u.byName[name] = l
		fmt.Fprintf(s.o.IO.Out, "Serving the Function URL of %s on http://%s%s\n", name, l.addr, note)
	}
	for _, name := range slices.Sorted(maps.Keys(u.byName)) {
		if _, ok := st.urls[name]; ok {
			continue
		}
		l := u.byName[name]
		delete(u.byName, name)
		l.shutdown(context.Background(), 5*time.Second)
		fmt.Fprintf(s.o.IO.Out, "Stopped the Function URL of %s on http://%s: the new build gives the function none\n", name, l.addr)
	}
	return errors.Join(errs...)
}

// urlPort is the port the i-th URL (in function-name order) asks for:
// --port + 1 + i, or 0 (any free port) when --port is 0 or that is past
// 65535.
func (s *server) urlPort(i int) int {
	p := s.o.Port + 1 + i
	if s.o.Port == 0 || p > 65535 {
		return 0
	}
	return p
}

// listenURL starts function's listener on port, or on a free port when
// port is taken; note says so.
func (s *server) listenURL(function string, port int) (*urlListener, string, error) {
	note := ""
	ln, err := net.Listen("tcp", net.JoinHostPort(s.o.Host, strconv.Itoa(port)))
	if err != nil && port != 0 {
		note = fmt.Sprintf(" (port %d is in use)", port)
		ln, err = net.Listen("tcp", net.JoinHostPort(s.o.Host, "0"))
	}
	if err != nil {
		return nil, "", fmt.Errorf("the Function URL of pure Lambda %s: listening on %s: %w", function, net.JoinHostPort(s.o.Host, strconv.Itoa(port)), err)
	}
	l := &urlListener{addr: ln.Addr().String(), done: make(chan struct{}), hs: &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveURL(function, w, r) }),
		ReadHeaderTimeout: s.timeouts.ReadHeader,
		ReadTimeout:       s.timeouts.Read,
		IdleTimeout:       s.timeouts.Idle,
		MaxHeaderBytes:    1 << 20,
	}}
	go func() {
		defer close(l.done)
		if err := l.hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("Function URL listener failed", "function", function, "addr", l.addr, "reason", err.Error())
		}
	}()
	return l, note, nil
}

// shutdown stops the listener, letting requests in flight finish within
// grace, and waits until it has stopped.
func (l *urlListener) shutdown(ctx context.Context, grace time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, grace)
	defer cancel()
	if err := l.hs.Shutdown(ctx); err != nil {
		_ = l.hs.Close()
	}
	<-l.done
}

// closeURLs stops every listener; none starts after it.
func (s *server) closeURLs() {
	u := &s.urls
	u.mu.Lock()
	defer u.mu.Unlock()
	u.closed = true
	var wg sync.WaitGroup
	for _, l := range u.byName {
		wg.Go(func() { l.shutdown(context.Background(), 5*time.Second) })
	}
	wg.Wait()
	u.byName = nil
}

// serveURL serves one request to function's Function URL on the current
// build and logs it.
func (s *server) serveURL(function string, w http.ResponseWriter, r *http.Request) {
	s.serveOn(w, r, func(st *state) http.Handler {
		if gw := st.urls[function]; gw != nil {
			return gw
		}
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			// The build being served took the URL away; the listener is
			// about to stop.
			body := `{"Message":"` + function + ` has no Function URL in the build being served"}`
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, body)
		})
	})
}
