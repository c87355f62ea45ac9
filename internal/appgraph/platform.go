package appgraph

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/manifest"
)

// FunctionURL is a function's Lambda Function URL: the API handler's
// when the stage's api_type is "url", a pure Lambda's with function_url.
type FunctionURL struct {
	AuthType   string   // NONE | AWS_IAM
	InvokeMode string   // BUFFERED | RESPONSE_STREAM
	CORS       *URLCORS // nil: the URL answers no preflight and adds no CORS headers
}

// Streaming reports the RESPONSE_STREAM invoke mode.
func (u *FunctionURL) Streaming() bool { return u.InvokeMode == "RESPONSE_STREAM" }

// URLCORS is a Function URL's CORS configuration, derived from the app's
// CORS routes (one configuration for the whole URL).
type URLCORS struct {
	AllowOrigins     []string
	AllowMethods     []string // the CORS routes' methods, sorted
	AllowHeaders     []string
	ExposeHeaders    []string
	MaxAge           *int
	AllowCredentials bool
}

// IsURLAPI reports api_type "url": the routes are served by the API
// handler's Function URL, with no API Gateway API.
func (a *Application) IsURLAPI() bool { return a.StageCfg.APIType == "url" }

// APIHandler returns the function serving the routes, nil without routes.
func (a *Application) APIHandler() *Function { return a.Function(manifest.APIHandlerName) }

// Qualifier is what API Gateway, event sources and Function URLs invoke:
// the alias (lambda_alias) when the function has one, else "" (the
// unqualified function, $LATEST).
func (f *Function) Qualifier() string { return f.Config.Alias }

// urlAPI is the routes behind a Function URL (api_type "url"): the API
// handler gets the URL; there is no API Gateway API, so authorizers and
// API keys are refused, and the routes' CORS settings must agree.
func (b *builder) urlAPI() error {
	fe := b.in.Manifest.URLFrontEnd()
	if len(fe.Problems) > 0 {
		return fmt.Errorf("%s: stage %q: api_type \"url\" serves the routes through a Function URL: %s; use api_type \"rest\" or \"http\" for them",
			b.in.Config.Path, b.in.Stage, strings.Join(fe.Problems, "; "))
	}
	mf, err := b.manifestFunction(manifest.APIHandlerName)
	if err != nil {
		return err
	}
	handler, err := b.function(mf, fmt.Sprintf("%s-%s", b.app.AppName, b.in.Stage))
	if err != nil {
		return err
	}
	var cors *URLCORS
	if c := fe.CORS; c != nil {
		cors = &URLCORS{AllowOrigins: []string{c.AllowOrigin}, AllowMethods: fe.Methods, AllowHeaders: slices.Clone(c.AllowHeaders),
			ExposeHeaders: slices.Clone(c.ExposeHeaders), MaxAge: c.MaxAge, AllowCredentials: c.AllowCredentials}
	}
	handler.URL = newURL(handler.Config, cors)
	return nil
}

func newURL(fc *config.FunctionConfig, cors *URLCORS) *FunctionURL {
	u := &FunctionURL{AuthType: fc.URLAuthType, InvokeMode: fc.URLInvokeMode, CORS: cors}
	if u.Streaming() {
		fc.EnvironmentVariables[manifest.InvokeModeEnv] = u.InvokeMode
	}
	return u
}

// FunctionRoles tells config what each of the app's functions is (for
// config.ValidateFunctionRoles).
func FunctionRoles(m *manifest.Manifest) []config.FunctionRole {
	out := make([]config.FunctionRole, 0, len(m.Functions))
	for _, f := range m.Functions {
		out = append(out, config.FunctionRole{Name: f.Name, PureLambda: f.Kind == manifest.KindPureLambda, APIHandler: f.Name == manifest.APIHandlerName})
	}
	return out
}

// checkRegion refuses ARNs in another region than the one the app is
// deployed to: event rules on a bus ARN.
func (b *builder) checkRegion() error {
	region := b.in.Region
	if region == "" {
		return nil
	}
	var problems []string
	for _, src := range b.in.Manifest.EventSources {
		if r := config.ARNRegion(src.Bus); r != "" && r != region {
			problems = append(problems, fmt.Sprintf("cloudwatch event handler %s: chalice.EventBus(%q) is in %s, but the app is deployed to %s: an EventBridge rule can only match events on a bus of its own region (forward the events with a rule on that bus, or deploy to %s)",
				src.Function, src.Bus, r, region, r))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("app %s, stage %q: %s", b.in.Manifest.App, b.in.Stage, strings.Join(problems, "; "))
	}
	return nil
}

// checkTimeZones refuses schedules whose time zone does not exist.
func (b *builder) checkTimeZones() error {
	var problems []string
	for _, src := range b.in.Manifest.EventSources {
		if src.TimeZone == "" {
			continue
		}
		if _, err := time.LoadLocation(src.TimeZone); err != nil {
			problems = append(problems, fmt.Sprintf("schedule %s: chalice.TimeZone(%q) is not a time zone of the IANA database (e.g. \"Europe/Paris\", \"America/New_York\", \"UTC\")", src.Function, src.TimeZone))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("app %s: %s", b.in.Manifest.App, strings.Join(problems, "; "))
	}
	return nil
}

// Destination is where Lambda sends a function's asynchronous results.
type Destination struct {
	Condition string // "OnSuccess" or "OnFailure"
	ARN       string
	Type      string // SQS, SNS, Lambda or EventBridge (CloudFormation's DestinationConfig type names)
	Action    string // what the function's role must allow on ARN: sqs:SendMessage, sns:Publish, lambda:InvokeFunction, events:PutEvents
}

// Destinations are the function's async_on_success and async_on_failure
// destinations, in that order.
func (f *Function) Destinations() []Destination { return destinations(f.Config) }

func destinations(fc *config.FunctionConfig) []Destination {
	if fc.Async == nil {
		return nil
	}
	var out []Destination
	for _, d := range []struct{ cond, arn string }{{"OnSuccess", fc.Async.OnSuccess}, {"OnFailure", fc.Async.OnFailure}} {
		if d.arn == "" {
			continue
		}
		parts := strings.SplitN(d.arn, ":", 6)
		if len(parts) < 6 {
			continue // config.Validate refuses it
		}
		typ, action := destinationKind(parts[2])
		out = append(out, Destination{Condition: d.cond, ARN: d.arn, Type: typ, Action: action})
	}
	return out
}

func destinationKind(service string) (typ, action string) {
	switch service {
	case "sqs":
		return "SQS", "sqs:SendMessage"
	case "sns":
		return "SNS", "sns:Publish"
	case "lambda":
		return "Lambda", "lambda:InvokeFunction"
	case "events":
		return "EventBridge", "events:PutEvents"
	}
	return "", ""
}

// ScheduledEventInput is what an EventBridge Scheduler schedule sends
// its function: the "Scheduled Event" an EventBridge rule sends, its id,
// time and resource filled in by the scheduler's context attributes, so
// that a schedule handler sees one event shape with or without a time
// zone. account and region are written as given (a literal, or the
// target's own reference syntax).
func ScheduledEventInput(account, region string) string {
	return `{"version":"0","id":"<aws.scheduler.execution-id>","detail-type":"Scheduled Event","source":"aws.scheduler","account":"` + account +
		`","time":"<aws.scheduler.scheduled-time>","region":"` + region + `","resources":["<aws.scheduler.schedule-arn>"],"detail":{}}`
}
