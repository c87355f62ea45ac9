package localevents

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/provision"
	"github.com/gochalice/chalice/manifest"
)

// TestStreamPoller: on moto, writes to a declared table with a stream
// reach its stream handler as Lambda's DynamoDB event, in order, with
// the images in DynamoDB JSON that aws-lambda-go decodes.
func TestStreamPoller(t *testing.T) {
	srv := moto.Start(t)
	ctx := context.Background()
	awsCfg := aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(srv.Endpoint), Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
	m := &manifest.Manifest{App: "st", Resources: []manifest.Resource{{Kind: manifest.ResourceTable, Name: "items", EnvPrefix: "GOCHALICE_TABLE_ITEMS",
		Table: &manifest.TableSpec{PartitionKey: manifest.KeyAttribute{Name: "id", Type: "S"}, BillingMode: "PAY_PER_REQUEST", StreamView: "NEW_AND_OLD_IMAGES"}}},
		Functions:    []manifest.Function{{Name: "audit", Handler: "audit", Kind: manifest.KindEvent}},
		EventSources: []manifest.EventSource{{Type: manifest.SourceDynamoDB, Function: "audit", Resource: "items", BatchSize: 100, StartingPosition: "LATEST"}}}
	cfg, err := config.Parse("config.json", []byte(`{"app_name": "st"}`))
	if err != nil {
		t.Fatal(err)
	}
	model, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: "dev", DeclaredResources: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := provision.Ensure(ctx, awsCfg, model.Declared)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{got: map[string][][]byte{}, hit: make(chan string, 10)}
	r, err := Start(ctx, Options{AWS: awsCfg, Manifest: m, Resources: res, App: "st", Stage: "dev", Invoke: rec.invoke,
		Log: slog.New(slog.NewTextHandler(tWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if len(r.Sources) != 1 || len(r.Skipped) != 0 {
		t.Fatalf("sources %q, skipped %q", r.Sources, r.Skipped)
	}
	db := dynamodb.NewFromConfig(awsCfg)
	table := res.Resource("items").Values[appgraph.AttrName]
	put := func(name string) {
		cond := "attribute_not_exists(id)"
		if name != "first" {
			cond = "attribute_exists(id)"
		}
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), ConditionExpression: aws.String(cond), Item: map[string]ddbtypes.AttributeValue{
			"id": &ddbtypes.AttributeValueMemberS{Value: "a"}, "name": &ddbtypes.AttributeValueMemberS{Value: name},
			"n": &ddbtypes.AttributeValueMemberN{Value: "3"}}}); err != nil {
			t.Fatal(err)
		}
	}
	put("first")
	put("second")
	var names []string
	deadline := time.After(30 * time.Second)
	for len(names) < 2 {
		select {
		case <-rec.hit:
		case <-deadline:
			t.Fatalf("stream handler got %v, want two changes", names)
		}
		rec.mu.Lock()
		payload := rec.got["audit"][len(rec.got["audit"])-1]
		rec.mu.Unlock()
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			t.Fatalf("the event does not decode as aws-lambda-go's DynamoDBEvent: %v\n%s", err, payload)
		}
		for _, r := range ev.Records {
			if r.EventSource != "aws:dynamodb" || r.EventSourceArn != res.Resource("items").Values[appgraph.AttrStreamARN] {
				t.Errorf("record source %q %q", r.EventSource, r.EventSourceArn)
			}
			names = append(names, r.EventName+":"+r.Change.NewImage["name"].String())
		}
	}
	if names[0] != "INSERT:first" || names[1] != "MODIFY:second" {
		t.Errorf("changes = %v, want INSERT:first then MODIFY:second", names)
	}
}
