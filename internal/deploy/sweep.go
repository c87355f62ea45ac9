package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/gochalice/chalice/internal/deploy/state"
)

// ---- sweeping ----

// sweepKey names the field that identifies a record's resource.
var sweepKey = map[string]string{"lambda_function": "lambda_arn", "iam_role": "role_name", "cloudwatch_event": "rule_name", "rest_api": "rest_api_id",
	"http_api": "http_api_id", "websocket_api": "websocket_api_id", "sqs_event": "event_uuid", "kinesis_event": "event_uuid", "dynamodb_event": "event_uuid",
	"s3_event": "bucket", "log_group": "log_group_name", "domain_name": "domain_name",
	"dynamodb_table": "table_name", "s3_bucket": "bucket_name", "sqs_queue": "queue_url", "sns_topic": "topic_arn", "eventbridge_bus": "bus_name",
	"function_url": "function_name", "scheduler_schedule": "schedule_name"}

// forgetIn is the instruction that drops a record once its resource is
// gone.
func forgetIn(name string) Instruction {
	return act(func(ctx context.Context, x *executor) error { return x.forget(ctx, name) })
}

// sweepStep deletes a recorded resource; already-deleted resources are
// fine. The record is dropped once the resource is gone. A declared
// resource that is retained is kept (its record dropped) unless
// deleteRetained.
func sweepStep(rec state.Record, deleteRetained bool) (Step, error) {
	name := rec.Name
	// A record without the field that names its resource cannot be
	// deleted: it is dropped from the state with a warning, never left to
	// fail every later deploy and delete.
	if field, ok := sweepKey[rec.ResourceType]; ok && rec.Get(field) == "" {
		return Step{Resource: name, Instructions: []Instruction{act(func(ctx context.Context, x *executor) error {
			x.warn("the record %s (%s) has no %s: it is dropped from the deployed state; if its resource still exists, `gochalice delete --by-tag` finds it, or delete it by hand", name, rec.ResourceType, field)
			return x.forget(ctx, name)
		})}}, nil
	}
	step := func(msg string, ins ...Instruction) (Step, error) {
		return Step{Resource: name, Message: msg, Instructions: append(ins, forgetIn(name))}, nil
	}
	switch rec.ResourceType {
	case "dynamodb_table", "s3_bucket", "sqs_queue", "sns_topic", "eventbridge_bus":
		return sweepDeclared(rec, deleteRetained)
	case "lambda_function":
		arn := rec.Get("lambda_arn")
		return step("Deleting function: "+arn, apiCall("lambda", "DeleteFunction", arn, func(ctx context.Context, x *executor) error {
			_, err := x.c.Lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(arn)})
			if err != nil && !isNotFound(err) {
				return err
			}
			return nil
		}))
	case "iam_role":
		role := rec.Get("role_name")
		return step("Deleting IAM role: "+role, deleteRoleCalls(role)...)
	case "function_url":
		target := rec.Get("function_name")
		if q := rec.Get("qualifier"); q != "" {
			target += ":" + q
		}
		return step("Deleting function URL: "+target, deleteURLCalls(rec)...)
	case "scheduler_schedule":
		return sweepSchedule(rec), nil
	case "cloudwatch_event":
		rule := rec.Get("rule_name")
		bus := optional(rec.Get("event_bus_name"))
		return step("Deleting event rule: "+rule,
			apiCall("events", "RemoveTargets", rule, func(ctx context.Context, x *executor) error {
				targets, err := x.c.EventBridge.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule), EventBusName: bus})
				if isNotFound(err) {
					return nil
				}
				if err != nil {
					return err
				}
				var ids []string
				for _, t := range targets.Targets {
					ids = append(ids, deref(t.Id))
				}
				if len(ids) == 0 {
					return nil
				}
				if _, err := x.c.EventBridge.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String(rule), EventBusName: bus, Ids: ids}); err != nil && !isNotFound(err) {
					return err
				}
				return nil
			}).detailed("the targets events:ListTargetsByRule finds"),
			apiCall("events", "DeleteRule", rule, func(ctx context.Context, x *executor) error {
				if _, err := x.c.EventBridge.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String(rule), EventBusName: bus}); err != nil && !isNotFound(err) {
					return err
				}
				return nil
			}))
	case "rest_api":
		id := rec.Get("rest_api_id")
		return step("Deleting Rest API: "+id, apiCall("apigateway", "DeleteRestApi", id, func(ctx context.Context, x *executor) error {
			return x.deleteRestAPI(ctx, id)
		}))
	case "http_api":
		return sweepHTTPAPI(rec), nil
	case "domain_name":
		return sweepDomain(rec), nil
	case "websocket_api":
		return sweepWebsocketAPI(rec), nil
	case "sqs_event", "kinesis_event", "dynamodb_event":
		uuid := rec.Get("event_uuid")
		return step("Deleting event source mapping: "+uuid, deleteESM(uuid))
	case "sns_event":
		return step("Unsubscribing from SNS topic: "+rec.Get("topic_arn"), unsubscribeCalls(rec)...)
	case "s3_event":
		return step("Removing S3 events from bucket: "+rec.Get("bucket"), disconnectBucketCalls(rec)...)
	case "log_group":
		group := rec.Get("log_group_name")
		return step("Deleting retention policy for log group: "+group, apiCall("logs", "DeleteRetentionPolicy", group, func(ctx context.Context, x *executor) error {
			if _, err := x.c.Logs.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(group)}); err != nil && !isNotFound(err) {
				return err
			}
			return nil
		}))
	}
	return Step{}, fmt.Errorf("gochalice cannot delete %s resources yet (resource %s recorded in the deployed state); delete it by hand and remove its record", rec.ResourceType, name)
}

// deleteESM is the instruction deleting an event source mapping.
func deleteESM(uuid string) Instruction {
	return apiCall("lambda", "DeleteEventSourceMapping", uuid, func(ctx context.Context, x *executor) error {
		if _, err := x.c.Lambda.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: aws.String(uuid)}); err != nil && !isNotFound(err) {
			return err
		}
		return nil
	})
}

// optional is s as an optional string parameter: nil when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// deleteRoleCalls delete an IAM role and its inline policies; a role
// already gone is fine.
func deleteRoleCalls(role string) []Instruction {
	return []Instruction{
		apiCall("iam", "DeleteRolePolicy", role, func(ctx context.Context, x *executor) error {
			pols, err := x.c.IAM.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
			if isNotFound(err) {
				return nil
			}
			if err != nil {
				return err
			}
			for _, p := range pols.PolicyNames {
				if _, err := x.c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(p)}); err != nil && !isNotFound(err) {
					return err
				}
			}
			return nil
		}).detailed("each inline policy iam:ListRolePolicies finds"),
		apiCall("iam", "DeleteRole", role, func(ctx context.Context, x *executor) error {
			if _, err := x.c.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(role)}); err != nil && !isNotFound(err) {
				return err
			}
			return nil
		}),
	}
}
