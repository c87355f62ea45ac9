package policygen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json")

func TestMain(m *testing.M) {
	// The fixtures are modules of their own; a go.work above the repository
	// must not pull them into a workspace.
	os.Setenv("GOWORK", "off")
	os.Exit(m.Run())
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{
			// Direct calls in main; the SDK's own STS/SSO calls inside
			// config.LoadDefaultConfig are not the app's; (*Client).Options
			// is not an operation.
			dir:  "direct",
			want: []string{"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"},
		},
		{
			// Calls in internal/store and internal/store/queue; the module's
			// internal/unused package is not imported and not analysed.
			dir:  "subpkg",
			want: []string{"dynamodb:UpdateItem", "sqs:SendMessage"},
		},
		{
			dir:  "methodvalue",
			want: []string{"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "sns:Publish"},
		},
		{
			// Calls through app interfaces the clients were assigned to
			// (argument, assignment, generic instantiation, struct
			// embedding the client in a slice literal); DeleteItem is in
			// an interface but never called; BatchGetItem is called only
			// through an interface no client was converted to.
			dir: "seam",
			want: []string{
				"dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
				"dynamodb:Query", "lambda:InvokeFunction",
			},
		},
		{
			dir:  "paginator",
			want: []string{"dynamodb:Scan", "s3:GetObject"},
		},
		{
			dir: "s3ops",
			want: []string{
				"s3:DeleteObject", "s3:GetObject", "s3:GetObjectAttributes",
				"s3:ListAllMyBuckets", "s3:ListBucket", "s3:PutObject",
			},
		},
		{
			dir:  "eventbridge",
			want: []string{"events:PutEvents"},
		},
		{
			dir:  "manager",
			want: []string{"s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"},
		},
		{
			dir:  "none",
			want: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			start := time.Now()
			got, err := Analyze(context.Background(), filepath.Join("testdata", tt.dir))
			t.Logf("Analyze(%s): %v", tt.dir, time.Since(start).Round(time.Millisecond))
			if err != nil {
				t.Fatalf("Analyze: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Analyze(%s)\n got %q\nwant %q", tt.dir, got, tt.want)
			}
		})
	}
}

// brokenModule writes a module with the given files into a temporary
// directory named name (the broken fixtures live here rather than under
// testdata/, where every go.mod would be vetted as a module of the repo).
func brokenModule(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	files["go.mod"] = "module example.com/x\n\ngo 1.26\n"
	for f, content := range files {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestAnalyzeErrors(t *testing.T) {
	typeErrorDir := brokenModule(t, "typeerror", map[string]string{"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tvar n int = \"not a number\"\n\tfmt.Println(n)\n}\n"})
	noPkgDir := brokenModule(t, "nopkg", map[string]string{"README.md": "no Go files here\n"})
	tests := []struct {
		name    string
		dir     string
		want    []string // substrings of the error message
		noPkg   bool     // errors.Is(err, ErrNoPackage)
		wantErr bool
	}{
		{
			name: "type error",
			dir:  typeErrorDir,
			want: []string{filepath.Join("typeerror", "main.go") + ":6:", "cannot use"},
		},
		{
			name:  "no Go files",
			dir:   noPkgDir,
			want:  []string{"no Go package", "nopkg"},
			noPkg: true,
		},
		{
			name: "missing directory",
			dir:  filepath.Join("testdata", "does-not-exist"),
			want: []string{"does-not-exist"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Analyze(context.Background(), tt.dir)
			if err == nil {
				t.Fatalf("Analyze(%s) = %q, want an error", tt.dir, got)
			}
			t.Logf("error: %v", err)
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if tt.noPkg && !errors.Is(err, ErrNoPackage) {
				t.Errorf("errors.Is(%v, ErrNoPackage) = false", err)
			}
		})
	}
}

func TestAnalyzeCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, filepath.Join("testdata", "direct")); err == nil {
		t.Fatal("Analyze with a canceled context succeeded")
	}
}

func TestActionsFor(t *testing.T) {
	tests := []struct {
		svc, op string
		want    []string
	}{
		{"dynamodb", "GetItem", []string{"dynamodb:GetItem"}},
		{"dynamodb", "TransactWriteItems", []string{"dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}},
		{"dynamodbstreams", "GetRecords", []string{"dynamodb:GetRecords"}},
		{"s3", "ListObjectsV2", []string{"s3:ListBucket"}},
		{"s3", "ListObjects", []string{"s3:ListBucket"}},
		{"s3", "HeadObject", []string{"s3:GetObject"}},
		{"s3", "HeadBucket", []string{"s3:ListBucket"}},
		{"s3", "CopyObject", []string{"s3:GetObject", "s3:PutObject"}},
		{"s3", "GetObjectAttributes", []string{"s3:GetObject", "s3:GetObjectAttributes"}},
		{"s3", "PutObject", []string{"s3:PutObject"}},
		{"s3control", "GetAccessPoint", []string{"s3:GetAccessPoint"}},
		{"eventbridge", "PutEvents", []string{"events:PutEvents"}},
		{"sfn", "StartExecution", []string{"states:StartExecution"}},
		{"cloudwatchlogs", "FilterLogEvents", []string{"logs:FilterLogEvents"}},
		{"apigatewaymanagementapi", "PostToConnection", []string{"execute-api:ManageConnections"}},
		{"sesv2", "SendEmail", []string{"ses:SendEmail"}},
		{"bedrockruntime", "InvokeModel", []string{"bedrock:InvokeModel"}},
		{"bedrockruntime", "Converse", []string{"bedrock:InvokeModel"}},
		{"lambda", "Invoke", []string{"lambda:InvokeFunction"}},
		{"sqs", "DeleteMessageBatch", []string{"sqs:DeleteMessage"}},
		{"timestreamwrite", "WriteRecords", []string{"timestream:WriteRecords", "timestream:DescribeEndpoints"}},
		{"apigateway", "GetRestApis", []string{"apigateway:GET"}},
		{"apigateway", "CreateDeployment", []string{"apigateway:POST"}},
		{"apigateway", "UpdateStage", []string{"apigateway:PATCH"}},
		{"apigateway", "ImportRestApi", []string{"apigateway:POST"}},
		{"apigatewayv2", "DeleteApi", []string{"apigateway:DELETE"}},
		{"apigatewayv2", "ImportApi", []string{"apigateway:PUT"}},
		{"sqs", "SendMessage", []string{"sqs:SendMessage"}},
	}
	for _, tt := range tests {
		if got := actionsFor(tt.svc, tt.op); !slices.Equal(got, tt.want) {
			t.Errorf("actionsFor(%q, %q) = %q, want %q", tt.svc, tt.op, got, tt.want)
		}
	}
}

func TestSDKService(t *testing.T) {
	tests := []struct {
		path string
		want string
		ok   bool
	}{
		{"github.com/aws/aws-sdk-go-v2/service/dynamodb", "dynamodb", true},
		{"github.com/aws/aws-sdk-go-v2/service/s3", "s3", true},
		{"github.com/aws/aws-sdk-go-v2/service/s3/types", "", false},
		{"github.com/aws/aws-sdk-go-v2/service/internal/s3shared", "", false},
		{"github.com/aws/aws-sdk-go-v2/service/internal", "", false},
		{"github.com/aws/aws-sdk-go-v2/aws", "", false},
		{"example.com/service/dynamodb", "", false},
	}
	for _, tt := range tests {
		got, ok := sdkService(tt.path)
		if got != tt.want || ok != tt.ok {
			t.Errorf("sdkService(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name    string
		actions []string
		traits  Traits
	}{
		{
			name: "all_traits",
			// Unsorted with a duplicate and an empty string: Generate cleans up.
			actions: []string{"s3:GetObject", "dynamodb:PutItem", "", "dynamodb:GetItem", "s3:GetObject"},
			traits:  Traits{VPC: true, XRay: true, SQS: true, Kinesis: true, DynamoDB: true, Websocket: true},
		},
		{
			name: "logs_only",
		},
		{
			name:    "actions_xray",
			actions: []string{"events:PutEvents"},
			traits:  Traits{XRay: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.actions)
			got, err := json.MarshalIndent(Generate(tt.actions, tt.traits), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			if !slices.Equal(in, tt.actions) {
				t.Errorf("Generate modified its input: %q -> %q", in, tt.actions)
			}
			golden := filepath.Join("testdata", "golden", tt.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Generate(%q, %+v) differs from %s:\n%s", tt.actions, tt.traits, golden, got)
			}
		})
	}
}

// The policy for an app with no SDK calls is the logs statement alone.
func TestGenerateNoSDKCalls(t *testing.T) {
	actions, err := Analyze(context.Background(), filepath.Join("testdata", "none"))
	if err != nil {
		t.Fatal(err)
	}
	p := Generate(actions, Traits{})
	if p.Version != "2012-10-17" || len(p.Statement) != 1 {
		t.Fatalf("Generate(%q) = %+v, want the logs statement only", actions, p)
	}
	s := p.Statement[0]
	want := Statement{Effect: "Allow", Action: []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}, Resource: "arn:*:logs:*:*:*"}
	if fmt.Sprint(s) != fmt.Sprint(want) {
		t.Errorf("statement = %+v, want %+v", s, want)
	}
}
