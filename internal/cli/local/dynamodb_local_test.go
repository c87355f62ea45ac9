package local

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/newproject"
)

// TestLocalDynamoDBScaffold: `new-project -t dynamodb`, then the real
// `gochalice local` with no AWS variables: local starts moto and creates
// the table, create/read/update/delete answer through it, every change
// reaches the stream handler, and after SIGINT neither the app nor moto
// is left.
func TestLocalDynamoDBScaffold(t *testing.T) {
	if testing.Short() {
		t.Skip("scaffolds and runs a project with moto")
	}
	if err := moto.Available(); err != nil {
		t.Skipf("moto: %v", err)
	}
	parent := t.TempDir()
	if err := newproject.Run(context.Background(), &newproject.Options{IO: cli.IO{Out: io.Discard, ErrOut: io.Discard}, Dir: parent, Name: "shop", ProjectType: "dynamodb"}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, "shop")
	t.Setenv("GOFLAGS", "-mod=mod")
	run := startCLI(t, dir)
	m := regexp.MustCompile(`Started moto \(AWS emulator, pid (\d+)\)`).FindStringSubmatch(run.stderr.String())
	if m == nil {
		t.Fatalf("no moto line in stderr:\n%s", run.stderr.String())
	}
	motoPid, _ := strconv.Atoi(m[1])
	defer run.stop(t, dir, motoPid)
	for _, want := range []string{"table items (shop-dev-items)", "table items stream runs logChanges"} {
		if !strings.Contains(run.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, run.stderr.String())
		}
	}

	code, body := request(t, run.base, "POST", "/items", `{"name":"lamp","quantity":2}`)
	if code != 201 {
		t.Fatalf("POST /items: %d %s\n%s", code, body, run.stderr.String())
	}
	var item struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &item); err != nil || item.ID == "" {
		t.Fatalf("POST /items answered %s", body)
	}
	path := "/items/" + item.ID
	for _, step := range []struct {
		method, path, body string
		code               int
		want               string
	}{
		{"GET", path, "", 200, `"name":"lamp"`},
		{"PUT", path, `{"name":"desk lamp","quantity":3}`, 200, `"name":"desk lamp"`},
		{"GET", "/items", "", 200, `"desk lamp"`},
		{"DELETE", path, "", 204, ""},
		{"GET", path, "", 404, "NotFoundError"},
		{"POST", "/items", `{"quantity":-1}`, 400, "body.name is required"},
	} {
		if code, body := request(t, run.base, step.method, step.path, step.body); code != step.code || !strings.Contains(body, step.want) {
			t.Errorf("%s %s: %d %s, want %d %s", step.method, step.path, code, body, step.code, step.want)
		}
	}
	for _, want := range []string{"event=INSERT", "event=MODIFY", "event=REMOVE"} {
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(run.stderr.String(), want) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if !strings.Contains(run.stderr.String(), want) {
			t.Errorf("the stream handler did not log %s:\n%s", want, run.stderr.String())
		}
	}
}
