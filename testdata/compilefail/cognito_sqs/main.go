// A Cognito user pool authorizer given an SQS option.
//
// want: chalice.SQSOption does not implement chalice.CognitoAuthorizerOption (missing method applyCognito)
package main

import (
	"github.com/gochalice/chalice"
)

func main() {
	pool := chalice.NewCognitoUserPoolAuthorizer("users",
		[]string{"arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_x"},
		chalice.QueueARN("arn:aws:sqs:us-west-2:123456789012:q"))
	_ = pool
}
