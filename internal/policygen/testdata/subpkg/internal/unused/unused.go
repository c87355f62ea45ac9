// Package unused is in the module but not imported by main: not analysed.
package unused

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func Drop(ctx context.Context, c *dynamodb.Client) {
	_, _ = c.DeleteTable(ctx, &dynamodb.DeleteTableInput{})
}
