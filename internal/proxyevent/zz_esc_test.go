package proxyevent

import (
	"runtime"
	"testing"
	"time"
	"unicode/utf8"
)

func oldEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if htmlSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

func TestZZEsc(t *testing.T) {
	buf := make([]byte, 0, 4096)
	strs := []string{benchResponse.Body, "a long plain text body without anything that needs escaping at all, repeated. a long plain text body without anything that needs escaping at all.", "0c7a9e52-3b1d-4f6e-9a2b-5d8c1e0f7a34", "application/json", "Access-Control-Allow-Origin"}
	best := map[string]time.Duration{}
	for round := 0; round < 30; round++ {
		for name, fn := range map[string]func([]byte, string) []byte{"old": oldEscaped, "new": appendEscaped} {
			runtime.Gosched()
			t0 := time.Now()
			for i := 0; i < 20000; i++ {
				b := buf[:0]
				for _, s := range strs {
					b = fn(b, s)
				}
			}
			d := time.Since(t0) / 20000
			if b, ok := best[name]; !ok || d < b {
				best[name] = d
			}
		}
	}
	t.Log(best)
}
