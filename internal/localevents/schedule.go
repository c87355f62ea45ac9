package localevents

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/gochalice/chalice/manifest"
)

// Schedule is a parsed EventBridge schedule expression.
type Schedule interface {
	// Next is the first firing strictly after t (zero when there is none).
	Next(t time.Time) time.Time
	String() string
}

// ParseSchedule parses rate(N unit) and EventBridge's six-field
// cron(minutes hours day-of-month month day-of-week year), in UTC. Cron
// fields take numbers, names (JAN–DEC, SUN–SAT), `*`, `?`, lists, ranges
// and `/` steps; `L`, `W` and `#` are refused.
func ParseSchedule(expr string) (Schedule, error) {
	switch {
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		f := strings.Fields(expr[len("rate(") : len(expr)-1])
		if len(f) != 2 {
			return nil, fmt.Errorf("%s: want rate(value unit)", expr)
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: the value must be a positive whole number", expr)
		}
		unit := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour}[f[1]]
		if unit == 0 {
			return nil, fmt.Errorf("%s: the unit must be minute(s), hour(s) or day(s)", expr)
		}
		return &rate{expr: expr, every: time.Duration(n) * unit}, nil
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		return parseCron(expr, time.UTC)
	}
	return nil, fmt.Errorf("%q: not a rate(...) or cron(...) expression", expr)
}

// ParseScheduleIn is ParseSchedule for a schedule of EventBridge
// Scheduler that runs in the IANA time zone zone (chalice.TimeZone; ""
// is UTC): a cron expression is read on that zone's wall clock, across
// its daylight saving changes as the Scheduler does them: a time the
// clock skips in spring does not fire that day, and a time it passes
// twice in autumn fires once. A rate is a fixed period in any zone.
func ParseScheduleIn(expr, zone string) (Schedule, error) {
	if zone == "" || !strings.HasPrefix(expr, "cron(") {
		return ParseSchedule(expr)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("%s in time zone %q: not an IANA time zone known to this machine (e.g. Europe/Berlin, America/New_York): %w", expr, zone, err)
	}
	if !strings.HasSuffix(expr, ")") {
		return ParseSchedule(expr)
	}
	return parseCron(expr, loc)
}

// rate fires every period, the first time one period after it starts (as
// a rule does after it is created).
type rate struct {
	expr  string
	every time.Duration
	start time.Time
}

func (r *rate) String() string { return r.expr }

func (r *rate) Next(t time.Time) time.Time {
	if r.start.IsZero() {
		r.start = t
	}
	n := t.Sub(r.start)/r.every + 1
	return r.start.Add(n * r.every)
}

type cron struct {
	expr                     string
	loc                      *time.Location // whose wall clock the fields are read on
	min, hour, dom, mon, dow []bool
	year                     map[int]bool // nil: every year
	anyDOM, anyDOW           bool
}

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	dayNames   = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
)

func parseCron(expr string, loc *time.Location) (Schedule, error) {
	f := strings.Fields(expr[len("cron(") : len(expr)-1])
	if len(f) != 6 {
		return nil, fmt.Errorf("%s: EventBridge cron has six fields (minutes hours day-of-month month day-of-week year), not %d", expr, len(f))
	}
	c := &cron{expr: expr, loc: loc}
	var err error
	field := func(i int, name string, lo, hi int, names map[string]int) []bool {
		if err != nil {
			return nil
		}
		var set []bool
		set, err = parseField(f[i], lo, hi, names)
		if err != nil {
			err = fmt.Errorf("%s: %s %q: %w", expr, name, f[i], err)
		}
		return set
	}
	c.min = field(0, "minutes", 0, 59, nil)
	c.hour = field(1, "hours", 0, 23, nil)
	c.anyDOM, c.anyDOW = f[2] == "?", f[4] == "?"
	if err == nil && c.anyDOM == c.anyDOW {
		return nil, fmt.Errorf("%s: exactly one of day-of-month and day-of-week must be ?", expr)
	}
	if !c.anyDOM {
		c.dom = field(2, "day-of-month", 1, 31, nil)
	}
	c.mon = field(3, "month", 1, 12, monthNames)
	if !c.anyDOW {
		c.dow = field(4, "day-of-week", 1, 7, dayNames)
	}
	if f[5] != "*" {
		years := field(5, "year", 1970, 2199, nil)
		if err == nil {
			c.year = map[int]bool{}
			for y, ok := range years {
				if ok {
					c.year[y] = true
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// parseField returns the set of values lo..hi (indexed by value) a cron
// field names.
func parseField(s string, lo, hi int, names map[string]int) ([]bool, error) {
	if strings.ContainsAny(s, "LW#") && !isName(s, names) {
		return nil, fmt.Errorf("L, W and # are not supported by gochalice local's scheduler; use a rate or a plain cron for local runs, or turn schedules off with --no-schedules")
	}
	set := make([]bool, hi+1)
	num := func(v string) (int, error) {
		if n, ok := names[strings.ToUpper(v)]; ok {
			return n, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("%q is not a value from %d to %d", v, lo, hi)
		}
		return n, nil
	}
	for _, part := range strings.Split(s, ",") {
		rng, stepS, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepS)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("step %q is not a positive number", stepS)
			}
			step = n
		}
		var from, to int
		switch {
		case rng == "*":
			from, to = lo, hi
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if from, err = num(a); err != nil {
				return nil, err
			}
			if to, err = num(b); err != nil {
				return nil, err
			}
			if to < from {
				return nil, fmt.Errorf("range %s runs backwards", rng)
			}
		default:
			n, err := num(rng)
			if err != nil {
				return nil, err
			}
			from, to = n, n
			if hasStep {
				to = hi
			}
		}
		for v := from; v <= to; v += step {
			set[v] = true
		}
	}
	return set, nil
}

func isName(s string, names map[string]int) bool {
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '-' || r == '/' }) {
		if _, ok := names[strings.ToUpper(part)]; !ok {
			if _, err := strconv.Atoi(part); err != nil && part != "*" {
				return false
			}
		}
	}
	return true
}

func (c *cron) String() string { return c.expr }

func (c *cron) Next(t time.Time) time.Time {
	loc := c.loc
	t = t.In(loc).Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		prev := t
		switch {
		case c.year != nil && !c.year[t.Year()]:
			t = time.Date(t.Year()+1, 1, 1, 0, 0, 0, 0, loc)
		case !c.mon[int(t.Month())]:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		case !c.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case !c.hour[t.Hour()]:
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, loc)
		case !c.min[t.Minute()]:
			t = t.Add(time.Minute)
		case repeatsWallClock(t):
			// The hour the clock passes twice when daylight saving time
			// ends: this wall-clock time already fired an hour ago.
			t = t.Add(time.Minute)
		default:
			return t
		}
		if !t.After(prev) {
			// A date that falls in a skipped hour normalises backwards
			// at most to where it was: step on by the minute.
			t = prev.Add(time.Minute)
		}
	}
	return time.Time{}
}

// repeatsWallClock reports whether t shows the same wall-clock time its
// zone showed an hour earlier (the second pass of a repeated hour).
func repeatsWallClock(t time.Time) bool {
	e := t.Add(-time.Hour)
	return e.Hour() == t.Hour() && e.Minute() == t.Minute() && e.Day() == t.Day()
}

func (c *cron) dayMatches(t time.Time) bool {
	if c.anyDOW {
		return c.dom[t.Day()]
	}
	return c.dow[int(t.Weekday())+1]
}

// ScheduledEvent is the event EventBridge sends when the rule ruleARN
// fires at t.
func ScheduledEvent(t time.Time, account, region, ruleARN string) events.CloudWatchEvent {
	return events.CloudWatchEvent{Version: "0", ID: newID(), DetailType: "Scheduled Event", Source: "aws.events",
		AccountID: account, Time: t.UTC().Truncate(time.Second), Region: region, Resources: []string{ruleARN}, Detail: json.RawMessage("{}")}
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// defaultAccount is moto's account, used when the endpoint does not say.
const defaultAccount = "123456789012"

func (e *env) account(ctx context.Context) string {
	if e.o.AWS.BaseEndpoint == nil {
		return defaultAccount // no emulator: do not ask AWS
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := sts.NewFromConfig(e.o.AWS).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(out.Account) == "" {
		return defaultAccount
	}
	return aws.ToString(out.Account)
}

func (e *env) runSchedule(ctx context.Context, src *manifest.EventSource, sch Schedule) {
	rule := e.o.App + "-" + e.o.Stage + "-" + src.Function
	var account string
	now := e.o.Now()
	for {
		next := sch.Next(now)
		if next.IsZero() {
			e.o.Log.Warn("schedule never fires again", "function", src.Function, "schedule", sch.String())
			return
		}
		if !sleep(ctx, next.Sub(e.o.Now())) {
			return
		}
		if account == "" {
			account = e.account(ctx)
		}
		arn := fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", e.o.AWS.Region, account, rule)
		if src.TimeZone != "" {
			// An EventBridge Scheduler schedule, not a rule.
			arn = fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule/default/%s", e.o.AWS.Region, account, rule)
		}
		ev := ScheduledEvent(next, account, e.o.AWS.Region, arn)
		if src.TimeZone != "" {
			ev.Source = "aws.scheduler" // as the deployed schedule's input says
		}
		payload, _ := json.Marshal(ev)
		_, _ = e.invoke(src, "schedule "+sch.String(), payload)
		now = next
	}
}
