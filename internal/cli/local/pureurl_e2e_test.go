package local

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/gateway"
	"github.com/gochalice/chalice/internal/runtimeapi"
	"github.com/gochalice/chalice/manifest"
)

// pureURLBanner matches the start-up line of a pure Lambda's Function URL.
var pureURLBanner = regexp.MustCompile(`Serving the Function URL of (\S+) on (http://\S+)`)

// urlsIn returns the pure Lambdas' Function URLs local printed, by function.
func urlsIn(out string) map[string]string {
	urls := map[string]string{}
	for _, m := range pureURLBanner.FindAllStringSubmatch(out, -1) {
		urls[m[1]] = m[2]
	}
	return urls
}

// TestLocalPureLambdaURLs: pure Lambdas with function_url are served on
// listeners of their own, by the real app binary under the Runtime API
// emulator, beside the REST API serving the routes; each URL reaches its
// function with the Function URL event, whatever the path, and nothing is
// left listening after local stops.
func TestLocalPureLambdaURLs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an app")
	}
	dir := newProjectFrom(t, "testdata/pureurl/main.go.txt",
		`{"version": "2.0", "app_name": "pureurltest", "stages": {"dev": {"lambda_timeout": 20, "lambda_functions": {
		  "echo": {"function_url": true},
		  "signed": {"function_url": true, "function_url_auth_type": "AWS_IAM", "function_url_invoke_mode": "RESPONSE_STREAM"}}}}}`)
	srv := startURLLocal(t, dir, Options{Workers: 1})
	out := srv.out.String()
	if !strings.Contains(out, "Serving on "+srv.base+"\n") {
		t.Errorf("main banner missing:\n%s", out)
	}
	urls := urlsIn(out)
	if len(urls) != 2 || urls["echo"] == "" || urls["signed"] == "" || urls["echo"] == urls["signed"] || urls["echo"] == srv.base {
		t.Fatalf("Function URLs printed: %v, want one each for echo and signed, apart from %s\n%s", urls, srv.base, out)
	}

	t.Run("the routes are still the REST API's", func(t *testing.T) {
		if status, body := get(t, srv.base+"/"); status != 200 || body != `{"served":"routes"}` {
			t.Errorf("GET %s/ = %d %s", srv.base, status, body)
		}
	})

	t.Run("any JSON is a 200 body; unknown paths reach the function", func(t *testing.T) {
		resp, err := http.Get(urls["echo"] + "/no/such/route?x=1&x=2")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("x-amzn-RequestId") == "" {
			t.Fatalf("GET = %d %v %s", resp.StatusCode, resp.Header, b)
		}
		var got struct {
			Function string
			Event    map[string]any
		}
		if err := json.Unmarshal(b, &got); err != nil || got.Function != "echo" {
			t.Fatalf("body %s (%v), want echo's answer", b, err)
		}
		id := gateway.LocalURLIDFor("echo")
		for _, tt := range []struct {
			path []string
			want any
		}{
			{[]string{"version"}, "2.0"},
			{[]string{"routeKey"}, "$default"},
			{[]string{"rawPath"}, "/no/such/route"},
			{[]string{"rawQueryString"}, "x=1&x=2"},
			{[]string{"queryStringParameters", "x"}, "1,2"},
			{[]string{"headers", "host"}, strings.TrimPrefix(urls["echo"], "http://")},
			{[]string{"requestContext", "stage"}, "$default"},
			{[]string{"requestContext", "accountId"}, "anonymous"},
			{[]string{"requestContext", "apiId"}, id},
			{[]string{"requestContext", "domainName"}, id + ".lambda-url." + gateway.LocalRegion + ".on.aws"},
			{[]string{"requestContext", "http", "method"}, "GET"},
			{[]string{"requestContext", "authorizer"}, nil},
		} {
			if v := walk(got.Event, tt.path...); v != tt.want {
				t.Errorf("event %s = %v, want %v", strings.Join(tt.path, "."), v, tt.want)
			}
		}
	})

	t.Run("a response object, AWS_IAM and RESPONSE_STREAM", func(t *testing.T) {
		req, _ := http.NewRequest("POST", urls["signed"]+"/", strings.NewReader(`{"k":"v"}`))
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20250409/mars-west-1/lambda/aws4_request, SignedHeaders=host, Signature=abc")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 201 || resp.Header.Get("X-From") != "signed" {
			t.Fatalf("POST = %d %v %s", resp.StatusCode, resp.Header, b)
		}
		var got struct {
			Function, InvokeMode string
			Event                map[string]any
		}
		if err := json.Unmarshal(b, &got); err != nil || got.Function != "signed" {
			t.Fatalf("body %s (%v), want signed's answer", b, err)
		}
		if got.InvokeMode != gateway.InvokeModeStream {
			t.Errorf("GOCHALICE_INVOKE_MODE = %q, want RESPONSE_STREAM as deployed", got.InvokeMode)
		}
		if v := walk(got.Event, "requestContext", "authorizer", "iam", "accessKey"); v != "AKIDLOCAL" {
			t.Errorf("iam accessKey = %v", v)
		}
		if v := walk(got.Event, "body"); v != `{"k":"v"}` {
			t.Errorf("body = %v", v)
		}
		if v := walk(got.Event, "requestContext", "apiId"); v != gateway.LocalURLIDFor("signed") {
			t.Errorf("apiId = %v, want signed's URL ID", v)
		}
		waitFor(t, srv.out, "Function URL of signed has auth type AWS_IAM")
	})

	srv.stop()
	for _, u := range []string{srv.base, urls["echo"], urls["signed"]} {
		addr := strings.TrimPrefix(u, "http://")
		if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after local stopped", addr)
		}
	}
	if pids := appProcesses(t, dir); len(pids) > 0 {
		t.Errorf("worker processes left running: %v", pids)
	}
}

// walk follows object keys through decoded JSON.
func walk(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// The URL ports: --port + 1 + i in function-name order, any free port when
// --port is 0 or past the last port.
func TestURLPort(t *testing.T) {
	for _, tt := range []struct{ port, i, want int }{
		{8000, 0, 8001}, {8000, 2, 8003}, {0, 0, 0}, {0, 3, 0}, {65535, 0, 0}, {65533, 1, 65535}, {65533, 2, 0},
	} {
		s := &server{o: &Options{Port: tt.port}}
		if got := s.urlPort(tt.i); got != tt.want {
			t.Errorf("--port %d, URL %d: port %d, want %d", tt.port, tt.i, got, tt.want)
		}
	}
}

// Function URL listeners follow the builds: a build that gives a function
// a URL starts its listener (on a free port when its own is taken), one
// that keeps it keeps the listener (serving the new build), one that takes
// it away stops it; closeURLs stops them all. Each build's gateways
// answer with the build's name, so a request shows which build served it.
func TestSyncURLs(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	base := taken.Addr().(*net.TCPAddr).Port - 1 // the first URL's port is taken
	out := &syncBuffer{}
	s := &server{o: &Options{Host: "127.0.0.1", Port: base, IO: cli.IO{Out: out, ErrOut: out}}, timeouts: Timeouts{}.withDefaults(),
		log: slog.New(slog.NewTextHandler(out, nil)), access: newBatchWriter(out)}
	defer s.access.Flush()
	build := func(gen string, names ...string) *state {
		m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "t"}
		for _, n := range names {
			m.Functions = append(m.Functions, manifest.Function{Name: n, Kind: manifest.KindPureLambda})
		}
		st := &state{m: m, urls: map[string]*gateway.Gateway{}, pools: map[string]*runtimeapi.Pool{}}
		for _, n := range names {
			inv := gateway.InvokerFunc(func(_ context.Context, fn string, _ []byte) ([]byte, error) {
				return []byte(`{"build":"` + gen + `","function":"` + fn + `"}`), nil
			})
			gw, err := gateway.New(m, inv, gateway.Options{API: gateway.APIURL, URL: gateway.URLOptions{Function: n}})
			if err != nil {
				t.Fatal(err)
			}
			st.urls[n] = gw
		}
		return st
	}
	st1 := build("1", "a", "b")
	s.cur.Store(st1)
	if err := s.syncURLs(st1); err != nil {
		t.Fatal(err)
	}
	urls := urlsIn(out.String())
	if !strings.Contains(out.String(), "(port "+strconv.Itoa(base+1)+" is in use)") || urls["a"] == "http://127.0.0.1:"+strconv.Itoa(base+1) {
		t.Errorf("a's port was taken: want a free port and a note:\n%s", out.String())
	}
	if b := urls["b"]; b == "" {
		t.Fatalf("b not served:\n%s", out.String())
	}
	if status, body := get(t, urls["b"]+"/x"); status != 200 || body != `{"build":"1","function":"b"}` {
		t.Errorf("b on build 1: %d %s", status, body)
	}

	st2 := build("2", "b", "c")
	s.cur.Store(st2)
	if err := s.syncURLs(st2); err != nil {
		t.Fatal(err)
	}
	after := urlsIn(out.String())
	if after["b"] != urls["b"] {
		t.Errorf("b moved from %s to %s on reload", urls["b"], after["b"])
	}
	if status, body := get(t, urls["b"]+"/x"); status != 200 || body != `{"build":"2","function":"b"}` {
		t.Errorf("b on build 2: %d %s", status, body)
	}
	if status, body := get(t, after["c"]+"/"); status != 200 || body != `{"build":"2","function":"c"}` {
		t.Errorf("c on build 2: %d %s", status, body)
	}
	if !strings.Contains(out.String(), "Stopped the Function URL of a on "+urls["a"]) {
		t.Errorf("a's stop not reported:\n%s", out.String())
	}
	refused := func(u string) bool {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(u, "http://"), 5*time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	}
	if !refused(urls["a"]) {
		t.Errorf("a's listener %s still open", urls["a"])
	}
	s.closeURLs()
	for _, fn := range []string{"b", "c"} {
		if !refused(after[fn]) {
			t.Errorf("%s's listener %s still open after closeURLs", fn, after[fn])
		}
	}
	if err := s.syncURLs(build("3", "d")); err != nil || strings.Contains(out.String(), "Function URL of d") {
		t.Errorf("a listener started after closeURLs (%v):\n%s", err, out.String())
	}
}
