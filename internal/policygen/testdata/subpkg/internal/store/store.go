package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"example.com/x/internal/store/queue"
)

type Store struct {
	db *dynamodb.Client
	q  *queue.Queue
}

func New(cfg aws.Config) *Store {
	return &Store{db: dynamodb.NewFromConfig(cfg), q: queue.New(sqs.NewFromConfig(cfg))}
}

func (s *Store) Save(ctx context.Context, id string) error {
	if _, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{}); err != nil {
		return err
	}
	return s.q.Notify(ctx, id)
}
