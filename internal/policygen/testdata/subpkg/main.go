// The SDK calls live in an internal package of the app's own module.
package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/config"

	"example.com/x/internal/store"
)

func main() {
	ctx := context.Background()
	cfg, _ := config.LoadDefaultConfig(ctx)
	s := store.New(cfg)
	_ = s.Save(ctx, "id")
}
