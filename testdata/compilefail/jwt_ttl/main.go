// A JWT authorizer (validated by API Gateway, no Lambda) given a Lambda
// authorizer's TTL.
//
// want: chalice.LambdaAuthorizerOption does not implement chalice.JWTAuthorizerOption (missing method applyJWT)
package main

import (
	"github.com/gochalice/chalice"
)

func main() {
	_ = chalice.NewJWTAuthorizer("users", "https://idp.example.com", []string{"client"}, chalice.TTL(60))
}
