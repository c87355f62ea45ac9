// Direct calls on a *dynamodb.Client in package main. config.LoadDefaultConfig
// makes STS/SSO calls inside the SDK: those must not be reported.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

var db *dynamodb.Client

func get(ctx context.Context, id string) error {
	_, err := db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String("t"),
		Key:       map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}},
	})
	return err
}

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	db = dynamodb.NewFromConfig(cfg)
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t")}); err != nil {
		log.Fatal(err)
	}
	// Twice: de-duplicated.
	_ = get(ctx, "a")
	_ = get(ctx, "b")
	func() {
		_, _ = dynamodb.NewFromConfig(cfg).DeleteItem(ctx, &dynamodb.DeleteItemInput{})
	}()
	// Options is a Client method but not an API operation.
	_ = db.Options()
}
