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
	o.Backend = &state.S3{Client: clients.S3, Bucket: bucket, Key: key}
	return nil
}

// session is what every verb that talks to AWS prepares first: clients
// (no AWS call) and the recorded state.
func session(ctx context.Context, o *Options) (*awsapi.Clients, *state.Deployed, error) {
	o.normalize()
	clients, err := awsapi.Load(ctx, awsapi.Options{Profile: o.Profile, ConnectionTimeout: o.ConnectionTimeout, Recorder: o.Recorder})
	if err != nil {
		return nil, nil, err
	}
	if err := o.s3Backend(clients); err != nil {
		return nil, nil, err
	}
	prev, err := o.Backend.Load(ctx)
	if err != nil {
		return nil, nil, err
	}
	return clients, prev, nil
}

// Deploy deploys the app of o.ProjectDir to o.Stage.
func Deploy(ctx context.Context, o *Options) (*Result, error) {
	p, x, err := prepare(ctx, o)
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
	p, _, err := prepare(ctx, o)
	return p, err
}

func prepare(ctx context.Context, o *Options) (*Plan, *executor, error) {
	clients, prev, err := session(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	built := o.Built
	if built == nil {
		if built, err = packager.Build(ctx, &packager.Options{ProjectDir: o.ProjectDir, Stage: o.Stage, Overrides: o.Overrides, Progress: dropLines(o.Out, "Reading the app's manifest.")}); err != nil {
			return nil, nil, err
		}
	} else {
		fmt.Fprintln(o.Out, "Creating deployment package.")
	}
	if err := Supported(built.App); err != nil {
		return nil, nil, err
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
		return nil, nil, fmt.Errorf("the deployment package %s is %d bytes, over the %d-byte limit of a direct upload to Lambda: pass --deployment-bucket BUCKET to upload it through S3", built.Package.Path, built.Package.Size, limit)
	}
	zip, err := os.ReadFile(built.Package.Path)
	if err != nil {
		return nil, nil, err
	}
	id, err := clients.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, nil, fmt.Errorf("finding the AWS account (sts:GetCallerIdentity): %w", explain(err))
	}
	partition := "aws"
	if parts := strings.SplitN(deref(id.Arn), ":", 3); len(parts) >= 2 && parts[1] != "" {
		partition = parts[1]
	}
	x := &executor{o: o, c: clients, state: prev.Clone(), arns: arns{Partition: partition, Region: clients.Region, Account: deref(id.Account)}}
	x.saved, _ = state.Marshal(x.state)
	pl := &planner{x: x, app: built.App, built: built, zip: zip, prev: prev}
	if viaS3 {
		pl.s3Code = &s3Code{bucket: o.DeploymentBucket, key: fmt.Sprintf("gochalice/%s/%s/%s.zip", built.App.AppName, o.Stage, hexOfBase64(built.Package.CodeSha256))}
	}
	p, err := pl.plan(ctx)
	if err != nil {
		return nil, nil, err
	}
	if pl.s3Code != nil {
		p.uploadStep(pl)
	}
	return p, x, nil
}

// AutomaticLayerWarning is printed when automatic_layer is set: Chalice
// puts an app's Python dependencies in a managed Lambda layer, but a Go
// app's dependencies are compiled into its one bootstrap binary, so there
// is nothing to put in a layer and the key is a no-op.
const AutomaticLayerWarning = "automatic_layer has no effect for Go apps: the bootstrap binary already contains its dependencies"

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
// already-deleted ones, and leaves the state with no resources.
func Delete(ctx context.Context, o *Options) error {
	clients, prev, err := session(ctx, o)
	if err != nil {
		return err
	}
	x := &executor{o: o, c: clients, state: prev.Clone()}
	x.saved, _ = state.Marshal(x.state)
	p := &Plan{}
	for i := len(prev.Resources) - 1; i >= 0; i-- {
		st, err := sweepStep(prev.Resources[i])
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
