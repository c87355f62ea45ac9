package local

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe
// (JSON messages separated by NUL bytes on file descriptors 3 and 4), so
// that browser tests can read the DOM and computed styles, submit forms
// and take screenshots of a real page without a websocket library.

// chromiumFlags keep headless Chromium off the network and quiet.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
	"--hide-scrollbars", "--remote-debugging-pipe"}

// browserTimeout bounds each protocol call and each page load.
const browserTimeout = 60 * time.Second

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Params    any             `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// browser is one headless Chromium with one tab attached.
type browser struct {
	t       testing.TB
	in      *os.File // the browser reads commands from here
	msgs    chan cdpMessage
	nextID  int
	session string
	events  []cdpMessage // events that arrived while waiting for an answer
}

func startBrowser(t testing.TB, path string) *browser {
	t.Helper()
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, path, append(chromiumFlags, "--user-data-dir="+t.TempDir(), "about:blank")...)
	cmd.ExtraFiles = []*os.File{cmdR, outW} // fd 3: commands in, fd 4: messages out
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	cmdR.Close()
	outW.Close()
	b := &browser{t: t, in: cmdW, msgs: make(chan cdpMessage, 256)}
	go func() {
		defer close(b.msgs)
		r := bufio.NewReader(outR)
		for {
			raw, err := r.ReadBytes(0)
			if err != nil {
				return
			}
			var m cdpMessage
			if json.Unmarshal(raw[:len(raw)-1], &m) == nil {
				b.msgs <- m
			}
		}
	}()
	t.Cleanup(func() {
		cmdW.Close() // Chromium exits when its command pipe closes
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cancel()
			<-done
		}
		cancel()
		outR.Close()
		if t.Failed() && stderr.Len() > 0 {
			tail := stderr.Bytes()
			if len(tail) > 4096 {
				tail = tail[len(tail)-4096:]
			}
			t.Logf("chromium stderr (end):\n%s", tail)
		}
	})
	var target struct {
		TargetID string `json:"targetId"`
	}
	b.result(b.call("Target.createTarget", map[string]any{"url": "about:blank"}), &target)
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	b.result(b.call("Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}), &attached)
	b.session = attached.SessionID
	b.call("Page.enable", nil)
	return b
}

// call sends a command to the tab (or, before one is attached, to the
// browser) and returns its result; events seen meanwhile are kept for
// waitLoad.
func (b *browser) call(method string, params any) json.RawMessage {
	b.t.Helper()
	b.nextID++
	id := b.nextID
	raw, err := json.Marshal(cdpMessage{ID: id, Method: method, SessionID: b.session, Params: params})
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.in.Write(append(raw, 0)); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	timeout := time.After(browserTimeout)
	for {
		select {
		case m, ok := <-b.msgs:
			if !ok {
				b.t.Fatalf("%s: chromium exited", method)
			}
			if m.ID != id {
				if m.Method != "" {
					b.events = append(b.events, m)
				}
				continue
			}
			if m.Error != nil {
				b.t.Fatalf("%s: %s", method, m.Error.Message)
			}
			return m.Result
		case <-timeout:
			b.t.Fatalf("%s: no answer from chromium in %v", method, browserTimeout)
		}
	}
}

func (b *browser) result(raw json.RawMessage, v any) {
	b.t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		b.t.Fatalf("decoding %s: %v", raw, err)
	}
}

// waitLoad waits for the tab's next load event.
func (b *browser) waitLoad(what string) {
	b.t.Helper()
	for i, m := range b.events {
		if m.Method == "Page.loadEventFired" && m.SessionID == b.session {
			b.events = b.events[i+1:]
			return
		}
	}
	b.events = nil
	timeout := time.After(browserTimeout)
	for {
		select {
		case m, ok := <-b.msgs:
			if !ok {
				b.t.Fatalf("%s: chromium exited", what)
			}
			if m.Method == "Page.loadEventFired" && m.SessionID == b.session {
				return
			}
		case <-timeout:
			b.t.Fatalf("%s: the page did not load in %v", what, browserTimeout)
		}
	}
}

// navigate loads url in the tab and waits until it has loaded.
func (b *browser) navigate(url string) {
	b.t.Helper()
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	b.events = nil
	b.result(b.call("Page.navigate", map[string]any{"url": url}), &nav)
	if nav.ErrorText != "" {
		b.t.Fatalf("loading %s: %s", url, nav.ErrorText)
	}
	b.waitLoad(url)
}

// act runs script, which makes the tab load another page (a click, a
// form submission), and waits for that page.
func (b *browser) act(script string) {
	b.t.Helper()
	b.events = nil
	b.eval(script)
	b.waitLoad(script)
}

// evalString evaluates a JavaScript expression in the page (awaiting a
// promise) and returns its value as a string.
func (b *browser) evalString(expr string) string {
	b.t.Helper()
	var v any
	if err := json.Unmarshal(b.eval(expr), &v); err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func (b *browser) eval(expr string) json.RawMessage {
	b.t.Helper()
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	b.result(b.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}), &res)
	if e := res.ExceptionDetails; e != nil {
		b.t.Fatalf("in the page, %s: %s %s", expr, e.Text, e.Exception.Description)
	}
	if len(res.Result.Value) == 0 {
		return json.RawMessage("null")
	}
	return res.Result.Value
}
