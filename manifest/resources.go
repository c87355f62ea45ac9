package manifest

// Kinds of declared resources (Resource.Kind).
const (
	ResourceTable  = "table"
	ResourceBucket = "bucket"
	ResourceQueue  = "queue"
	ResourceTopic  = "topic"
	ResourceBus    = "bus"
)

// Access levels of a Grant.
const (
	AccessRead      = "read"
	AccessWrite     = "write"
	AccessReadWrite = "read-write"
)

// Resource is a store or channel the app declares in code (App.Table,
// App.Bucket, App.Queue, App.Topic, App.Bus): packaging and deploying
// create it, `gochalice local` brings it up on an emulator, and the
// functions find its deployed identifiers in their environment, in the
// variables EnvPrefix + "_NAME", "_ARN", "_URL" (queues) and
// "_STREAM_ARN" (tables with a stream).
type Resource struct {
	Kind string `json:"kind"`
	// Name is the declared name, unique in the app; the deployed name is
	// {app}-{stage}-{name} unless the stage's config names an existing
	// resource to adopt.
	Name      string `json:"name"`
	EnvPrefix string `json:"envPrefix"`

	Table  *TableSpec  `json:"table,omitempty"`
	Bucket *BucketSpec `json:"bucket,omitempty"`
	Queue  *QueueSpec  `json:"queue,omitempty"`
	Topic  *TopicSpec  `json:"topic,omitempty"`
}

// Attribute types of DynamoDB keys.
const (
	AttrString = "S"
	AttrNumber = "N"
	AttrBinary = "B"
)

// KeyAttribute is a DynamoDB key attribute.
type KeyAttribute struct {
	Name string `json:"name"`
	Type string `json:"type"` // S, N or B
}

// TableSpec is a DynamoDB table.
type TableSpec struct {
	PartitionKey KeyAttribute  `json:"partitionKey"`
	SortKey      *KeyAttribute `json:"sortKey,omitempty"`
	// BillingMode is PAY_PER_REQUEST (the default) or PROVISIONED, with
	// ReadCapacity and WriteCapacity.
	BillingMode   string        `json:"billingMode"`
	ReadCapacity  int           `json:"readCapacity,omitempty"`
	WriteCapacity int           `json:"writeCapacity,omitempty"`
	GlobalIndexes []GlobalIndex `json:"globalIndexes,omitempty"`
	// TTLAttribute is the attribute holding each item's expiry time.
	TTLAttribute string `json:"ttlAttribute,omitempty"`
	// StreamView is the table's stream (NEW_IMAGE, OLD_IMAGE,
	// NEW_AND_OLD_IMAGES or KEYS_ONLY); empty means no stream.
	StreamView string `json:"streamView,omitempty"`
}

// GlobalIndex is a DynamoDB global secondary index.
type GlobalIndex struct {
	Name         string        `json:"name"`
	PartitionKey KeyAttribute  `json:"partitionKey"`
	SortKey      *KeyAttribute `json:"sortKey,omitempty"`
	// Projection is ALL (the default), KEYS_ONLY or INCLUDE with
	// NonKeyAttributes.
	Projection       string   `json:"projection"`
	NonKeyAttributes []string `json:"nonKeyAttributes,omitempty"`
}

// BucketSpec is an S3 bucket.
type BucketSpec struct {
	Versioned bool `json:"versioned,omitempty"`
}

// QueueSpec is an SQS queue.
type QueueSpec struct {
	FIFO bool `json:"fifo,omitempty"`
	// VisibilityTimeout and MessageRetention are in seconds; 0 means
	// SQS's default (30 s and 4 days).
	VisibilityTimeout int `json:"visibilityTimeout,omitempty"`
	MessageRetention  int `json:"messageRetention,omitempty"`
	// DeadLetter is the declared queue that receives a message after
	// MaxReceives failed receives.
	DeadLetter  string `json:"deadLetter,omitempty"`
	MaxReceives int    `json:"maxReceives,omitempty"`
}

// TopicSpec is an SNS topic.
type TopicSpec struct {
	FIFO bool `json:"fifo,omitempty"`
}

// Grant gives a function access to a declared resource: exactly the
// actions of Access on that resource's ARNs.
type Grant struct {
	Function string `json:"function"`
	Resource string `json:"resource"` // the declared name
	Access   string `json:"access"`   // read, write or read-write
}
