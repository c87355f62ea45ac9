// S3 operations whose IAM action is not the operation name, and a presign
// client (the URL is signed with the function's credentials).
package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func main() {
	ctx := context.Background()
	c := s3.New(s3.Options{})
	_, _ = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{})
	_, _ = c.HeadObject(ctx, &s3.HeadObjectInput{})
	_, _ = c.HeadBucket(ctx, &s3.HeadBucketInput{})
	_, _ = c.CopyObject(ctx, &s3.CopyObjectInput{})
	_, _ = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{})
	_, _ = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{})
	_, _ = c.ListBuckets(ctx, &s3.ListBucketsInput{})
	ps := s3.NewPresignClient(c)
	_, _ = ps.PresignPutObject(ctx, &s3.PutObjectInput{})
}
