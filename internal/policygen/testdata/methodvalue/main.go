// Method values, method expressions and methods promoted through embedding.
package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

type wrapped struct {
	*sns.Client
}

func run(ctx context.Context, f func(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)) {
	_, _ = f(ctx, &dynamodb.QueryInput{})
}

func main() {
	ctx := context.Background()
	db := dynamodb.New(dynamodb.Options{Region: "us-east-1"})
	get := db.GetItem // method value
	_, _ = get(ctx, &dynamodb.GetItemInput{})
	run(ctx, db.Query)              // method value passed as a func
	scan := (*dynamodb.Client).Scan // method expression
	_, _ = scan(db, ctx, &dynamodb.ScanInput{})
	w := wrapped{sns.New(sns.Options{Region: aws.ToString(nil)})}
	_, _ = w.Publish(ctx, &sns.PublishInput{}) // promoted method
}
