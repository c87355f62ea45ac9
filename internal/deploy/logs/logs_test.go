package logs

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"30s":                  now.Add(-30 * time.Second),
		"5m":                   now.Add(-5 * time.Minute),
		"2h":                   now.Add(-2 * time.Hour),
		"1d":                   now.Add(-24 * time.Hour),
		"1w":                   now.Add(-7 * 24 * time.Hour),
		"2026-11-22T10:00:00Z": time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		"2026-11-22T10:00:00":  time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		"2026-11-22":           time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
	} {
		got, err := ParseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	var se *SinceError
	if _, err := ParseSince("soon", now); !errors.As(err, &se) || se.Value != "soon" || strings.Contains(err.Error(), "--") {
		t.Errorf("ParseSince(soon): %v, want a SinceError naming no flag", err)
	}
}

func TestLogLineParts(t *testing.T) {
	if got := logShortID("2026/11/22/[$LATEST]0123456789abcdef"); got != "012345" {
		t.Errorf("logShortID = %q", got)
	}
	if got := logShortID("plain"); got != "plain" {
		t.Errorf("logShortID = %q", got)
	}
	ms := time.Date(2026, 11, 22, 0, 57, 20, 0, time.UTC).UnixMilli()
	if got := formatLogTime(ms); got != "2026-11-22 00:57:20" {
		t.Errorf("formatLogTime = %q", got)
	}
	if got := formatLogTime(ms + 123); got != "2026-11-22 00:57:20.123000" {
		t.Errorf("formatLogTime = %q", got)
	}
	for msg, want := range map[string]bool{"START RequestId: x": true, "END RequestId: x": true, "REPORT RequestId: x": true, "hello": false} {
		if isLambdaMessage(msg) != want {
			t.Errorf("isLambdaMessage(%q) != %v", msg, want)
		}
	}
}
