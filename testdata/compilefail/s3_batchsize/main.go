// An S3 handler given a batch option.
//
// want: chalice.BatchOption does not implement chalice.S3Option (missing method applyS3)
package main

import (
	"context"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("compilefail")
	app.OnS3Event("uploads", func(ctx context.Context, ev *chalice.S3Event) error { return nil }, chalice.Name("on_upload"), chalice.BatchSize(3))
	app.Run()
}
