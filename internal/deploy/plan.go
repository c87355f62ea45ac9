package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/manifest"
	"github.com/gochalice/chalice/packager"
)

// Plan is the ordered list of steps of a deploy (or delete). It is data:
// `gochalice dev plan` prints it and deploy runs it, instruction by
// instruction, so what is printed is what is run.
type Plan struct {
	Steps []Step
}

// Step is one resource's work: a progress message and the instructions
// that do it, in the order the executor runs them.
type Step struct {
	Resource     string // resource name recorded in the state
	Message      string // reported when the step runs; "" for none
	Instructions []Instruction
}

// Instruction is one thing the executor does. An instruction with a Call
// makes that one mutating AWS call (and the read-only calls it needs); an
// instruction without one records the resource, waits, or looks up a
// value a later call uses, and makes no mutating call. Note, when set,
// is shown by `dev plan`: what is decided at run time.
type Instruction struct {
	Call *PlannedCall
	Note string
	run  func(ctx context.Context, x *executor) error
}

// PlannedCall is one mutating AWS call of a plan.
type PlannedCall struct {
	Service   string // lambda, iam, apigateway, events, ...
	Operation string // the API operation, as AWS names it
	Target    string // the resource it acts on; ${name} is a value known at run time
	Detail    string // salient parameters, or how the call decides at run time; may be ""
}

func (c PlannedCall) String() string {
	s := fmt.Sprintf("%s:%s %s", c.Service, c.Operation, c.Target)
	if c.Detail != "" {
		s += " (" + c.Detail + ")"
	}
	return s
}

// apiCall is the instruction that makes one mutating AWS call.
func apiCall(service, operation, target string, run func(ctx context.Context, x *executor) error) Instruction {
	return Instruction{Call: &PlannedCall{Service: service, Operation: operation, Target: target}, run: run}
}

// detailed sets the call's Detail.
func (in Instruction) detailed(format string, args ...any) Instruction {
	c := *in.Call
	c.Detail = fmt.Sprintf(format, args...)
	in.Call = &c
	return in
}

// act is an instruction of the executor's own (recording, waiting): no
// mutating call, nothing printed.
func act(run func(ctx context.Context, x *executor) error) Instruction {
	return Instruction{run: run}
}

// lookup is a read-only instruction whose result a later call uses,
// shown by `dev plan` as note.
func lookup(note string, run func(ctx context.Context, x *executor) error) Instruction {
	return Instruction{Note: note, run: run}
}

// recordIn is the instruction that records r and saves the state.
func recordIn(r func() state.Record) Instruction {
	return act(func(ctx context.Context, x *executor) error { return x.record(ctx, r()) })
}

// Calls returns the step's planned mutating calls, in order.
func (s Step) Calls() []PlannedCall {
	var out []PlannedCall
	for _, in := range s.Instructions {
		if in.Call != nil {
			out = append(out, *in.Call)
		}
	}
	return out
}

// Calls returns every planned mutating call, in the order deploy makes
// them.
func (p *Plan) Calls() []PlannedCall {
	var out []PlannedCall
	for _, s := range p.Steps {
		out = append(out, s.Calls()...)
	}
	return out
}

// MutatingCalls counts the planned mutating calls.
func (p *Plan) MutatingCalls() int { return len(p.Calls()) }

// Print writes the plan as `gochalice dev plan` shows it: each step that
// makes a call, its calls and the run-time decisions between them.
func (p *Plan) Print(w io.Writer) {
	for _, s := range p.Steps {
		if len(s.Calls()) == 0 {
			continue
		}
		msg := s.Message
		if msg == "" {
			msg = "Configuring " + s.Resource
		}
		fmt.Fprintln(w, msg)
		for _, in := range s.Instructions {
			switch {
			case in.Call != nil:
				fmt.Fprintf(w, "  %s\n", in.Call)
			case in.Note != "":
				fmt.Fprintf(w, "  then %s\n", in.Note)
			}
		}
	}
	n := p.MutatingCalls()
	if n == 0 {
		fmt.Fprintln(w, "Nothing to do: every resource is up to date (0 mutating calls).")
		return
	}
	fmt.Fprintf(w, "%d mutating calls planned.\n", n)
}

// runValue is a value a call learns at run time (an id AWS chooses) that
// later instructions of the step use: Chalice's Variable.
type runValue struct {
	name  string
	value string
}

// String is the value, or ${name} while it is not known (in a printed
// plan).
func (v *runValue) String() string {
	if v.value == "" {
		return "${" + v.name + "}"
	}
	return v.value
}

// known returns a runValue already known at plan time.
func known(name, value string) *runValue { return &runValue{name: name, value: value} }

// executor runs a plan, saving the state after every step and after every
// call that creates something.
type executor struct {
	o          *Options
	rep        report.Reporter
	c          *awsapi.Clients
	arns       arns
	app, stage string // for the tags of what is created
	state      *state.Deployed
	saved      []byte // last bytes written, to skip identical writes
	lock       state.Lock
	// verb names the work in errors: "deploying" or "deleting".
	verb string
	// known are the records of declared resources the planner read from
	// AWS (adopted ones, ones found without a record), by record name.
	known map[string]*state.Record
	// kept are the retained resources whose records a sweep dropped.
	kept []string
	// replacing are the declared resources (record names) the plan
	// replaces, until the old one is deleted: their records name the old.
	replacing map[string]bool
}

// saveError marks a failure to write the deployed state (so it is not
// retried, and reported once).
type saveError struct{ err error }

func (e *saveError) Error() string { return e.err.Error() }
func (e *saveError) Unwrap() error { return e.err }

func (x *executor) run(ctx context.Context, p *Plan) error {
	verb := x.verb
	if verb == "" {
		verb = "deploying"
	}
	for _, s := range p.Steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := x.lockLost(); err != nil {
			return err
		}
		err := x.step(ctx, s)
		if err != nil {
			var se *saveError
			if errors.As(err, &se) {
				// The state could not be written: saving again would fail
				// the same way (and print the same error twice).
				return se.err
			}
			if serr := x.save(ctx, false); serr != nil {
				return fmt.Errorf("%s %s: %w (and saving the deployed state failed: %v)", verb, s.Resource, explain(err), serr)
			}
			return fmt.Errorf("%s %s: %w", verb, s.Resource, explain(err))
		}
		if err := x.save(ctx, false); err != nil {
			return err
		}
	}
	return nil
}

// step runs a step's instructions in order, reported as one timed step
// when it has a message.
func (x *executor) step(ctx context.Context, s Step) (err error) {
	if s.Message != "" {
		done := x.reporter().Step(s.Message)
		defer func() { done(err) }()
	}
	for _, in := range s.Instructions {
		if err := in.run(ctx, x); err != nil {
			return err
		}
	}
	return nil
}

func (x *executor) lockLost() error {
	if x.lock == nil {
		return nil
	}
	return x.lock.Lost()
}

// reporter is the executor's reporter (one that says nothing when unset).
func (x *executor) reporter() report.Reporter { return report.Or(x.rep) }

// warn reports a warning.
func (x *executor) warn(format string, args ...any) {
	x.reporter().Warn(fmt.Sprintf(format, args...))
}

// record stores a resource's record and saves the state at once.
func (x *executor) record(ctx context.Context, r state.Record) error {
	x.state.Put(r)
	return x.save(ctx, false)
}

// forget drops a record and saves the state at once.
func (x *executor) forget(ctx context.Context, name string) error {
	x.state.Remove(name)
	return x.save(ctx, false)
}

func (x *executor) save(ctx context.Context, force bool) error {
	data, err := state.Marshal(x.state)
	if err != nil {
		return err
	}
	if !force && bytes.Equal(data, x.saved) {
		return nil
	}
	if err := x.o.Backend.Save(ctx, x.state); err != nil {
		return &saveError{err}
	}
	x.saved = data
	return nil
}

// planner turns the model and the remote state into a plan.
type planner struct {
	x     *executor
	app   *appgraph.Application
	built *packager.Built
	zip   []byte
	prev  *state.Deployed
	// s3Code, when set, is where the package is uploaded (once, on first
	// need) instead of being sent inline.
	s3Code *s3Code
	// creating are the declared resources (record names) the plan creates.
	creating map[string]bool
	// newFunctions are the functions (record names) the plan creates.
	newFunctions map[string]bool
	// late are the steps that run after every resource of the model is
	// deployed, before the sweep: an old alias nothing invokes any more.
	late []Step
}

func (pl *planner) plan(ctx context.Context) (*Plan, error) {
	p := &Plan{}
	names := map[string]bool{}
	var order []string // record names in the model's order
	for _, r := range pl.app.Resources() {
		var steps []Step
		var err error
		switch r := r.(type) {
		case *appgraph.Declared:
			steps, err = pl.declared(ctx, r)
		case *appgraph.Role:
			if !r.Managed {
				continue
			}
			steps, err = pl.role(ctx, r)
		case *appgraph.Function:
			// A function's log group (log_retention_in_days) comes first,
			// as in Chalice's dependency order.
			if r.Config != nil && r.Config.LogRetentionInDays != nil {
				lg, err := pl.logGroup(ctx, r)
				if err != nil {
					return nil, fmt.Errorf("planning %s: %w", logGroupName(r), err)
				}
				names[logGroupName(r)] = true
				order = append(order, logGroupName(r))
				p.Steps = append(p.Steps, lg...)
			}
			steps, err = pl.function(ctx, r)
		case *appgraph.EventSource:
			var on *appgraph.Declared
			if r, on, err = pl.onDeclared(r); err != nil {
				break
			}
			switch r.Source.Type {
			case manifest.SourceSchedule:
				if r.Source.TimeZone != "" {
					steps, err = pl.schedule(ctx, r)
				} else {
					steps, err = pl.rule(ctx, r, on)
				}
			case manifest.SourceCWEvent:
				steps, err = pl.rule(ctx, r, on)
			case manifest.SourceSQS, manifest.SourceKinesis, manifest.SourceDynamoDB:
				steps, err = pl.eventSourceMapping(ctx, r, on)
			case manifest.SourceSNS:
				steps, err = pl.snsSubscription(ctx, r)
			case manifest.SourceS3:
				steps, err = pl.s3Notification(ctx, r, on)
			default:
				err = fmt.Errorf("gochalice deploy does not deploy %s event sources yet", r.Source.Type)
			}
		case *appgraph.RestAPI:
			if r.IsHTTPAPI() {
				steps, err = pl.httpAPI(ctx, r)
			} else {
				steps, err = pl.restAPI(ctx, r)
			}
		case *appgraph.WebsocketAPI:
			steps, err = pl.websocketAPI(ctx, r)
		default:
			err = fmt.Errorf("gochalice deploy does not deploy %s yet (resource %s); use gochalice package and CloudFormation", r.Kind(), r.Name())
		}
		if err != nil {
			return nil, fmt.Errorf("planning %s: %w", r.Name(), explain(err))
		}
		names[r.Name()] = true
		order = append(order, r.Name())
		p.Steps = append(p.Steps, steps...)
		// A function's URL comes right after it.
		if f, ok := r.(*appgraph.Function); ok && f.URL != nil {
			us, err := pl.functionURL(ctx, f)
			if err != nil {
				return nil, fmt.Errorf("planning %s: %w", FunctionURLRecord(f.ResourceName), explain(err))
			}
			names[FunctionURLRecord(f.ResourceName)] = true
			order = append(order, FunctionURLRecord(f.ResourceName))
			p.Steps = append(p.Steps, us...)
		}
		// An API's custom domain comes right after it, as in Chalice.
		ds, err := pl.domainFor(r)
		if err != nil {
			return nil, err
		}
		if ds != nil {
			steps, err := pl.customDomain(ctx, *ds)
			if err != nil {
				return nil, fmt.Errorf("planning %s: %w", ds.resource, explain(err))
			}
			names[ds.resource] = true
			order = append(order, ds.resource)
			p.Steps = append(p.Steps, steps...)
		}
	}
	p.Steps = append(p.Steps, pl.late...)
	// The state ends in the model's order; records of removed resources
	// stay (at the end) until their deletion succeeds.
	p.Steps = append(p.Steps, Step{Resource: "(state)", Instructions: []Instruction{act(func(ctx context.Context, x *executor) error {
		var ordered, rest []state.Record
		for _, name := range order {
			if rec := x.state.Find(name); rec != nil {
				ordered = append(ordered, *rec)
			}
		}
		for _, rec := range x.state.Resources {
			if !names[rec.Name] {
				rest = append(rest, rec)
			}
		}
		x.state.Resources = append(ordered, rest...)
		return nil
	})}})
	for i := len(pl.prev.Resources) - 1; i >= 0; i-- {
		rec := pl.prev.Resources[i]
		if names[rec.Name] {
			continue
		}
		st, err := sweepStep(rec, false)
		if err != nil {
			return nil, err
		}
		p.Steps = append(p.Steps, st)
	}
	return p, nil
}

// s3Code is the S3 location of a package too large to send inline.
type s3Code struct {
	bucket, key string
	uploaded    bool
}

// code sets a function's code: the zip bytes inline, or (for a large
// package) the S3 object, uploaded on first need.
func (pl *planner) code(ctx context.Context, x *executor, set func(zip []byte, bucket, key *string)) error {
	if pl.s3Code == nil {
		set(pl.zip, nil, nil)
		return nil
	}
	c := pl.s3Code
	if !c.uploaded {
		if _, err := x.c.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(c.bucket), Key: aws.String(c.key), Body: bytes.NewReader(pl.zip)}); err != nil {
			return fmt.Errorf("uploading the deployment package to s3://%s/%s: %w", c.bucket, c.key, err)
		}
		c.uploaded = true
	}
	set(nil, aws.String(c.bucket), aws.String(c.key))
	return nil
}

// uploadStep inserts the upload of a large package before the first step
// that sends code (none when no function's code changes).
func (p *Plan) uploadStep(pl *planner) {
	c := pl.s3Code
	for i, st := range p.Steps {
		for _, call := range st.Calls() {
			if call.Operation != "CreateFunction" && call.Operation != "UpdateFunctionCode" {
				continue
			}
			up := Step{Resource: "(deployment package)", Message: fmt.Sprintf("Uploading deployment package to s3://%s/%s", c.bucket, c.key),
				Instructions: []Instruction{apiCall("s3", "PutObject", "s3://"+c.bucket+"/"+c.key, func(ctx context.Context, x *executor) error {
					return pl.code(ctx, x, func([]byte, *string, *string) {})
				}).detailed("%d bytes", len(pl.zip))}}
			p.Steps = append(p.Steps[:i], append([]Step{up}, p.Steps[i:]...)...)
			return
		}
	}
}
