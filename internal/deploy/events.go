package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/manifest"
)

// functionARN is the ARN of a model function: the recorded one when the
// function is recorded, else built from the account.
func (x *executor) functionARN(f *appgraph.Function) string {
	if rec := x.state.Find(f.ResourceName); rec != nil && rec.Get("lambda_arn") != "" {
		return rec.Get("lambda_arn")
	}
	return x.arns.function(f.FunctionName)
}

// targetARN is what invokes a model function: its alias's ARN
// (<function ARN>:<alias>) when it has one (lambda_alias), else the
// function's ARN.
func (x *executor) targetARN(f *appgraph.Function) string {
	if q := f.Qualifier(); q != "" {
		return x.functionARN(f) + ":" + q
	}
	return x.functionARN(f)
}

// arnParts splits a function ARN into partition, region and account, as
// Chalice's parse_arn does to build queue, stream and topic ARNs.
func arnParts(arn string, fallback arns) arns {
	p := strings.Split(arn, ":")
	if len(p) < 5 || p[1] == "" || p[3] == "" || p[4] == "" {
		return fallback
	}
	return arns{Partition: p[1], Region: p[3], Account: p[4]}
}

// ---- SQS / Kinesis / DynamoDB event source mappings ----

// mappingSpec is what an event source mapping should be.
type mappingSpec struct {
	recordType string // sqs_event, kinesis_event, dynamodb_event
	arnField   string // queue_arn, kinesis_arn, stream_arn
	nameField  string // queue, stream, "" (dynamodb)
	name       string // queue or stream name
	sourceARN  string
	label      string // "SQS queue X" for messages
	batch      int32
	window     int32
	maxConc    *int32
	partial    bool
	startPos   ltypes.EventSourcePosition // kinesis, dynamodb
}

func (pl *planner) mappingSpec(ev *appgraph.EventSource, fnARN string) mappingSpec {
	a := arnParts(fnARN, pl.x.arns)
	s := ev.Source
	m := mappingSpec{batch: int32(s.BatchSize), window: int32(s.MaxBatchingWindow), partial: s.ReportBatchItemFailures}
	switch s.Type {
	case manifest.SourceSQS:
		m.recordType, m.arnField, m.nameField = "sqs_event", "queue_arn", "queue"
		if s.QueueARN != "" {
			m.sourceARN = s.QueueARN
			m.name = s.QueueARN[strings.LastIndex(s.QueueARN, ":")+1:]
		} else {
			m.name = s.Queue
			m.sourceARN = fmt.Sprintf("arn:%s:sqs:%s:%s:%s", a.Partition, a.Region, a.Account, s.Queue)
		}
		m.label = "SQS queue " + m.name
		if s.MaxConcurrency != nil {
			v := int32(*s.MaxConcurrency)
			m.maxConc = &v
		}
	case manifest.SourceKinesis:
		m.recordType, m.arnField, m.nameField = "kinesis_event", "kinesis_arn", "stream"
		m.name = s.Stream
		m.sourceARN = fmt.Sprintf("arn:%s:kinesis:%s:%s:stream/%s", a.Partition, a.Region, a.Account, s.Stream)
		m.label = "Kinesis stream " + s.Stream
		m.startPos = ltypes.EventSourcePosition(s.StartingPosition)
	case manifest.SourceDynamoDB:
		m.recordType, m.arnField = "dynamodb_event", "stream_arn"
		m.sourceARN = s.StreamARN
		m.label = "DynamoDB stream " + s.StreamARN
		m.startPos = ltypes.EventSourcePosition(s.StartingPosition)
	}
	return m
}

func (m mappingSpec) responseTypes() []ltypes.FunctionResponseType {
	if m.partial {
		return []ltypes.FunctionResponseType{ltypes.FunctionResponseTypeReportBatchItemFailures}
	}
	return []ltypes.FunctionResponseType{}
}

// differs compares a remote mapping's settings with the spec.
func (m mappingSpec) differs(c *lambda.GetEventSourceMappingOutput) bool {
	var conc *int32
	if c.ScalingConfig != nil {
		conc = c.ScalingConfig.MaximumConcurrency
	}
	return deref(c.BatchSize) != m.batch || deref(c.MaximumBatchingWindowInSeconds) != m.window ||
		deref(conc) != deref(m.maxConc) ||
		slices.Contains(c.FunctionResponseTypes, ltypes.FunctionResponseTypeReportBatchItemFailures) != m.partial
}

func (m mappingSpec) scaling() *ltypes.ScalingConfig {
	if m.maxConc == nil {
		return nil
	}
	return &ltypes.ScalingConfig{MaximumConcurrency: m.maxConc}
}

func (pl *planner) eventSourceMapping(ctx context.Context, ev *appgraph.EventSource, on *appgraph.Declared) ([]Step, error) {
	x := pl.x
	fnName := ev.Function.FunctionName
	fnARN := x.targetARN(ev.Function)
	m := pl.mappingSpec(ev, fnARN)
	if on != nil && ev.Source.Type == manifest.SourceDynamoDB {
		m.label = "DynamoDB stream of table " + on.PhysicalName
	}
	record := func(uuid string) state.Record {
		r := state.Record{Name: ev.ResourceName, ResourceType: m.recordType, Fields: []state.Field{{Key: m.arnField, Value: m.sourceARN}, {Key: "event_uuid", Value: uuid}}}
		if m.nameField != "" {
			r.Set(m.nameField, m.name)
		}
		r.Set("lambda_arn", fnARN)
		return r
	}
	create := func(ctx context.Context, x *executor) error {
		if on != nil && ev.Source.Type == manifest.SourceDynamoDB {
			// A new table's stream ARN is known once the table exists.
			m.sourceARN = x.declaredRef(on, appgraph.AttrStreamARN)
		}
		in := &lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(m.sourceARN), FunctionName: aws.String(fnARN),
			BatchSize: aws.Int32(m.batch), ScalingConfig: m.scaling()}
		if m.window > 0 {
			in.MaximumBatchingWindowInSeconds = aws.Int32(m.window)
		}
		if m.partial {
			in.FunctionResponseTypes = m.responseTypes()
		}
		if m.startPos != "" {
			in.StartingPosition = m.startPos
		}
		in.Tags = x.ownTags(ev.ResourceName)
		uuid, err := x.createOnce(ctx, "event source mapping", func(ctx context.Context) (string, error) {
			var out *lambda.CreateEventSourceMappingOutput
			err := x.retryRole(ctx, func() (err error) {
				out, err = x.c.Lambda.CreateEventSourceMapping(ctx, in)
				return err
			})
			if err != nil {
				return "", err
			}
			return deref(out.UUID), nil
		}, func(ctx context.Context) (string, error) { return x.findMapping(ctx, m.sourceARN, fnName, fnARN) })
		if err != nil {
			return err
		}
		return x.record(ctx, record(uuid))
	}
	createStep := func(replace string) []Step {
		var ins []Instruction
		if replace != "" {
			ins = append(ins, deleteESM(replace), act(func(ctx context.Context, x *executor) error {
				x.state.Remove(ev.ResourceName)
				return nil
			}))
		}
		ins = append(ins, apiCall("lambda", "CreateEventSourceMapping", fnName+" "+m.sourceARN, create).detailed("batch size %d", m.batch))
		return []Step{{Resource: ev.ResourceName, Message: fmt.Sprintf("Subscribing %s to %s", fnName, m.label), Instructions: ins}}
	}

	prev := x.state.Find(ev.ResourceName)
	uuid := ""
	if prev != nil && prev.ResourceType == m.recordType {
		uuid = prev.Get("event_uuid")
	}
	// replace is a recorded mapping of another source (the queue or stream
	// changed under the same resource name): deleted before the new one.
	replace := ""
	var got *lambda.GetEventSourceMappingOutput
	if uuid != "" {
		var err error
		got, err = x.c.Lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(uuid)})
		switch {
		case isNotFound(err):
			x.warn("the recorded event source mapping %s of %s no longer exists; it is created again", uuid, ev.ResourceName)
			uuid, got = "", nil
		case err != nil:
			return nil, fmt.Errorf("lambda:GetEventSourceMapping %s: %w", uuid, err)
		case deref(got.EventSourceArn) != m.sourceARN || !sameFunction(deref(got.FunctionArn), fnARN):
			replace, uuid, got = uuid, "", nil
		}
	}
	if uuid == "" && pl.creates(on) {
		// The source is created by this plan: nothing maps it yet.
		return createStep(replace), nil
	}
	if uuid == "" {
		// Not recorded for this source (first deploy, a lost state file, a
		// create whose answer was lost, or a run killed after creating the
		// replacement): adopt a mapping of this function to this source if
		// there is one.
		found, err := x.findMapping(ctx, m.sourceARN, fnName, fnARN)
		if err != nil {
			return nil, err
		}
		if found == "" {
			return createStep(replace), nil
		}
		uuid = found
		if got, err = x.c.Lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(uuid)}); err != nil {
			return nil, fmt.Errorf("lambda:GetEventSourceMapping %s: %w", uuid, err)
		}
	}
	rec := record(uuid)
	var ins []Instruction
	if replace != "" {
		ins = append(ins, deleteESM(replace))
	}
	// The function's alias was added, removed or renamed: the mapping
	// invokes the new target. The record says what the mapping was set to
	// invoke (what AWS reports names the alias's version on some
	// emulators).
	retarget := prev != nil && prev.ResourceType == m.recordType && prev.Get("event_uuid") == uuid && prev.Get("lambda_arn") != "" && prev.Get("lambda_arn") != fnARN
	if !retarget {
		ins = append(ins, recordIn(func() state.Record { return rec }))
	}
	msg := ""
	if retarget {
		msg = fmt.Sprintf("Updating %s subscription to %s", fnName, m.label)
		ins = append(ins, apiCall("lambda", "UpdateEventSourceMapping", uuid, func(ctx context.Context, x *executor) error {
			_, err := x.c.Lambda.UpdateEventSourceMapping(ctx, &lambda.UpdateEventSourceMappingInput{UUID: aws.String(uuid), FunctionName: aws.String(fnARN)})
			if err != nil {
				return err
			}
			return x.record(ctx, rec)
		}).detailed("invoke %s", fnARN))
	}
	if m.differs(got) {
		msg = fmt.Sprintf("Updating %s subscription to %s", fnName, m.label)
		ins = append(ins, apiCall("lambda", "UpdateEventSourceMapping", uuid, func(ctx context.Context, x *executor) error {
			conc := m.scaling()
			if conc == nil {
				conc = &ltypes.ScalingConfig{}
			}
			in := &lambda.UpdateEventSourceMappingInput{UUID: aws.String(uuid), BatchSize: aws.Int32(m.batch),
				MaximumBatchingWindowInSeconds: aws.Int32(m.window), FunctionResponseTypes: m.responseTypes()}
			if m.recordType == "sqs_event" {
				in.ScalingConfig = conc
			}
			_, err := x.c.Lambda.UpdateEventSourceMapping(ctx, in)
			return err
		}).detailed("batch size %d", m.batch))
	}
	return []Step{{Resource: ev.ResourceName, Message: msg, Instructions: ins}}, nil
}

// findMapping returns the UUID of a mapping of the source to the function
// ("" if none). Mappings are listed by source only and compared by
// function, since a mapping created with the function's ARN is not found
// everywhere by a filter on its name (moto compares the text).
func (x *executor) findMapping(ctx context.Context, sourceARN, fnName, fnARN string) (string, error) {
	p := lambda.NewListEventSourceMappingsPaginator(x.c.Lambda, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(sourceARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isNotFound(err) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("lambda:ListEventSourceMappings %s: %w", sourceARN, err)
		}
		for _, em := range page.EventSourceMappings {
			if f := deref(em.FunctionArn); sameFunction(f, fnARN) || f == fnName || strings.HasSuffix(f, ":function:"+fnName) {
				return deref(em.UUID), nil
			}
		}
	}
	return "", nil
}

// sameFunction compares function ARNs, ignoring a version qualifier.
func sameFunction(a, b string) bool {
	trim := func(s string) string {
		if p := strings.Split(s, ":"); len(p) > 7 {
			return strings.Join(p[:7], ":")
		}
		return s
	}
	return trim(a) == trim(b)
}

// ---- SNS subscription ----

var snsARN = regexp.MustCompile(`^arn:aws[a-z\-]*:sns:`)

func (pl *planner) snsSubscription(ctx context.Context, ev *appgraph.EventSource) ([]Step, error) {
	x := pl.x
	fnName := ev.Function.FunctionName
	fnARN := x.targetARN(ev.Function)
	topic := ev.Source.Topic
	topicARN := topic
	if !snsARN.MatchString(topic) {
		a := arnParts(fnARN, x.arns)
		topicARN = fmt.Sprintf("arn:%s:sns:%s:%s:%s", a.Partition, a.Region, a.Account, topic)
	}
	perm := []permission{{function: fnName, principal: "sns.amazonaws.com", sourceARN: topicARN, qualifier: ev.Function.Qualifier()}}
	record := func(sub string) state.Record {
		return state.Record{Name: ev.ResourceName, ResourceType: "sns_event", Fields: []state.Field{
			{Key: "topic", Value: topic}, {Key: "lambda_arn", Value: fnARN}, {Key: "subscription_arn", Value: sub}, {Key: "topic_arn", Value: topicARN}}}
	}
	prev := x.state.Find(ev.ResourceName)
	var old *state.Record
	sub := ""
	if prev != nil && prev.ResourceType == "sns_event" {
		if prev.Get("topic_arn") == topicARN && prev.Get("lambda_arn") == fnARN {
			sub = prev.Get("subscription_arn")
		} else {
			c := prev.Clone()
			old = &c
		}
	}
	if sub != "" {
		attrs, err := x.c.SNS.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub)})
		switch {
		case isNotFound(err):
			x.warn("the recorded SNS subscription %s no longer exists; %s subscribes again", sub, fnName)
			sub = ""
		case err != nil:
			return nil, fmt.Errorf("sns:GetSubscriptionAttributes %s: %w", sub, err)
		case attrs.Attributes["TopicArn"] != topicARN || attrs.Attributes["Endpoint"] != fnARN:
			sub = ""
		}
	}
	if sub == "" && old == nil {
		// Not recorded: adopt the function's subscription to the topic if
		// there is one (Subscribe would return it too, but as a change).
		found, err := x.findSubscription(ctx, topicARN, fnARN)
		if err != nil {
			return nil, err
		}
		sub = found
	}
	missing, err := x.missingPermissions(ctx, perm)
	if err != nil {
		return nil, err
	}
	var ins []Instruction
	if old != nil {
		ins = append(ins, unsubscribeCalls(*old)...)
		ins = append(ins, act(func(ctx context.Context, x *executor) error {
			x.state.Remove(ev.ResourceName)
			return nil
		}))
	}
	ins = append(ins, permissionCalls(missing)...)
	msg := ""
	if sub == "" {
		msg = fmt.Sprintf("Subscribing %s to SNS topic %s", fnName, topic)
		ins = append(ins, apiCall("sns", "Subscribe", topicARN+" "+fnARN, func(ctx context.Context, x *executor) error {
			out, err := x.c.SNS.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("lambda"), Endpoint: aws.String(fnARN), ReturnSubscriptionArn: true})
			if err != nil {
				return err
			}
			return x.record(ctx, record(deref(out.SubscriptionArn)))
		}))
	} else {
		ins = append(ins, recordIn(func() state.Record { return record(sub) }))
	}
	return []Step{{Resource: ev.ResourceName, Message: msg, Instructions: ins}}, nil
}

// findSubscription returns the ARN of the function's confirmed lambda
// subscription to the topic ("" if none, or no such topic).
func (x *executor) findSubscription(ctx context.Context, topicARN, fnARN string) (string, error) {
	p := sns.NewListSubscriptionsByTopicPaginator(x.c.SNS, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topicARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isNotFound(err) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("sns:ListSubscriptionsByTopic %s: %w", topicARN, err)
		}
		for _, sub := range page.Subscriptions {
			if arn := deref(sub.SubscriptionArn); deref(sub.Protocol) == "lambda" && deref(sub.Endpoint) == fnARN && strings.HasPrefix(arn, "arn:") {
				return arn, nil
			}
		}
	}
	return "", nil
}

// unsubscribeCalls end a recorded SNS subscription and remove the
// permission it had.
func unsubscribeCalls(rec state.Record) []Instruction {
	sub := rec.Get("subscription_arn")
	return []Instruction{
		apiCall("sns", "Unsubscribe", sub, func(ctx context.Context, x *executor) error {
			if sub == "" {
				return nil
			}
			if _, err := x.c.SNS.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(sub)}); err != nil && !isNotFound(err) {
				return err
			}
			return nil
		}),
		removePermissionCall(rec.Get("lambda_arn"), "sns.amazonaws.com", rec.Get("topic_arn")),
	}
}

// removePermissionCall is the instruction removing a function's
// permission for principal from sourceARN.
func removePermissionCall(function, principal, sourceARN string) Instruction {
	return apiCall("lambda", "RemovePermission", function+" "+principal, func(ctx context.Context, x *executor) error {
		return x.removePermission(ctx, function, principal, sourceARN)
	}).detailed("the statements for %s that lambda:GetPolicy finds", sourceARN)
}

// removePermission removes the statements letting principal invoke the
// function from sourceARN (gochalice's and equivalent ones); a missing
// function or policy is fine.
func (x *executor) removePermission(ctx context.Context, function, principal, sourceARN string) error {
	if function == "" {
		return nil
	}
	out, err := x.c.Lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(function)})
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var doc struct {
		Statement []json.RawMessage
	}
	if json.Unmarshal([]byte(deref(out.Policy)), &doc) != nil {
		return nil
	}
	for _, raw := range doc.Statement {
		var st struct{ Sid string }
		json.Unmarshal(raw, &st)
		one, _ := json.Marshal(map[string]any{"Statement": []json.RawMessage{raw}})
		if st.Sid == "" || !hasPermission(string(one), statementID(principal, sourceARN), principal, sourceARN) {
			continue
		}
		if _, err := x.c.Lambda.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String(function), StatementId: aws.String(st.Sid)}); err != nil && !isNotFound(err) {
			return err
		}
	}
	return nil
}

// ---- S3 bucket notification ----

// s3Config is the notification of one function in a bucket.
func s3Config(ev *appgraph.EventSource, fnARN string) s3types.LambdaFunctionConfiguration {
	c := s3types.LambdaFunctionConfiguration{LambdaFunctionArn: aws.String(fnARN)}
	for _, e := range ev.Source.Events {
		c.Events = append(c.Events, s3types.Event(e))
	}
	var rules []s3types.FilterRule
	if ev.Source.Prefix != "" {
		rules = append(rules, s3types.FilterRule{Name: s3types.FilterRuleNamePrefix, Value: aws.String(ev.Source.Prefix)})
	}
	if ev.Source.Suffix != "" {
		rules = append(rules, s3types.FilterRule{Name: s3types.FilterRuleNameSuffix, Value: aws.String(ev.Source.Suffix)})
	}
	if len(rules) > 0 {
		c.Filter = &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: rules}}
	}
	return c
}

func sameS3Config(a, b s3types.LambdaFunctionConfiguration) bool {
	ev := func(c s3types.LambdaFunctionConfiguration) []string {
		var out []string
		for _, e := range c.Events {
			out = append(out, string(e))
		}
		return out
	}
	rules := func(c s3types.LambdaFunctionConfiguration) map[string]string {
		m := map[string]string{}
		if c.Filter != nil && c.Filter.Key != nil {
			for _, r := range c.Filter.Key.FilterRules {
				m[strings.ToLower(string(r.Name))] = deref(r.Value)
			}
		}
		return m
	}
	return deref(a.LambdaFunctionArn) == deref(b.LambdaFunctionArn) && sameSet(ev(a), ev(b)) && sameMap(rules(a), rules(b))
}

// notificationInput turns a bucket's current configuration into a put
// input with the function's configuration replaced by want (nil: removed).
func notificationInput(bucket string, cur *s3.GetBucketNotificationConfigurationOutput, fnARN string, want *s3types.LambdaFunctionConfiguration) *s3.PutBucketNotificationConfigurationInput {
	nc := &s3types.NotificationConfiguration{TopicConfigurations: cur.TopicConfigurations, QueueConfigurations: cur.QueueConfigurations,
		EventBridgeConfiguration: cur.EventBridgeConfiguration, LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{}}
	for _, c := range cur.LambdaFunctionConfigurations {
		if deref(c.LambdaFunctionArn) != fnARN {
			nc.LambdaFunctionConfigurations = append(nc.LambdaFunctionConfigurations, c)
		}
	}
	if want != nil {
		nc.LambdaFunctionConfigurations = append(nc.LambdaFunctionConfigurations, *want)
	}
	return &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String(bucket), NotificationConfiguration: nc}
}

func (pl *planner) s3Notification(ctx context.Context, ev *appgraph.EventSource, on *appgraph.Declared) ([]Step, error) {
	x := pl.x
	fnName := ev.Function.FunctionName
	fnARN := x.targetARN(ev.Function)
	bucket := ev.Source.Bucket
	a := arnParts(fnARN, x.arns)
	perm := []permission{{function: fnName, principal: "s3.amazonaws.com", sourceARN: fmt.Sprintf("arn:%s:s3:::%s", a.Partition, bucket), qualifier: ev.Function.Qualifier()}}
	want := s3Config(ev, fnARN)
	rec := state.Record{Name: ev.ResourceName, ResourceType: "s3_event", Fields: []state.Field{{Key: "bucket", Value: bucket}, {Key: "lambda_arn", Value: fnARN}}}
	var old *state.Record
	if prev := x.state.Find(ev.ResourceName); prev != nil && prev.ResourceType == "s3_event" && (prev.Get("bucket") != bucket || prev.Get("lambda_arn") != fnARN) {
		c := prev.Clone()
		old = &c
	}
	// A bucket this plan creates has no configuration yet.
	cur := &s3.GetBucketNotificationConfigurationOutput{}
	if !pl.creates(on) {
		var err error
		cur, err = x.c.S3.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String(bucket)})
		if err != nil {
			return nil, fmt.Errorf("s3:GetBucketNotificationConfiguration %s: %w", bucket, err)
		}
	}
	n := 0
	current := false
	for _, c := range cur.LambdaFunctionConfigurations {
		if deref(c.LambdaFunctionArn) == fnARN {
			n++
			current = sameS3Config(c, want)
		}
	}
	current = current && n == 1
	missing, err := x.missingPermissions(ctx, perm)
	if err != nil {
		return nil, err
	}
	var ins []Instruction
	if old != nil {
		ins = append(ins, disconnectBucketCalls(*old)...)
		ins = append(ins, act(func(ctx context.Context, x *executor) error {
			x.state.Remove(ev.ResourceName)
			return nil
		}))
	}
	ins = append(ins, permissionCalls(missing)...)
	msg := ""
	if !current {
		msg = fmt.Sprintf("Configuring S3 events in bucket %s to function %s", bucket, fnName)
		// Recorded after the put: a put whose answer was lost is found in
		// the bucket's configuration by the next deploy.
		ins = append(ins, apiCall("s3", "PutBucketNotificationConfiguration", bucket, func(ctx context.Context, x *executor) error {
			_, err := x.c.S3.PutBucketNotificationConfiguration(ctx, notificationInput(bucket, cur, fnARN, &want))
			return err
		}))
	}
	ins = append(ins, recordIn(func() state.Record { return rec }))
	return []Step{{Resource: ev.ResourceName, Message: msg, Instructions: ins}}, nil
}

// disconnectBucketCalls remove a function's notification from a bucket
// and the permission it had.
func disconnectBucketCalls(rec state.Record) []Instruction {
	bucket, fnARN := rec.Get("bucket"), rec.Get("lambda_arn")
	return []Instruction{
		apiCall("s3", "PutBucketNotificationConfiguration", bucket, func(ctx context.Context, x *executor) error {
			cur, err := x.c.S3.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String(bucket)})
			switch {
			case err != nil && (isNotFound(err) || errorCode(err) == "NoSuchBucket"):
			case err != nil:
				return err
			case slices.ContainsFunc(cur.LambdaFunctionConfigurations, func(c s3types.LambdaFunctionConfiguration) bool { return deref(c.LambdaFunctionArn) == fnARN }):
				if _, err := x.c.S3.PutBucketNotificationConfiguration(ctx, notificationInput(bucket, cur, fnARN, nil)); err != nil {
					return err
				}
			}
			return nil
		}).detailed("without %s", fnARN),
		removePermissionCall(fnARN, "s3.amazonaws.com", fmt.Sprintf("arn:%s:s3:::%s", arnParts(fnARN, arns{Partition: "aws"}).Partition, bucket)),
	}
}

// ---- log group with retention ----

// logGroupName is the record name of a function's log group.
func logGroupName(f *appgraph.Function) string { return f.ResourceName + "-log-group" }

func (pl *planner) logGroup(ctx context.Context, f *appgraph.Function) ([]Step, error) {
	x := pl.x
	group := f.LogGroupName()
	days := int32(*f.Config.LogRetentionInDays)
	rec := state.Record{Name: logGroupName(f), ResourceType: "log_group", Fields: []state.Field{{Key: "log_group_name", Value: group}}}
	out, err := x.c.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
	if err != nil {
		return nil, fmt.Errorf("logs:DescribeLogGroups %s: %w", group, err)
	}
	exists, current := false, false
	for _, g := range out.LogGroups {
		if deref(g.LogGroupName) == group {
			exists, current = true, deref(g.RetentionInDays) == days
		}
	}
	var ins []Instruction
	if !exists {
		ins = append(ins, apiCall("logs", "CreateLogGroup", group, func(ctx context.Context, x *executor) error {
			if _, err := x.c.Logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group), Tags: x.ownTags(rec.Name)}); err != nil && errorCode(err) != "ResourceAlreadyExistsException" {
				return err
			}
			return nil
		}))
	}
	// The record stands for the retention policy (what a sweep removes;
	// the group and its logs stay, as with Chalice). A group created
	// without its policy yet is found by name next time.
	if !current {
		ins = append(ins, apiCall("logs", "PutRetentionPolicy", group, func(ctx context.Context, x *executor) error {
			_, err := x.c.Logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(group), RetentionInDays: aws.Int32(days)})
			return err
		}).detailed("%d days", days))
	}
	ins = append(ins, recordIn(func() state.Record { return rec }))
	msg := ""
	if !exists {
		msg = "Creating log group: " + group
	} else if !current {
		msg = "Updating log group retention: " + group
	}
	return []Step{{Resource: rec.Name, Message: msg, Instructions: ins}}, nil
}
