package appgraph

import (
	"fmt"
	"strings"

	"github.com/gochalice/chalice/manifest"
)

// Declared is a resource the app declares in code (App.Table, App.Bucket,
// App.Queue, App.Topic, App.Bus).
type Declared struct {
	// ResourceName is the record name: "<name>-<kind>" ("users-table"),
	// which cannot meet a function's or another resource's name.
	ResourceName string
	Spec         manifest.Resource
	// PhysicalName is the deployed name: {app}-{stage}-{name} (lower case
	// for buckets), or the name the stage's config gives to adopt an
	// existing resource.
	PhysicalName string
	// Adopted: the stage names an existing resource; it is used, never
	// created, changed or deleted.
	Adopted bool
	// Retain keeps the resource when it leaves the app or the app is
	// deleted, and when a change replaces it (stateful stores: tables and
	// buckets, unless the stage's config says otherwise).
	Retain bool
}

func (d *Declared) Name() string { return d.ResourceName }

// Kind is the record's resource_type.
func (d *Declared) Kind() string {
	switch d.Spec.Kind {
	case manifest.ResourceTable:
		return "dynamodb_table"
	case manifest.ResourceBucket:
		return "s3_bucket"
	case manifest.ResourceQueue:
		return "sqs_queue"
	case manifest.ResourceTopic:
		return "sns_topic"
	case manifest.ResourceBus:
		return "eventbridge_bus"
	}
	return d.Spec.Kind
}

// Attributes a function's environment and a policy refer to.
const (
	AttrName      = "NAME"
	AttrARN       = "ARN"
	AttrURL       = "URL"        // queues
	AttrStreamARN = "STREAM_ARN" // tables with a stream
)

// Attributes are the identifiers of d a function's environment carries,
// in order.
func (d *Declared) Attributes() []string {
	switch d.Spec.Kind {
	case manifest.ResourceQueue:
		return []string{AttrName, AttrARN, AttrURL}
	case manifest.ResourceTable:
		if d.Spec.Table != nil && d.Spec.Table.StreamView != "" {
			return []string{AttrName, AttrARN, AttrStreamARN}
		}
	}
	return []string{AttrName, AttrARN}
}

// EnvVar is the environment variable holding attribute attr of d.
func (d *Declared) EnvVar(attr string) string { return d.Spec.EnvPrefix + "_" + attr }

// Use is a function's access to a declared resource: a grant (Uses), or
// the source that invokes it.
type Use struct {
	Resource *Declared
	Access   string // manifest.AccessRead, AccessWrite, AccessReadWrite
	// Source: the resource is the function's event source (the queue it
	// consumes, the stream it reads, the bucket or topic that notifies
	// it, the bus its rule is on).
	Source bool
}

// Permission is one policy statement on a declared resource: the
// actions, on the ARNs Resources names (an attribute of the resource
// with a suffix: ARN, ARN + "/*", ARN + "/index/*", STREAM_ARN).
type Permission struct {
	Actions   []string
	Resources []ARNRef
}

// ARNRef is an ARN of a declared resource: its attribute Attr
// (AttrARN or AttrStreamARN) followed by Suffix.
type ARNRef struct {
	Attr   string
	Suffix string
}

// Permissions are the statements u needs: exactly the actions of its
// access, on its resource's ARNs.
func (u Use) Permissions() []Permission {
	read := u.Access == manifest.AccessRead || u.Access == manifest.AccessReadWrite
	write := u.Access == manifest.AccessWrite || u.Access == manifest.AccessReadWrite
	arn := []ARNRef{{Attr: AttrARN}}
	var out []Permission
	add := func(on bool, refs []ARNRef, actions ...string) {
		if on {
			out = append(out, Permission{Actions: actions, Resources: refs})
		}
	}
	switch u.Resource.Spec.Kind {
	case manifest.ResourceTable:
		withIndexes := []ARNRef{{Attr: AttrARN}, {Attr: AttrARN, Suffix: "/index/*"}}
		add(read, withIndexes, "dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
			"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan")
		add(write, arn, "dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable",
			"dynamodb:PutItem", "dynamodb:UpdateItem")
		add(u.Source, []ARNRef{{Attr: AttrStreamARN}}, "dynamodb:DescribeStream", "dynamodb:GetRecords",
			"dynamodb:GetShardIterator", "dynamodb:ListStreams")
	case manifest.ResourceBucket:
		objects := []ARNRef{{Attr: AttrARN, Suffix: "/*"}}
		add(read, arn, "s3:ListBucket")
		add(read || u.Source, objects, "s3:GetObject")
		add(write, objects, "s3:DeleteObject", "s3:PutObject")
	case manifest.ResourceQueue:
		add(read || u.Source, arn, "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
			"sqs:GetQueueUrl", "sqs:ReceiveMessage")
		add(write, arn, "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage")
	case manifest.ResourceTopic:
		add(read, arn, "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic")
		add(write, arn, "sns:Publish")
	case manifest.ResourceBus:
		add(read, arn, "events:DescribeEventBus")
		add(write, arn, "events:PutEvents")
	}
	return out
}

// declared builds the model of the manifest's resources; uses maps each
// function to what it uses of them.
func (b *builder) declared() error {
	m := b.in.Manifest
	byName := map[string]*Declared{}
	for _, r := range m.Resources {
		if r.Name == "" || r.EnvPrefix == "" {
			return fmt.Errorf("appgraph: manifest resource %+v has no name or envPrefix", r)
		}
		if _, dup := byName[r.Name]; dup {
			return fmt.Errorf("appgraph: manifest declares resource %q twice", r.Name)
		}
		d := &Declared{ResourceName: r.Name + "-" + r.Kind, Spec: r,
			PhysicalName: fmt.Sprintf("%s-%s-%s", b.app.AppName, b.in.Stage, r.Name)}
		switch r.Kind {
		case manifest.ResourceBucket:
			d.PhysicalName = strings.ToLower(d.PhysicalName)
			d.Retain = true
		case manifest.ResourceTable:
			d.Retain = true
		case manifest.ResourceQueue, manifest.ResourceTopic, manifest.ResourceBus:
		default:
			return fmt.Errorf("appgraph: manifest resource %q has unknown kind %q", r.Name, r.Kind)
		}
		rc := b.app.StageCfg.Resources[r.Name]
		if rc != nil {
			if rc.Name != "" {
				d.PhysicalName, d.Adopted = rc.Name, true
			}
			if rc.Retain != nil {
				d.Retain = *rc.Retain
			}
			if t := d.Spec.Table; t != nil && rc.BillingMode != "" {
				tc := *t
				tc.BillingMode = rc.BillingMode
				if rc.ReadCapacity > 0 || rc.WriteCapacity > 0 {
					tc.ReadCapacity, tc.WriteCapacity = rc.ReadCapacity, rc.WriteCapacity
				}
				if tc.BillingMode == "PAY_PER_REQUEST" {
					tc.ReadCapacity, tc.WriteCapacity = 0, 0
				}
				d.Spec.Table = &tc
			}
		}
		byName[r.Name] = d
		b.app.Declared = append(b.app.Declared, d)
		b.app.order = append(b.app.order, d)
	}
	for name := range b.app.StageCfg.Resources {
		if byName[name] == nil {
			return fmt.Errorf("%s: stage %q: resources.%s: the app declares no resource %q (declared: %s)",
				b.in.Config.Path, b.in.Stage, name, name, declaredNames(b.app.Declared))
		}
	}
	b.uses = map[string][]Use{}
	addUse := func(fn string, u Use) {
		for i, have := range b.uses[fn] {
			if have.Resource == u.Resource {
				b.uses[fn][i].Access = unionAccess(have.Access, u.Access)
				b.uses[fn][i].Source = have.Source || u.Source
				return
			}
		}
		b.uses[fn] = append(b.uses[fn], u)
	}
	for _, g := range m.Grants {
		d := byName[g.Resource]
		if d == nil {
			return fmt.Errorf("appgraph: function %s is granted %s access to undeclared resource %q", g.Function, g.Access, g.Resource)
		}
		addUse(g.Function, Use{Resource: d, Access: g.Access})
	}
	for _, src := range m.EventSources {
		if src.Resource == "" {
			continue
		}
		d := byName[src.Resource]
		if d == nil {
			return fmt.Errorf("appgraph: %s handler %s reads undeclared resource %q", src.Type, src.Function, src.Resource)
		}
		addUse(src.Function, Use{Resource: d, Source: true})
	}
	return nil
}

func unionAccess(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	}
	return manifest.AccessReadWrite
}

func declaredNames(ds []*Declared) string {
	if len(ds) == 0 {
		return "none"
	}
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = d.Spec.Name
	}
	return strings.Join(names, ", ")
}

// Declared returns the declared resource named name (the name in the
// code), or nil.
func (a *Application) DeclaredResource(name string) *Declared {
	for _, d := range a.Declared {
		if d.Spec.Name == name {
			return d
		}
	}
	return nil
}

// queueTimeouts gives each declared queue a function consumes a
// visibility timeout that outlasts the function: six times its timeout
// (AWS's advice, at most 12 h) when the app sets none, and an error when
// the app's is shorter than the function's timeout (a message would be
// received again while the first receive is still being worked on).
func (b *builder) queueTimeouts() error {
	for _, ev := range b.app.Events {
		if ev.Source.Type != manifest.SourceSQS || ev.Source.Resource == "" {
			continue
		}
		d := b.app.DeclaredResource(ev.Source.Resource)
		if d == nil || d.Spec.Queue == nil {
			continue
		}
		timeout := ev.Function.Config.Timeout
		q := *d.Spec.Queue
		switch {
		case q.VisibilityTimeout == 0:
			q.VisibilityTimeout = min(6*timeout, 43200)
		case q.VisibilityTimeout < timeout:
			return fmt.Errorf("queue %s: visibility timeout %ds is shorter than the timeout of its consumer %s (%ds): "+
				"a message would be delivered again while it is still being handled; set chalice.VisibilityTimeout to at least %ds (AWS advises %ds)",
				d.Spec.Name, q.VisibilityTimeout, ev.Function.ResourceName, timeout, timeout, min(6*timeout, 43200))
		}
		if d.Adopted {
			continue
		}
		d.Spec.Queue = &q
	}
	return nil
}

// needsPermissions reports whether any of uses needs a statement.
func needsPermissions(uses []Use) bool {
	for _, u := range uses {
		if len(u.Permissions()) > 0 {
			return true
		}
	}
	return false
}

// KeyAttributes are the attributes of a table's keys and its indexes'
// keys, each once, in the order they first appear: the table's
// attribute definitions.
func KeyAttributes(t *manifest.TableSpec) []manifest.KeyAttribute {
	var out []manifest.KeyAttribute
	seen := map[string]bool{}
	add := func(k *manifest.KeyAttribute) {
		if k != nil && !seen[k.Name] {
			seen[k.Name] = true
			out = append(out, *k)
		}
	}
	add(&t.PartitionKey)
	add(t.SortKey)
	for i := range t.GlobalIndexes {
		add(&t.GlobalIndexes[i].PartitionKey)
		add(t.GlobalIndexes[i].SortKey)
	}
	return out
}
