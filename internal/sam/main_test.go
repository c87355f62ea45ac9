package sam

import (
	"os"
	"testing"

	"github.com/gochalice/chalice/config"
)

// TestMain pins the version in the aws-chalice tag so golden files do not
// change with every release.
func TestMain(m *testing.M) {
	config.Version = "0.0.0-dev"
	os.Exit(m.Run())
}
