// Command devtable creates the web-api's users table in the local DynamoDB
// emulator AWS_ENDPOINT_URL points at (moto, started by
// scripts/serve-example). An existing table is left as it is. Without
// AWS_ENDPOINT_URL it refuses to run rather than create a table in a real
// AWS account.
//
//	devtable [-table users-dev]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/gochalice/examples/users-service/web-api/internal/usertable"
)

func main() {
	table := flag.String("table", envOr("DYNAMODB_TABLE_NAME", "users-dev"), "name of the table to create")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *table); err != nil {
		fmt.Fprintln(os.Stderr, "devtable:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, table string) error {
	if table == "" {
		return errors.New("empty table name")
	}
	endpoint := os.Getenv("AWS_ENDPOINT_URL")
	if endpoint == "" {
		return errors.New("AWS_ENDPOINT_URL is not set: devtable only creates tables in a local emulator such as moto")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("loading AWS config: %w", err)
	}
	err = usertable.Create(ctx, dynamodb.NewFromConfig(cfg), table)
	switch {
	case errors.Is(err, usertable.ErrExists):
		fmt.Printf("devtable: table %s already exists in %s\n", table, endpoint)
	case err != nil:
		return err
	default:
		fmt.Printf("devtable: created table %s in %s\n", table, endpoint)
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
