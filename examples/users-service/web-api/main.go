// Command web-api is the users service of the AWS blog post "Deploying AWS
// Chalice application using AWS Cloud Development Kit", written with
// gochalice: a REST API on API Gateway and Lambda that keeps users in a
// DynamoDB table whose name comes from DYNAMODB_TABLE_NAME.
//
//	POST   /users             create a user (201, 409 if it exists)
//	GET    /users/{username}  read a user (404 if missing)
//	PUT    /users/{username}  replace a user's attributes (404 if missing)
//	DELETE /users/{username}  delete a user (204, 404 if missing)
//
// A user is a JSON object of string attributes with a non-empty "username".
package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/gochalice/chalice"
)

// TableEnvVar names the environment variable holding the users table name.
const TableEnvVar = "DYNAMODB_TABLE_NAME"

const keyAttr = "username"

func main() {
	newApp(usersFromEnv(context.Background())).Run()
}

// newApp registers the users API on a new app.
func newApp(u *users, opts ...chalice.AppOption) *chalice.App {
	app := chalice.New("web-api", opts...)
	app.Post("/users", u.createUser)
	app.Get("/users/{username}", u.getUser)
	app.Put("/users/{username}", u.updateUser)
	app.Delete("/users/{username}", u.deleteUser)
	return app
}

// users serves the API from one DynamoDB table.
type users struct {
	db    *dynamodb.Client
	table string
	// err, when set, is why the service cannot work (no table name, no
	// AWS config); every request answers 500 and logs it.
	err error
}

// usersFromEnv builds the service from the process environment. It never
// fails: the app must start (and print its manifest) without AWS settings,
// so a problem is kept and reported by each request instead.
func usersFromEnv(ctx context.Context) *users {
	u := &users{table: os.Getenv(TableEnvVar)}
	if u.table == "" {
		u.err = fmt.Errorf("environment variable %s is not set: the users table is unknown", TableEnvVar)
		return u
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		u.err = fmt.Errorf("loading AWS config: %w", err)
		return u
	}
	u.db = dynamodb.NewFromConfig(cfg)
	return u
}

// ready returns the configuration problem, if any. It is an ordinary error,
// so the app logs it and answers the generic 500.
func (u *users) ready() error {
	switch {
	case u.err != nil:
		return u.err
	case u.table == "":
		return fmt.Errorf("environment variable %s is not set: the users table is unknown", TableEnvVar)
	case u.db == nil:
		return errors.New("no DynamoDB client configured")
	}
	return nil
}

// user is a user's attributes, all strings, including "username".
type user map[string]string

// decodeUser reads a user from the request body: a JSON object whose
// values are all strings.
func decodeUser(req *chalice.Request) (user, error) {
	var body map[string]any
	if err := req.DecodeJSON(&body); err != nil {
		return nil, err
	}
	u := make(user, len(body))
	for _, k := range slices.Sorted(maps.Keys(body)) { // report the first problem deterministically
		if k == "" {
			return nil, chalice.BadRequestError("attribute names must not be empty")
		}
		s, ok := body[k].(string)
		if !ok {
			return nil, chalice.BadRequestError("attribute %s must be a string", k)
		}
		u[k] = s
	}
	return u, nil
}

func (u user) item() map[string]types.AttributeValue {
	item := make(map[string]types.AttributeValue, len(u))
	for k, v := range u {
		item[k] = &types.AttributeValueMemberS{Value: v}
	}
	return item
}

func userFromItem(item map[string]types.AttributeValue) (user, error) {
	u := make(user, len(item))
	for k, v := range item {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			return nil, fmt.Errorf("attribute %s is a %T, want a string", k, v)
		}
		u[k] = s.Value
	}
	return u, nil
}

// keyName lets condition expressions name the key without clashing with
// DynamoDB's reserved words.
var keyName = map[string]string{"#key": keyAttr}

func (u *users) key(username string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{keyAttr: &types.AttributeValueMemberS{Value: username}}
}

func isConditionFailed(err error) bool {
	_, ok := errors.AsType[*types.ConditionalCheckFailedException](err)
	return ok
}

// createUser is POST /users.
func (u *users) createUser(ctx context.Context, req *chalice.Request) (any, error) {
	if err := u.ready(); err != nil {
		return nil, err
	}
	usr, err := decodeUser(req)
	if err != nil {
		return nil, err
	}
	name := usr[keyAttr]
	if name == "" {
		return nil, chalice.BadRequestError("%s is required", keyAttr)
	}
	_, err = u.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                aws.String(u.table),
		Item:                     usr.item(),
		ConditionExpression:      aws.String("attribute_not_exists(#key)"),
		ExpressionAttributeNames: keyName,
	})
	if isConditionFailed(err) {
		return nil, chalice.ConflictError("user %s already exists", name)
	}
	if err != nil {
		return nil, fmt.Errorf("creating user %s in table %s: %w", name, u.table, err)
	}
	return chalice.NewResponse(http.StatusCreated, usr), nil
}

// getUser is GET /users/{username}.
func (u *users) getUser(ctx context.Context, req *chalice.Request) (any, error) {
	if err := u.ready(); err != nil {
		return nil, err
	}
	name := req.URIParams[keyAttr]
	out, err := u.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(u.table),
		Key:            u.key(name),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("reading user %s from table %s: %w", name, u.table, err)
	}
	if out.Item == nil {
		return nil, chalice.NotFoundError("user %s not found", name)
	}
	usr, err := userFromItem(out.Item)
	if err != nil {
		return nil, fmt.Errorf("reading user %s from table %s: %w", name, u.table, err)
	}
	return usr, nil
}

// updateUser is PUT /users/{username}: the body replaces every attribute
// of the user. A username in the body must be the one in the path.
func (u *users) updateUser(ctx context.Context, req *chalice.Request) (any, error) {
	if err := u.ready(); err != nil {
		return nil, err
	}
	name := req.URIParams[keyAttr]
	usr, err := decodeUser(req)
	if err != nil {
		return nil, err
	}
	if body, ok := usr[keyAttr]; ok && body != name {
		return nil, chalice.BadRequestError("%s %q in the body does not match %q in the path", keyAttr, body, name)
	}
	usr[keyAttr] = name
	_, err = u.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                aws.String(u.table),
		Item:                     usr.item(),
		ConditionExpression:      aws.String("attribute_exists(#key)"),
		ExpressionAttributeNames: keyName,
	})
	if isConditionFailed(err) {
		return nil, chalice.NotFoundError("user %s not found", name)
	}
	if err != nil {
		return nil, fmt.Errorf("updating user %s in table %s: %w", name, u.table, err)
	}
	return usr, nil
}

// deleteUser is DELETE /users/{username}; it answers 204 with no body.
func (u *users) deleteUser(ctx context.Context, req *chalice.Request) (any, error) {
	if err := u.ready(); err != nil {
		return nil, err
	}
	name := req.URIParams[keyAttr]
	_, err := u.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                aws.String(u.table),
		Key:                      u.key(name),
		ConditionExpression:      aws.String("attribute_exists(#key)"),
		ExpressionAttributeNames: keyName,
	})
	if isConditionFailed(err) {
		return nil, chalice.NotFoundError("user %s not found", name)
	}
	if err != nil {
		return nil, fmt.Errorf("deleting user %s from table %s: %w", name, u.table, err)
	}
	return chalice.NewResponse(http.StatusNoContent, ""), nil
}
