package policygen

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// libraryRoot is the gochalice checkout this test file is in.
func libraryRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// freshApp writes an app module using this checkout of gochalice through a
// replace directive, with a go.mod that requires gochalice only and no
// go.sum: what `gochalice new-project` writes before go mod tidy, and what
// an app looks like after the user adds an import. The directory is a
// temporary one (a go.mod under testdata/ would be vetted as part of the
// repository's module).
func freshApp(t *testing.T, main string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "fresh")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod := "module example.com/fresh\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\n" +
		"replace github.com/gochalice/chalice => " + libraryRoot(t) + "\n"
	for name, content := range map[string]string{"go.mod": gomod, "main.go": main} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tasksApp enqueues web tasks on a queue whose client web builds itself
// (WithAWSConfig): the SQS calls happen inside the web package only.
const tasksApp = `package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/web"
)

func main() {
	app := chalice.New("fresh")
	cfg, _ := config.LoadDefaultConfig(context.Background())
	tasks := web.NewTasks(app, "jobs.fifo", web.WithAWSConfig(cfg))
	tasks.Register("resize", func(ctx context.Context, payload json.RawMessage) error { return nil })
	app.Post("/jobs", func(ctx context.Context, r *chalice.Request) (any, error) {
		return tasks.Enqueue(ctx, "resize", r.RawBody)
	})
	app.Run()
}
`

// TestAnalyzeWebTasks: an app enqueuing web tasks gets the SQS actions
// web.Tasks.Enqueue needs, and Analyze works on an app whose go.mod lacks
// its requirements (before go mod tidy).
func TestAnalyzeWebTasks(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks an app that uses gochalice")
	}
	dir := freshApp(t, tasksApp)
	got, err := Analyze(context.Background(), dir)
	if err != nil {
		t.Fatalf("Analyze of an app before go mod tidy: %v", err)
	}
	want := []string{"sqs:GetQueueUrl", "sqs:SendMessage"}
	if !slices.Equal(got, want) {
		t.Errorf("Analyze = %q, want %q", got, want)
	}
}

// TestWebTasksActions keeps the highLevel entry for web.Tasks.Enqueue in
// step with web/tasks.go: analysed from source, the web package's SDK
// calls are exactly the entry's actions.
func TestWebTasksActions(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the web package")
	}
	got, err := Analyze(context.Background(), filepath.Join(libraryRoot(t), "web"))
	if err != nil {
		t.Fatal(err)
	}
	want := highLevel["github.com/gochalice/chalice/web.Tasks.Enqueue"]
	if !slices.Equal(got, want) {
		t.Errorf("the web package calls %q, but highLevel lists %q for Tasks.Enqueue: update actions.go", got, want)
	}
}
