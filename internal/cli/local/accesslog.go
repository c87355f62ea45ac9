package local

import (
	"io"
	"sync"
	"time"
)

// accessLogDelay is how long an access log line may wait to be written
// with the lines that follow it.
const accessLogDelay = 20 * time.Millisecond

// accessLogFlushSize is the batch size written at once, whatever the delay.
const accessLogFlushSize = 32 << 10

// batchWriter writes the access log's lines to w in batches. A line that
// comes after a quiet moment (nothing written for accessLogDelay) is
// written at once; lines that follow within accessLogDelay of a write wait
// for the rest of their batch, at most accessLogDelay, or until
// accessLogFlushSize bytes are waiting. Under load that is one write to
// the terminal for many requests instead of one each, while a lone
// request's line shows at once. Write errors are dropped, as the
// per-request log always did.
type batchWriter struct {
	w io.Writer

	mu      sync.Mutex
	buf     []byte
	timer   *time.Timer
	pending bool      // timer armed
	last    time.Time // of the last write to w
}

func newBatchWriter(w io.Writer) *batchWriter { return &batchWriter{w: w} }

func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if !b.pending && time.Since(b.last) >= accessLogDelay || len(b.buf) >= accessLogFlushSize {
		b.flushLocked()
		return len(p), nil
	}
	if !b.pending {
		b.pending = true
		if b.timer == nil {
			b.timer = time.AfterFunc(accessLogDelay, b.Flush)
		} else {
			b.timer.Reset(accessLogDelay)
		}
	}
	return len(p), nil
}

// Flush writes what is waiting.
func (b *batchWriter) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *batchWriter) flushLocked() {
	if b.pending {
		b.timer.Stop()
		b.pending = false
	}
	if len(b.buf) == 0 {
		return
	}
	_, _ = b.w.Write(b.buf)
	b.last = time.Now()
	if cap(b.buf) > 4*accessLogFlushSize {
		b.buf = nil
	} else {
		b.buf = b.buf[:0]
	}
}
