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
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/report"
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
	// Reporter receives the progress (each step, timed) and the warnings;
	// nil reports nothing. The deployed resources are returned as data
	// (Result.Resources), not reported.
	Reporter report.Reporter
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
	// AllowReplace lets deploy replace a declared resource whose change
	// AWS cannot make in place (a table's key schema, a resource's name):
	// the old one is deleted (retained ones are never replaced under the
	// same name). Without it such a change is refused before any call.
	AllowReplace bool
	// DeleteRetained makes Delete delete the retained declared resources
	// (tables and buckets by default) too; without it they are kept and
	// their records dropped.
	DeleteRetained bool
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
	// Resources are the deployed resources of the summary a deploy ends
	// with (Chalice's "Resources deployed:"), in the state's order.
	Resources []Resource
	// Kept are the retained declared resources the app no longer declares:
	// kept in AWS, their records dropped ("DynamoDB table shop-dev-users").
	Kept []string
}

// withDefaults returns a copy of o with the defaults filled in; the
// caller's options are never changed.
func (o *Options) withDefaults() *Options {
	c := *o
	if c.Stage == "" {
		c.Stage = config.DefaultStage
	}
	c.Reporter = report.Or(c.Reporter)
	if c.Backend == nil && c.StateURL == "" {
		c.Backend = state.LocalFile(c.ProjectDir, c.Stage)
	}
	c.Retry = c.Retry.withDefaults()
	return &c
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
		Warn: o.Reporter.Warn}
	return nil
}

// session is what every verb that talks to AWS prepares first: clients
// (no AWS call), the stage's lock when operation is not "" (deploy and
// delete hold it from before reading the state to after the last write),
// and the recorded state. The caller releases the lock. o has its
// defaults (withDefaults).
func session(ctx context.Context, o *Options, operation string) (*awsapi.Clients, *state.Deployed, state.Lock, error) {
	clients, err := connect(ctx, o)
	if err != nil {
		return nil, nil, nil, err
	}
	prev, lock, err := loadState(ctx, o, operation)
	if err != nil {
		return nil, nil, nil, err
	}
	return clients, prev, lock, nil
}

// connect creates the clients (no AWS call) and the state backend.
func connect(ctx context.Context, o *Options) (*awsapi.Clients, error) {
	clients, err := awsapi.Load(ctx, awsapi.Options{Profile: o.Profile, ConnectionTimeout: o.ConnectionTimeout, Recorder: o.Recorder})
	if err != nil {
		return nil, err
	}
	if err := o.s3Backend(clients); err != nil {
		return nil, err
	}
	return clients, nil
}

// loadState takes the stage's lock when operation is not "" and loads
// the recorded state.
func loadState(ctx context.Context, o *Options, operation string) (*state.Deployed, state.Lock, error) {
	var lock state.Lock
	var err error
	if l, ok := o.Backend.(state.Locker); ok && operation != "" {
		if lock, err = l.Lock(ctx, operation); err != nil {
			return nil, nil, err
		}
	}
	prev, err := o.Backend.Load(ctx)
	if err != nil {
		release(lock, err)
		return nil, nil, err
	}
	return prev, lock, nil
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
	p, x, err := prepare(ctx, o.withDefaults(), "deploy")
	if x != nil {
		defer func() { err = release(x.lock, err) }()
	}
	if err != nil {
		return nil, err
	}
	if err := x.run(ctx, p); err != nil {
		return &Result{State: x.state, Plan: p}, err
	}
	return &Result{State: x.state, Plan: p, Resources: Summary(x.state), Kept: x.kept}, nil
}

// PlanOnly builds the app and computes the plan (read-only AWS calls),
// without executing it.
func PlanOnly(ctx context.Context, o *Options) (*Plan, error) {
	p, _, err := prepare(ctx, o.withDefaults(), "")
	return p, err
}

// prepare connects (no AWS call), loads the state, builds and plans.
// The app is built (or taken from o.Built) and checked right after its
// model is built: a feature this deployer does not handle is refused
// before the deployment package is built and before any AWS call of the
// deploy (only the stage's lock and state precede it, so that a second
// deploy of the stage learns at once that one is running). operation
// "deploy" takes the stage's lock (held by the returned executor, also
// when an error is returned); "" plans only.
func prepare(ctx context.Context, o *Options, operation string) (*Plan, *executor, error) {
	clients, prev, lock, err := session(ctx, o, operation)
	if err != nil {
		return nil, nil, err
	}
	x := &executor{o: o, rep: o.Reporter, c: clients, state: prev.Clone(), lock: lock, stage: o.Stage, verb: "deploying", known: map[string]*state.Record{}, replacing: map[string]bool{}}
	built := o.Built
	if built == nil {
		built, err = packager.Build(ctx, &packager.Options{ProjectDir: o.ProjectDir, Stage: o.Stage, Overrides: o.Overrides,
			Reporter: o.Reporter, PackageStepOnly: true, Check: Supported, DeclaredResources: true, Region: clients.Region})
		if err != nil {
			return nil, x, err
		}
	} else {
		if err := Supported(built.App); err != nil {
			return nil, x, err
		}
		o.Reporter.Info("Creating deployment package.")
	}
	p, err := x.prepare(ctx, prev, built)
	return p, x, err
}

// PackageTooLargeError is deploy's error for a deployment package over
// the direct-upload limit when no deployment bucket is set
// (Options.DeploymentBucket).
type PackageTooLargeError struct {
	Path        string
	Size, Limit int64
}

func (e *PackageTooLargeError) Error() string {
	return fmt.Sprintf("the deployment package %s is %d bytes, over the %d-byte limit of a direct upload to Lambda: set a deployment bucket to upload it through S3", e.Path, e.Size, e.Limit)
}

func (x *executor) prepare(ctx context.Context, prev *state.Deployed, built *packager.Built) (*Plan, error) {
	o := x.o
	if sc := built.App.StageCfg; sc != nil && sc.AutomaticLayer {
		x.rep.Warn(AutomaticLayerWarning)
	}
	limit := o.MaxDirectUpload
	if limit <= 0 {
		limit = MaxDirectUpload
	}
	viaS3 := built.Package.Size > limit
	if viaS3 && o.DeploymentBucket == "" {
		return nil, &PackageTooLargeError{Path: built.Package.Path, Size: built.Package.Size, Limit: limit}
	}
	zip, err := os.ReadFile(built.Package.Path)
	if err != nil {
		return nil, fmt.Errorf("reading the deployment package: %w", err)
	}
	if err := x.identify(ctx); err != nil {
		return nil, err
	}
	x.app = built.App.AppName
	x.saved, _ = state.Marshal(x.state)
	pl := &planner{x: x, app: built.App, built: built, zip: zip, prev: prev, creating: map[string]bool{}, newFunctions: map[string]bool{}}
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

// UnsupportedError is a feature of the app this deployer does not deploy
// yet; it names the stage and the resource, function or config key.
type UnsupportedError struct {
	Stage    string
	What     string // "x event sources", "the CloudFront distribution"
	Resource string // the resource's record name, for a resource
	Function string // the function it belongs to, for an event source
	Key      string // the config key, for a config feature
}

func (e *UnsupportedError) Error() string {
	var where []string
	if e.Resource != "" {
		where = append(where, "resource "+e.Resource)
	}
	if e.Function != "" {
		where = append(where, "function "+e.Function)
	}
	if e.Key != "" {
		where = append(where, "key "+e.Key)
	}
	return fmt.Sprintf("stage %s: gochalice deploy does not deploy %s yet (%s); use gochalice package and CloudFormation", e.Stage, e.What, strings.Join(where, ", "))
}

// Supported refuses the features this deployer does not handle yet,
// naming the first one found (an *UnsupportedError). It needs only the
// model: deploy calls it before any AWS call.
func Supported(app *appgraph.Application) error {
	stage := app.Stage
	if stage == "" {
		stage = config.DefaultStage
	}
	for _, ev := range app.Events {
		switch ev.Source.Type {
		case manifest.SourceSchedule, manifest.SourceCWEvent, manifest.SourceSQS, manifest.SourceKinesis,
			manifest.SourceDynamoDB, manifest.SourceSNS, manifest.SourceS3:
		default:
			fn := ""
			if ev.Function != nil {
				fn = ev.Function.ResourceName
			}
			return &UnsupportedError{Stage: stage, What: ev.Source.Type + " event sources", Resource: ev.ResourceName, Function: fn}
		}
	}
	if app.CloudFront != nil {
		return &UnsupportedError{Stage: stage, What: "the CloudFront distribution", Key: "stages." + stage + ".cloudfront"}
	}
	return nil
}

// Delete removes every recorded resource in reverse order, tolerating
// already-deleted ones, and leaves the state with no resources. With no
// recorded resources it returns a *NothingRecordedError, unless
// o.ByTag asks to find the stage's resources by their tags instead.
func Delete(ctx context.Context, o *Options) (err error) {
	o = o.withDefaults()
	clients, prev, lock, err := session(ctx, o, "delete")
	if err != nil {
		return err
	}
	defer func() { err = release(lock, err) }()
	x := &executor{o: o, rep: o.Reporter, c: clients, state: prev.Clone(), lock: lock, stage: o.Stage, verb: "deleting", known: map[string]*state.Record{}}
	x.saved, _ = state.Marshal(x.state)
	records := prev.Resources
	if o.ByTag {
		found, err := x.discover(ctx)
		if err != nil {
			return err
		}
		records = mergeRecords(records, found)
		if len(records) == 0 {
			o.Reporter.Info(fmt.Sprintf("No resources of app %s, stage %s were found by their tags; nothing to delete.", x.app, o.Stage))
			return nil
		}
	} else if len(records) == 0 {
		return &NothingRecordedError{Stage: o.Stage, Location: o.Backend.Location(), Missing: prev.Missing}
	}
	p := &Plan{}
	for i := len(records) - 1; i >= 0; i-- {
		st, err := sweepStep(records[i], o.DeleteRetained)
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

// APIHandlerURLRecord is the record of the API handler's Function URL
// (api_type "url").
var APIHandlerURLRecord = FunctionURLRecord(manifest.APIHandlerName)

// NoRestAPIError is url's error when no REST API is recorded.
type NoRestAPIError struct{ Stage string }

func (e *NoRestAPIError) Error() string {
	return fmt.Sprintf("Could not find a record of a Rest API in chalice stage: '%s'", e.Stage)
}

// URL returns the recorded rest_api_url of a stage (no AWS call with the
// local state file).
func URL(ctx context.Context, o *Options) (string, error) {
	o = o.withDefaults()
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
		// api_type "url": the API handler's Function URL serves the routes.
		if r.ResourceType == "function_url" && r.Name == APIHandlerURLRecord {
			if u := r.Get("function_url"); u != "" {
				return u, nil
			}
		}
	}
	return "", &NoRestAPIError{Stage: o.Stage}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
