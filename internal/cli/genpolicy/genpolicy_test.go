package genpolicy

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/cli/newproject"
	"github.com/gochalice/chalice/packager"
)

func libraryRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// tasksApp enqueues web tasks (the SQS client is built inside web) and
// reads a DynamoDB table.
const tasksApp = `package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/web"
)

func main() {
	app := chalice.New("tasksapp")
	cfg, _ := config.LoadDefaultConfig(context.Background())
	db := dynamodb.NewFromConfig(cfg)
	tasks := web.NewTasks(app, "jobs.fifo", web.WithAWSConfig(cfg))
	tasks.Register("resize", func(ctx context.Context, payload json.RawMessage) error { return nil })
	app.Post("/jobs", func(ctx context.Context, r *chalice.Request) (any, error) {
		if _, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("jobs")}); err != nil {
			return nil, err
		}
		return tasks.Enqueue(ctx, "resize", r.RawBody)
	})
	app.Run()
}
`

// project is a new-project app rewritten to tasksApp, before go mod tidy
// (its go.mod requires gochalice only and there is no go.sum).
func project(t *testing.T) string {
	t.Helper()
	parent := t.TempDir()
	var out bytes.Buffer
	if err := newproject.Run(context.Background(), &newproject.Options{IO: cli.IO{Out: &out, ErrOut: &out}, Dir: parent, Name: "tasksapp",
		ProjectType: "rest-api", LibraryDir: libraryRoot(), SkipTidy: true}); err != nil {
		t.Fatalf("new-project: %v\n%s", err, out.String())
	}
	dir := filepath.Join(parent, "tasksapp")
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(tasksApp), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err == nil {
		t.Fatal("the project already has a go.sum: it must be untidied")
	}
	return dir
}

func run(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCmdGenPolicy(&cli.Factory{IO: cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, ProjectDir: dir}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// TestGenPolicyIsPackagePolicy: gen-policy works on an app before go mod
// tidy, its policy covers the SDK calls gochalice's web package makes for
// the app (web tasks: sqs:GetQueueUrl, sqs:SendMessage) and the SQS event
// source NewTasks registers, and it is exactly the policy package
// attaches to the app's role, for a listed stage and for one config.json
// does not list.
func TestGenPolicyIsPackagePolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app")
	}
	dir := project(t)
	out, errOut, err := run(t, dir)
	if err != nil {
		t.Fatalf("gen-policy before go mod tidy: %v\n%s", err, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("gen-policy output is not JSON: %v\n%s", err, out)
	}
	for _, action := range []string{"sqs:GetQueueUrl", "sqs:SendMessage", "dynamodb:GetItem", "logs:PutLogEvents", "sqs:ReceiveMessage"} {
		if !strings.Contains(out, `"`+action+`"`) {
			t.Errorf("gen-policy lacks %s:\n%s", action, out)
		}
	}
	if !strings.HasSuffix(out, "}\n") || !strings.HasPrefix(out, "{\n  \"Version\": \"2012-10-17\",") {
		t.Errorf("gen-policy output format:\n%s", out)
	}

	for _, stage := range []string{"dev", "qa"} {
		pkgOut := filepath.Join(t.TempDir(), "out")
		if _, err := packager.Package(context.Background(), &packager.Options{ProjectDir: dir, OutDir: pkgOut, Stage: stage}); err != nil {
			t.Fatalf("package --stage %s: %v", stage, err)
		}
		raw, err := os.ReadFile(filepath.Join(pkgOut, "sam.json"))
		if err != nil {
			t.Fatal(err)
		}
		var tpl struct {
			Resources map[string]struct {
				Properties struct {
					Policies []struct {
						PolicyDocument map[string]any
					}
				}
			}
		}
		if err := json.Unmarshal(raw, &tpl); err != nil {
			t.Fatal(err)
		}
		attached := tpl.Resources["DefaultRole"].Properties.Policies[0].PolicyDocument
		stageOut, stageErr := out, errOut // gen-policy's default stage is dev
		if stage != "dev" {
			if stageOut, stageErr, err = run(t, dir, "--stage", stage); err != nil {
				t.Fatalf("gen-policy --stage %s: %v\n%s", stage, err, stageErr)
			}
		}
		var printed map[string]any
		if err := json.Unmarshal([]byte(stageOut), &printed); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(printed, attached) {
			a, _ := json.Marshal(attached)
			t.Errorf("stage %s: gen-policy printed\n%s\npackage attached\n%s", stage, stageOut, a)
		}
		if stage == "qa" && !strings.Contains(stageErr, `Stage "qa" has no entry under "stages"`) {
			t.Errorf("gen-policy --stage qa: stderr %q lacks the note", stageErr)
		}
	}
}
