package deploy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/deploy/state"
)

// discover finds the resources of the project's app and stage by their
// gochalice tags (roles, functions, rules, log groups, REST/HTTP/websocket
// APIs, event source mappings) and, through the functions found, their SNS
// subscriptions and S3 notifications. It makes read-only calls and returns
// records in creation order (delete runs them in reverse). Custom domain
// names are not tagged (their tags are the config's): they are not found.
func (x *executor) discover(ctx context.Context) ([]state.Record, error) {
	cfg, err := config.Load(x.o.ProjectDir)
	if err != nil {
		return nil, err
	}
	x.app = cfg.AppName
	if x.app == "" {
		return nil, fmt.Errorf("%s has no app_name: cannot tell which tagged resources are this app's", cfg.Path)
	}
	if err := x.identify(ctx); err != nil {
		return nil, err
	}
	prefix := x.app + "-" + x.stage
	named := func(name string) bool { return name == prefix || strings.HasPrefix(name, prefix+"-") }
	var roles, groups, functions, events, apis []state.Record

	// IAM roles (named <app>-<stage>[-<function>]).
	rp := iam.NewListRolesPaginator(x.c.IAM, &iam.ListRolesInput{})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam:ListRoles: %w", err)
		}
		for _, r := range page.Roles {
			if !named(deref(r.RoleName)) {
				continue
			}
			tags, err := x.c.IAM.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: r.RoleName})
			if err != nil {
				return nil, fmt.Errorf("iam:ListRoleTags %s: %w", deref(r.RoleName), err)
			}
			m := map[string]string{}
			for _, t := range tags.Tags {
				m[deref(t.Key)] = deref(t.Value)
			}
			switch name := deref(r.RoleName); {
			case !x.isOurs(m, ""):
			case strings.HasSuffix(name, "-event-scheduler"):
				// A schedule's role (a schedule with a time zone): the
				// schedule is named as the role without its suffix, and
				// goes with it.
				roles = append(roles, state.Record{Name: m[TagResource], ResourceType: "scheduler_schedule", Fields: []state.Field{{Key: "schedule_name", Value: strings.TrimSuffix(name, "-scheduler")},
					{Key: "group_name", Value: scheduleGroup}, {Key: "role_name", Value: name}, {Key: "role_arn", Value: deref(r.Arn)}}})
			default:
				roles = append(roles, state.Record{Name: m[TagResource], ResourceType: "iam_role", Fields: []state.Field{{Key: "role_name", Value: name}, {Key: "role_arn", Value: deref(r.Arn)}}})
			}
		}
	}

	// Log groups with a retention (/aws/lambda/<app>-<stage>...).
	lp := cloudwatchlogs.NewDescribeLogGroupsPaginator(x.c.Logs, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/" + prefix)})
	for lp.HasMorePages() {
		page, err := lp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("logs:DescribeLogGroups: %w", err)
		}
		for _, g := range page.LogGroups {
			tags, err := x.c.Logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(strings.TrimSuffix(deref(g.Arn), ":*"))})
			if err != nil {
				return nil, fmt.Errorf("logs:ListTagsForResource %s: %w", deref(g.LogGroupName), err)
			}
			if x.isOurs(tags.Tags, "") {
				groups = append(groups, state.Record{Name: tags.Tags[TagResource], ResourceType: "log_group", Fields: []state.Field{{Key: "log_group_name", Value: deref(g.LogGroupName)}}})
			}
		}
	}

	// Lambda functions, then what is attached to them.
	var fnARNs []string
	fp := lambda.NewListFunctionsPaginator(x.c.Lambda, &lambda.ListFunctionsInput{})
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("lambda:ListFunctions: %w", err)
		}
		for _, f := range page.Functions {
			if !named(deref(f.FunctionName)) {
				continue
			}
			tags, err := x.c.Lambda.ListTags(ctx, &lambda.ListTagsInput{Resource: f.FunctionArn})
			if err != nil {
				return nil, fmt.Errorf("lambda:ListTags %s: %w", deref(f.FunctionName), err)
			}
			if x.isOurs(tags.Tags, "") {
				functions = append(functions, state.Record{Name: tags.Tags[TagResource], ResourceType: "lambda_function", Fields: []state.Field{{Key: "lambda_arn", Value: deref(f.FunctionArn)}}})
				fnARNs = append(fnARNs, deref(f.FunctionArn))
			}
		}
	}
	for i, arn := range fnARNs {
		fn := functions[i].Name
		mp := lambda.NewListEventSourceMappingsPaginator(x.c.Lambda, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String(arn)})
		for mp.HasMorePages() {
			page, err := mp.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("lambda:ListEventSourceMappings %s: %w", arn, err)
			}
			for _, m := range page.EventSourceMappings {
				src := deref(m.EventSourceArn)
				typ, field := "", ""
				switch {
				case strings.Contains(src, ":sqs:"):
					typ, field = "sqs_event", "queue_arn"
				case strings.Contains(src, ":kinesis:"):
					typ, field = "kinesis_event", "kinesis_arn"
				case strings.Contains(src, ":dynamodb:"):
					typ, field = "dynamodb_event", "stream_arn"
				default:
					continue
				}
				events = append(events, state.Record{Name: fn + "-" + strings.TrimSuffix(typ, "_event") + "-event-source-" + deref(m.UUID), ResourceType: typ,
					Fields: []state.Field{{Key: field, Value: src}, {Key: "event_uuid", Value: deref(m.UUID)}, {Key: "lambda_arn", Value: arn}}})
			}
		}
		// S3 notifications and SNS subscriptions leave a permission in the
		// function's policy naming their bucket or topic.
		pol, err := x.c.Lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(arn)})
		if err != nil && !isNotFound(err) {
			return nil, fmt.Errorf("lambda:GetPolicy %s: %w", arn, err)
		}
		if err != nil {
			continue
		}
		for _, src := range policySources(deref(pol.Policy), "s3.amazonaws.com") {
			bucket := src[strings.LastIndex(src, ":")+1:]
			events = append(events, state.Record{Name: fn + "-s3event-" + bucket, ResourceType: "s3_event", Fields: []state.Field{{Key: "bucket", Value: bucket}, {Key: "lambda_arn", Value: arn}}})
		}
		for _, topic := range policySources(deref(pol.Policy), "sns.amazonaws.com") {
			sub, err := x.findSubscription(ctx, topic, arn)
			if err != nil {
				return nil, err
			}
			events = append(events, state.Record{Name: fn + "-sns-subscription-" + topic[strings.LastIndex(topic, ":")+1:], ResourceType: "sns_event",
				Fields: []state.Field{{Key: "topic", Value: topic}, {Key: "lambda_arn", Value: arn}, {Key: "subscription_arn", Value: sub}, {Key: "topic_arn", Value: topic}}})
		}
	}

	// EventBridge rules (named <app>-<stage>-...).
	var token *string
	for {
		page, err := x.c.EventBridge.ListRules(ctx, &eventbridge.ListRulesInput{NamePrefix: aws.String(prefix + "-"), NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("events:ListRules: %w", err)
		}
		for _, r := range page.Rules {
			tags, err := x.c.EventBridge.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: r.Arn})
			if err != nil {
				return nil, fmt.Errorf("events:ListTagsForResource %s: %w", deref(r.Name), err)
			}
			m := map[string]string{}
			for _, t := range tags.Tags {
				m[deref(t.Key)] = deref(t.Value)
			}
			if x.isOurs(m, "") {
				events = append(events, state.Record{Name: m[TagResource], ResourceType: "cloudwatch_event", Fields: []state.Field{{Key: "rule_name", Value: deref(r.Name)}}})
			}
		}
		if token = page.NextToken; deref(token) == "" {
			break
		}
	}

	// REST, HTTP and websocket APIs.
	ap := apigateway.NewGetRestApisPaginator(x.c.APIGateway, &apigateway.GetRestApisInput{Limit: aws.Int32(500)})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("apigateway:GetRestApis: %w", err)
		}
		for _, a := range page.Items {
			if x.isOurs(a.Tags, "") {
				apis = append(apis, state.Record{Name: a.Tags[TagResource] + "-" + deref(a.Id), ResourceType: "rest_api", Fields: []state.Field{{Key: "rest_api_id", Value: deref(a.Id)}}})
			}
		}
	}
	in := &apigatewayv2.GetApisInput{MaxResults: aws.String("500")}
	for {
		page, err := x.c.APIGatewayV2.GetApis(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("apigateway:GetApis: %w", err)
		}
		for _, a := range page.Items {
			if !x.isOurs(a.Tags, "") {
				continue
			}
			if a.ProtocolType == v2types.ProtocolTypeWebsocket {
				apis = append(apis, state.Record{Name: a.Tags[TagResource] + "-" + deref(a.ApiId), ResourceType: "websocket_api", Fields: []state.Field{{Key: "websocket_api_id", Value: deref(a.ApiId)}}})
			} else {
				apis = append(apis, state.Record{Name: a.Tags[TagResource] + "-" + deref(a.ApiId), ResourceType: "http_api", Fields: []state.Field{{Key: "http_api_id", Value: deref(a.ApiId)}}})
			}
		}
		if deref(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}

	var out []state.Record
	for _, group := range [][]state.Record{roles, groups, functions, events, apis} {
		out = append(out, group...)
	}
	return out, nil
}

// policySources returns the SourceArn conditions of a Lambda resource
// policy's statements for principal.
func policySources(policy, principal string) []string {
	var out []string
	for _, st := range policyStatements(policy) {
		if st.principal != principal {
			continue
		}
		for _, src := range st.sources {
			if !slices.Contains(out, src) {
				out = append(out, src)
			}
		}
	}
	return out
}

// mergeRecords adds the found records that are not recorded already (the
// same resource type and the same identifying field).
func mergeRecords(recorded, found []state.Record) []state.Record {
	idField := map[string]string{"iam_role": "role_name", "lambda_function": "lambda_arn", "log_group": "log_group_name", "cloudwatch_event": "rule_name",
		"rest_api": "rest_api_id", "http_api": "http_api_id", "websocket_api": "websocket_api_id", "sqs_event": "event_uuid", "kinesis_event": "event_uuid",
		"dynamodb_event": "event_uuid", "sns_event": "subscription_arn", "s3_event": "bucket"}
	key := func(r state.Record) string {
		k := r.ResourceType + " " + r.Get(idField[r.ResourceType])
		if r.ResourceType == "s3_event" {
			k += " " + r.Get("lambda_arn")
		}
		return k
	}
	seen := map[string]bool{}
	names := map[string]bool{}
	for _, r := range recorded {
		seen[key(r)] = true
		names[r.Name] = true
	}
	out := slices.Clone(recorded)
	for _, r := range found {
		if seen[key(r)] {
			continue
		}
		for names[r.Name] {
			r.Name += "+"
		}
		seen[key(r)], names[r.Name] = true, true
		out = append(out, r)
	}
	return out
}
