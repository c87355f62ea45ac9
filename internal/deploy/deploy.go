// Package deploy is `gochalice deploy`, `delete` and `url`: it deploys the
// resource model that `package` builds straight through aws-sdk-go-v2, as
// Chalice's deployer does, and records every resource it creates in
// .chalice/deployed/<stage>.json right after creating it.
//
// The pipeline is: load the recorded state (no AWS call when it is
// unreadable) → build the app and its model (packager.Build) → refuse
// resource kinds this deployer does not handle yet → plan (read-only
// calls: what exists, what differs) → execute the plan step by step,
// saving the state after every step → sweep resources recorded before but
// no longer in the app (reverse order) → report.
package deploy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/manifest"
	"github.com/gochalice/chalice/packager"
)

// MaxDirectUpload is the largest zip sent inline to CreateFunction /
// UpdateFunctionCode.
const MaxDirectUpload = 50 << 20

// Options configure Deploy, Delete and PlanOnly.
type Options struct {
	ProjectDir        string
	Stage             string // default dev
	Profile           string
	ConnectionTimeout time.Duration
	Overrides         config.Overrides
	// Out receives the progress lines and the report.
	Out io.Writer
	// ErrOut receives warnings (default: Out).
	ErrOut io.Writer
	// Backend stores the deployed state; nil is StateURL's S3 object when
	// set, else the local file .chalice/deployed/<stage>.json.
	Backend state.Backend
	// StateURL, s3://bucket/key (or s3://bucket/prefix/ for
	// <prefix>/<stage>.json), keeps the state in S3 with conditional
	// writes instead of the local file.
	StateURL string
	// Recorder, when set, records (and may fail) every AWS operation.
	Recorder *awsapi.Recorder
	// Retry tunes waits and retries (zero value: production defaults).
	Retry Retry
	// Built, when set, is used instead of building the app (a caller that
	// already ran packager.Build, or tests deploying one build many times).
	Built *packager.Built
	// DeploymentBucket, when set, is where a deployment package over
	// MaxDirectUpload is uploaded (key gochalice/<app>/<stage>/<sha256>.zip)
	// for Lambda to fetch; without it such a package is refused.
	DeploymentBucket string
	// MaxDirectUpload overrides the MaxDirectUpload limit (tests).
	MaxDirectUpload int64
	// ByTag makes Delete find the stage's resources by their gochalice
	// tags (for a stage whose state was lost) besides the recorded ones.
	ByTag bool
	// LockTTL is the validity of an S3 stage lock between renewals
	// (default state.DefaultLockTTL).
	LockTTL time.Duration
}

// Retry tunes the IAM propagation retry and the Lambda waiters.
type Retry struct {
	RoleAttempts int           // CreateFunction/UpdateFunctionConfiguration attempts on IAM propagation errors (30)
	RoleDelay    time.Duration // between them (5s)
	PollInterval time.Duration // Lambda state polling (1s)
	WaitTimeout  time.Duration // Lambda Active/Updated wait (5m)
}

func (r Retry) withDefaults() Retry {
	if r.RoleAttempts <= 0 {
		r.RoleAttempts = 30
	}
	if r.RoleDelay <= 0 {
		r.RoleDelay = 5 * time.Second
	}
	if r.PollInterval <= 0 {
		r.PollInterval = time.Second
	}
	if r.WaitTimeout <= 0 {
		r.WaitTimeout = 5 * time.Minute
	}
	return r
}

// Result is what a deploy recorded.
type Result struct {
	State *state.Deployed
	Plan  *Plan
}

func (o *Options) errOut() io.Writer {
	if o.ErrOut != nil {
		return o.ErrOut
	}
	return o.Out
}

func (o *Options) normalize() {
	if o.Stage == "" {
		o.Stage = config.DefaultStage
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Backend == nil && o.StateURL == "" {
		o.Backend = state.LocalFile(o.ProjectDir, o.Stage)
	}
	o.Retry = o.Retry.withDefaults()
}

// s3Backend sets o.Backend from o.StateURL once clients exist.
func (o *Options) s3Backend(clients *awsapi.Clients) error {
	if o.Backend != nil {
		return nil
	}
	bucket, key, err := state.ParseS3URL(o.StateURL, o.Stage)
	if err != nil {
		return err
	}
	o.Backend = &state.S3{Client: clients.S3, Bucket: bucket, Key: key, LockTTL: o.LockTTL,
		Warn: func(msg string) { fmt.Fprintln(o.errOut(), "Warning: "+msg) }}
	return nil
}

// session is what every verb that talks to AWS prepares first: clients
// (no AWS call), the stage's lock when operation is not "" (deploy and
// delete hold it from before reading the state to after the last write),
// and the recorded state. The caller releases the lock.
func session(ctx context.Context, o *Options, operation string) (*awsapi.Clients, *state.Deployed, state.Lock, error) {
	o.normalize()
	clients, err := awsapi.Load(ctx, awsapi.Options{Profile: o.Profile, ConnectionTimeout: o.ConnectionTimeout, Recorder: o.Recorder})
	if err != nil {
		return nil, nil, nil, err
	}
	if err := o.s3Backend(clients); err != nil {
		return nil, nil, nil, err
	}
	var lock state.Lock
	if l, ok := o.Backend.(state.Locker); ok && operation != "" {
		if lock, err = l.Lock(ctx, operation); err != nil {
			return nil, nil, nil, err
		}
	}
	prev, err := o.Backend.Load(ctx)
	if err != nil {
		release(lock, err)
		return nil, nil, nil, err
	}
	return clients, prev, lock, nil
}

// release frees the stage's lock (errors of release are reported only
// when the work itself succeeded).
func release(lock state.Lock, workErr error) error {
	if lock == nil {
		return workErr
	}
	// Released even when the caller's context was cancelled (Ctrl-C).
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := lock.Release(ctx); err != nil && workErr == nil {
		return err
	}
	return workErr
}

// Deploy deploys the app of o.ProjectDir to o.Stage.
func Deploy(ctx context.Context, o *Options) (res *Result, err error) {
	p, x, err := prepare(ctx, o, "deploy")
	if x != nil {
		defer func() { err = release(x.lock, err) }()
	}
	if err != nil {
		return nil, err
	}
	if err := x.run(ctx, p); err != nil {
		return &Result{State: x.state, Plan: p}, err
	}
	report(o.Out, x.state)
	return &Result{State: x.state, Plan: p}, nil
}

// PlanOnly builds the app and computes the plan (read-only AWS calls),
// without executing it.
func PlanOnly(ctx context.Context, o *Options) (*Plan, error) {
	p, _, err := prepare(ctx, o, "")
	return p, err
}

// prepare loads, builds and plans. operation "deploy" takes the stage's
// lock (held by the returned executor, also when an error is returned);
// "" plans only.
func prepare(ctx context.Context, o *Options, operation string) (*Plan, *executor, error) {
	clients, prev, lock, err := session(ctx, o, operation)
	if err != nil {
		return nil, nil, err
	}
	x := &executor{o: o, c: clients, state: prev.Clone(), lock: lock, stage: o.Stage, verb: "deploying"}
	p, err := x.prepare(ctx, prev)
	return p, x, err
}

func (x *executor) prepare(ctx context.Context, prev *state.Deployed) (*Plan, error) {
	o := x.o
	built := o.Built
	var err error
	if built == nil {
		if built, err = packager.Build(ctx, &packager.Options{ProjectDir: o.ProjectDir, Stage: o.Stage, Overrides: o.Overrides, Progress: dropLines(o.Out, "Reading the app's manifest.")}); err != nil {
			return nil, err
		}
	} else {
		fmt.Fprintln(o.Out, "Creating deployment package.")
	}
	if err := Supported(built.App); err != nil {
		return nil, err
	}
	if sc := built.App.StageCfg; sc != nil && sc.AutomaticLayer {
		fmt.Fprintln(o.Out, AutomaticLayerWarning)
	}
	limit := o.MaxDirectUpload
	if limit <= 0 {
		limit = MaxDirectUpload
	}
	viaS3 := built.Package.Size > limit
	if viaS3 && o.DeploymentBucket == "" {
		return nil, fmt.Errorf("the deployment package %s is %d bytes, over the %d-byte limit of a direct upload to Lambda: pass --deployment-bucket BUCKET to upload it through S3", built.Package.Path, built.Package.Size, limit)
	}
	zip, err := os.ReadFile(built.Package.Path)
	if err != nil {
		return nil, err
	}
	if err := x.identify(ctx); err != nil {
		return nil, err
	}
	x.app = built.App.AppName
	x.saved, _ = state.Marshal(x.state)
	pl := &planner{x: x, app: built.App, built: built, zip: zip, prev: prev}
	if viaS3 {
		pl.s3Code = &s3Code{bucket: o.DeploymentBucket, key: fmt.Sprintf("gochalice/%s/%s/%s.zip", built.App.AppName, o.Stage, hexOfBase64(built.Package.CodeSha256))}
	}
	p, err := pl.plan(ctx)
	if err != nil {
		return nil, err
	}
	if pl.s3Code != nil {
		p.uploadStep(pl)
	}
	return p, nil
}

// identify finds the account and partition (sts:GetCallerIdentity).
func (x *executor) identify(ctx context.Context) error {
	id, err := x.c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("finding the AWS account (sts:GetCallerIdentity): %w", explain(err))
	}
	partition := "aws"
	if parts := strings.SplitN(deref(id.Arn), ":", 3); len(parts) >= 2 && parts[1] != "" {
		partition = parts[1]
	}
	x.arns = arns{Partition: partition, Region: x.c.Region, Account: deref(id.Account)}
	return nil
}

// AutomaticLayerWarning is printed when automatic_layer is set (the text
// package prints too).
const AutomaticLayerWarning = packager.AutomaticLayerWarning

// Supported refuses the resource kinds this deployer does not handle yet,
// naming the first one found.
func Supported(app *appgraph.Application) error {
	refuse := func(kind, resource string) error {
		return fmt.Errorf("gochalice deploy does not deploy %s yet (resource %s); use gochalice package and CloudFormation", kind, resource)
	}
	for _, ev := range app.Events {
		switch ev.Source.Type {
		case manifest.SourceSchedule, manifest.SourceCWEvent, manifest.SourceSQS, manifest.SourceKinesis,
			manifest.SourceDynamoDB, manifest.SourceSNS, manifest.SourceS3:
		default:
			return refuse(ev.Source.Type+" event sources", ev.ResourceName)
		}
	}
	if app.CloudFront != nil {
		return refuse("the CloudFront distribution (cloudfront key)", "cloudfront")
	}
	return nil
}

// Delete removes every recorded resource in reverse order, tolerating
// already-deleted ones, and leaves the state with no resources. With no
// recorded resources it returns a *NothingRecordedError, unless
// o.ByTag asks to find the stage's resources by their tags instead.
func Delete(ctx context.Context, o *Options) (err error) {
	clients, prev, lock, err := session(ctx, o, "delete")
	if err != nil {
		return err
	}
	defer func() { err = release(lock, err) }()
	x := &executor{o: o, c: clients, state: prev.Clone(), lock: lock, stage: o.Stage, verb: "deleting"}
	x.saved, _ = state.Marshal(x.state)
	records := prev.Resources
	if o.ByTag {
		found, err := x.discover(ctx)
		if err != nil {
			return err
		}
		records = mergeRecords(records, found)
		if len(records) == 0 {
			fmt.Fprintf(o.Out, "No resources of app %s, stage %s were found by their tags; nothing to delete.\n", x.app, o.Stage)
			return nil
		}
	} else if len(records) == 0 {
		return &NothingRecordedError{Stage: o.Stage, Location: o.Backend.Location(), Missing: prev.Missing}
	}
	p := &Plan{}
	for i := len(records) - 1; i >= 0; i-- {
		st, err := sweepStep(records[i])
		if err != nil {
			return err
		}
		p.Steps = append(p.Steps, st)
	}
	if err := x.run(ctx, p); err != nil {
		return err
	}
	x.state.Resources = []state.Record{}
	return x.save(ctx, true)
}

// NothingRecordedError is delete's error when the stage's state records
// no resource: nothing is deleted, and the user is told how to find the
// stage's resources by their tags.
type NothingRecordedError struct {
	Stage, Location string
	Missing         bool // no state file/object at all
}

func (e *NothingRecordedError) Error() string {
	what := "records no resources"
	if e.Missing {
		what = "does not exist"
	}
	return fmt.Sprintf("nothing was deleted: the deployed state of stage %s (%s) %s. If resources of this stage exist without a record (a lost state file), "+
		"`gochalice delete --stage %s --by-tag` finds them by their gochalice tags and deletes them", e.Stage, e.Location, what, e.Stage)
}

// NoRestAPIError is url's error when no REST API is recorded.
type NoRestAPIError struct{ Stage string }

func (e *NoRestAPIError) Error() string {
	return fmt.Sprintf("Could not find a record of a Rest API in chalice stage: '%s'", e.Stage)
}

// URL returns the recorded rest_api_url of a stage (no AWS call with the
// local state file).
func URL(ctx context.Context, o *Options) (string, error) {
	o.normalize()
	if o.Backend == nil {
		clients, err := awsapi.Load(ctx, awsapi.Options{Profile: o.Profile, ConnectionTimeout: o.ConnectionTimeout, Recorder: o.Recorder})
		if err != nil {
			return "", err
		}
		if err := o.s3Backend(clients); err != nil {
			return "", err
		}
	}
	d, err := o.Backend.Load(ctx)
	if err != nil {
		return "", err
	}
	for _, r := range d.Resources {
		if r.ResourceType == "rest_api" {
			if u := r.Get("rest_api_url"); u != "" {
				return u, nil
			}
		}
		if r.ResourceType == "http_api" {
			if u := r.Get("http_api_url"); u != "" {
				return u, nil
			}
		}
	}
	return "", &NoRestAPIError{Stage: o.Stage}
}

func report(w io.Writer, d *state.Deployed) {
	var lines []string
	for _, r := range d.Resources {
		switch r.ResourceType {
		case "lambda_function":
			lines = append(lines, "  - Lambda ARN: "+r.Get("lambda_arn"))
		case "rest_api":
			lines = append(lines, "  - Rest API URL: "+r.Get("rest_api_url"))
		case "http_api":
			lines = append(lines, "  - HTTP API URL: "+r.Get("http_api_url"))
		case "websocket_api":
			lines = append(lines, "  - Websocket API URL: "+r.Get("websocket_api_url"))
		case "domain_name":
			lines = append(lines, "  - Custom domain name:", "      HostedZoneId: "+r.Get("hosted_zone_id"), "      AliasDomainName: "+r.Get("alias_domain_name"))
		}
	}
	fmt.Fprintln(w, "Resources deployed:")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// dropLines forwards w's lines except the given ones (synchronously, so
// the order of lines is kept).
func dropLines(w io.Writer, drop ...string) io.Writer { return &filterWriter{w: w, drop: drop} }

type filterWriter struct {
	w    io.Writer
	drop []string
	buf  []byte
}

func (f *filterWriter) Write(p []byte) (int, error) {
	f.buf = append(f.buf, p...)
	for {
		i := bytes.IndexByte(f.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(f.buf[:i])
		f.buf = f.buf[i+1:]
		if !slices.Contains(f.drop, line) {
			if _, err := fmt.Fprintln(f.w, line); err != nil {
				return len(p), err
			}
		}
	}
}
