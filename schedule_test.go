package chalice_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gochalice/chalice"
)

func TestScheduleExpressionStrings(t *testing.T) {
	tests := []struct {
		expr fmt.Stringer
		want string
	}{
		{chalice.Rate(1, chalice.Minutes), "rate(1 minute)"},
		{chalice.Rate(2, chalice.Minutes), "rate(2 minutes)"},
		{chalice.Rate(1, chalice.Hours), "rate(1 hour)"},
		{chalice.Rate(2, chalice.Hours), "rate(2 hours)"},
		{chalice.Rate(1, chalice.Days), "rate(1 day)"},
		{chalice.Rate(2, chalice.Days), "rate(2 days)"},
		{chalice.Rate(0, chalice.Minutes), "rate(0 minutes)"},
		{chalice.Cron("0", "10", "*", "*", "?", "*"), "cron(0 10 * * ? *)"},
		{chalice.Cron("0/15", "8-17", "?", "*", "MON-FRI", "*"), "cron(0/15 8-17 ? * MON-FRI *)"},
		{chalice.Expression("rate(5 minutes)"), "rate(5 minutes)"},
	}
	for _, tt := range tests {
		if got := tt.expr.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestValidateScheduleExpression(t *testing.T) {
	valid := []string{
		"rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)", "rate(1000000 minutes)",
		"cron(0 10 * * ? *)",
		"cron(15 12 * * ? *)",
		"cron(0 18 ? * MON-FRI *)",
		"cron(0 8 1 * ? *)",
		"cron(0/15 * * * ? *)",
		"cron(0/10 * ? * MON-FRI *)",
		"cron(0/5 8-17 ? * MON-FRI *)",
		"cron(* * * * ? *)",
		"cron(0 0 ? * * *)",
		"cron(0 9 ? * 2#1 *)",
		"cron(0 9 ? * MON#5 *)",
		"cron(0 0 L * ? *)",
		"cron(0 0 LW * ? *)",
		"cron(0 0 15W * ? *)",
		"cron(0 0 ? * L *)",
		"cron(0 0 ? * 6L *)",
		"cron(0 0 ? * FRIL *)",
		"cron(0 0 1,15 * ? 2025-2030)",
		"cron(0 0 ? JAN,JUL MON *)",
		"cron(0 0 ? jan-mar sun *)",
		"cron(0,30 1-5/2 1-31/3 1-12/6 ? 1970-2199/10)",
		"cron(59 23 31 12 ? 2199)",
		"cron(0 0 ? * 1-7 *)",
		"cron(5-10/1 * * * ? *)",
	}
	invalid := []struct{ expr, why string }{
		{"", "must be rate"},
		{"every 5 minutes", "must be rate"},
		{"rate(5 minutes", "must be rate"},
		{"RATE(5 minutes)", "must be rate"},
		{"rate()", "rate(value unit)"},
		{"rate(5minutes)", "rate(value unit)"},
		{"rate( 5 minutes)", "rate(value unit)"},
		{"rate(5  minutes)", "rate(value unit)"},
		{"rate(5 minutes )", "rate(value unit)"},
		{"rate(5 minutes extra)", "rate(value unit)"},
		{"rate(0 minutes)", "positive whole number"},
		{"rate(-1 days)", "positive whole number"},
		{"rate(+5 minutes)", "positive whole number"},
		{"rate(1.5 hours)", "positive whole number"},
		{"rate(five minutes)", "positive whole number"},
		{"rate(99999999999999999999 minutes)", "positive whole number"},
		{"rate(1 minutes)", "singular"},
		{"rate(1 days)", "singular"},
		{"rate(2 minute)", "plural"},
		{"rate(10 hour)", "plural"},
		{"rate(5 seconds)", "minute(s), hour(s) or day(s)"},
		{"rate(1 week)", "minute(s), hour(s) or day(s)"},
		{"rate(5 Minutes)", "minute(s), hour(s) or day(s)"},
		{"cron()", "has 0 fields"},
		{"cron(0 10 * * ?)", "has 5 fields"},
		{"cron(0 10 * * ? * *)", "has 7 fields"},
		{"cron(0 10 * * * *)", "exactly one of day-of-month"},
		{"cron(0 10 1 * MON *)", "exactly one of day-of-month"},
		{"cron(0 10 ? * ? *)", "exactly one of day-of-month"},
		{"cron(0 0 L * L *)", "exactly one of day-of-month"},
		{"cron(60 * * * ? *)", "minutes field"},
		{"cron(-1 * * * ? *)", "minutes field"},
		{"cron(0 24 * * ? *)", "hours field"},
		{"cron(0 0 0 * ? *)", "day-of-month field"},
		{"cron(0 0 32 * ? *)", "day-of-month field"},
		{"cron(0 0 * 0 ? *)", "month field"},
		{"cron(0 0 * 13 ? *)", "month field"},
		{"cron(0 0 * FOO ? *)", "month field"},
		{"cron(0 0 ? * 0 *)", "day-of-week field"},
		{"cron(0 0 ? * 8 *)", "day-of-week field"},
		{"cron(0 0 ? * FUNDAY *)", "day-of-week field"},
		{"cron(0 0 * * ? 1969)", "year field"},
		{"cron(0 0 * * ? 2200)", "year field"},
		{"cron(? 0 * * ? *)", "minutes field"},
		{"cron(0 ? * * ? *)", "hours field"},
		{"cron(0 0 * ? ? *)", "month field"},
		{"cron(0 0 * * ? ?)", "year field"},
		{"cron(L 0 * * ? *)", "minutes field"},
		{"cron(0 0 * * 1W *)", "day-of-week field"},
		{"cron(0 0 1#2 * ? *)", "day-of-month field"},
		{"cron(0 0 ? * MON#6 *)", "day-of-week field"},
		{"cron(0 0 ? * MON#0 *)", "day-of-week field"},
		{"cron(0 0 ? * MON# *)", "day-of-week field"},
		{"cron(0 0 ? * 9L *)", "day-of-week field"},
		{"cron(0 0 32W * ? *)", "day-of-month field"},
		{"cron(0/0 * * * ? *)", "minutes field"},
		{"cron(0/ * * * ? *)", "minutes field"},
		{"cron(0/+5 * * * ? *)", "minutes field"},
		{"cron(0/x * * * ? *)", "minutes field"},
		{"cron(1-60 * * * ? *)", "minutes field"},
		{"cron(1- * * * ? *)", "minutes field"},
		{"cron(,1 * * * ? *)", "minutes field"},
		{"cron(1,,2 * * * ? *)", "minutes field"},
		{"cron(+1 * * * ? *)", "minutes field"},
		{"cron(1W-5 * * * ? *)", "minutes field"},
	}
	for _, e := range valid {
		if err := chalice.ValidateScheduleExpression(e); err != nil {
			t.Errorf("ValidateScheduleExpression(%q) = %v, want nil", e, err)
		}
	}
	for _, tt := range invalid {
		err := chalice.ValidateScheduleExpression(tt.expr)
		if err == nil {
			t.Errorf("ValidateScheduleExpression(%q) = nil, want an error about %q", tt.expr, tt.why)
			continue
		}
		if !strings.Contains(err.Error(), tt.why) {
			t.Errorf("ValidateScheduleExpression(%q) = %q, want it to mention %q", tt.expr, err, tt.why)
		}
	}
}

func TestScheduleRegistration(t *testing.T) {
	app := newApp()
	noop := func(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }
	app.Schedule(chalice.Rate(5, chalice.Minutes), noop, chalice.Name("five"), chalice.Description("every five minutes"))
	app.Schedule(chalice.Cron("0", "10", "*", "*", "?", "*"), noop, chalice.Name("daily"))
	app.Schedule(chalice.Expression("rate(1 day)"), noop, chalice.Name("raw"))
	m, err := app.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, es := range m.EventSources {
		got = append(got, es.Function+"="+es.Schedule+"/"+es.Description)
	}
	if want := "[five=rate(5 minutes)/every five minutes daily=cron(0 10 * * ? *)/ raw=rate(1 day)/]"; fmt.Sprint(got) != want {
		t.Errorf("schedules = %v, want %s", got, want)
	}

	bad := newApp()
	bad.Schedule(chalice.Rate(0, chalice.Hours), noop, chalice.Name("zero"))
	bad.Schedule(nil, noop, chalice.Name("none"))
	bad.Schedule(chalice.Cron("0", "10", "*", "*", "*", "*"), noop, chalice.Name("both"))
	var de *chalice.DefinitionError
	if err := bad.Validate(); !errors.As(err, &de) || len(de.Problems) != 3 {
		t.Fatalf("Validate() = %v", err)
	}
	for i, want := range []string{"schedule zero: rate expression rate(0 hours)", `schedule none: schedule expression ""`, "schedule both: cron expression"} {
		if !strings.HasPrefix(de.Problems[i], want) {
			t.Errorf("problem %d = %q, want prefix %q", i, de.Problems[i], want)
		}
	}
}

func FuzzScheduleExpression(f *testing.F) {
	for _, s := range []string{
		"rate(1 minute)", "rate(5 minutes)", "rate(0 days)", "rate(", "cron(0 10 * * ? *)", "cron(0/5 8-17 ? * MON-FRI *)",
		"cron(0 9 ? * 2#1 *)", "cron(0 0 LW * ? *)", "cron(0 0 ? * 6L *)", "cron(,,, - / # L W ?)", "cron(0/ -/ #/ L/ W/ */)", "",
	} {
		f.Add(s, 1, uint8(0))
	}
	f.Add("cron(0 0 ? * MON#5 *)", 0, uint8(1))
	f.Add("x", -7, uint8(2))
	f.Add("y", 1<<40, uint8(3))
	units := []chalice.RateUnit{chalice.Minutes, chalice.Hours, chalice.Days}
	f.Fuzz(func(t *testing.T, expr string, n int, unit uint8) {
		err := chalice.ValidateScheduleExpression(expr) // must not panic
		if err == nil && !strings.HasPrefix(expr, "rate(") && !strings.HasPrefix(expr, "cron(") {
			t.Errorf("accepted %q", expr)
		}
		if err == nil && strings.HasPrefix(expr, "cron(") {
			if fields := strings.Fields(expr[5 : len(expr)-1]); len(fields) != 6 {
				t.Errorf("accepted cron %q with %d fields", expr, len(fields))
			}
		}
		r := chalice.Rate(n, units[int(unit)%len(units)])
		rerr := chalice.ValidateScheduleExpression(r.String())
		if n >= 1 && rerr != nil {
			t.Errorf("Rate(%d, %s) = %q does not validate: %v", n, r.Unit, r.String(), rerr)
		}
		if n < 1 && rerr == nil {
			t.Errorf("Rate(%d, %s) = %q validates", n, r.Unit, r.String())
		}
		// Any valid expression also works as a raw Expression in an app.
		if err == nil {
			app := chalice.New("fuzz")
			app.Schedule(chalice.Expression(expr), func(context.Context, *chalice.CloudWatchEvent) error { return nil }, chalice.Name("s"))
			if verr := app.Validate(); verr != nil {
				t.Errorf("valid expression %q rejected by Schedule: %v", expr, verr)
			}
		}
	})
}
