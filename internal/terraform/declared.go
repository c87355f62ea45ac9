package terraform

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/manifest"
)

// Declared resources: each is a Terraform resource named after its record
// name ("users-table"; "orders.fifo-queue" becomes "orders_fifo-queue"),
// with lifecycle.prevent_destroy when it is retained. A resource the stage
// adopts by name is not declared; references to it are its name and the
// ARN built from it.

// declaredTypes are the Terraform types of declared resources.
var declaredTypes = map[string]string{
	manifest.ResourceTable:  "aws_dynamodb_table",
	manifest.ResourceBucket: "aws_s3_bucket",
	manifest.ResourceQueue:  "aws_sqs_queue",
	manifest.ResourceTopic:  "aws_sns_topic",
	manifest.ResourceBus:    "aws_cloudwatch_event_bus",
}

// declaredName is d's Terraform resource name.
func declaredName(d *appgraph.Declared) string { return strings.ReplaceAll(d.ResourceName, ".", "_") }

func (g *generator) declared(d *appgraph.Declared) error {
	if d.Adopted {
		return nil
	}
	name := declaredName(d)
	body := map[string]any{}
	s := d.Spec
	switch s.Kind {
	case manifest.ResourceTable:
		t := s.Table
		if t == nil {
			return fmt.Errorf("terraform: table %s has no table settings", s.Name)
		}
		body["name"] = d.PhysicalName
		body["billing_mode"] = t.BillingMode
		if t.BillingMode == "PROVISIONED" {
			body["read_capacity"], body["write_capacity"] = t.ReadCapacity, t.WriteCapacity
		}
		body["hash_key"] = t.PartitionKey.Name
		if t.SortKey != nil {
			body["range_key"] = t.SortKey.Name
		}
		var gsis []any
		for _, ix := range t.GlobalIndexes {
			gsi := map[string]any{"name": ix.Name, "hash_key": ix.PartitionKey.Name, "projection_type": ix.Projection}
			if ix.SortKey != nil {
				gsi["range_key"] = ix.SortKey.Name
			}
			if len(ix.NonKeyAttributes) > 0 {
				gsi["non_key_attributes"] = ix.NonKeyAttributes
			}
			if t.BillingMode == "PROVISIONED" {
				gsi["read_capacity"], gsi["write_capacity"] = t.ReadCapacity, t.WriteCapacity
			}
			gsis = append(gsis, gsi)
		}
		if len(gsis) > 0 {
			body["global_secondary_index"] = gsis
		}
		var attrs []any
		for _, k := range appgraph.KeyAttributes(t) {
			attrs = append(attrs, map[string]any{"name": k.Name, "type": k.Type})
		}
		body["attribute"] = attrs
		if t.TTLAttribute != "" {
			body["ttl"] = map[string]any{"attribute_name": t.TTLAttribute, "enabled": true}
		}
		if t.StreamView != "" {
			body["stream_enabled"] = true
			body["stream_view_type"] = t.StreamView
		}
	case manifest.ResourceBucket:
		body["bucket"] = bucketName(d)
		if err := g.add("aws_s3_bucket_public_access_block", name, map[string]any{
			"bucket": refAttr("aws_s3_bucket."+name, "id"), "block_public_acls": true, "block_public_policy": true,
			"ignore_public_acls": true, "restrict_public_buckets": true,
		}); err != nil {
			return err
		}
		if s.Bucket != nil && s.Bucket.Versioned {
			if err := g.add("aws_s3_bucket_versioning", name, map[string]any{
				"bucket":                   refAttr("aws_s3_bucket."+name, "id"),
				"versioning_configuration": map[string]any{"status": "Enabled"},
			}); err != nil {
				return err
			}
		}
	case manifest.ResourceQueue:
		body["name"] = d.PhysicalName
		if q := s.Queue; q != nil {
			if q.FIFO {
				body["fifo_queue"] = true
			}
			if q.VisibilityTimeout > 0 {
				body["visibility_timeout_seconds"] = q.VisibilityTimeout
			}
			if q.MessageRetention > 0 {
				body["message_retention_seconds"] = q.MessageRetention
			}
			if q.DeadLetter != "" {
				dlq := g.app.DeclaredResource(q.DeadLetter)
				if dlq == nil {
					return fmt.Errorf("terraform: queue %s: dead-letter queue %q is not declared", s.Name, q.DeadLetter)
				}
				arn, err := declaredRef(dlq, appgraph.AttrARN)
				if err != nil {
					return err
				}
				policy, err := jsonString(map[string]any{"deadLetterTargetArn": arn, "maxReceiveCount": q.MaxReceives})
				if err != nil {
					return err
				}
				body["redrive_policy"] = policy
			}
		}
	case manifest.ResourceTopic:
		body["name"] = d.PhysicalName
		if s.Topic != nil && s.Topic.FIFO {
			body["fifo_topic"] = true
		}
	case manifest.ResourceBus:
		body["name"] = d.PhysicalName
	default:
		return fmt.Errorf("terraform: declared resource %s has unknown kind %q", s.Name, s.Kind)
	}
	if d.Retain {
		body["lifecycle"] = map[string]any{"prevent_destroy": true}
	}
	return g.add(declaredTypes[s.Kind], name, body)
}

// bucketName is a declared bucket's name: its physical name, then the
// account and region, as bucket names are global.
func bucketName(d *appgraph.Declared) expr {
	return expr(literal(d.PhysicalName) + "-" + account + "-" + region)
}

// declaredRef is attribute attr of d as a Terraform reference, or, for a
// resource the stage adopts, its name and the ARN built from it.
func declaredRef(d *appgraph.Declared, attr string) (any, error) {
	if d.Adopted {
		return adoptedRef(d, attr)
	}
	addr := declaredTypes[d.Spec.Kind] + "." + declaredName(d)
	attrs := map[string]map[string]string{
		manifest.ResourceTable:  {appgraph.AttrName: "name", appgraph.AttrARN: "arn", appgraph.AttrStreamARN: "stream_arn"},
		manifest.ResourceBucket: {appgraph.AttrName: "bucket", appgraph.AttrARN: "arn"},
		manifest.ResourceQueue:  {appgraph.AttrName: "name", appgraph.AttrARN: "arn", appgraph.AttrURL: "url"},
		manifest.ResourceTopic:  {appgraph.AttrName: "name", appgraph.AttrARN: "arn"},
		manifest.ResourceBus:    {appgraph.AttrName: "name", appgraph.AttrARN: "arn"},
	}
	a, ok := attrs[d.Spec.Kind][attr]
	if !ok {
		return nil, fmt.Errorf("terraform: %s %s has no attribute %s", d.Spec.Kind, d.Spec.Name, attr)
	}
	return refAttr(addr, a), nil
}

// adoptedRef is an attribute of a resource the stage adopts by name.
func adoptedRef(d *appgraph.Declared, attr string) (any, error) {
	name := d.PhysicalName
	switch attr {
	case appgraph.AttrName:
		return name, nil
	case appgraph.AttrARN:
		switch d.Spec.Kind {
		case manifest.ResourceTable:
			return arn("dynamodb", "table/"+name), nil
		case manifest.ResourceBucket:
			return expr("arn:" + partition + ":s3:::" + literal(name)), nil
		case manifest.ResourceQueue:
			return arn("sqs", name), nil
		case manifest.ResourceTopic:
			return arn("sns", name), nil
		case manifest.ResourceBus:
			return arn("events", "event-bus/"+name), nil
		}
	case appgraph.AttrURL:
		if d.Spec.Kind == manifest.ResourceQueue {
			return expr("https://sqs." + region + ".amazonaws.com/" + account + "/" + literal(name)), nil
		}
	case appgraph.AttrStreamARN:
		return nil, fmt.Errorf("terraform: table %s is adopted as %q: its stream ARN cannot be known from its name; give the stream handler the ARN with OnDynamoDBRecord instead", d.Spec.Name, name)
	}
	return nil, fmt.Errorf("terraform: %s %s has no attribute %s", d.Spec.Kind, d.Spec.Name, attr)
}

// useEnvironment is the function's environment: its config's variables
// and those naming what it uses.
func useEnvironment(fn *appgraph.Function) (map[string]any, error) {
	vars := map[string]any{}
	for k, v := range fn.Config.EnvironmentVariables {
		vars[k] = v
	}
	for _, u := range fn.Uses {
		for _, attr := range u.Resource.Attributes() {
			if attr == appgraph.AttrStreamARN && u.Resource.Adopted {
				continue
			}
			ref, err := declaredRef(u.Resource, attr)
			if err != nil {
				return nil, err
			}
			vars[u.Resource.EnvVar(attr)] = ref
		}
	}
	return vars, nil
}

// withUses is the role's policy with the statements of its uses, each
// scoped to its resource's ARNs.
func withUses(r *appgraph.Role, policy any) (any, error) {
	if len(r.Uses) == 0 {
		return policy, nil
	}
	raw, err := json.Marshal(policy)
	if err != nil {
		return nil, fmt.Errorf("terraform: role %s: policy: %w", r.ResourceName, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil || doc == nil {
		return nil, fmt.Errorf("terraform: role %s: the policy is not a JSON object", r.ResourceName)
	}
	stmts, _ := doc["Statement"].([]any)
	for _, u := range r.Uses {
		for i, p := range u.Permissions() {
			var resources []any
			for _, a := range p.Resources {
				ref, err := declaredRef(u.Resource, a.Attr)
				if err != nil {
					return nil, err
				}
				if a.Suffix != "" {
					ref = expr(string(asExpr(ref)) + literal(a.Suffix))
				}
				resources = append(resources, ref)
			}
			svc, _, _ := strings.Cut(p.Actions[0], ":")
			sid := strings.NewReplacer("-", "", "_", "", ".", "").Replace(u.Resource.ResourceName)
			stmts = append(stmts, map[string]any{"Sid": fmt.Sprintf("%s%s%d", sid, svc, i+1), "Effect": "Allow",
				"Action": p.Actions, "Resource": resources})
		}
	}
	doc["Statement"] = stmts
	return doc, nil
}

// withStatements is the role's policy with more statements.
func withStatements(r *appgraph.Role, policy any, stmts []any) (any, error) {
	if doc, ok := policy.(map[string]any); ok && len(r.Uses) > 0 {
		// withUses's own copy, holding references (expr) a JSON round
		// trip would turn into literals.
		have, _ := doc["Statement"].([]any)
		doc["Statement"] = append(have, stmts...)
		return doc, nil
	}
	raw, err := json.Marshal(policy)
	if err != nil {
		return nil, fmt.Errorf("terraform: role %s: policy: %w", r.ResourceName, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil || doc == nil {
		return nil, fmt.Errorf("terraform: role %s: the policy is not a JSON object", r.ResourceName)
	}
	have, _ := doc["Statement"].([]any)
	doc["Statement"] = append(have, stmts...)
	return doc, nil
}

// asExpr is a reference or a literal name as an expr.
func asExpr(v any) expr {
	switch v := v.(type) {
	case expr:
		return v
	case string:
		return expr(literal(v))
	}
	return expr(fmt.Sprint(v))
}
