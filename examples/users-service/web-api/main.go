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
// The routes are typed: each handler takes its request as a Go struct and
// returns a Go value, so a request that does not fit (a missing username,
// a number where a string belongs, an attribute the service does not
// know) is answered 400 naming the field before the handler runs, and
// the API description gochalice generates comes from the same types.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

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
	chalice.Post(app, "/users", u.createUser)
	chalice.Get(app, "/users/{username}", u.getUser)
	chalice.Put(app, "/users/{username}", u.updateUser)
	chalice.Delete(app, "/users/{username}", u.deleteUser)
	return app
}

// Attributes are what the service keeps of a user besides the username.
// Each is optional; an empty one is not stored.
type Attributes struct {
	Email string `json:"email,omitempty" validate:"omitempty,email,max=254" doc:"the user's email address"`
	Name  string `json:"name,omitempty" validate:"max=128" doc:"the user's display name"`
	Team  string `json:"team,omitempty" validate:"max=64" doc:"the team the user belongs to"`
}

// User is a user: the username (the table's partition key) and the
// attributes.
type User struct {
	Attributes
	Username string `json:"username" validate:"required,max=64,pattern=^[A-Za-z0-9._-]+$" doc:"the login name, unique"`
}

// UserUpdate is the body of PUT /users/{username}: the user's new
// attributes. A username, if given, must be the one in the path.
type UserUpdate struct {
	Attributes
	Username string `json:"username,omitempty" doc:"if given, the username of the path"`
}

// CreateUserIn is the request of POST /users: a body is required.
type CreateUserIn struct {
	Body User `validate:"required"`
}

// UserPath names a user in the path: GET and DELETE /users/{username}.
type UserPath struct {
	Username string `path:"username" validate:"max=64,pattern=^[A-Za-z0-9._-]+$"`
}

// UpdateUserIn is the request of PUT /users/{username}.
type UpdateUserIn struct {
	UserPath
	Body UserUpdate
}

// CreatedUser is the answer to POST /users: the user, with status 201 and
// its Location.
type CreatedUser struct{ User }

// StatusCode implements chalice.StatusCoder.
func (CreatedUser) StatusCode() int { return http.StatusCreated }

// ResponseHeaders implements chalice.ResponseHeaderer.
func (c CreatedUser) ResponseHeaders() map[string]string {
	return map[string]string{"Location": "/users/" + c.Username}
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

// item is the user as a DynamoDB item: the username and the attributes
// that are set.
func (usr *User) item() map[string]types.AttributeValue {
	item := map[string]types.AttributeValue{keyAttr: &types.AttributeValueMemberS{Value: usr.Username}}
	for name, v := range map[string]string{"email": usr.Email, "name": usr.Name, "team": usr.Team} {
		if v != "" {
			item[name] = &types.AttributeValueMemberS{Value: v}
		}
	}
	return item
}

// userFromItem reads a user from a DynamoDB item. Attributes the service
// does not know are an error: the table holds only what it wrote.
func userFromItem(item map[string]types.AttributeValue) (*User, error) {
	usr := &User{}
	fields := map[string]*string{keyAttr: &usr.Username, "email": &usr.Email, "name": &usr.Name, "team": &usr.Team}
	for k, v := range item {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			return nil, fmt.Errorf("attribute %s is a %T, want a string", k, v)
		}
		f, ok := fields[k]
		if !ok {
			return nil, fmt.Errorf("attribute %s is not one the service knows (%s, email, name, team)", k, keyAttr)
		}
		*f = s.Value
	}
	return usr, nil
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
func (u *users) createUser(ctx context.Context, in *CreateUserIn) (*CreatedUser, error) {
	if err := u.ready(); err != nil {
		return nil, err
	}
	usr := &in.Body
	_, err := u.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                aws.String(u.table),
		Item:                     usr.item(),
		ConditionExpression:      aws.String("attribute_not_exists(#key)"),
		ExpressionAttributeNames: keyName,
	})
	if isConditionFailed(err) {
		return nil, chalice.ConflictError("user %s already exists", usr.Username)
	}
	if err != nil {
		return nil, fmt.Errorf("creating user %s in table %s: %w", usr.Username, u.table, err)
	}
	return &CreatedUser{*usr}, nil
}

// getUser is GET /users/{username}.
func (u *users) getUser(ctx context.Context, in *UserPath) (*User, error) {
	if err := u.ready(); err != nil {
		return nil, err
	}
	out, err := u.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(u.table),
		Key:            u.key(in.Username),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("reading user %s from table %s: %w", in.Username, u.table, err)
	}
	if out.Item == nil {
		return nil, chalice.NotFoundError("user %s not found", in.Username)
	}
	usr, err := userFromItem(out.Item)
	if err != nil {
		return nil, fmt.Errorf("reading user %s from table %s: %w", in.Username, u.table, err)
	}
	return usr, nil
}

// updateUser is PUT /users/{username}: the body replaces every attribute
// of the user. A username in the body must be the one in the path.
func (u *users) updateUser(ctx context.Context, in *UpdateUserIn) (*User, error) {
	if err := u.ready(); err != nil {
		return nil, err
	}
	name := in.Username
	if body := in.Body.Username; body != "" && body != name {
		return nil, chalice.BadRequestError("%s %q in the body does not match %q in the path", keyAttr, body, name)
	}
	usr := &User{Attributes: in.Body.Attributes, Username: name}
	_, err := u.db.PutItem(ctx, &dynamodb.PutItemInput{
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
func (u *users) deleteUser(ctx context.Context, in *UserPath) (*chalice.NoContent, error) {
	if err := u.ready(); err != nil {
		return nil, err
	}
	_, err := u.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                aws.String(u.table),
		Key:                      u.key(in.Username),
		ConditionExpression:      aws.String("attribute_exists(#key)"),
		ExpressionAttributeNames: keyName,
	})
	if isConditionFailed(err) {
		return nil, chalice.NotFoundError("user %s not found", in.Username)
	}
	if err != nil {
		return nil, fmt.Errorf("deleting user %s from table %s: %w", in.Username, u.table, err)
	}
	return nil, nil
}
