// Package localevents runs an app's event sources on declared resources
// locally, against the AWS endpoint (normally an emulator such as moto)
// that internal/provision brought the resources up on: it polls declared
// queues as Lambda's SQS event source mapping does, reads declared
// tables' streams as its DynamoDB mapping does, bridges declared
// topics, buckets and buses (event rules) to queues of its own and turns
// their messages into SNS, S3 and EventBridge events, and fires schedules
// on their rate or cron.
//
// It invokes functions through an Invoker (in `gochalice local`, the
// function's worker pool) and knows nothing of the CLI.
package localevents

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/manifest"
)

// Invoker runs one invocation of a function of the app and returns its
// response; an error is a failed invocation (function error, timeout,
// crash).
type Invoker func(ctx context.Context, function string, payload []byte) ([]byte, error)

// Options say what to run and where.
type Options struct {
	// AWS reaches the endpoint the resources live on.
	AWS aws.Config
	// Manifest is the app's manifest; its EventSources on declared
	// resources (EventSource.Resource) and its schedules are run.
	Manifest *manifest.Manifest
	// Resources are the declared resources as provisioned.
	Resources *provision.Result
	// App and Stage name schedule rules as Chalice does
	// ({app}-{stage}-{function}).
	App, Stage string
	Invoke     Invoker
	// Schedules turns the schedule sources on.
	Schedules bool
	// Timeouts gives each function's timeout (the visibility timeout of
	// the bridge queues); nil means 60 s.
	Timeout func(function string) time.Duration
	// Log receives what ran and what failed (default: discarded).
	Log *slog.Logger
	// Now is the clock of the scheduler (default time.Now; tests).
	Now func() time.Time
}

// Runner is the event sources running; Close stops them.
type Runner struct {
	stopReceiving context.CancelFunc // pollers stop taking new work
	abort         context.CancelFunc // invocations in flight are abandoned
	wg            sync.WaitGroup
	// Sources describes each source started, for the CLI to print.
	Sources []string
	// Skipped says why each source that does not run locally does not.
	Skipped []string
}

// Start sets up the bridges (subscriptions, bucket notifications) and
// starts a poller per source and the scheduler. Sources on declared
// queues, topics, buckets and buses run; the others are listed in
// Runner.Skipped with the reason. A source it cannot run is
// listed in Runner.Skipped; an error setting one up is returned (and
// nothing is left running).
func Start(ctx context.Context, o Options) (*Runner, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout == nil {
		o.Timeout = func(string) time.Duration { return time.Minute }
	}
	// Receiving and invoking have contexts of their own, so that Drain
	// can stop the first and let the second finish.
	invokeCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	runCtx, stopReceiving := context.WithCancel(invokeCtx)
	r := &Runner{stopReceiving: stopReceiving, abort: abort}
	e := &env{o: o, invokeCtx: invokeCtx, sqs: sqs.NewFromConfig(o.AWS), sns: sns.NewFromConfig(o.AWS),
		s3: s3.NewFromConfig(o.AWS, func(so *s3.Options) { so.UsePathStyle = true })}
	var bucketSources = map[string][]bucketSource{}
	var bucketOrder []string
	for i := range o.Manifest.EventSources {
		src := &o.Manifest.EventSources[i]
		if src.Type == manifest.SourceSchedule {
			if !o.Schedules {
				r.Skipped = append(r.Skipped, fmt.Sprintf("schedule %s of %s: schedules are off", src.Schedule, src.Function))
				continue
			}
			sch, err := ParseScheduleIn(src.Schedule, src.TimeZone)
			if err != nil {
				r.Skipped = append(r.Skipped, fmt.Sprintf("schedule %s of %s: %v", src.Schedule, src.Function, err))
				continue
			}
			r.Sources = append(r.Sources, fmt.Sprintf("%s runs %s", src.Schedule, src.Function))
			r.goRun(func() { e.runSchedule(runCtx, src, sch) })
			continue
		}
		var res *provision.Resource
		if src.Resource != "" && o.Resources != nil {
			res = o.Resources.Resource(src.Resource)
		}
		if res == nil {
			r.Skipped = append(r.Skipped, fmt.Sprintf("%s source of %s on %s: only sources on declared resources run locally", src.Type, src.Function, sourceTarget(src)))
			continue
		}
		switch src.Type {
		case manifest.SourceSQS:
			p := &sqsPoller{env: e, src: src, url: res.Values[appgraph.AttrURL], arn: res.Values[appgraph.AttrARN]}
			r.Sources = append(r.Sources, fmt.Sprintf("queue %s runs %s", src.Resource, src.Function))
			r.goRun(func() { p.run(runCtx) })
		case manifest.SourceSNS:
			b, err := e.topicBridge(ctx, src, res)
			if err != nil {
				r.Close()
				return nil, fmt.Errorf("subscribing %s to topic %s: %w", src.Function, src.Resource, err)
			}
			r.Sources = append(r.Sources, fmt.Sprintf("topic %s runs %s", src.Resource, src.Function))
			r.goRun(func() { b.run(runCtx) })
		case manifest.SourceCWEvent:
			b, err := e.busBridge(ctx, src, res)
			if err != nil {
				r.Close()
				return nil, fmt.Errorf("routing bus %s to %s: %w", src.Resource, src.Function, err)
			}
			r.Sources = append(r.Sources, fmt.Sprintf("bus %s runs %s", src.Resource, src.Function))
			r.goRun(func() { b.run(runCtx) })
		case manifest.SourceS3:
			if _, seen := bucketSources[src.Resource]; !seen {
				bucketOrder = append(bucketOrder, src.Resource)
			}
			bucketSources[src.Resource] = append(bucketSources[src.Resource], bucketSource{src: src, res: res})
		case manifest.SourceDynamoDB:
			p, err := e.streamSource(ctx, src, res.Values[appgraph.AttrStreamARN])
			if err != nil {
				r.Skipped = append(r.Skipped, fmt.Sprintf("dynamodb source of %s: %v", src.Function, err))
				continue
			}
			r.Sources = append(r.Sources, fmt.Sprintf("table %s stream runs %s", src.Resource, src.Function))
			r.goRun(func() { p.run(runCtx) })
		default:
			r.Skipped = append(r.Skipped, fmt.Sprintf("%s source of %s on %s: not run locally", src.Type, src.Function, src.Resource))
		}
	}
	for _, name := range bucketOrder {
		bridges, err := e.bucketBridges(ctx, bucketSources[name])
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("notifying bucket %s: %w", name, err)
		}
		for _, b := range bridges {
			r.Sources = append(r.Sources, fmt.Sprintf("bucket %s runs %s", name, b.src.Function))
			r.goRun(func() { b.run(runCtx) })
		}
	}
	return r, nil
}

func (r *Runner) goRun(f func()) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		f()
	}()
}

// Close stops every poller and the scheduler and waits for them; an
// invocation in flight is abandoned (its messages are received again once
// their visibility timeout passes).
func (r *Runner) Close() {
	if r == nil {
		return
	}
	r.stopReceiving()
	r.abort()
	r.wg.Wait()
}

// Drain stops receiving and firing, lets the invocations in flight finish
// (and their messages be deleted), then stops: for a reload, whose new
// build takes over the sources.
func (r *Runner) Drain() {
	if r == nil {
		return
	}
	r.stopReceiving()
	r.wg.Wait()
	r.abort()
}

func sourceTarget(src *manifest.EventSource) string {
	for _, s := range []string{src.Resource, src.Queue, src.QueueARN, src.Topic, src.Bucket, src.StreamARN, src.Stream} {
		if s != "" {
			return s
		}
	}
	return "?"
}

type env struct {
	o         Options
	invokeCtx context.Context // invocations and deletes: outlives receiving on Drain
	sqs       *sqs.Client
	sns       *sns.Client
	s3        *s3.Client
}

// invoke runs the function and logs a failure. It runs on invokeCtx, not
// the receiving context: a drained runner finishes what it took.
func (e *env) invoke(src *manifest.EventSource, what string, payload []byte) ([]byte, error) {
	ctx := e.invokeCtx
	began := time.Now()
	out, err := e.o.Invoke(ctx, src.Function, payload)
	if err != nil {
		if ctx.Err() == nil {
			e.o.Log.Error("event invocation failed", "function", src.Function, "source", what, "reason", err.Error())
		}
		return nil, err
	}
	e.o.Log.Debug("event invocation", "function", src.Function, "source", what, "took", time.Since(began))
	return out, nil
}

// sleep waits d or until ctx is done, reporting whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// backoff is the pause after a failed call to the endpoint.
const backoff = time.Second

func isCancel(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.Canceled)
}

// bridgeName is the name of the queue that carries a topic's or bucket's
// notifications to function: readable, at most 80 characters, unique per
// (resource, function).
func bridgeName(physical, function, kind string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(physical + "\x00" + function + "\x00" + kind))
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
				return r
			}
			return '-'
		}, s)
	}
	base := clean(physical) + "-" + clean(function)
	if len(base) > 60 {
		base = base[:60]
	}
	return fmt.Sprintf("local-%s-%s-%08x", kind, base, h.Sum32())
}
