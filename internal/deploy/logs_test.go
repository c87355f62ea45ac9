package deploy

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
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
	if _, err := ParseSince("soon", now); err == nil {
		t.Error("ParseSince(soon) succeeded")
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

func TestFormatFunctionError(t *testing.T) {
	got := FormatFunctionError([]byte(`{"errorMessage": "boom", "errorType": "ValueError", "stackTrace": [["app.py", 3, "f", "raise ValueError()"]]}`))
	want := "Traceback (most recent call last):\n  File \"app.py\", line 3, in f\n    raise ValueError()\nValueError: boom\n"
	if got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if got := FormatFunctionError([]byte(`{"errorMessage": "boom"}`)); got != "boom\n" {
		t.Errorf("got %q", got)
	}
	if ExitCode(&FunctionError{}) != 1 || ExitCode(&RemoteError{}) != 1 || ExitCode(&NoSuchFunctionError{}) != 2 || ExitCode(nil) != 0 {
		t.Error("exit codes")
	}
}

func TestExplainAccessDenied(t *testing.T) {
	err := &smithy.OperationError{ServiceID: "Lambda", OperationName: "CreateFunction",
		Err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User: u is not authorized to perform: lambda:CreateFunction on resource: f"}}
	got := explain(err).Error()
	if !strings.HasPrefix(got, "access denied to lambda:CreateFunction: User: u is not authorized to perform: lambda:CreateFunction on resource: f (grant it") {
		t.Errorf("explain = %q", got)
	}
	if !errors.Is(explain(errors.New("get identity: get credentials: failed to refresh cached credentials")), ErrNoCredentials) {
		t.Error("credentials error not explained")
	}
	other := errors.New("boom")
	if explain(other) != other || explain(nil) != nil {
		t.Error("other errors must pass through")
	}
}
