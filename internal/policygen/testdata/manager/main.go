// The s3 transfer manager: NewUploader/NewDownloader take the client as an
// interface declared in the SDK, and Upload/Download are high-level calls.
package main

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func main() {
	ctx := context.Background()
	cfg, _ := config.LoadDefaultConfig(ctx)
	client := s3.NewFromConfig(cfg)
	up := manager.NewUploader(client)
	_, _ = up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: strings.NewReader("x")})
	down := manager.NewDownloader(client)
	_, _ = down.Download(ctx, manager.NewWriteAtBuffer(nil), &s3.GetObjectInput{})
}
