package sam

import (
	"fmt"
	"strings"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// Declared resources: tables, buckets, queues, topics and buses the app
// declares in code. Each is a CloudFormation resource named after its
// record name ("users-table" -> UsersTable); a resource the stage adopts
// by name is not in the template, and references to it are its name and
// the ARN built from it.

// declaredTypes are the CloudFormation types of declared resources.
var declaredTypes = map[string]string{
	manifest.ResourceTable:  "AWS::DynamoDB::Table",
	manifest.ResourceBucket: "AWS::S3::Bucket",
	manifest.ResourceQueue:  "AWS::SQS::Queue",
	manifest.ResourceTopic:  "AWS::SNS::Topic",
	manifest.ResourceBus:    "AWS::Events::EventBus",
}

func (g *generator) declared(d *appgraph.Declared) error {
	id, err := g.register(d.ResourceName)
	if err != nil {
		return err
	}
	if d.Adopted {
		return nil
	}
	props := map[string]any{}
	switch s := d.Spec; s.Kind {
	case manifest.ResourceTable:
		t := s.Table
		if t == nil {
			return fmt.Errorf("sam: table %s has no table settings", s.Name)
		}
		props["TableName"] = d.PhysicalName
		props["BillingMode"] = t.BillingMode
		if t.BillingMode == "PROVISIONED" {
			props["ProvisionedThroughput"] = throughput(t.ReadCapacity, t.WriteCapacity)
		}
		key := func(k manifest.KeyAttribute, typ string) map[string]any {
			return map[string]any{"AttributeName": k.Name, "KeyType": typ}
		}
		schema := []any{key(t.PartitionKey, "HASH")}
		if t.SortKey != nil {
			schema = append(schema, key(*t.SortKey, "RANGE"))
		}
		props["KeySchema"] = schema
		var gsis []any
		for _, ix := range t.GlobalIndexes {
			ks := []any{key(ix.PartitionKey, "HASH")}
			if ix.SortKey != nil {
				ks = append(ks, key(*ix.SortKey, "RANGE"))
			}
			proj := map[string]any{"ProjectionType": ix.Projection}
			if len(ix.NonKeyAttributes) > 0 {
				proj["NonKeyAttributes"] = strs(ix.NonKeyAttributes)
			}
			gsi := map[string]any{"IndexName": ix.Name, "KeySchema": ks, "Projection": proj}
			if t.BillingMode == "PROVISIONED" {
				gsi["ProvisionedThroughput"] = throughput(t.ReadCapacity, t.WriteCapacity)
			}
			gsis = append(gsis, gsi)
		}
		if len(gsis) > 0 {
			props["GlobalSecondaryIndexes"] = gsis
		}
		var defs []any
		for _, k := range appgraph.KeyAttributes(t) {
			defs = append(defs, map[string]any{"AttributeName": k.Name, "AttributeType": k.Type})
		}
		props["AttributeDefinitions"] = defs
		if t.TTLAttribute != "" {
			props["TimeToLiveSpecification"] = map[string]any{"AttributeName": t.TTLAttribute, "Enabled": true}
		}
		if t.StreamView != "" {
			props["StreamSpecification"] = map[string]any{"StreamViewType": t.StreamView}
		}
	case manifest.ResourceBucket:
		name, err := bucketName(d)
		if err != nil {
			return err
		}
		props["BucketName"] = name
		if s.Bucket != nil && s.Bucket.Versioned {
			props["VersioningConfiguration"] = map[string]any{"Status": "Enabled"}
		}
		props["PublicAccessBlockConfiguration"] = map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true,
			"IgnorePublicAcls": true, "RestrictPublicBuckets": true}
	case manifest.ResourceQueue:
		q := s.Queue
		props["QueueName"] = d.PhysicalName
		if q != nil {
			if q.FIFO {
				props["FifoQueue"] = true
			}
			if q.VisibilityTimeout > 0 {
				props["VisibilityTimeout"] = q.VisibilityTimeout
			}
			if q.MessageRetention > 0 {
				props["MessageRetentionPeriod"] = q.MessageRetention
			}
			if q.DeadLetter != "" {
				dlq := g.app.DeclaredResource(q.DeadLetter)
				if dlq == nil {
					return fmt.Errorf("sam: queue %s: dead-letter queue %q is not declared", s.Name, q.DeadLetter)
				}
				arn, err := g.declaredRef(dlq, appgraph.AttrARN)
				if err != nil {
					return err
				}
				props["RedrivePolicy"] = map[string]any{"deadLetterTargetArn": arn, "maxReceiveCount": q.MaxReceives}
			}
		}
	case manifest.ResourceTopic:
		props["TopicName"] = d.PhysicalName
		if s.Topic != nil && s.Topic.FIFO {
			props["FifoTopic"] = true
		}
	case manifest.ResourceBus:
		props["Name"] = d.PhysicalName
	default:
		return fmt.Errorf("sam: declared resource %s has unknown kind %q", s.Name, s.Kind)
	}
	res := NewObject("Type", declaredTypes[d.Spec.Kind])
	if d.Retain {
		res.Set("DeletionPolicy", "Retain")
		res.Set("UpdateReplacePolicy", "Retain")
	}
	res.Set("Properties", props)
	g.add(id, res)
	return nil
}

func throughput(read, write int) map[string]any {
	return map[string]any{"ReadCapacityUnits": read, "WriteCapacityUnits": write}
}

// declaredRef is how the template refers to attribute attr of d: Ref and
// Fn::GetAtt for a resource of the template, its name and the ARN built
// from it for one the stage adopts.
func (g *generator) declaredRef(d *appgraph.Declared, attr string) (any, error) {
	id, err := LogicalID(d.ResourceName)
	if err != nil {
		return nil, err
	}
	if d.Adopted {
		return adoptedRef(d, attr)
	}
	if d.Spec.Kind == manifest.ResourceBucket {
		// By its name, never Ref/GetAtt: a function notified by the
		// bucket is a dependency of the bucket, so its environment and
		// role cannot depend on the bucket in turn.
		name, err := bucketName(d)
		if err != nil {
			return nil, err
		}
		switch attr {
		case appgraph.AttrName:
			return name, nil
		case appgraph.AttrARN:
			return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:s3:::" + name["Fn::Sub"].(string)}, nil
		}
	}
	getAtt := func(a string) any { return map[string]any{"Fn::GetAtt": []any{id, a}} }
	ref := map[string]any{"Ref": id}
	switch d.Spec.Kind {
	case manifest.ResourceTable:
		switch attr {
		case appgraph.AttrName:
			return ref, nil
		case appgraph.AttrARN:
			return getAtt("Arn"), nil
		case appgraph.AttrStreamARN:
			return getAtt("StreamArn"), nil
		}
	case manifest.ResourceBucket:
		switch attr {
		case appgraph.AttrName:
			return ref, nil
		case appgraph.AttrARN:
			return getAtt("Arn"), nil
		}
	case manifest.ResourceQueue:
		switch attr {
		case appgraph.AttrURL:
			return ref, nil
		case appgraph.AttrARN:
			return getAtt("Arn"), nil
		case appgraph.AttrName:
			return getAtt("QueueName"), nil
		}
	case manifest.ResourceTopic:
		switch attr {
		case appgraph.AttrARN:
			return ref, nil
		case appgraph.AttrName:
			return getAtt("TopicName"), nil
		}
	case manifest.ResourceBus:
		switch attr {
		case appgraph.AttrName:
			return ref, nil
		case appgraph.AttrARN:
			return getAtt("Arn"), nil
		}
	}
	return nil, fmt.Errorf("sam: %s %s has no attribute %s", d.Spec.Kind, d.Spec.Name, attr)
}

// adoptedRef is an attribute of a resource the stage adopts by name.
func adoptedRef(d *appgraph.Declared, attr string) (any, error) {
	name := d.PhysicalName
	sub := func(s string) any { return map[string]any{"Fn::Sub": s} }
	switch attr {
	case appgraph.AttrName:
		return name, nil
	case appgraph.AttrARN:
		switch d.Spec.Kind {
		case manifest.ResourceTable:
			return sub("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/" + name), nil
		case manifest.ResourceBucket:
			return sub("arn:${AWS::Partition}:s3:::" + name), nil
		case manifest.ResourceQueue:
			return sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:" + name), nil
		case manifest.ResourceTopic:
			return sub("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:" + name), nil
		case manifest.ResourceBus:
			return sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/" + name), nil
		}
	case appgraph.AttrURL:
		if d.Spec.Kind == manifest.ResourceQueue {
			return sub("https://sqs.${AWS::Region}.${AWS::URLSuffix}/${AWS::AccountId}/" + name), nil
		}
	case appgraph.AttrStreamARN:
		// A table's stream ARN holds the time the stream was made: it
		// cannot be built from the name.
		return nil, fmt.Errorf("sam: table %s is adopted as %q: its stream ARN cannot be known from its name; give the stream handler the ARN with OnDynamoDBRecord instead", d.Spec.Name, name)
	}
	return nil, fmt.Errorf("sam: %s %s has no attribute %s", d.Spec.Kind, d.Spec.Name, attr)
}

// useEnvironment adds to vars the variables naming what fn uses.
func (g *generator) useEnvironment(fn *appgraph.Function, vars map[string]any) error {
	for _, u := range fn.Uses {
		for _, attr := range u.Resource.Attributes() {
			if attr == appgraph.AttrStreamARN && u.Resource.Adopted {
				continue
			}
			ref, err := g.declaredRef(u.Resource, attr)
			if err != nil {
				return err
			}
			vars[u.Resource.EnvVar(attr)] = ref
		}
	}
	return nil
}

// usePolicy appends to policy (a policy document) the statements of the
// role's uses, each scoped to its resource's ARNs.
func (g *generator) usePolicy(r *appgraph.Role, policy map[string]any) error {
	stmts, _ := policy["Statement"].([]any)
	for _, u := range r.Uses {
		for i, p := range u.Permissions() {
			var resources []any
			for _, a := range p.Resources {
				ref, err := g.declaredRef(u.Resource, a.Attr)
				if err != nil {
					return err
				}
				if a.Suffix != "" {
					ref = map[string]any{"Fn::Join": []any{"", []any{ref, a.Suffix}}}
				}
				resources = append(resources, ref)
			}
			actions := make([]any, len(p.Actions))
			for i, a := range p.Actions {
				actions[i] = a
			}
			stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": actions, "Resource": resources,
				"Sid": statementID(u.Resource, p.Actions[0], i+1)})
		}
	}
	policy["Statement"] = stmts
	return nil
}

// statementID names the n-th statement of a resource after it and its
// service: "UsersTableDynamodb1", "JobsQueueSqs1".
func statementID(d *appgraph.Declared, action string, n int) string {
	id, _ := LogicalID(d.ResourceName)
	svc, _, _ := strings.Cut(action, ":")
	return fmt.Sprintf("%s%s%s%d", id, strings.ToUpper(svc[:1]), svc[1:], n)
}

// bucketName is a declared bucket's name in the template: its physical
// name, then the account and region, as bucket names are global.
func bucketName(d *appgraph.Declared) (map[string]any, error) {
	const longestRegion = len("ap-southeast-5")
	if n := len(d.PhysicalName) + 1 + 12 + 1 + longestRegion; n > 63 {
		return nil, fmt.Errorf("sam: bucket %s: its name %s-<account>-<region> can be %d characters, and S3 allows 63: "+
			"shorten the app, stage or bucket name, or name an existing bucket in the stage's resources.%s.name",
			d.Spec.Name, d.PhysicalName, n, d.Spec.Name)
	}
	return map[string]any{"Fn::Sub": d.PhysicalName + "-${AWS::AccountId}-${AWS::Region}"}, nil
}
