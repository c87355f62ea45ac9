// A slice of route options holding a Kinesis/DynamoDB option.
//
// want: chalice.StreamOption does not implement chalice.RouteOption (missing method applyRoute)
package main

import (
	"github.com/gochalice/chalice"
)

func main() {
	opts := []chalice.RouteOption{chalice.Name("index"), chalice.StartingPosition("LATEST")}
	_ = opts
}
