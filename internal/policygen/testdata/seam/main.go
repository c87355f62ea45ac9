// A test seam: handlers see a small interface that *dynamodb.Client
// satisfies; the client is assigned to it in several ways.
package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

type itemAPI interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	// Never called: not reported.
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// getter is a narrower view of the same client.
type getter interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
}

type invoker interface {
	Invoke(context.Context, *lambda.InvokeInput, ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

type server struct {
	db  itemAPI
	fns invoker
}

// fake implements itemAPI for tests; its methods do nothing.
type fake struct{}

func (fake) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return nil, nil
}
func (fake) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return nil, nil
}
func (fake) DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return nil, nil
}

func newServer(db itemAPI) *server { return &server{db: db} }

func (s *server) handle(ctx context.Context) {
	_, _ = s.db.PutItem(ctx, &dynamodb.PutItemInput{})
	var g getter = s.db
	_, _ = g.GetItem(ctx, &dynamodb.GetItemInput{})
	_, _ = s.fns.Invoke(ctx, &lambda.InvokeInput{})
}

// querier is satisfied by *dynamodb.Client through generic instantiation.
type querier interface {
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

func query[Q querier](ctx context.Context, q Q) {
	_, _ = q.Query(ctx, &dynamodb.QueryInput{})
}

// table embeds the client; converting a table to describer makes the
// promoted DescribeTable reachable through the interface.
type table struct {
	*dynamodb.Client
	name string
}

type describer interface {
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

func describers() []describer {
	return []describer{table{Client: dynamodb.New(dynamodb.Options{}), name: "t"}}
}

// batcher is only ever implemented by fakeBatch, never by an SDK client:
// calling it is not an AWS call.
type batcher interface {
	BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

type fakeBatch struct{}

func (fakeBatch) BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return nil, nil
}

func extra(ctx context.Context) {
	query(ctx, dynamodb.New(dynamodb.Options{}))
	for _, d := range describers() {
		_, _ = d.DescribeTable(ctx, &dynamodb.DescribeTableInput{})
	}
	var b batcher = fakeBatch{}
	_, _ = b.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{})
}

func main() {
	ctx := context.Background()
	s := newServer(dynamodb.New(dynamodb.Options{})) // converted as a call argument
	s.fns = lambda.New(lambda.Options{})             // converted by assignment
	s.handle(ctx)
	t := newServer(fake{})
	t.handle(ctx)
	extra(ctx)
}
