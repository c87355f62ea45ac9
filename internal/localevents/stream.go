package localevents

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/gochalice/chalice/manifest"
)

// Lambda's defaults for a DynamoDB stream event source mapping, and how
// often an idle shard is read again.
const (
	defaultStreamBatch = 100
	streamPoll         = 250 * time.Millisecond
	streamAttempts     = 3 // a failing batch is retried, then skipped (locally)
)

// streamPoller is Lambda's DynamoDB stream event source mapping for one
// source: it reads every shard of the table's stream from where the
// source starts (LATEST by default: what changes after local starts) and
// invokes the function with batches of records, in order. A batch the
// function fails is tried again, then skipped with an error in the log
// (Lambda retries until the records expire; a local run should not stall).
type streamPoller struct {
	*env
	src       *manifest.EventSource
	streamARN string
	client    *dynamodbstreams.Client
	iterators map[string]*string // shard id -> next iterator
	known     map[string]bool    // shards given an iterator
}

func (p *streamPoller) run(ctx context.Context) {
	iterators, known := p.iterators, p.known
	for ctx.Err() == nil {
		if err := p.discover(ctx, iterators, known); err != nil {
			if isCancel(ctx, err) {
				return
			}
			p.o.Log.Warn("reading the table's stream", "table", p.src.Resource, "reason", err.Error())
			sleep(ctx, backoff)
			continue
		}
		idle := true
		for shard, it := range iterators {
			if it == nil {
				delete(iterators, shard) // a closed shard, read to its end
				continue
			}
			out, err := p.client.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(int32(p.batchSize()))})
			if err != nil {
				if isCancel(ctx, err) {
					return
				}
				p.o.Log.Warn("reading the table's stream", "table", p.src.Resource, "shard", shard, "reason", err.Error())
				delete(iterators, shard)
				delete(known, shard) // get a new iterator on the next round
				continue
			}
			iterators[shard] = out.NextShardIterator
			if len(out.Records) > 0 {
				idle = false
				p.handle(out.Records)
			}
		}
		if idle && !sleep(ctx, streamPoll) {
			return
		}
	}
}

func (p *streamPoller) batchSize() int {
	if p.src.BatchSize > 0 {
		return min(p.src.BatchSize, 1000)
	}
	return defaultStreamBatch
}

// discover gives every shard not seen yet an iterator at the source's
// starting position.
func (p *streamPoller) discover(ctx context.Context, iterators map[string]*string, known map[string]bool) error {
	desc, err := p.client.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(p.streamARN)})
	if err != nil {
		return err
	}
	pos := types.ShardIteratorTypeLatest
	if p.src.StartingPosition == "TRIM_HORIZON" {
		pos = types.ShardIteratorTypeTrimHorizon
	}
	for _, sh := range desc.StreamDescription.Shards {
		id := aws.ToString(sh.ShardId)
		if known[id] {
			continue
		}
		it, err := p.client.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(p.streamARN),
			ShardId: sh.ShardId, ShardIteratorType: pos})
		if err != nil {
			return err
		}
		known[id] = true
		iterators[id] = it.ShardIterator
	}
	return nil
}

func (p *streamPoller) handle(records []types.Record) {
	payload, err := json.Marshal(StreamEvent(records, p.streamARN, p.o.AWS.Region))
	if err != nil {
		p.o.Log.Error("encoding DynamoDB event", "reason", err.Error())
		return
	}
	for attempt := 1; attempt <= streamAttempts; attempt++ {
		out, err := p.invoke(p.src, "table "+p.src.Resource, payload)
		if err == nil {
			ids := make([]string, len(records))
			for i, r := range records {
				ids[i] = aws.ToString(r.Dynamodb.SequenceNumber)
			}
			handled, herr := Handled(ids, out, p.src.ReportBatchItemFailures)
			if herr == nil && len(handled) == len(ids) {
				return
			}
		}
		if p.invokeCtx.Err() != nil {
			return
		}
	}
	p.o.Log.Error("stream batch skipped after failing", "function", p.src.Function, "table", p.src.Resource,
		"records", len(records), "attempts", streamAttempts)
}

// StreamEvent is the event Lambda sends for records of the stream
// streamARN in region (Lambda's DynamoDB event: DynamoDB JSON images).
func StreamEvent(records []types.Record, streamARN, region string) map[string]any {
	out := make([]any, 0, len(records))
	for _, r := range records {
		d := map[string]any{"SequenceNumber": aws.ToString(r.Dynamodb.SequenceNumber), "SizeBytes": aws.ToInt64(r.Dynamodb.SizeBytes),
			"StreamViewType": string(r.Dynamodb.StreamViewType)}
		if t := r.Dynamodb.ApproximateCreationDateTime; t != nil {
			d["ApproximateCreationDateTime"] = t.Unix()
		}
		for name, img := range map[string]map[string]types.AttributeValue{"Keys": r.Dynamodb.Keys,
			"NewImage": r.Dynamodb.NewImage, "OldImage": r.Dynamodb.OldImage} {
			if img != nil {
				d[name] = itemJSON(img)
			}
		}
		out = append(out, map[string]any{"eventID": aws.ToString(r.EventID), "eventName": string(r.EventName),
			"eventVersion": aws.ToString(r.EventVersion), "eventSource": "aws:dynamodb", "awsRegion": region,
			"dynamodb": d, "eventSourceARN": streamARN})
	}
	return map[string]any{"Records": out}
}

func itemJSON(item map[string]types.AttributeValue) map[string]any {
	m := make(map[string]any, len(item))
	for k, v := range item {
		m[k] = attrJSON(v)
	}
	return m
}

// attrJSON is an attribute value in DynamoDB JSON ({"S": "x"}, ...).
func attrJSON(v types.AttributeValue) map[string]any {
	b64 := base64.StdEncoding.EncodeToString
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": b64(v.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": v.Value}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}
	case *types.AttributeValueMemberBS:
		l := make([]string, len(v.Value))
		for i, b := range v.Value {
			l[i] = b64(b)
		}
		return map[string]any{"BS": l}
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = attrJSON(e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": itemJSON(v.Value)}
	}
	return map[string]any{"NULL": true}
}

// streamSource makes the poller of a source on a declared table's
// stream, its shards' iterators already taken: a change made once Start
// has returned reaches the function even from LATEST.
func (e *env) streamSource(ctx context.Context, src *manifest.EventSource, streamARN string) (*streamPoller, error) {
	if streamARN == "" {
		return nil, fmt.Errorf("table %s has no stream ARN (declare it with chalice.Stream(...))", src.Resource)
	}
	p := &streamPoller{env: e, src: src, streamARN: streamARN, client: dynamodbstreams.NewFromConfig(e.o.AWS),
		iterators: map[string]*string{}, known: map[string]bool{}}
	if err := p.discover(ctx, p.iterators, p.known); err != nil {
		return nil, fmt.Errorf("reading the stream of table %s: %w", src.Resource, err)
	}
	return p, nil
}
