// Package provision brings the resources an app declares (tables,
// buckets, queues, topics, buses) into an AWS endpoint — in practice an
// emulator such as moto for `gochalice local` and chalicetest — creating
// what is missing and reading the identifiers of what exists, and
// returns the environment variables that name them to the functions.
//
// It creates, it never changes or deletes: settings of a resource that
// already exists are left as they are. `gochalice deploy` has its own
// planned, recorded path.
package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// Resource is one declared resource as it exists.
type Resource struct {
	Declared *appgraph.Declared
	// Values are its identifiers by attribute (appgraph.AttrName,
	// AttrARN, AttrURL, AttrStreamARN).
	Values map[string]string
	// Created: Ensure created it (it did not exist).
	Created bool
}

// Env is the environment variables naming r.
func (r *Resource) Env() map[string]string {
	out := map[string]string{}
	for _, attr := range r.Declared.Attributes() {
		if v := r.Values[attr]; v != "" {
			out[r.Declared.EnvVar(attr)] = v
		}
	}
	return out
}

// Result is every declared resource of an app, in declaration order.
type Result struct {
	Resources []*Resource
}

// Env is the environment variables naming every resource (each function
// may be given all of them: the names say nothing secret).
func (r *Result) Env() map[string]string {
	out := map[string]string{}
	for _, res := range r.Resources {
		for k, v := range res.Env() {
			out[k] = v
		}
	}
	return out
}

// Resource returns the resource declared as name, or nil.
func (r *Result) Resource(name string) *Resource {
	for _, res := range r.Resources {
		if res.Declared.Spec.Name == name {
			return res
		}
	}
	return nil
}

// Ensure creates each declared resource that does not exist and reads
// the identifiers of all of them. Resources a stage adopts by name must
// exist. Buckets are named {app}-{stage}-{name}-{account}-{region}, as
// in the SAM template.
func Ensure(ctx context.Context, cfg aws.Config, declared []*appgraph.Declared) (*Result, error) {
	p := &provisioner{cfg: cfg, ddb: dynamodb.NewFromConfig(cfg), s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		sqs: sqs.NewFromConfig(cfg), sns: sns.NewFromConfig(cfg), eb: eventbridge.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg)}
	out := &Result{}
	byName := map[string]*Resource{}
	for _, d := range declared {
		var (
			r   *Resource
			err error
		)
		switch d.Spec.Kind {
		case manifest.ResourceTable:
			r, err = p.table(ctx, d)
		case manifest.ResourceBucket:
			r, err = p.bucket(ctx, d)
		case manifest.ResourceQueue:
			r, err = p.queue(ctx, d, byName)
		case manifest.ResourceTopic:
			r, err = p.topic(ctx, d)
		case manifest.ResourceBus:
			r, err = p.bus(ctx, d)
		default:
			err = fmt.Errorf("unknown kind %q", d.Spec.Kind)
		}
		if err != nil {
			return out, fmt.Errorf("%s %s (%s): %w", d.Spec.Kind, d.Spec.Name, d.PhysicalName, err)
		}
		byName[d.Spec.Name] = r
		out.Resources = append(out.Resources, r)
	}
	return out, nil
}

type provisioner struct {
	cfg     aws.Config
	ddb     *dynamodb.Client
	s3      *s3.Client
	sqs     *sqs.Client
	sns     *sns.Client
	eb      *eventbridge.Client
	sts     *sts.Client
	account string
}

func (p *provisioner) accountID(ctx context.Context) (string, error) {
	if p.account == "" {
		out, err := p.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", fmt.Errorf("finding the account: %w", err)
		}
		p.account = aws.ToString(out.Account)
	}
	return p.account, nil
}

func adoptedMissing(d *appgraph.Declared) error {
	return fmt.Errorf("the stage adopts it by name, and it does not exist; create it, or remove resources.%s.name from the stage's config", d.Spec.Name)
}

func (p *provisioner) table(ctx context.Context, d *appgraph.Declared) (*Resource, error) {
	r := &Resource{Declared: d}
	desc, err := p.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(d.PhysicalName)})
	var nf *ddbtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf) && d.Adopted:
		return nil, adoptedMissing(d)
	case errors.As(err, &nf):
		t := d.Spec.Table
		in := CreateTableInput(t, d.PhysicalName, nil)
		if _, err := p.ddb.CreateTable(ctx, in); err != nil {
			return nil, fmt.Errorf("creating the table: %w", err)
		}
		waiter := dynamodb.NewTableExistsWaiter(p.ddb)
		desc, err = waiter.WaitForOutput(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(d.PhysicalName)}, timeout)
		if err != nil {
			return nil, fmt.Errorf("waiting for the table: %w", err)
		}
		if t.TTLAttribute != "" {
			if _, err := p.ddb.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(d.PhysicalName),
				TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String(t.TTLAttribute), Enabled: aws.Bool(true)}}); err != nil {
				return nil, fmt.Errorf("turning on time to live: %w", err)
			}
		}
		r.Created = true
	case err != nil:
		return nil, fmt.Errorf("describing the table: %w", err)
	}
	r.Values = map[string]string{appgraph.AttrName: d.PhysicalName, appgraph.AttrARN: aws.ToString(desc.Table.TableArn),
		appgraph.AttrStreamARN: aws.ToString(desc.Table.LatestStreamArn)}
	return r, nil
}

func (p *provisioner) bucket(ctx context.Context, d *appgraph.Declared) (*Resource, error) {
	name := d.PhysicalName
	if !d.Adopted {
		account, err := p.accountID(ctx)
		if err != nil {
			return nil, err
		}
		name += "-" + account + "-" + p.cfg.Region
	}
	r := &Resource{Declared: d, Values: map[string]string{appgraph.AttrName: name, appgraph.AttrARN: "arn:aws:s3:::" + name}}
	_, err := p.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	var nf *s3types.NotFound
	switch {
	case err == nil:
		return r, nil
	case !errors.As(err, &nf):
		return nil, fmt.Errorf("looking the bucket up: %w", err)
	case d.Adopted:
		return nil, adoptedMissing(d)
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if p.cfg.Region != "" && p.cfg.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(p.cfg.Region)}
	}
	if _, err := p.s3.CreateBucket(ctx, in); err != nil {
		return nil, fmt.Errorf("creating the bucket: %w", err)
	}
	if d.Spec.Bucket != nil && d.Spec.Bucket.Versioned {
		if _, err := p.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
			return nil, fmt.Errorf("turning on versioning: %w", err)
		}
	}
	r.Created = true
	return r, nil
}

func (p *provisioner) queue(ctx context.Context, d *appgraph.Declared, byName map[string]*Resource) (*Resource, error) {
	r := &Resource{Declared: d}
	var url string
	got, err := p.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(d.PhysicalName)})
	var nf *sqstypes.QueueDoesNotExist
	switch {
	case err == nil:
		url = aws.ToString(got.QueueUrl)
	case !errors.As(err, &nf):
		return nil, fmt.Errorf("looking the queue up: %w", err)
	case d.Adopted:
		return nil, adoptedMissing(d)
	default:
		attrs := map[string]string{}
		if q := d.Spec.Queue; q != nil {
			if q.FIFO {
				attrs["FifoQueue"] = "true"
			}
			if q.VisibilityTimeout > 0 {
				attrs["VisibilityTimeout"] = strconv.Itoa(q.VisibilityTimeout)
			}
			if q.MessageRetention > 0 {
				attrs["MessageRetentionPeriod"] = strconv.Itoa(q.MessageRetention)
			}
			if q.DeadLetter != "" {
				dlq := byName[q.DeadLetter]
				if dlq == nil {
					return nil, fmt.Errorf("dead-letter queue %q is not provisioned before it (declare it first)", q.DeadLetter)
				}
				policy, _ := json.Marshal(map[string]any{"deadLetterTargetArn": dlq.Values[appgraph.AttrARN], "maxReceiveCount": q.MaxReceives})
				attrs["RedrivePolicy"] = string(policy)
			}
		}
		out, err := p.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(d.PhysicalName), Attributes: attrs})
		if err != nil {
			return nil, fmt.Errorf("creating the queue: %w", err)
		}
		url, r.Created = aws.ToString(out.QueueUrl), true
	}
	attrs, err := p.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return nil, fmt.Errorf("reading the queue's ARN: %w", err)
	}
	r.Values = map[string]string{appgraph.AttrName: d.PhysicalName, appgraph.AttrURL: url,
		appgraph.AttrARN: attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]}
	return r, nil
}

func (p *provisioner) topic(ctx context.Context, d *appgraph.Declared) (*Resource, error) {
	r := &Resource{Declared: d}
	if d.Adopted {
		account, err := p.accountID(ctx)
		if err != nil {
			return nil, err
		}
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", p.cfg.Region, account, d.PhysicalName)
		if _, err := p.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)}); err != nil {
			return nil, fmt.Errorf("%w (%v)", adoptedMissing(d), err)
		}
		r.Values = map[string]string{appgraph.AttrName: d.PhysicalName, appgraph.AttrARN: arn}
		return r, nil
	}
	attrs := map[string]string{}
	if d.Spec.Topic != nil && d.Spec.Topic.FIFO {
		attrs["FifoTopic"] = "true"
	}
	// CreateTopic answers the existing topic's ARN when there is one.
	out, err := p.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(d.PhysicalName), Attributes: attrs})
	if err != nil {
		return nil, fmt.Errorf("creating the topic: %w", err)
	}
	r.Values = map[string]string{appgraph.AttrName: d.PhysicalName, appgraph.AttrARN: aws.ToString(out.TopicArn)}
	return r, nil
}

func (p *provisioner) bus(ctx context.Context, d *appgraph.Declared) (*Resource, error) {
	r := &Resource{Declared: d}
	got, err := p.eb.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(d.PhysicalName)})
	var nf *ebtypes.ResourceNotFoundException
	switch {
	case err == nil:
		r.Values = map[string]string{appgraph.AttrName: d.PhysicalName, appgraph.AttrARN: aws.ToString(got.Arn)}
		return r, nil
	case !errors.As(err, &nf):
		return nil, fmt.Errorf("looking the bus up: %w", err)
	case d.Adopted:
		return nil, adoptedMissing(d)
	}
	out, err := p.eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(d.PhysicalName)})
	if err != nil {
		return nil, fmt.Errorf("creating the bus: %w", err)
	}
	r.Values = map[string]string{appgraph.AttrName: d.PhysicalName, appgraph.AttrARN: aws.ToString(out.EventBusArn)}
	r.Created = true
	return r, nil
}

// timeout bounds the wait for a new table to become active.
const timeout = 2 * time.Minute

func tableKey(k manifest.KeyAttribute, typ ddbtypes.KeyType) ddbtypes.KeySchemaElement {
	return ddbtypes.KeySchemaElement{AttributeName: aws.String(k.Name), KeyType: typ}
}

// CreateTableInput is the CreateTable call of a declared table named
// name: keys, indexes, billing and stream as declared, and tags.
func CreateTableInput(t *manifest.TableSpec, name string, tags map[string]string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{TableName: aws.String(name), BillingMode: ddbtypes.BillingMode(t.BillingMode)}
	in.KeySchema = []ddbtypes.KeySchemaElement{tableKey(t.PartitionKey, ddbtypes.KeyTypeHash)}
	if t.SortKey != nil {
		in.KeySchema = append(in.KeySchema, tableKey(*t.SortKey, ddbtypes.KeyTypeRange))
	}
	var capacity *ddbtypes.ProvisionedThroughput
	if t.BillingMode == "PROVISIONED" {
		capacity = &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(int64(t.ReadCapacity)), WriteCapacityUnits: aws.Int64(int64(t.WriteCapacity))}
		in.ProvisionedThroughput = capacity
	}
	for _, ix := range t.GlobalIndexes {
		ks := []ddbtypes.KeySchemaElement{tableKey(ix.PartitionKey, ddbtypes.KeyTypeHash)}
		if ix.SortKey != nil {
			ks = append(ks, tableKey(*ix.SortKey, ddbtypes.KeyTypeRange))
		}
		proj := &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionType(ix.Projection)}
		if len(ix.NonKeyAttributes) > 0 {
			proj.NonKeyAttributes = ix.NonKeyAttributes
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, ddbtypes.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name), KeySchema: ks, Projection: proj, ProvisionedThroughput: capacity})
	}
	for _, k := range appgraph.KeyAttributes(t) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, ddbtypes.AttributeDefinition{
			AttributeName: aws.String(k.Name), AttributeType: ddbtypes.ScalarAttributeType(k.Type)})
	}
	if t.StreamView != "" {
		in.StreamSpecification = &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewType(t.StreamView)}
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		in.Tags = append(in.Tags, ddbtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return in
}
