package chalice

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// RateUnit is the unit of a Rate.
type RateUnit string

// Rate units.
const (
	Minutes RateUnit = "minute"
	Hours   RateUnit = "hour"
	Days    RateUnit = "day"
)

// RateExpr is a schedule that fires every Value Units. It is a
// ScheduleExpression.
type RateExpr struct {
	Value int
	Unit  RateUnit
}

// Rate returns rate(value unit), e.g. Rate(5, Minutes) is "rate(5 minutes)".
func Rate(value int, unit RateUnit) RateExpr { return RateExpr{Value: value, Unit: unit} }

func (r RateExpr) String() string {
	unit := string(r.Unit)
	if r.Value != 1 {
		unit += "s"
	}
	return fmt.Sprintf("rate(%d %s)", r.Value, unit)
}

func (RateExpr) scheduleExpression() {}

// CronExpr is an EventBridge cron schedule with six fields. It is a
// ScheduleExpression.
type CronExpr struct {
	Minutes, Hours, DayOfMonth, Month, DayOfWeek, Year string
}

// Cron returns cron(minutes hours day-of-month month day-of-week year),
// e.g. Cron("0", "10", "*", "*", "?", "*").
func Cron(minutes, hours, dayOfMonth, month, dayOfWeek, year string) CronExpr {
	return CronExpr{minutes, hours, dayOfMonth, month, dayOfWeek, year}
}

func (c CronExpr) String() string {
	return fmt.Sprintf("cron(%s %s %s %s %s %s)", c.Minutes, c.Hours, c.DayOfMonth, c.Month, c.DayOfWeek, c.Year)
}

func (CronExpr) scheduleExpression() {}

// Expression is a raw schedule expression such as "rate(1 hour)" or
// "cron(0 10 * * ? *)", checked when the app is built. It is a
// ScheduleExpression.
type Expression string

func (e Expression) String() string { return string(e) }

func (Expression) scheduleExpression() {}

// ValidateScheduleExpression checks a rate(...) or cron(...) expression
// against EventBridge's rules and says what is wrong.
func ValidateScheduleExpression(expr string) error {
	switch {
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		return validateRate(expr[len("rate(") : len(expr)-1])
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		return validateCron(expr[len("cron(") : len(expr)-1])
	}
	return fmt.Errorf("schedule expression %q must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year)", expr)
}

func validateRate(body string) error {
	parts := strings.Fields(body)
	if len(parts) != 2 || strings.Join(parts, " ") != body {
		return fmt.Errorf("rate expression rate(%s) must be rate(value unit), e.g. rate(5 minutes)", body)
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 1 || parts[0][0] == '+' {
		return fmt.Errorf("rate expression rate(%s): value %q must be a positive whole number", body, parts[0])
	}
	unit := parts[1]
	singular := unit == "minute" || unit == "hour" || unit == "day"
	plural := unit == "minutes" || unit == "hours" || unit == "days"
	switch {
	case !singular && !plural:
		return fmt.Errorf("rate expression rate(%s): unit %q must be minute(s), hour(s) or day(s)", body, unit)
	case n == 1 && plural:
		return fmt.Errorf("rate expression rate(%s): a value of 1 takes the singular unit %q", body, strings.TrimSuffix(unit, "s"))
	case n != 1 && singular:
		return fmt.Errorf("rate expression rate(%s): a value of %d takes the plural unit %q", body, n, unit+"s")
	}
	return nil
}

type cronField struct {
	name     string
	min, max int
	names    []string // index+min = value
	extra    string   // allowed special characters besides , - * /
}

var (
	monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	dayNames   = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
	cronFields = []cronField{
		{name: "minutes", min: 0, max: 59},
		{name: "hours", min: 0, max: 23},
		{name: "day-of-month", min: 1, max: 31, extra: "?LW"},
		{name: "month", min: 1, max: 12, names: monthNames},
		{name: "day-of-week", min: 1, max: 7, names: dayNames, extra: "?L#"},
		{name: "year", min: 1970, max: 2199},
	}
)

func validateCron(body string) error {
	fields := strings.Fields(body)
	if len(fields) != 6 {
		return fmt.Errorf("cron expression cron(%s) has %d fields; it needs 6: minutes hours day-of-month month day-of-week year", body, len(fields))
	}
	for i, f := range fields {
		if err := cronFields[i].check(f); err != nil {
			return fmt.Errorf("cron expression cron(%s): %w", body, err)
		}
	}
	dom, dow := fields[2], fields[4]
	if (dom == "?") == (dow == "?") {
		return fmt.Errorf("cron expression cron(%s): exactly one of day-of-month (%s) and day-of-week (%s) must be ?", body, dom, dow)
	}
	return nil
}

func (c cronField) value(s string) (int, bool) {
	for i, n := range c.names {
		if strings.EqualFold(s, n) {
			return c.min + i, true
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || s[0] == '+' || s[0] == '-' || n < c.min || n > c.max {
		return 0, false
	}
	return n, true
}

func (c cronField) check(f string) error {
	bad := func(why string) error {
		return fmt.Errorf("%s field %q %s (allowed %d-%d%s)", c.name, f, why, c.min, c.max, c.hint())
	}
	if f == "?" {
		if !strings.Contains(c.extra, "?") {
			return bad("cannot be ?")
		}
		return nil
	}
	for _, item := range strings.Split(f, ",") {
		if item == "" {
			return bad("has an empty list item")
		}
		if err := c.checkItem(item); err != "" {
			return bad(err)
		}
	}
	return nil
}

func (c cronField) hint() string {
	h := ", * , - /"
	if c.extra != "" {
		h += " " + strings.Join(strings.Split(c.extra, ""), " ")
	}
	if len(c.names) > 0 {
		h += ", or names " + c.names[0] + "-" + c.names[len(c.names)-1]
	}
	return h
}

func (c cronField) checkItem(item string) string {
	// day-of-month extras: L, W, nW, LW; day-of-week extras: L, nL, n#k.
	switch {
	case strings.Contains(c.extra, "L") && (item == "L" || (c.name == "day-of-month" && item == "LW")):
		return ""
	case c.name == "day-of-month" && strings.HasSuffix(item, "W"):
		if _, ok := c.value(strings.TrimSuffix(item, "W")); ok {
			return ""
		}
		return "has a bad nearest-weekday value"
	case c.name == "day-of-week" && strings.HasSuffix(item, "L"):
		if _, ok := c.value(strings.TrimSuffix(item, "L")); ok {
			return ""
		}
		return "has a bad last-weekday value"
	case c.name == "day-of-week" && strings.Contains(item, "#"):
		d, k, _ := strings.Cut(item, "#")
		n, err := strconv.Atoi(k)
		if _, ok := c.value(d); ok && err == nil && n >= 1 && n <= 5 && k[0] != '+' {
			return ""
		}
		return "has a bad nth-weekday value (day#1-5)"
	}
	rng, step, hasStep := strings.Cut(item, "/")
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 || step[0] == '+' {
			return "has a bad step after /"
		}
	}
	if rng == "*" {
		return ""
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	if _, ok := c.value(lo); !ok {
		return "has a value out of range"
	}
	if isRange {
		if _, ok := c.value(hi); !ok {
			return "has a range end out of range"
		}
	}
	return ""
}

// reflectNil reports whether fn is a nil func (typed or untyped).
func reflectNil(fn any) bool {
	if fn == nil {
		return true
	}
	v := reflect.ValueOf(fn)
	return v.Kind() == reflect.Func && v.IsNil()
}

// TimeZone runs the schedule in an IANA time zone ("Europe/Paris",
// "America/New_York"): cron expressions are read in that zone's local
// time, daylight saving included. A schedule with a time zone is created
// with EventBridge Scheduler (AWS::Scheduler::Schedule) instead of an
// EventBridge rule, which runs in UTC only; without the option, schedules
// stay EventBridge rules, as in Chalice.
func TimeZone(name string) ScheduleOption { return timeZoneOption(name) }

type timeZoneOption string

func (o timeZoneOption) applySchedule(c *eventConfig) { c.timeZone = string(o) }

// timeZoneChars is the shape of an IANA zone name; the CLI checks that
// the zone exists (the app binary carries no zone database).
var timeZoneChars = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$`)
