// Command lambdaddb is the size baseline for the users service: a bare
// aws-lambda-go handler using the same AWS SDK clients (config + DynamoDB).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		panic(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	lambda.Start(func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		out, err := db.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(os.Getenv("DYNAMODB_TABLE_NAME")),
			Key:       map[string]types.AttributeValue{"username": &types.AttributeValueMemberS{Value: req.PathParameters["username"]}},
		})
		if err != nil || out.Item == nil {
			return events.APIGatewayProxyResponse{StatusCode: 404}, nil
		}
		return events.APIGatewayProxyResponse{StatusCode: 200, Body: "{}"}, nil
	})
}
