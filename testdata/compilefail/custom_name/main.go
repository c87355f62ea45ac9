// A custom authorizer, named by its first argument, given Name.
//
// want: chalice.NameOption does not implement chalice.CustomAuthorizerOption (missing method applyCustom)
package main

import (
	"github.com/gochalice/chalice"
)

func main() {
	_ = chalice.NewCustomAuthorizer("partner", "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:auth/invocations",
		chalice.Name("other"))
}
