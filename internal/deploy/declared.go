package deploy

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/manifest"
)

// ---- resources the app declares (tables, buckets, queues, topics, buses) ----

// declaredFields names a declared resource's record fields by attribute,
// per record type (Declared.Kind()).
var declaredFields = map[string]map[string]string{
	"dynamodb_table":  {appgraph.AttrName: "table_name", appgraph.AttrARN: "table_arn", appgraph.AttrStreamARN: "stream_arn"},
	"s3_bucket":       {appgraph.AttrName: "bucket_name", appgraph.AttrARN: "bucket_arn"},
	"sqs_queue":       {appgraph.AttrName: "queue_name", appgraph.AttrARN: "queue_arn", appgraph.AttrURL: "queue_url"},
	"sns_topic":       {appgraph.AttrName: "topic_name", appgraph.AttrARN: "topic_arn"},
	"eventbridge_bus": {appgraph.AttrName: "bus_name", appgraph.AttrARN: "bus_arn"},
}

// declaredLabels are the resource kinds as messages name them.
var declaredLabels = map[string]string{"dynamodb_table": "DynamoDB table", "s3_bucket": "S3 bucket", "sqs_queue": "SQS queue",
	"sns_topic": "SNS topic", "eventbridge_bus": "EventBridge bus"}

// declaredRecord is the record of a declared resource: its identifiers
// (attribute order), then whether it is retained or adopted.
func declaredRecord(d *appgraph.Declared, values map[string]string) state.Record {
	kind := d.Kind()
	rec := state.Record{Name: d.ResourceName, ResourceType: kind}
	attrs := []string{appgraph.AttrName, appgraph.AttrARN, appgraph.AttrURL, appgraph.AttrStreamARN}
	for _, attr := range attrs {
		if f, ok := declaredFields[kind][attr]; ok && values[attr] != "" {
			rec.Set(f, values[attr])
		}
	}
	if d.Retain {
		rec.Set("retain", true)
	}
	if d.Adopted {
		rec.Set("adopted", true)
	}
	return rec
}

// physicalName is the deployed name of d: buckets the app creates are
// {app}-{stage}-{name}-{account}-{region}, as in the SAM template (bucket
// names are global).
func (x *executor) physicalName(d *appgraph.Declared) (string, error) {
	if d.Spec.Kind != manifest.ResourceBucket || d.Adopted {
		return d.PhysicalName, nil
	}
	name := d.PhysicalName + "-" + x.arns.Account + "-" + x.arns.Region
	if len(name) > 63 {
		return "", fmt.Errorf("stage %s: bucket %s: its name %s is %d characters, and S3 allows 63: shorten the app, stage or bucket name, or name an existing bucket in resources.%s.name",
			x.stage, d.Spec.Name, name, len(name), d.Spec.Name)
	}
	return name, nil
}

// declaredValue is attribute attr of d: the recorded value (or the one
// the planner read from AWS), else the one its name determines (every
// ARN but a stream's), else "" (a new table's stream ARN, a new queue's
// URL: known once it is created).
func (x *executor) declaredValue(d *appgraph.Declared, attr string) string {
	name, err := x.physicalName(d)
	if err != nil {
		return ""
	}
	field := declaredFields[d.Kind()][attr]
	for _, rec := range []*state.Record{x.state.Find(d.ResourceName), x.known[d.ResourceName]} {
		// A record of another name, or of a resource this deploy replaces,
		// is the old resource's.
		if rec != nil && !x.replacing[d.ResourceName] && rec.ResourceType == d.Kind() && rec.Get(declaredFields[d.Kind()][appgraph.AttrName]) == name && rec.Get(field) != "" {
			return rec.Get(field)
		}
	}
	a := x.arns
	switch attr {
	case appgraph.AttrName:
		return name
	case appgraph.AttrARN:
		switch d.Spec.Kind {
		case manifest.ResourceTable:
			return fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", a.Partition, a.Region, a.Account, name)
		case manifest.ResourceBucket:
			return fmt.Sprintf("arn:%s:s3:::%s", a.Partition, name)
		case manifest.ResourceQueue:
			return fmt.Sprintf("arn:%s:sqs:%s:%s:%s", a.Partition, a.Region, a.Account, name)
		case manifest.ResourceTopic:
			return fmt.Sprintf("arn:%s:sns:%s:%s:%s", a.Partition, a.Region, a.Account, name)
		case manifest.ResourceBus:
			return fmt.Sprintf("arn:%s:events:%s:%s:event-bus/%s", a.Partition, a.Region, a.Account, name)
		}
	}
	return ""
}

// declaredRef is declaredValue, or ${<record>.<field>} while the value is
// only known at run time (in a printed plan, and in what the planner
// compares: a value not known yet always differs).
func (x *executor) declaredRef(d *appgraph.Declared, attr string) string {
	if v := x.declaredValue(d, attr); v != "" {
		return v
	}
	return "${" + d.ResourceName + "." + declaredFields[d.Kind()][attr] + "}"
}

// declaredEnv is a function's environment: the config's variables and
// those naming what it uses (GOCHALICE_<KIND>_<NAME>_<ATTR>).
func (x *executor) declaredEnv(f *appgraph.Function) map[string]string {
	base := f.Config.EnvironmentVariables
	if len(f.Uses) == 0 {
		return base
	}
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	for _, u := range f.Uses {
		for _, attr := range u.Resource.Attributes() {
			if attr == appgraph.AttrStreamARN && u.Resource.Adopted && x.declaredValue(u.Resource, attr) == "" {
				continue
			}
			out[u.Resource.EnvVar(attr)] = x.declaredRef(u.Resource, attr)
		}
	}
	return out
}

// rolePolicy is a role's policy document: the generated (or the policy
// file's) one, with a statement per permission of what the role's
// function uses, scoped to that resource's ARNs, and one per destination
// of its asynchronous results (exactly the delivery action on exactly the
// destination's ARN).
func (x *executor) rolePolicy(r *appgraph.Role, base any) (any, error) {
	if len(r.Uses) == 0 && len(r.Destinations) == 0 {
		return base, nil
	}
	raw, err := json.Marshal(base)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil || doc == nil {
		return nil, fmt.Errorf("the policy of IAM role %s is not a JSON object", r.RoleName)
	}
	stmts, _ := doc["Statement"].([]any)
	for _, u := range r.Uses {
		for i, p := range u.Permissions() {
			var resources []any
			for _, ref := range p.Resources {
				resources = append(resources, x.declaredRef(u.Resource, ref.Attr)+ref.Suffix)
			}
			actions := make([]any, len(p.Actions))
			for i, a := range p.Actions {
				actions[i] = a
			}
			svc, _, _ := strings.Cut(p.Actions[0], ":")
			stmts = append(stmts, map[string]any{"Sid": sid(u.Resource.ResourceName+"-"+svc) + strconv.Itoa(i+1),
				"Effect": "Allow", "Action": actions, "Resource": resources})
		}
	}
	for _, d := range r.Destinations {
		stmts = append(stmts, map[string]any{"Sid": "Async" + d.Condition + "Destination", "Effect": "Allow", "Action": d.Action, "Resource": d.ARN})
	}
	doc["Statement"] = stmts
	return doc, nil
}

// sid makes a statement id of s: its letters and digits, each word
// capitalised ("users-table-dynamodb" → "UsersTableDynamodb").
func sid(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// onDeclared returns the event source with its source named as the
// deployed resource it is declared on (the queue's ARN, the bucket's
// name, the topic's ARN, the table's stream ARN), and the resource;
// ev itself for a source on a resource the app does not declare.
func (pl *planner) onDeclared(ev *appgraph.EventSource) (*appgraph.EventSource, *appgraph.Declared, error) {
	if ev.Source.Resource == "" {
		return ev, nil, nil
	}
	d := pl.app.DeclaredResource(ev.Source.Resource)
	if d == nil {
		return nil, nil, fmt.Errorf("%s handler %s reads undeclared resource %q", ev.Source.Type, ev.Function.ResourceName, ev.Source.Resource)
	}
	x := pl.x
	c := *ev
	src := c.Source
	switch ev.Source.Type {
	case manifest.SourceSQS:
		src.QueueARN = x.declaredRef(d, appgraph.AttrARN)
	case manifest.SourceS3:
		src.Bucket = x.declaredRef(d, appgraph.AttrName)
	case manifest.SourceSNS:
		src.Topic = x.declaredRef(d, appgraph.AttrARN)
	case manifest.SourceDynamoDB:
		if d.Adopted && x.declaredValue(d, appgraph.AttrStreamARN) == "" {
			return nil, nil, fmt.Errorf("stage %s: table %s (%s, adopted by resources.%s.name) has no stream for handler %s", x.stage, d.Spec.Name, d.PhysicalName, d.Spec.Name, ev.Function.ResourceName)
		}
		src.StreamARN = x.declaredRef(d, appgraph.AttrStreamARN)
	case manifest.SourceCWEvent:
	default:
		return nil, nil, fmt.Errorf("%s event sources on declared resources are not deployed (resource %s)", ev.Source.Type, d.ResourceName)
	}
	c.Source = src
	return &c, d, nil
}

// creates reports whether the plan creates d (it has no record and was
// not found): its event sources then need no lookup.
func (pl *planner) creates(d *appgraph.Declared) bool {
	return d != nil && pl.creating[d.ResourceName]
}

// ReplacementError is a change of a declared resource that AWS cannot
// make in place: deploy refuses it before any call unless
// Options.AllowReplace says to replace the resource.
type ReplacementError struct {
	Stage, Resource string // the record name ("users-table")
	Name            string // the declared name ("users")
	Label           string // "DynamoDB table shop-dev-users"
	Setting         string // "key schema"
	Was, Now        string
	// Retained: the resource is retained, so it cannot be replaced under
	// the same name even with AllowReplace.
	Retained bool
}

func (e *ReplacementError) Error() string {
	msg := fmt.Sprintf("stage %s: resource %s (%s): changing its %s (from %s to %s) needs a new resource, which deletes this one and everything in it", e.Stage, e.Resource, e.Label, e.Setting, e.Was, e.Now)
	if e.Retained {
		return msg + "; it is retained, so it is never replaced: declare the new one under another name, or set stages." + e.Stage + ".resources." + e.Name + ".retain to false"
	}
	return msg + "; gochalice deploy refuses it unless told to replace it (--allow-replace)"
}

// UnchangeableError is a change of a declared resource deploy does not
// make (AWS allows it only step by step).
type UnchangeableError struct {
	Stage, Resource, Label, Setting, Why string
}

func (e *UnchangeableError) Error() string {
	return fmt.Sprintf("stage %s: resource %s (%s): gochalice deploy does not change its %s: %s", e.Stage, e.Resource, e.Label, e.Setting, e.Why)
}

// declared plans one declared resource: create it when it does not
// exist, update the settings AWS changes in place, read the identifiers
// of one the stage adopts.
func (pl *planner) declared(ctx context.Context, d *appgraph.Declared) ([]Step, error) {
	x := pl.x
	name, err := x.physicalName(d)
	if err != nil {
		return nil, err
	}
	label := declaredLabels[d.Kind()] + " " + name
	var prev *state.Record
	if rec := x.state.Find(d.ResourceName); rec != nil && rec.ResourceType == d.Kind() {
		prev = rec
	}
	var replaced *Step
	if was := prevName(prev, d); was != "" && was != name && !d.Adopted {
		if err := pl.allowReplace(&ReplacementError{Stage: x.stage, Resource: d.ResourceName, Name: d.Spec.Name, Label: label, Setting: "name", Was: was, Now: name}); err != nil {
			return nil, err
		}
		// Recorded under another name: the new resource is created (its
		// record replaces the old one), then the old one is deleted, or
		// kept when retained.
		old := prev.Clone()
		old.Name += " (replaced)"
		st, err := sweepDeclared(old, false)
		if err != nil {
			return nil, err
		}
		st.Resource = d.ResourceName
		replaced = &st
	}
	var steps []Step
	switch d.Spec.Kind {
	case manifest.ResourceTable:
		steps, err = pl.table(ctx, d, name, label)
	case manifest.ResourceBucket:
		steps, err = pl.bucket(ctx, d, name)
	case manifest.ResourceQueue:
		steps, err = pl.queue(ctx, d, name, label)
	case manifest.ResourceTopic:
		steps, err = pl.topic(ctx, d, name, label)
	case manifest.ResourceBus:
		steps, err = pl.bus(ctx, d, name)
	default:
		err = fmt.Errorf("unknown kind %q", d.Spec.Kind)
	}
	if err != nil {
		return nil, err
	}
	if replaced != nil {
		steps = append(steps, *replaced)
	}
	return steps, nil
}

func prevName(prev *state.Record, d *appgraph.Declared) string {
	if prev == nil {
		return ""
	}
	return prev.Get(declaredFields[d.Kind()][appgraph.AttrName])
}

// allowReplace returns e unless replacing is allowed (and possible).
func (pl *planner) allowReplace(e *ReplacementError) error {
	if d := pl.app.DeclaredResource(e.Name); d != nil && d.Retain && e.Setting != "name" {
		e.Retained = true
		return e
	}
	if !pl.x.o.AllowReplace {
		return e
	}
	return nil
}

// adoptedMissing is the error for a resource the stage adopts by name
// (resources.<name>.name) that does not exist.
func (pl *planner) adoptedMissing(d *appgraph.Declared, err error) error {
	return fmt.Errorf("stage %s: resource %s: the stage adopts the existing %s %s (key stages.%s.resources.%s.name), and it was not found (%v): create it, or remove the key",
		pl.x.stage, d.ResourceName, declaredLabels[d.Kind()], d.PhysicalName, pl.x.stage, d.Spec.Name, err)
}

// found records a resource that exists (adopted, recorded, or found by
// its name without a record) with the identifiers the planner read.
func (pl *planner) found(d *appgraph.Declared, values map[string]string) Instruction {
	rec := declaredRecord(d, values)
	pl.x.known[d.ResourceName] = &rec
	return recordIn(func() state.Record { return rec })
}

// ---- DynamoDB table ----

func tableValues(name string, t *ddbtypes.TableDescription) map[string]string {
	return map[string]string{appgraph.AttrName: name, appgraph.AttrARN: deref(t.TableArn), appgraph.AttrStreamARN: deref(t.LatestStreamArn)}
}

// keySchema describes a key schema with its attribute types
// ("username S, created N").
func keySchema(ks []ddbtypes.KeySchemaElement, defs []ddbtypes.AttributeDefinition) string {
	types := map[string]string{}
	for _, a := range defs {
		types[deref(a.AttributeName)] = string(a.AttributeType)
	}
	var parts []string
	for _, k := range ks {
		parts = append(parts, deref(k.AttributeName)+" "+types[deref(k.AttributeName)])
	}
	return strings.Join(parts, ", ")
}

// indexes describes global indexes (name, keys, projection), sorted.
func indexes(ixs []ddbtypes.GlobalSecondaryIndex, defs []ddbtypes.AttributeDefinition) string {
	var parts []string
	for _, ix := range ixs {
		p := deref(ix.IndexName) + " (" + keySchema(ix.KeySchema, defs)
		if ix.Projection != nil {
			p += "; " + string(ix.Projection.ProjectionType)
			nk := slices.Clone(ix.Projection.NonKeyAttributes)
			slices.Sort(nk)
			if len(nk) > 0 {
				p += " " + strings.Join(nk, " ")
			}
		}
		parts = append(parts, p+")")
	}
	slices.Sort(parts)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func (x *executor) waitTable(ctx context.Context, name string) (*ddbtypes.TableDescription, error) {
	out, err := dynamodb.NewTableExistsWaiter(x.c.DynamoDB, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = time.Second
		o.MaxDelay = 5 * time.Second
	}).WaitForOutput(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, x.o.Retry.WaitTimeout)
	if err != nil {
		return nil, fmt.Errorf("waiting for DynamoDB table %s to be active: %w", name, err)
	}
	return out.Table, nil
}

func ttlCall(name, attr string, enabled bool) Instruction {
	return apiCall("dynamodb", "UpdateTimeToLive", name, func(ctx context.Context, x *executor) error {
		_, err := x.c.DynamoDB.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(name),
			TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String(attr), Enabled: aws.Bool(enabled)}})
		return err
	}).detailed("%s %s", map[bool]string{true: "on", false: "off"}[enabled], attr)
}

func billingDetail(t *manifest.TableSpec) string {
	if t.BillingMode == "PROVISIONED" {
		return fmt.Sprintf("PROVISIONED %d read, %d write", t.ReadCapacity, t.WriteCapacity)
	}
	return t.BillingMode
}

func (pl *planner) table(ctx context.Context, d *appgraph.Declared, name, label string) ([]Step, error) {
	x := pl.x
	t := d.Spec.Table
	got, err := x.c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	switch {
	case isNotFound(err) && d.Adopted:
		return nil, pl.adoptedMissing(d, err)
	case isNotFound(err):
		pl.creating[d.ResourceName] = true
		return pl.createTable(d, name), nil
	case err != nil:
		return nil, fmt.Errorf("dynamodb:DescribeTable %s: %w", name, err)
	}
	desc := got.Table
	ins := []Instruction{pl.found(d, tableValues(name, desc))}
	if d.Adopted {
		return []Step{{Resource: d.ResourceName, Instructions: ins}}, nil
	}
	want := provision.CreateTableInput(t, name, nil)
	if was, now := keySchema(desc.KeySchema, desc.AttributeDefinitions), keySchema(want.KeySchema, want.AttributeDefinitions); was != now {
		if err := pl.allowReplace(&ReplacementError{Stage: x.stage, Resource: d.ResourceName, Name: d.Spec.Name, Label: label, Setting: "key schema", Was: was, Now: now}); err != nil {
			return nil, err
		}
		del := apiCall("dynamodb", "DeleteTable", name, func(ctx context.Context, x *executor) error {
			if _, err := x.c.DynamoDB.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil && !isNotFound(err) {
				return err
			}
			x.state.Remove(d.ResourceName)
			delete(x.replacing, d.ResourceName)
			return dynamodb.NewTableNotExistsWaiter(x.c.DynamoDB, func(o *dynamodb.TableNotExistsWaiterOptions) { o.MinDelay, o.MaxDelay = time.Second, 5*time.Second }).
				Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, x.o.Retry.WaitTimeout)
		}).detailed("replaced: its key schema changes")
		// What refers to the table (its stream's mappings, environments,
		// policies) is planned against the new one.
		pl.creating[d.ResourceName] = true
		x.replacing[d.ResourceName] = true
		steps := pl.createTable(d, name)
		steps[0].Message = "Replacing " + label
		steps[0].Instructions = append([]Instruction{del}, steps[0].Instructions...)
		return steps, nil
	}
	var gsis []ddbtypes.GlobalSecondaryIndex
	for _, ix := range desc.GlobalSecondaryIndexes {
		gsis = append(gsis, ddbtypes.GlobalSecondaryIndex{IndexName: ix.IndexName, KeySchema: ix.KeySchema, Projection: ix.Projection})
	}
	if was, now := indexes(gsis, desc.AttributeDefinitions), indexes(want.GlobalSecondaryIndexes, want.AttributeDefinitions); was != now {
		return nil, &UnchangeableError{Stage: x.stage, Resource: d.ResourceName, Label: label, Setting: "global indexes",
			Why: fmt.Sprintf("they are %s and the app declares %s; DynamoDB adds or removes one index per update: change them with the AWS console or CLI, then deploy", was, now)}
	}
	var calls []Instruction
	billing := "PROVISIONED"
	if desc.BillingModeSummary != nil && desc.BillingModeSummary.BillingMode != "" {
		billing = string(desc.BillingModeSummary.BillingMode)
	}
	var read, write int64
	if desc.ProvisionedThroughput != nil {
		read, write = deref(desc.ProvisionedThroughput.ReadCapacityUnits), deref(desc.ProvisionedThroughput.WriteCapacityUnits)
	}
	if billing != t.BillingMode || (t.BillingMode == "PROVISIONED" && (read != int64(t.ReadCapacity) || write != int64(t.WriteCapacity))) {
		in := &dynamodb.UpdateTableInput{TableName: aws.String(name), BillingMode: ddbtypes.BillingMode(t.BillingMode)}
		if t.BillingMode == "PROVISIONED" {
			in.ProvisionedThroughput = want.ProvisionedThroughput
			for _, ix := range want.GlobalSecondaryIndexes {
				in.GlobalSecondaryIndexUpdates = append(in.GlobalSecondaryIndexUpdates, ddbtypes.GlobalSecondaryIndexUpdate{
					Update: &ddbtypes.UpdateGlobalSecondaryIndexAction{IndexName: ix.IndexName, ProvisionedThroughput: want.ProvisionedThroughput}})
			}
		}
		calls = append(calls, updateTableCall(d, name, in).detailed("%s", billingDetail(t)))
	}
	view := ""
	if s := desc.StreamSpecification; s != nil && deref(s.StreamEnabled) {
		view = string(s.StreamViewType)
	}
	switch {
	case view == t.StreamView:
	case view != "" && t.StreamView != "":
		return nil, &UnchangeableError{Stage: x.stage, Resource: d.ResourceName, Label: label, Setting: "stream view",
			Why: fmt.Sprintf("it is %s and the app declares %s; a stream's view cannot change: deploy the table without a stream first, then with the new one (its handlers then read a new stream)", view, t.StreamView)}
	case t.StreamView == "":
		calls = append(calls, updateTableCall(d, name, &dynamodb.UpdateTableInput{TableName: aws.String(name),
			StreamSpecification: &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(false)}}).detailed("stream off"))
	default:
		calls = append(calls, updateTableCall(d, name, &dynamodb.UpdateTableInput{TableName: aws.String(name),
			StreamSpecification: &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewType(t.StreamView)}}).detailed("stream %s", t.StreamView))
	}
	ttl, err := x.c.DynamoDB.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("dynamodb:DescribeTimeToLive %s: %w", name, err)
	}
	curTTL := ""
	if s := ttl.TimeToLiveDescription; s != nil && (s.TimeToLiveStatus == ddbtypes.TimeToLiveStatusEnabled || s.TimeToLiveStatus == ddbtypes.TimeToLiveStatusEnabling) {
		curTTL = deref(s.AttributeName)
	}
	if curTTL != t.TTLAttribute {
		if curTTL != "" {
			calls = append(calls, ttlCall(name, curTTL, false))
		}
		if t.TTLAttribute != "" {
			calls = append(calls, ttlCall(name, t.TTLAttribute, true))
		}
	}
	msg := ""
	if len(calls) > 0 {
		msg = "Updating " + label
	}
	return []Step{{Resource: d.ResourceName, Message: msg, Instructions: append(ins, calls...)}}, nil
}

// updateTableCall makes one UpdateTable, waits for the table to be active
// again and records its identifiers (a new stream has a new ARN).
func updateTableCall(d *appgraph.Declared, name string, in *dynamodb.UpdateTableInput) Instruction {
	return apiCall("dynamodb", "UpdateTable", name, func(ctx context.Context, x *executor) error {
		if _, err := x.c.DynamoDB.UpdateTable(ctx, in); err != nil {
			return err
		}
		desc, err := x.waitTable(ctx, name)
		if err != nil {
			return err
		}
		return x.record(ctx, declaredRecord(d, tableValues(name, desc)))
	})
}

func (pl *planner) createTable(d *appgraph.Declared, name string) []Step {
	t := d.Spec.Table
	create := apiCall("dynamodb", "CreateTable", name, func(ctx context.Context, x *executor) error {
		_, err := x.c.DynamoDB.CreateTable(ctx, provision.CreateTableInput(t, name, x.ownTags(d.ResourceName)))
		// ResourceInUseException: a create whose answer was lost and that
		// the SDK sent again; the table is ours.
		if err != nil && errorCode(err) != "ResourceInUseException" {
			return err
		}
		desc, err := x.waitTable(ctx, name)
		if err != nil {
			return err
		}
		return x.record(ctx, declaredRecord(d, tableValues(name, desc)))
	})
	key := t.PartitionKey.Name
	if t.SortKey != nil {
		key += ", " + t.SortKey.Name
	}
	create = create.detailed("%s; key %s; %d global indexes; stream %s", billingDetail(t), key, len(t.GlobalIndexes), cmp.Or(t.StreamView, "off"))
	ins := []Instruction{create}
	if t.TTLAttribute != "" {
		ins = append(ins, ttlCall(name, t.TTLAttribute, true))
	}
	return []Step{{Resource: d.ResourceName, Message: "Creating DynamoDB table: " + name, Instructions: ins}}
}

// ---- S3 bucket ----

func bucketValues(name string, a arns) map[string]string {
	return map[string]string{appgraph.AttrName: name, appgraph.AttrARN: fmt.Sprintf("arn:%s:s3:::%s", a.Partition, name)}
}

var publicAccessBlocked = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
	IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}

func versioningCall(name string, status s3types.BucketVersioningStatus) Instruction {
	return apiCall("s3", "PutBucketVersioning", name, func(ctx context.Context, x *executor) error {
		_, err := x.c.S3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: status}})
		return err
	}).detailed("%s", status)
}

func publicAccessCall(name string) Instruction {
	return apiCall("s3", "PutPublicAccessBlock", name, func(ctx context.Context, x *executor) error {
		_, err := x.c.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(name), PublicAccessBlockConfiguration: publicAccessBlocked})
		return err
	}).detailed("all public access blocked")
}

func (pl *planner) bucket(ctx context.Context, d *appgraph.Declared, name string) ([]Step, error) {
	x := pl.x
	versioned := d.Spec.Bucket != nil && d.Spec.Bucket.Versioned
	_, err := x.c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	switch {
	case isNotFound(err) && d.Adopted:
		return nil, pl.adoptedMissing(d, err)
	case isNotFound(err):
		pl.creating[d.ResourceName] = true
		create := apiCall("s3", "CreateBucket", name, func(ctx context.Context, x *executor) error {
			in := &s3.CreateBucketInput{Bucket: aws.String(name)}
			if x.arns.Region != "us-east-1" {
				in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(x.arns.Region)}
			}
			if _, err := x.c.S3.CreateBucket(ctx, in); err != nil && errorCode(err) != "BucketAlreadyOwnedByYou" {
				return err
			}
			return x.record(ctx, declaredRecord(d, bucketValues(name, x.arns)))
		})
		tag := apiCall("s3", "PutBucketTagging", name, func(ctx context.Context, x *executor) error {
			tags := x.ownTags(d.ResourceName)
			var set []s3types.Tag
			for _, k := range slices.Sorted(maps.Keys(tags)) {
				set = append(set, s3types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
			}
			_, err := x.c.S3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: &s3types.Tagging{TagSet: set}})
			return err
		})
		ins := []Instruction{create, tag, publicAccessCall(name)}
		if versioned {
			ins = append(ins, versioningCall(name, s3types.BucketVersioningStatusEnabled))
		}
		return []Step{{Resource: d.ResourceName, Message: "Creating S3 bucket: " + name, Instructions: ins}}, nil
	case err != nil:
		return nil, fmt.Errorf("s3:HeadBucket %s: %w", name, err)
	}
	ins := []Instruction{pl.found(d, bucketValues(name, x.arns))}
	if d.Adopted {
		return []Step{{Resource: d.ResourceName, Instructions: ins}}, nil
	}
	v, err := x.c.S3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("s3:GetBucketVersioning %s: %w", name, err)
	}
	switch {
	case versioned && v.Status != s3types.BucketVersioningStatusEnabled:
		ins = append(ins, versioningCall(name, s3types.BucketVersioningStatusEnabled))
	case !versioned && v.Status == s3types.BucketVersioningStatusEnabled:
		ins = append(ins, versioningCall(name, s3types.BucketVersioningStatusSuspended))
	}
	pab, err := x.c.S3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(name)})
	if err != nil && errorCode(err) != "NoSuchPublicAccessBlockConfiguration" {
		return nil, fmt.Errorf("s3:GetPublicAccessBlock %s: %w", name, err)
	}
	if err != nil || pab.PublicAccessBlockConfiguration == nil || !allBlocked(pab.PublicAccessBlockConfiguration) {
		ins = append(ins, publicAccessCall(name))
	}
	st := Step{Resource: d.ResourceName, Instructions: ins}
	if len(st.Calls()) > 0 {
		st.Message = "Updating S3 bucket: " + name
	}
	return []Step{st}, nil
}

func allBlocked(c *s3types.PublicAccessBlockConfiguration) bool {
	return deref(c.BlockPublicAcls) && deref(c.BlockPublicPolicy) && deref(c.IgnorePublicAcls) && deref(c.RestrictPublicBuckets)
}

// ---- SQS queue ----

// SQS's defaults for the attributes a declaration may leave unset.
const (
	defaultVisibility = 30
	defaultRetention  = 345600
)

// queueAttributes are the attributes d's queue should have; the
// dead-letter queue's ARN is read from x (recorded, or known from its
// name).
func (x *executor) queueAttributes(d *appgraph.Declared, app *appgraph.Application) (map[string]string, error) {
	q := d.Spec.Queue
	if q == nil {
		q = &manifest.QueueSpec{}
	}
	attrs := map[string]string{"VisibilityTimeout": strconv.Itoa(cmpInt(q.VisibilityTimeout, defaultVisibility)),
		"MessageRetentionPeriod": strconv.Itoa(cmpInt(q.MessageRetention, defaultRetention))}
	if q.FIFO {
		attrs["FifoQueue"] = "true"
	}
	if q.DeadLetter != "" {
		dlq := app.DeclaredResource(q.DeadLetter)
		if dlq == nil {
			return nil, fmt.Errorf("queue %s: dead-letter queue %q is not declared", d.Spec.Name, q.DeadLetter)
		}
		policy, _ := json.Marshal(map[string]any{"deadLetterTargetArn": x.declaredRef(dlq, appgraph.AttrARN), "maxReceiveCount": q.MaxReceives})
		attrs["RedrivePolicy"] = string(policy)
	}
	return attrs, nil
}

func cmpInt(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func queueDetail(attrs map[string]string) string {
	var parts []string
	if attrs["FifoQueue"] == "true" {
		parts = append(parts, "FIFO")
	}
	parts = append(parts, "visibility "+attrs["VisibilityTimeout"]+"s", "retention "+attrs["MessageRetentionPeriod"]+"s")
	if rp := attrs["RedrivePolicy"]; rp != "" {
		var p struct {
			ARN string `json:"deadLetterTargetArn"`
			Max int    `json:"maxReceiveCount"`
		}
		_ = json.Unmarshal([]byte(rp), &p)
		parts = append(parts, fmt.Sprintf("dead letters to %s after %d receives", p.ARN, p.Max))
	}
	return strings.Join(parts, ", ")
}

func isNoQueue(err error) bool {
	var nq *sqstypes.QueueDoesNotExist
	return errors.As(err, &nq) || errorCode(err) == "AWS.SimpleQueueService.NonExistentQueue"
}

func (x *executor) queueValues(ctx context.Context, name, url string) (map[string]string, error) {
	out, err := x.c.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return nil, fmt.Errorf("sqs:GetQueueAttributes %s: %w", name, err)
	}
	return map[string]string{appgraph.AttrName: name, appgraph.AttrURL: url, appgraph.AttrARN: out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]}, nil
}

func (pl *planner) queue(ctx context.Context, d *appgraph.Declared, name, label string) ([]Step, error) {
	x := pl.x
	got, err := x.c.SQS.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	switch {
	case isNoQueue(err) && d.Adopted:
		return nil, pl.adoptedMissing(d, err)
	case isNoQueue(err):
		pl.creating[d.ResourceName] = true
		attrs, err := x.queueAttributes(d, pl.app)
		if err != nil {
			return nil, err
		}
		create := apiCall("sqs", "CreateQueue", name, func(ctx context.Context, x *executor) error {
			// The dead-letter queue, created by an earlier step, is
			// recorded by now.
			attrs, err := x.queueAttributes(d, pl.app)
			if err != nil {
				return err
			}
			out, err := x.c.SQS.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs, Tags: x.ownTags(d.ResourceName)})
			if err != nil {
				return err
			}
			values, err := x.queueValues(ctx, name, deref(out.QueueUrl))
			if err != nil {
				return err
			}
			return x.record(ctx, declaredRecord(d, values))
		}).detailed("%s", queueDetail(attrs))
		return []Step{{Resource: d.ResourceName, Message: "Creating SQS queue: " + name, Instructions: []Instruction{create}}}, nil
	case err != nil:
		return nil, fmt.Errorf("sqs:GetQueueUrl %s: %w", name, err)
	}
	url := deref(got.QueueUrl)
	cur, err := x.c.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil {
		return nil, fmt.Errorf("sqs:GetQueueAttributes %s: %w", name, err)
	}
	ins := []Instruction{pl.found(d, map[string]string{appgraph.AttrName: name, appgraph.AttrURL: url, appgraph.AttrARN: cur.Attributes["QueueArn"]})}
	if d.Adopted {
		return []Step{{Resource: d.ResourceName, Instructions: ins}}, nil
	}
	want, err := x.queueAttributes(d, pl.app)
	if err != nil {
		return nil, err
	}
	if was, now := cur.Attributes["FifoQueue"] == "true", want["FifoQueue"] == "true"; was != now {
		return nil, &ReplacementError{Stage: x.stage, Resource: d.ResourceName, Name: d.Spec.Name, Label: label, Setting: "FIFO-ness", Was: strconv.FormatBool(was), Now: strconv.FormatBool(now)}
	}
	set := map[string]string{}
	for _, k := range []string{"VisibilityTimeout", "MessageRetentionPeriod"} {
		if cur.Attributes[k] != want[k] {
			set[k] = want[k]
		}
	}
	if !sameRedrive(cur.Attributes["RedrivePolicy"], want["RedrivePolicy"]) {
		set["RedrivePolicy"] = want["RedrivePolicy"]
	}
	if len(set) == 0 {
		return []Step{{Resource: d.ResourceName, Instructions: ins}}, nil
	}
	keys := slices.Sorted(maps.Keys(set))
	ins = append(ins, apiCall("sqs", "SetQueueAttributes", name, func(ctx context.Context, x *executor) error {
		attrs, err := x.queueAttributes(d, pl.app)
		if err != nil {
			return err
		}
		in := map[string]string{}
		for _, k := range keys {
			in[k] = attrs[k]
		}
		_, err = x.c.SQS.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: in})
		return err
	}).detailed("%s", strings.Join(keys, ", ")))
	return []Step{{Resource: d.ResourceName, Message: "Updating SQS queue: " + name, Instructions: ins}}, nil
}

func sameRedrive(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	var pa, pb struct {
		ARN string `json:"deadLetterTargetArn"`
		Max any    `json:"maxReceiveCount"`
	}
	if json.Unmarshal([]byte(a), &pa) != nil || json.Unmarshal([]byte(b), &pb) != nil {
		return false
	}
	return pa.ARN == pb.ARN && fmt.Sprint(pa.Max) == fmt.Sprint(pb.Max)
}

// ---- SNS topic ----

func (pl *planner) topic(ctx context.Context, d *appgraph.Declared, name, label string) ([]Step, error) {
	x := pl.x
	fifo := d.Spec.Topic != nil && d.Spec.Topic.FIFO
	arn := x.declaredValue(d, appgraph.AttrARN)
	got, err := x.c.SNS.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	switch {
	case isNotFound(err) && d.Adopted:
		return nil, pl.adoptedMissing(d, err)
	case isNotFound(err):
		pl.creating[d.ResourceName] = true
		create := apiCall("sns", "CreateTopic", name, func(ctx context.Context, x *executor) error {
			attrs := map[string]string{}
			if fifo {
				attrs["FifoTopic"] = "true"
			}
			var tags []snstypes.Tag
			own := x.ownTags(d.ResourceName)
			for _, k := range slices.Sorted(maps.Keys(own)) {
				tags = append(tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(own[k])})
			}
			// CreateTopic answers the existing topic's ARN when there is one.
			out, err := x.c.SNS.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name), Attributes: attrs, Tags: tags})
			if err != nil {
				return err
			}
			return x.record(ctx, declaredRecord(d, map[string]string{appgraph.AttrName: name, appgraph.AttrARN: deref(out.TopicArn)}))
		})
		if fifo {
			create = create.detailed("FIFO")
		}
		return []Step{{Resource: d.ResourceName, Message: "Creating SNS topic: " + name, Instructions: []Instruction{create}}}, nil
	case err != nil:
		return nil, fmt.Errorf("sns:GetTopicAttributes %s: %w", arn, err)
	}
	if was := got.Attributes["FifoTopic"] == "true"; !d.Adopted && was != fifo {
		return nil, &ReplacementError{Stage: x.stage, Resource: d.ResourceName, Name: d.Spec.Name, Label: label, Setting: "FIFO-ness", Was: strconv.FormatBool(was), Now: strconv.FormatBool(fifo)}
	}
	return []Step{{Resource: d.ResourceName, Instructions: []Instruction{pl.found(d, map[string]string{appgraph.AttrName: name, appgraph.AttrARN: arn})}}}, nil
}

// ---- EventBridge bus ----

func (pl *planner) bus(ctx context.Context, d *appgraph.Declared, name string) ([]Step, error) {
	x := pl.x
	got, err := x.c.EventBridge.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(name)})
	switch {
	case isNotFound(err) && d.Adopted:
		return nil, pl.adoptedMissing(d, err)
	case isNotFound(err):
		pl.creating[d.ResourceName] = true
		create := apiCall("events", "CreateEventBus", name, func(ctx context.Context, x *executor) error {
			var tags []ebtypes.Tag
			own := x.ownTags(d.ResourceName)
			for _, k := range slices.Sorted(maps.Keys(own)) {
				tags = append(tags, ebtypes.Tag{Key: aws.String(k), Value: aws.String(own[k])})
			}
			out, err := x.c.EventBridge.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(name), Tags: tags})
			arn := ""
			switch {
			case errorCode(err) == "ResourceAlreadyExistsException":
				got, gerr := x.c.EventBridge.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(name)})
				if gerr != nil {
					return gerr
				}
				arn = deref(got.Arn)
			case err != nil:
				return err
			default:
				arn = deref(out.EventBusArn)
			}
			return x.record(ctx, declaredRecord(d, map[string]string{appgraph.AttrName: name, appgraph.AttrARN: arn}))
		})
		return []Step{{Resource: d.ResourceName, Message: "Creating EventBridge bus: " + name, Instructions: []Instruction{create}}}, nil
	case err != nil:
		return nil, fmt.Errorf("events:DescribeEventBus %s: %w", name, err)
	}
	return []Step{{Resource: d.ResourceName, Instructions: []Instruction{pl.found(d, map[string]string{appgraph.AttrName: name, appgraph.AttrARN: deref(got.Arn)})}}}, nil
}

// ---- deleting ----

// sweepDeclared deletes a declared resource's record: the resource is
// deleted, unless the stage adopted it (never gochalice's to delete) or it
// is retained and deleteRetained is false, in which case only the record
// is dropped and the run says so.
func sweepDeclared(rec state.Record, deleteRetained bool) (Step, error) {
	kind := rec.ResourceType
	fields := declaredFields[kind]
	name := rec.Get(fields[appgraph.AttrName])
	label := declaredLabels[kind] + " " + name
	keep := func(why string) Step {
		return Step{Resource: rec.Name, Instructions: []Instruction{act(func(ctx context.Context, x *executor) error {
			x.warn("kept %s (%s): %s", label, rec.Name, why)
			x.kept = append(x.kept, label)
			return x.forget(ctx, rec.Name)
		})}}
	}
	switch {
	case flag(rec, "adopted"):
		return keep("the stage adopted it by name; its record is dropped"), nil
	case flag(rec, "retain") && !deleteRetained:
		return keep("it is retained (tables and buckets are, unless resources.<name>.retain is false); its record is dropped, delete it by hand when it is no longer needed, or with `gochalice delete --delete-retained` while it is recorded"), nil
	}
	var call Instruction
	switch kind {
	case "dynamodb_table":
		call = apiCall("dynamodb", "DeleteTable", name, func(ctx context.Context, x *executor) error {
			if _, err := x.c.DynamoDB.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil && !isNotFound(err) {
				return err
			}
			return nil
		})
	case "s3_bucket":
		call = apiCall("s3", "DeleteBucket", name, func(ctx context.Context, x *executor) error {
			err := x.emptyBucket(ctx, name)
			if err == nil {
				_, err = x.c.S3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)})
			}
			if err != nil && errorCode(err) != "NoSuchBucket" && !isNotFound(err) {
				return err
			}
			return nil
		}).detailed("after deleting its objects and their versions")
	case "sqs_queue":
		url := rec.Get(fields[appgraph.AttrURL])
		call = apiCall("sqs", "DeleteQueue", name, func(ctx context.Context, x *executor) error {
			if _, err := x.c.SQS.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil && !isNoQueue(err) {
				return err
			}
			return nil
		})
	case "sns_topic":
		arn := rec.Get(fields[appgraph.AttrARN])
		call = apiCall("sns", "DeleteTopic", arn, func(ctx context.Context, x *executor) error {
			if _, err := x.c.SNS.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(arn)}); err != nil && !isNotFound(err) {
				return err
			}
			return nil
		})
	case "eventbridge_bus":
		call = apiCall("events", "DeleteEventBus", name, func(ctx context.Context, x *executor) error {
			if _, err := x.c.EventBridge.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String(name)}); err != nil && !isNotFound(err) {
				return err
			}
			return nil
		})
	default:
		return Step{}, fmt.Errorf("unknown declared resource type %s", kind)
	}
	return Step{Resource: rec.Name, Message: "Deleting " + label, Instructions: []Instruction{call, forgetIn(rec.Name)}}, nil
}

// emptyBucket deletes every object and object version of a bucket (a
// bucket must be empty to be deleted).
func (x *executor) emptyBucket(ctx context.Context, name string) error {
	p := s3.NewListObjectVersionsPaginator(x.c.S3, &s3.ListObjectVersionsInput{Bucket: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		var ids []s3types.ObjectIdentifier
		for _, v := range page.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if len(ids) == 0 {
			continue
		}
		if _, err := x.c.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(name), Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
			return err
		}
	}
	return nil
}

// flag reports whether a record's field is true.
func flag(rec state.Record, key string) bool {
	for _, f := range rec.Fields {
		if f.Key == key {
			b, _ := f.Value.(bool)
			return b
		}
	}
	return false
}
