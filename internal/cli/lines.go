package cli

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/gochalice/chalice/internal/report"
)

// ProgressWriter adapts r to a library that reports progress through an
// io.Writer: each line is one report, a line starting "Warning: " a
// warning (without the prefix, which r adds back as its medium needs),
// any other line progress.
func ProgressWriter(r report.Reporter) io.Writer {
	r = report.Or(r)
	return &lineWriter{line: func(s string) {
		if msg, ok := strings.CutPrefix(s, "Warning: "); ok {
			r.Warn(msg)
		} else {
			r.Info(s)
		}
	}}
}

type lineWriter struct {
	mu   sync.Mutex
	line func(string)
	buf  []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		s := string(w.buf[:i])
		w.buf = w.buf[i+1:]
		w.line(s)
	}
}
