package chalice

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gochalice/chalice/manifest"
)

// Resources declared in code.
//
// An app declares the tables, buckets, queues, topics and buses its
// functions use next to the functions:
//
//	users := app.Table("users", chalice.StringKey("username"), chalice.Stream(chalice.NewAndOldImages))
//	jobs := app.Queue("jobs", chalice.VisibilityTimeout(2*time.Minute))
//
//	chalice.Post(app, "/users", createUser, chalice.Uses(users, chalice.ReadWrite), chalice.Uses(jobs, chalice.Write))
//	app.OnQueueMessage(jobs, work, chalice.BatchSize(10))
//	app.OnTableRecord(users, audit)
//
// Each function that uses a resource names it with Uses, and the
// manifest lists the declarations, the grants (exactly the actions each
// access needs, on that resource's ARNs) and the event sources on them.
// At run time a handle gives the deployed identifiers (users.Name(),
// jobs.URL()), read from the function's environment.
//
// This version of gochalice checks declarations and writes them into the
// manifest; `gochalice package` and `deploy` refuse an app that declares
// resources rather than build it without them.

// Resource is a declared resource: *Table, *Bucket, *Queue, *Topic or
// *Bus.
type Resource interface {
	// ResourceName is the declared name.
	ResourceName() string
	resource() *declared
}

// declared is what every resource handle holds.
type declared struct {
	kind, name string
	env        string // the environment variables' prefix
	spec       manifest.Resource
}

func (d *declared) ResourceName() string { return d.name }
func (d *declared) resource() *declared  { return d }
func (d *declared) lookup(suffix string) string {
	if d == nil {
		return ""
	}
	return os.Getenv(d.env + "_" + suffix)
}

// orName is the environment's value, or the declared name where the
// function runs without one (a test against an emulator holding the
// resource under its declared name).
func (d *declared) orName(suffix string) string {
	if v := d.lookup(suffix); v != "" {
		return v
	}
	if d == nil {
		return ""
	}
	return d.name
}

// Table is a declared DynamoDB table (App.Table).
type Table struct{ declared }

// Name is the deployed table name (GOCHALICE_TABLE_<NAME>_NAME; the
// declared name when the variable is unset).
func (t *Table) Name() string { return t.resourceOrNil().orName("NAME") }

// ARN is the table's ARN ("" when unknown).
func (t *Table) ARN() string { return t.resourceOrNil().lookup("ARN") }

// StreamARN is the ARN of the table's stream ("" when unknown).
func (t *Table) StreamARN() string { return t.resourceOrNil().lookup("STREAM_ARN") }

func (t *Table) resourceOrNil() *declared {
	if t == nil {
		return nil
	}
	return &t.declared
}

// Bucket is a declared S3 bucket (App.Bucket).
type Bucket struct{ declared }

// Name is the deployed bucket name.
func (b *Bucket) Name() string {
	if b == nil {
		return ""
	}
	return b.orName("NAME")
}

// ARN is the bucket's ARN ("" when unknown).
func (b *Bucket) ARN() string {
	if b == nil {
		return ""
	}
	return b.lookup("ARN")
}

// Queue is a declared SQS queue (App.Queue).
type Queue struct{ declared }

// Name is the deployed queue name.
func (q *Queue) Name() string {
	if q == nil {
		return ""
	}
	return q.orName("NAME")
}

// URL is the queue's URL, which SendMessage takes ("" when unknown).
func (q *Queue) URL() string {
	if q == nil {
		return ""
	}
	return q.lookup("URL")
}

// ARN is the queue's ARN ("" when unknown).
func (q *Queue) ARN() string {
	if q == nil {
		return ""
	}
	return q.lookup("ARN")
}

// Topic is a declared SNS topic (App.Topic).
type Topic struct{ declared }

// Name is the deployed topic name.
func (t *Topic) Name() string {
	if t == nil {
		return ""
	}
	return t.orName("NAME")
}

// ARN is the topic's ARN, which Publish takes ("" when unknown).
func (t *Topic) ARN() string {
	if t == nil {
		return ""
	}
	return t.lookup("ARN")
}

// Bus is a declared EventBridge event bus (App.Bus).
type Bus struct{ declared }

// Name is the deployed bus name, which PutEvents takes.
func (b *Bus) Name() string {
	if b == nil {
		return ""
	}
	return b.orName("NAME")
}

// ARN is the bus's ARN ("" when unknown).
func (b *Bus) ARN() string {
	if b == nil {
		return ""
	}
	return b.lookup("ARN")
}

// resourceOf is r as a Resource, or nil for a nil handle.
func resourceOf[R interface {
	*Table | *Bucket | *Queue | *Topic | *Bus
	Resource
}](r R) Resource {
	if r == nil {
		return nil
	}
	return r
}

// resourceNameRE is what a declared name may be: it becomes part of
// deployed names ({app}-{stage}-{name}), logical IDs and environment
// variable names.
var resourceNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,39}$`)

// envPrefix is the environment variables' prefix of a resource:
// GOCHALICE_QUEUE_ORDERS_FIFO for the queue "orders.fifo".
func envPrefix(kind, name string) string {
	up := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, name)
	return "GOCHALICE_" + strings.ToUpper(kind) + "_" + up
}

// declare records a resource; the checks that need every declaration
// (duplicates, dead-letter queues) run when the app is built.
func (a *App) declare(kind, name string, d *declared, spec manifest.Resource, problems []string) {
	d.kind, d.name, d.env = kind, name, envPrefix(kind, name)
	spec.Kind, spec.Name, spec.EnvPrefix = kind, name, d.env
	d.spec = spec
	if !a.begin(func() string { return kind + " " + name }) {
		return
	}
	defer a.mu.Unlock()
	check := name
	if kind == manifest.ResourceQueue || kind == manifest.ResourceTopic {
		check = strings.TrimSuffix(name, ".fifo")
	}
	if !resourceNameRE.MatchString(check) {
		a.problem("%s %q: a resource name is 1-40 letters, digits, '-' or '_', starting with a letter%s", kind, name,
			map[bool]string{true: " (and \".fifo\" for a FIFO queue or topic)", false: ""}[kind == manifest.ResourceQueue || kind == manifest.ResourceTopic])
	}
	for _, p := range problems {
		a.problem("%s %s: %s", kind, name, p)
	}
	a.declared = append(a.declared, d)
}

// TableOption configures App.Table.
type TableOption interface{ applyTable(*tableConfig) }

// KeyAttr is a DynamoDB key attribute: StringKey, NumberKey or
// BinaryKey.
type KeyAttr struct {
	name, typ string
}

// StringKey is a key attribute of type string (S).
func StringKey(name string) KeyAttr { return KeyAttr{name, manifest.AttrString} }

// NumberKey is a key attribute of type number (N).
func NumberKey(name string) KeyAttr { return KeyAttr{name, manifest.AttrNumber} }

// BinaryKey is a key attribute of type binary (B).
func BinaryKey(name string) KeyAttr { return KeyAttr{name, manifest.AttrBinary} }

func (k KeyAttr) manifest() manifest.KeyAttribute {
	return manifest.KeyAttribute{Name: k.name, Type: k.typ}
}

func (k KeyAttr) ptr() *manifest.KeyAttribute {
	if k.name == "" && k.typ == "" {
		return nil
	}
	m := k.manifest()
	return &m
}

type tableConfig struct {
	sort        KeyAttr
	billing     string
	read, write int
	indexes     []indexConfig
	ttl         string
	stream      string
}

type tableOption func(*tableConfig)

func (o tableOption) applyTable(c *tableConfig) { o(c) }

// SortKey gives the table a sort (range) key.
func SortKey(k KeyAttr) TableOption {
	return tableOption(func(c *tableConfig) { c.sort = k })
}

// Provisioned sets the PROVISIONED billing mode with read and write
// capacity units; tables are PAY_PER_REQUEST otherwise. A stage's config
// can override it.
func Provisioned(read, write int) TableOption {
	return tableOption(func(c *tableConfig) { c.billing, c.read, c.write = "PROVISIONED", read, write })
}

// TimeToLive names the number attribute holding each item's expiry time
// (seconds since the epoch).
func TimeToLive(attribute string) TableOption {
	return tableOption(func(c *tableConfig) { c.ttl = attribute })
}

// StreamView is what a table's stream records carry.
type StreamView string

// Stream views.
const (
	KeysOnly        StreamView = "KEYS_ONLY"
	NewImage        StreamView = "NEW_IMAGE"
	OldImage        StreamView = "OLD_IMAGE"
	NewAndOldImages StreamView = "NEW_AND_OLD_IMAGES"
)

// Stream turns the table's stream on; OnTableRecord reads it.
func Stream(view StreamView) TableOption {
	return tableOption(func(c *tableConfig) { c.stream = string(view) })
}

// IndexOption configures a GlobalIndex.
type IndexOption interface{ applyIndex(*indexConfig) }

type indexConfig struct {
	name       string
	pk, sk     KeyAttr
	projection string
	include    []string
}

type indexOption func(*indexConfig)

func (o indexOption) applyIndex(c *indexConfig) { o(c) }

// IndexSortKey gives a global index a sort key.
func IndexSortKey(k KeyAttr) IndexOption { return indexOption(func(c *indexConfig) { c.sk = k }) }

// KeysOnlyProjection projects only the keys into the index (the
// default projects every attribute).
func KeysOnlyProjection() IndexOption {
	return indexOption(func(c *indexConfig) { c.projection = "KEYS_ONLY" })
}

// IncludeProjection projects the keys and the named attributes.
func IncludeProjection(attributes ...string) IndexOption {
	return indexOption(func(c *indexConfig) { c.projection, c.include = "INCLUDE", attributes })
}

// GlobalIndex adds a global secondary index named name, keyed by pk.
func GlobalIndex(name string, pk KeyAttr, opts ...IndexOption) TableOption {
	return tableOption(func(c *tableConfig) {
		ic := indexConfig{name: name, pk: pk, projection: "ALL"}
		for _, o := range opts {
			if o != nil {
				o.applyIndex(&ic)
			}
		}
		c.indexes = append(c.indexes, ic)
	})
}

// Table declares a DynamoDB table keyed by pk. Options: SortKey,
// GlobalIndex, TimeToLive, Stream, Provisioned.
func (a *App) Table(name string, pk KeyAttr, opts ...TableOption) *Table {
	c := &tableConfig{billing: "PAY_PER_REQUEST"}
	for _, o := range opts {
		if o != nil {
			o.applyTable(c)
		}
	}
	spec := &manifest.TableSpec{PartitionKey: pk.manifest(), SortKey: c.sort.ptr(), BillingMode: c.billing,
		ReadCapacity: c.read, WriteCapacity: c.write, TTLAttribute: c.ttl, StreamView: c.stream}
	var problems []string
	types := map[string]string{}
	attr := func(where string, k KeyAttr) {
		if k.name == "" {
			problems = append(problems, where+" has no attribute name")
			return
		}
		if t, ok := types[k.name]; ok && t != k.typ {
			problems = append(problems, fmt.Sprintf("%s %q is of type %s, but the attribute is of type %s elsewhere in the table's keys", where, k.name, k.typ, t))
			return
		}
		types[k.name] = k.typ
	}
	attr("partition key", pk)
	if spec.SortKey != nil {
		if c.sort.name == pk.name {
			problems = append(problems, fmt.Sprintf("sort key %q is also the partition key", c.sort.name))
		}
		attr("sort key", c.sort)
	}
	if c.billing == "PROVISIONED" && (c.read < 1 || c.write < 1) {
		problems = append(problems, fmt.Sprintf("provisioned capacity must be at least 1 read and 1 write unit, got %d and %d", c.read, c.write))
	}
	seen := map[string]bool{}
	for _, ix := range c.indexes {
		where := fmt.Sprintf("global index %q", ix.name)
		if !regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`).MatchString(ix.name) {
			problems = append(problems, where+": an index name is 3-255 letters, digits, '_', '-' or '.'")
		}
		if seen[ix.name] {
			problems = append(problems, where+" is declared twice")
		}
		seen[ix.name] = true
		attr(where+" partition key", ix.pk)
		if ix.sk.name != "" {
			attr(where+" sort key", ix.sk)
		}
		if ix.projection == "INCLUDE" && len(ix.include) == 0 {
			problems = append(problems, where+": IncludeProjection names no attribute")
		}
		spec.GlobalIndexes = append(spec.GlobalIndexes, manifest.GlobalIndex{Name: ix.name, PartitionKey: ix.pk.manifest(),
			SortKey: ix.sk.ptr(), Projection: ix.projection, NonKeyAttributes: slices.Clone(ix.include)})
	}
	if c.ttl != "" {
		if t, ok := types[c.ttl]; ok && t != manifest.AttrNumber {
			problems = append(problems, fmt.Sprintf("time-to-live attribute %q is a key of type %s; it must hold a number", c.ttl, t))
		}
	}
	switch StreamView(c.stream) {
	case "", KeysOnly, NewImage, OldImage, NewAndOldImages:
	default:
		problems = append(problems, fmt.Sprintf("stream view %q is not one of KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES", c.stream))
	}
	t := &Table{}
	a.declare(manifest.ResourceTable, name, &t.declared, manifest.Resource{Table: spec}, problems)
	return t
}

// BucketOption configures App.Bucket.
type BucketOption interface{ applyBucket(*manifest.BucketSpec) }

type bucketOption func(*manifest.BucketSpec)

func (o bucketOption) applyBucket(s *manifest.BucketSpec) { o(s) }

// Versioned keeps every version of the bucket's objects.
func Versioned() BucketOption {
	return bucketOption(func(s *manifest.BucketSpec) { s.Versioned = true })
}

// Bucket declares an S3 bucket. Option: Versioned.
func (a *App) Bucket(name string, opts ...BucketOption) *Bucket {
	spec := &manifest.BucketSpec{}
	for _, o := range opts {
		if o != nil {
			o.applyBucket(spec)
		}
	}
	var problems []string
	if strings.ContainsAny(name, "_") || strings.ToLower(name) != name {
		problems = append(problems, "a bucket name is lower case letters, digits and '-' (S3 bucket naming)")
	}
	b := &Bucket{}
	a.declare(manifest.ResourceBucket, name, &b.declared, manifest.Resource{Bucket: spec}, problems)
	return b
}

// QueueOption configures App.Queue.
type QueueOption interface{ applyQueue(*queueConfig) }

type queueConfig struct {
	spec manifest.QueueSpec
	dlq  *Queue
	dlqN int
	bad  []string
}

type queueOption func(*queueConfig)

func (o queueOption) applyQueue(c *queueConfig) { o(c) }

// FIFO makes the queue (or topic) first-in-first-out; its name must end
// in ".fifo".
func FIFO() FIFOOption { return fifoOption{} }

// FIFOOption is an option of queues and topics.
type FIFOOption interface {
	QueueOption
	TopicOption
}

type fifoOption struct{}

func (fifoOption) applyQueue(c *queueConfig)        { c.spec.FIFO = true }
func (fifoOption) applyTopic(s *manifest.TopicSpec) { s.FIFO = true }

// VisibilityTimeout is how long a received message stays hidden from
// other consumers (0 s to 12 h; SQS's default is 30 s). Set it to at
// least the consuming function's timeout.
func VisibilityTimeout(d time.Duration) QueueOption {
	return queueOption(func(c *queueConfig) {
		s := int(d / time.Second)
		if d < 0 || d > 12*time.Hour || d%time.Second != 0 {
			c.bad = append(c.bad, fmt.Sprintf("visibility timeout %v must be whole seconds from 0s to 12h", d))
		}
		c.spec.VisibilityTimeout = s
	})
}

// MessageRetention is how long the queue keeps a message (60 s to 14
// days; SQS's default is 4 days).
func MessageRetention(d time.Duration) QueueOption {
	return queueOption(func(c *queueConfig) {
		if d < time.Minute || d > 14*24*time.Hour || d%time.Second != 0 {
			c.bad = append(c.bad, fmt.Sprintf("message retention %v must be whole seconds from 1m to 336h (14 days)", d))
		}
		c.spec.MessageRetention = int(d / time.Second)
	})
}

// DeadLetter sends a message to dlq, a queue declared by the same app,
// after maxReceives receives that did not delete it (1 to 1000).
func DeadLetter(dlq *Queue, maxReceives int) QueueOption {
	return queueOption(func(c *queueConfig) {
		c.dlq, c.dlqN = dlq, maxReceives
		if dlq == nil {
			c.bad = append(c.bad, "DeadLetter queue is nil; declare it with App.Queue first")
		}
		if maxReceives < 1 || maxReceives > 1000 {
			c.bad = append(c.bad, fmt.Sprintf("DeadLetter max receives %d is out of range 1..1000", maxReceives))
		}
	})
}

// Queue declares an SQS queue. Options: FIFO (the name then ends in
// ".fifo"), VisibilityTimeout, MessageRetention, DeadLetter.
func (a *App) Queue(name string, opts ...QueueOption) *Queue {
	c := &queueConfig{}
	for _, o := range opts {
		if o != nil {
			o.applyQueue(c)
		}
	}
	problems := c.bad
	problems = append(problems, fifoNameProblems("queue", name, c.spec.FIFO)...)
	q := &Queue{}
	if c.dlq != nil {
		c.spec.DeadLetter, c.spec.MaxReceives = c.dlq.name, c.dlqN
		switch {
		case c.dlq == q || c.dlq.name == name:
			problems = append(problems, "a queue cannot be its own dead-letter queue")
		case c.dlq.spec.Queue != nil && c.dlq.spec.Queue.FIFO != c.spec.FIFO:
			problems = append(problems, fmt.Sprintf("dead-letter queue %q must be FIFO exactly when this queue is", c.dlq.name))
		}
	}
	spec := c.spec
	a.declare(manifest.ResourceQueue, name, &q.declared, manifest.Resource{Queue: &spec}, problems)
	return q
}

func fifoNameProblems(kind, name string, fifo bool) []string {
	switch has := strings.HasSuffix(name, ".fifo"); {
	case fifo && !has:
		return []string{fmt.Sprintf("a FIFO %s's name must end in \".fifo\" (e.g. %q)", kind, name+".fifo")}
	case !fifo && has:
		return []string{fmt.Sprintf("a name ending in \".fifo\" is for a FIFO %s: add chalice.FIFO() or rename it", kind)}
	}
	return nil
}

// TopicOption configures App.Topic.
type TopicOption interface{ applyTopic(*manifest.TopicSpec) }

// Topic declares an SNS topic. Option: FIFO (the name then ends in
// ".fifo").
func (a *App) Topic(name string, opts ...TopicOption) *Topic {
	spec := &manifest.TopicSpec{}
	for _, o := range opts {
		if o != nil {
			o.applyTopic(spec)
		}
	}
	t := &Topic{}
	a.declare(manifest.ResourceTopic, name, &t.declared, manifest.Resource{Topic: spec}, fifoNameProblems("topic", name, spec.FIFO))
	return t
}

// Bus declares an EventBridge event bus. Schedules and event rules run
// on it with the OnBus option; functions put events on it with
// Uses(bus, Write).
func (a *App) Bus(name string) *Bus {
	b := &Bus{}
	a.declare(manifest.ResourceBus, name, &b.declared, manifest.Resource{}, nil)
	return b
}

// Access is what a function does with a resource it uses.
type Access string

// Access levels.
const (
	Read      Access = manifest.AccessRead
	Write     Access = manifest.AccessWrite
	ReadWrite Access = manifest.AccessReadWrite
)

// grant is one Uses option.
type grant struct {
	res    Resource
	access Access
}

// UsesOption is an option of every registration that runs a function:
// routes, authorizers, event handlers, pure Lambdas and websocket
// handlers.
type UsesOption interface {
	RouteOption
	AuthorizerOption
	ScheduleOption
	CWEventOption
	S3Option
	SNSOption
	SQSOption
	KinesisOption
	DynamoDBOption
	LambdaOption
	WebsocketOption
}

// Uses says the function uses res with access: its role gets exactly the
// actions access needs on res's ARNs, and its environment names res. All
// routes share one function (api_handler), which gets the union of the
// routes' grants. A function needs no grant for the source that invokes
// it (the queue of OnQueueMessage, ...): that access comes with the
// event source.
func Uses(res Resource, access Access) UsesOption { return usesOption{grant{res, access}} }

type usesOption struct{ g grant }

func (o usesOption) applyRoute(c *routeConfig)     { c.grants = append(c.grants, o.g) }
func (o usesOption) applyAuthorizer(c *authConfig) { c.grants = append(c.grants, o.g) }
func (o usesOption) applySchedule(c *eventConfig)  { c.grants = append(c.grants, o.g) }
func (o usesOption) applyCWEvent(c *eventConfig)   { c.grants = append(c.grants, o.g) }
func (o usesOption) applyS3(c *eventConfig)        { c.grants = append(c.grants, o.g) }
func (o usesOption) applySNS(c *eventConfig)       { c.grants = append(c.grants, o.g) }
func (o usesOption) applySQS(c *eventConfig)       { c.grants = append(c.grants, o.g) }
func (o usesOption) applyKinesis(c *eventConfig)   { c.grants = append(c.grants, o.g) }
func (o usesOption) applyDynamoDB(c *eventConfig)  { c.grants = append(c.grants, o.g) }
func (o usesOption) applyLambda(c *eventConfig)    { c.grants = append(c.grants, o.g) }
func (o usesOption) applyWebsocket(c *eventConfig) { c.grants = append(c.grants, o.g) }

// OnBus runs the event rule (OnCWEvent) on a declared bus instead of the
// account's default bus. Schedules always run on the default bus:
// EventBridge takes schedule expressions there only.
func OnBus(b *Bus) CWEventOption { return busOption{b} }

type busOption struct{ b *Bus }

func (o busOption) applyCWEvent(c *eventConfig) { c.bus, c.busSet = o.b, true }

// EventBus runs the event rule (OnCWEvent) on an event bus the app does
// not declare, by name ("orders") or ARN
// ("arn:aws:events:us-east-1:123456789012:event-bus/orders"), instead of
// the account's default bus. A bus ARN must be in the region the app is
// deployed to (EventBridge rules cannot match another region's bus).
// Schedules have no bus option: EventBridge takes schedule expressions on
// the default bus only.
func EventBus(nameOrARN string) CWEventOption { return busNameOption(nameOrARN) }

type busNameOption string

func (o busNameOption) applyCWEvent(c *eventConfig) { c.busName, c.busNameSet = string(o), true }

// checkBusName returns what is wrong with an EventBus argument.
func checkBusName(s string) string {
	if rest, ok := strings.CutPrefix(s, "arn:"); ok {
		parts := strings.SplitN(rest, ":", 5)
		if len(parts) != 5 || parts[1] != "events" || parts[2] == "" || parts[3] == "" || !strings.HasPrefix(parts[4], "event-bus/") || !busNameChars.MatchString(strings.TrimPrefix(parts[4], "event-bus/")) {
			return fmt.Sprintf("%q is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)", s)
		}
		return ""
	}
	switch {
	case s == "":
		return "the bus name is empty (name the bus, or leave the option out for the default bus)"
	case s == "default":
		return "\"default\" is the default bus: leave the option out"
	case len(s) > 256 || !busNameChars.MatchString(s):
		return fmt.Sprintf("%q is not an event bus name (1-256 letters, digits and . - _ /)", s)
	}
	return ""
}

var busNameChars = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,256}$`)

// resourcesInto checks the declarations against each other and the
// grants and event sources against the declarations, and writes them
// into m.
func (a *App) resourcesInto(m *manifest.Manifest, grants map[string][]grant, sources []Resource, add func(string, ...any)) {
	byName := map[string]*declared{}
	envs := map[string]string{}
	for _, d := range a.declared {
		if prev, dup := byName[d.name]; dup {
			add("%s %q and %s %q: two resources with one name; every table, bucket, queue, topic and bus needs its own", prev.kind, prev.name, d.kind, d.name)
			continue
		}
		if other, clash := envs[d.env]; clash {
			add("%s %q and %q: both would be named by the environment variables %s_*; rename one", d.kind, other, d.name, d.env)
			continue
		}
		byName[d.name], envs[d.env] = d, d.name
		m.Resources = append(m.Resources, d.spec)
	}
	for _, d := range a.declared {
		if q := d.spec.Queue; q != nil && q.DeadLetter != "" {
			if dl := byName[q.DeadLetter]; dl == nil || dl.kind != manifest.ResourceQueue || !slices.Contains(a.declared, dl) {
				add("queue %q: dead-letter queue %q is not declared by this app", d.name, q.DeadLetter)
			}
		}
	}
	known := func(where string, r Resource) (*declared, bool) {
		d := r.resource()
		if !slices.Contains(a.declared, d) {
			add("%s: %s %q was declared by another app", where, d.kind, d.name)
			return nil, false
		}
		return d, true
	}
	for _, fn := range slices.Sorted(mapKeys(grants)) {
		access := map[string]Access{}
		var order []string
		for _, g := range grants[fn] {
			where := "function " + fn
			if g.res == nil || g.res.resource() == nil {
				add("%s: chalice.Uses with a nil resource", where)
				continue
			}
			d, ok := known(where, g.res)
			if !ok {
				continue
			}
			switch g.access {
			case Read, Write, ReadWrite:
			default:
				add("%s: access %q to %s %q must be chalice.Read, chalice.Write or chalice.ReadWrite", where, g.access, d.kind, d.name)
				continue
			}
			prev, seen := access[d.name]
			if !seen {
				order = append(order, d.name)
			}
			access[d.name] = unionAccess(prev, g.access)
		}
		for _, name := range order {
			m.Grants = append(m.Grants, manifest.Grant{Function: fn, Resource: name, Access: string(access[name])})
		}
	}
	for i := range m.EventSources {
		src := &m.EventSources[i]
		r := sources[i]
		if r == nil {
			continue
		}
		where := src.Type + " handler " + src.Function
		d, ok := known(where, r)
		if !ok {
			continue
		}
		src.Resource = d.name
		if d.kind == manifest.ResourceTable && d.spec.Table.StreamView == "" {
			add("%s: table %q has no stream; declare it with chalice.Stream(...)", where, d.name)
		}
	}
}

// unionAccess is the access covering a and b.
func unionAccess(a, b Access) Access {
	if a == "" || a == b {
		return b
	}
	return ReadWrite
}
