package policygen

import (
	"slices"
	"testing"
)

// TestGenerateEventSourceOrder: the SQS, Kinesis and DynamoDB statements
// come in the order the app registered its first handler of each, as
// Chalice appends them; without an order they keep SQS, Kinesis, DynamoDB.
func TestGenerateEventSourceOrder(t *testing.T) {
	first := func(p *Policy) []string {
		var out []string
		for _, s := range p.Statement {
			out = append(out, s.Action[0])
		}
		return out
	}
	all := Traits{SQS: true, Kinesis: true, DynamoDB: true, XRay: true, Websocket: true}
	tests := []struct {
		order []string
		want  []string
	}{
		{nil, []string{"logs:CreateLogGroup", "xray:PutTraceSegments", "sqs:ReceiveMessage", "kinesis:GetRecords", "dynamodb:DescribeStream", "execute-api:ManageConnections"}},
		{[]string{"dynamodb", "sqs", "kinesis"}, []string{"logs:CreateLogGroup", "xray:PutTraceSegments", "dynamodb:DescribeStream", "sqs:ReceiveMessage", "kinesis:GetRecords", "execute-api:ManageConnections"}},
		{[]string{"kinesis"}, []string{"logs:CreateLogGroup", "xray:PutTraceSegments", "kinesis:GetRecords", "sqs:ReceiveMessage", "dynamodb:DescribeStream", "execute-api:ManageConnections"}},
		{[]string{"kinesis", "kinesis", "bogus"}, []string{"logs:CreateLogGroup", "xray:PutTraceSegments", "kinesis:GetRecords", "sqs:ReceiveMessage", "dynamodb:DescribeStream", "execute-api:ManageConnections"}},
	}
	for _, tt := range tests {
		tr := all
		tr.EventSources = tt.order
		if got := first(Generate(nil, tr)); !slices.Equal(got, tt.want) {
			t.Errorf("order %q:\n got %q\nwant %q", tt.order, got, tt.want)
		}
	}
	// Only the traits that are on produce statements, whatever the order.
	got := first(Generate(nil, Traits{DynamoDB: true, EventSources: []string{"sqs", "dynamodb"}}))
	if want := []string{"logs:CreateLogGroup", "dynamodb:DescribeStream"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
