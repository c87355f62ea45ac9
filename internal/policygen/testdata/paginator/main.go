// Paginators and waiters call the operation inside the SDK.
package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func main() {
	ctx := context.Background()
	db := dynamodb.New(dynamodb.Options{})
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{})
	for p.HasMorePages() {
		if _, err := p.NextPage(ctx); err != nil {
			break
		}
	}
	w := s3.NewObjectExistsWaiter(s3.New(s3.Options{}))
	_ = w.Wait(ctx, &s3.HeadObjectInput{}, time.Minute)
}
