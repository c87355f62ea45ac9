// Package logs is `gochalice logs`: the log events of a deployed
// function, as Chalice prints them, once or following.
package logs

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/gochalice/chalice/internal/deploy"
)

// Options configure Print. Options supplies the project, stage,
// profile, state backend and recorder.
type Options struct {
	deploy.Options
	Out                   io.Writer // the log lines; nil: discarded
	ErrOut                io.Writer // warnings of a follow; nil: discarded
	Name                  string    // resource name; default api_handler
	Since                 string    // 5m, 2h, 1d, 1w, 30s, or an ISO 8601 time; "" = all (follow: 10 minutes)
	Follow                bool
	IncludeLambdaMessages bool
	MaxEntries            int           // 0: no limit (Chalice's --num-entries)
	PollInterval          time.Duration // follow's polling interval (5s, as Chalice); capped to 1m
	Now                   func() time.Time
}

// Print prints the log events of a deployed function's log group
// (/aws/lambda/<function name>), one `<timestamp> <logShortId> <message>`
// line each, as Chalice's logs. With Follow it polls until ctx is done
// (then returns nil).
func Print(ctx context.Context, o *Options) error {
	if o.Name == "" {
		o.Name = "api_handler"
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	var start *time.Time
	if o.Since != "" {
		t, err := ParseSince(o.Since, now())
		if err != nil {
			return err
		}
		start = &t
	} else if o.Follow {
		t := now().Add(-10 * time.Minute)
		start = &t
	}
	clients, d, err := deploy.ReadSession(ctx, &o.Options)
	lines, errOut := o.Out, o.ErrOut
	if lines == nil {
		lines = io.Discard
	}
	if errOut == nil {
		errOut = io.Discard
	}
	if err != nil {
		return err
	}
	arn, err := deploy.FunctionARN(d, o.Name)
	if err != nil {
		return err
	}
	parts := strings.Split(arn, ":")
	if len(parts) < 7 {
		return fmt.Errorf("the deployed state records an invalid function ARN %q for %s", arn, o.Name)
	}
	group := "/aws/lambda/" + parts[6]
	poll := o.PollInterval
	if poll <= 0 {
		poll = 5 * time.Second
	}
	poll = min(poll, time.Minute)

	shown := 0
	seen := map[string]int64{} // follow: ids printed, by timestamp
	var last int64
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)}
	if start != nil {
		in.StartTime = aws.Int64(start.UnixMilli())
	}
	failures := 0
	for {
		out, err := clients.Logs.FilterLogEvents(ctx, in)
		switch {
		case deploy.IsNotFound(err):
			// Not invoked yet: no log group.
			out = &cloudwatchlogs.FilterLogEventsOutput{}
		case err != nil && o.Follow && ctx.Err() != nil:
			return nil
		case err != nil && o.Follow && deploy.Transient(err):
			// A follow outlives a network hiccup, throttling or a service
			// error: warn once, keep polling (backing off), say when it is back.
			if failures == 0 {
				fmt.Fprintf(errOut, "Warning: reading the logs failed (%v); retrying\n", err)
			}
			failures++
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(min(poll*time.Duration(failures), time.Minute)):
			}
			continue
		case err != nil:
			return fmt.Errorf("logs:FilterLogEvents %s: %w", group, err)
		}
		if failures > 0 {
			fmt.Fprintln(errOut, "Reading the logs again.")
			failures = 0
		}
		for _, ev := range out.Events {
			id := aws.ToString(ev.EventId)
			if o.Follow {
				if _, dup := seen[id]; id != "" && dup {
					continue
				}
				seen[id] = aws.ToInt64(ev.Timestamp)
				last = max(last, aws.ToInt64(ev.Timestamp))
			}
			if !o.IncludeLambdaMessages && isLambdaMessage(aws.ToString(ev.Message)) {
				continue
			}
			fmt.Fprintf(lines, "%s %s %s\n", formatLogTime(aws.ToInt64(ev.Timestamp)), logShortID(aws.ToString(ev.LogStreamName)), strings.TrimSpace(aws.ToString(ev.Message)))
			shown++
			if o.MaxEntries > 0 && shown >= o.MaxEntries {
				return nil
			}
		}
		if out.NextToken != nil && *out.NextToken != "" {
			in.NextToken = out.NextToken
			continue
		}
		if !o.Follow {
			return nil
		}
		in.NextToken = nil
		if last > 0 {
			// Resume at the newest event seen; the ids already printed at
			// that millisecond are skipped.
			in.StartTime = aws.Int64(last)
			for id, ts := range seen {
				if ts < last {
					delete(seen, id)
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(poll):
		}
	}
}

func isLambdaMessage(msg string) bool {
	msg = strings.TrimSpace(msg)
	return strings.HasPrefix(msg, "START RequestId") || strings.HasPrefix(msg, "END RequestId") || strings.HasPrefix(msg, "REPORT RequestId")
}

// logShortID is Chalice's logShortId: the 6 characters after the `]` of a
// Lambda log stream name (2026/11/22/[$LATEST]abcdef0123...), or the name.
func logShortID(stream string) string {
	i := strings.Index(stream, "]")
	if i < 0 {
		return stream
	}
	rest := stream[i+1:]
	if len(rest) > 6 {
		rest = rest[:6]
	}
	return rest
}

// formatLogTime formats a millisecond timestamp as Python's str() of a
// naive UTC datetime: `2026-11-22 00:57:20.123000`, without the fraction
// when it is zero.
func formatLogTime(ms int64) string {
	t := time.UnixMilli(ms).UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.000000")
}

var relativeSince = regexp.MustCompile(`^(\d+)([smhdw])$`)

// ParseSince parses --since: a relative duration (30s, 5m, 2h, 1d, 1w)
// before now, an ISO 8601 date or date-time (UTC when it has no zone), or
// seconds since the epoch.
func ParseSince(s string, now time.Time) (time.Time, error) {
	if m := relativeSince.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[m[2]]
		return now.Add(-time.Duration(n) * unit), nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &SinceError{Value: s}
}

// SinceError is ParseSince's error (Options.Since): it names the
// value, not a flag, so a CLI words it with its own flag name.
type SinceError struct{ Value string }

func (e *SinceError) Error() string {
	return "invalid since value " + strconv.Quote(e.Value) + ": use a duration such as 30s, 5m, 2h, 1d or 1w, or an ISO 8601 time such as 2026-11-22T10:00:00Z"
}
