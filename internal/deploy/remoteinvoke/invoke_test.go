package remoteinvoke

import (
	"testing"

	"github.com/gochalice/chalice/internal/deploy"
)

func TestFormatFunctionError(t *testing.T) {
	got := FormatFunctionError([]byte(`{"errorMessage": "boom", "errorType": "ValueError", "stackTrace": [["app.py", 3, "f", "raise ValueError()"]]}`))
	want := "Traceback (most recent call last):\n  File \"app.py\", line 3, in f\n    raise ValueError()\nValueError: boom\n"
	if got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if got := FormatFunctionError([]byte(`{"errorMessage": "boom"}`)); got != "boom\n" {
		t.Errorf("got %q", got)
	}
	if ExitCode(&FunctionError{}) != 1 || ExitCode(&RemoteError{}) != 1 || ExitCode(&deploy.NoSuchFunctionError{}) != 2 || ExitCode(nil) != 0 {
		t.Error("exit codes")
	}
}
