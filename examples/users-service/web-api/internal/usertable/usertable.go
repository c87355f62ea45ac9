// Package usertable creates the users table the web-api expects: partition
// key "username" (a string), on-demand billing. The deployed table is made
// by the infrastructure code (CDK in the original blog post); this is for
// tests and local development against moto.
package usertable

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// KeyAttribute is the table's partition key.
const KeyAttribute = "username"

// ErrExists is returned (wrapped) by Create when the table already exists.
var ErrExists = errors.New("table already exists")

// Create creates the table and waits until it is active.
func Create(ctx context.Context, db *dynamodb.Client, name string) error {
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(KeyAttribute), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(KeyAttribute), KeyType: types.KeyTypeHash},
		},
		BillingMode: types.BillingModePayPerRequest,
	})
	if _, ok := errors.AsType[*types.ResourceInUseException](err); ok {
		return fmt.Errorf("creating table %s: %w", name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("creating table %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 30*time.Second); err != nil {
		return fmt.Errorf("waiting for table %s to become active: %w", name, err)
	}
	return nil
}
