package policygen

import (
	"slices"
)

// PolicyVersion is the IAM policy language version of every generated policy.
const PolicyVersion = "2012-10-17"

// Statement is one IAM policy statement.
type Statement struct {
	Sid      string   `json:"Sid,omitempty"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource any      `json:"Resource"` // string or []string
}

// Policy is an IAM policy document.
type Policy struct {
	Version   string      `json:"Version"` // "2012-10-17"
	Statement []Statement `json:"Statement"`
}

// Traits add the statements Chalice adds for features of the app.
type Traits struct {
	VPC       bool // ec2:CreateNetworkInterface/DescribeNetworkInterfaces/DetachNetworkInterface/DeleteNetworkInterface on *
	XRay      bool // xray:PutTraceSegments, xray:PutTelemetryRecords on *
	SQS       bool // sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes on * (event source mappings)
	Kinesis   bool // kinesis:GetRecords, GetShardIterator, DescribeStream, ListStreams, ListShards, SubscribeToShard, DescribeStreamSummary on *
	DynamoDB  bool // dynamodb:DescribeStream, GetRecords, GetShardIterator, ListStreams on *
	Websocket bool // execute-api:ManageConnections on arn:*:execute-api:*:*:*/@connections/*
	// EventSources orders the SQS, Kinesis and DynamoDB statements: the
	// kinds ("sqs", "kinesis", "dynamodb") in the order the app registered
	// its first handler of each, as Chalice appends them while it walks
	// the app's event sources. Kinds it leaves out follow in the order
	// SQS, Kinesis, DynamoDB.
	EventSources []string
}

// The fixed statements, in the shape Chalice uses (chalice/constants.py:
// CLOUDWATCH_LOGS, VPC_ATTACH_POLICY, XRAY_POLICY, *_EVENT_SOURCE_POLICY,
// POST_TO_WEBSOCKET_CONNECTION_POLICY). Kinesis also gets the actions a
// Lambda event source mapping needs for enhanced fan-out and shard listing
// (AWSLambdaKinesisExecutionRole).
func logsStatement() Statement {
	return Statement{
		Effect:   "Allow",
		Action:   []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"},
		Resource: "arn:*:logs:*:*:*",
	}
}

func traitStatements(t Traits) []Statement {
	var out []Statement
	add := func(on bool, resource string, actions ...string) {
		if on {
			out = append(out, Statement{Effect: "Allow", Action: actions, Resource: resource})
		}
	}
	add(t.VPC, "*",
		"ec2:CreateNetworkInterface",
		"ec2:DescribeNetworkInterfaces",
		"ec2:DetachNetworkInterface",
		"ec2:DeleteNetworkInterface")
	add(t.XRay, "*",
		"xray:PutTraceSegments",
		"xray:PutTelemetryRecords")
	sources := map[string]func(){
		"sqs": func() {
			add(t.SQS, "*",
				"sqs:ReceiveMessage",
				"sqs:DeleteMessage",
				"sqs:GetQueueAttributes")
		},
		"kinesis": func() {
			add(t.Kinesis, "*",
				"kinesis:GetRecords",
				"kinesis:GetShardIterator",
				"kinesis:DescribeStream",
				"kinesis:ListStreams",
				"kinesis:ListShards",
				"kinesis:SubscribeToShard",
				"kinesis:DescribeStreamSummary")
		},
		"dynamodb": func() {
			add(t.DynamoDB, "*",
				"dynamodb:DescribeStream",
				"dynamodb:GetRecords",
				"dynamodb:GetShardIterator",
				"dynamodb:ListStreams")
		},
	}
	for _, kind := range append(slices.Clone(t.EventSources), "sqs", "kinesis", "dynamodb") {
		if f := sources[kind]; f != nil {
			f()
			delete(sources, kind)
		}
	}
	add(t.Websocket, "arn:*:execute-api:*:*:*/@connections/*",
		"execute-api:ManageConnections")
	return out
}

// Generate builds the policy for an app: the CloudWatch Logs statement
// (logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents on
// arn:*:logs:*:*:*), then one statement allowing the analysed actions on
// "*" (omitted when there are none), then one statement per trait in the
// order of the Traits fields, except that the SQS, Kinesis and DynamoDB
// statements follow Traits.EventSources. actions is not modified; the
// statement gets a sorted, de-duplicated copy.
func Generate(actions []string, t Traits) *Policy {
	p := &Policy{Version: PolicyVersion, Statement: []Statement{logsStatement()}}
	acts := slices.Clone(actions)
	acts = slices.DeleteFunc(acts, func(s string) bool { return s == "" })
	slices.Sort(acts)
	acts = slices.Compact(acts)
	if len(acts) > 0 {
		p.Statement = append(p.Statement, Statement{Effect: "Allow", Action: acts, Resource: "*"})
	}
	p.Statement = append(p.Statement, traitStatements(t)...)
	return p
}
