// Uses the SDK core but never calls a service client.
package main

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func main() {
	fmt.Println(aws.ToString(aws.String("hello")))
}
