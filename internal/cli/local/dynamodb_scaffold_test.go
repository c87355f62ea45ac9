package local

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/newproject"
)

// TestScaffoldedDynamoDBOwnTests: the tests the dynamodb scaffold ships
// with (CRUD through chalicetest on a moto server, validation, the stream
// handler) pass in a fresh project. The project's own moto tests skip
// without moto, so this test requires it to be available.
func TestScaffoldedDynamoDBOwnTests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a project")
	}
	if err := moto.Available(); err != nil {
		t.Skip(err)
	}
	parent := t.TempDir()
	if err := newproject.Run(context.Background(), &newproject.Options{IO: cli.IO{Out: io.Discard, ErrOut: io.Discard}, Dir: parent, Name: "shop", ProjectType: "dynamodb"}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-count=1", "-v", "./...")
	cmd.Dir = filepath.Join(parent, "shop")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", moto.RequireToolsEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in the scaffolded project: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
