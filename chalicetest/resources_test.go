package chalicetest_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
	"github.com/gochalice/chalice/chalicetest/moto"
)

// TestDeclaredTableOnMoto: a route writes to a declared table and
// another reads it back, through the SDK, against the table chalicetest
// created on a moto server; the handle names the table.
func TestDeclaredTableOnMoto(t *testing.T) {
	srv := moto.Start(t)
	app := chalice.New("notes")
	notes := app.Table("notes", chalice.StringKey("id"))
	client := func(ctx context.Context) (*dynamodb.Client, error) {
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, err
		}
		return dynamodb.NewFromConfig(cfg), nil
	}
	type note struct {
		ID   string `path:"id"`
		Body struct {
			Text string `json:"text" validate:"required"`
		}
	}
	type saved struct {
		Table string `json:"table"`
		Text  string `json:"text"`
	}
	chalice.Put(app, "/notes/{id}", func(ctx context.Context, in *note) (*saved, error) {
		db, err := client(ctx)
		if err != nil {
			return nil, err
		}
		_, err = db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(notes.Name()), Item: map[string]ddbtypes.AttributeValue{
			"id": &ddbtypes.AttributeValueMemberS{Value: in.ID}, "text": &ddbtypes.AttributeValueMemberS{Value: in.Body.Text}}})
		if err != nil {
			return nil, err
		}
		return &saved{Table: notes.Name(), Text: in.Body.Text}, nil
	}, chalice.Name("putNote"), chalice.Uses(notes, chalice.Write))
	type key struct {
		ID string `path:"id"`
	}
	chalice.Get(app, "/notes/{id}", func(ctx context.Context, in *key) (*saved, error) {
		db, err := client(ctx)
		if err != nil {
			return nil, err
		}
		out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(notes.Name()),
			Key: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: in.ID}}})
		if err != nil {
			return nil, err
		}
		if out.Item == nil {
			return nil, chalice.NotFoundError("no note %s", in.ID)
		}
		return &saved{Table: notes.Name(), Text: out.Item["text"].(*ddbtypes.AttributeValueMemberS).Value}, nil
	}, chalice.Name("getNote"), chalice.Uses(notes, chalice.Read))

	c := chalicetest.New(t, app, chalicetest.AWSEndpoint(srv.Endpoint), chalicetest.ProjectDir(t.TempDir()))
	if res := c.Put("/notes/a", chalicetest.WithJSON(map[string]string{"text": "hello"})); res.StatusCode != 200 {
		t.Fatalf("PUT = %d %s", res.StatusCode, res.Body)
	}
	res := c.Get("/notes/a")
	var got saved
	if err := res.JSON(&got); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET = %d %s (%v)", res.StatusCode, res.Body, err)
	}
	if got.Text != "hello" || got.Table != "notes-dev-notes" {
		t.Errorf("GET = %+v, want the note from table notes-dev-notes", got)
	}
	if res := c.Get("/notes/b"); res.StatusCode != 404 {
		t.Errorf("GET missing = %d %s", res.StatusCode, res.Body)
	}
}
