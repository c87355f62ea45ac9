package appgraph

import (
	"os"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/manifest"
)

// resourcesManifest is the root package's golden manifest of an app
// declaring every kind of resource.
func resourcesManifest(t *testing.T) *manifest.Manifest {
	t.Helper()
	f, err := os.Open("../../testdata/manifest/resources.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := manifest.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func buildDeclared(t *testing.T, m *manifest.Manifest, cfgJSON string) (*Application, error) {
	t.Helper()
	cfg, err := config.Parse("/p/.chalice/config.json", []byte(cfgJSON))
	if err != nil {
		t.Fatal(err)
	}
	return Build(Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: "/p", DeclaredResources: true})
}

// TestDeclaredModel: names, retention, adoption and config overrides;
// each function's uses and its own role; the sources on declared
// resources leave Chalice's "*" traits alone.
func TestDeclaredModel(t *testing.T) {
	app, err := buildDeclared(t, resourcesManifest(t), `{"app_name": "shop", "stages": {"dev": {"resources": {
		"counters": {"billing_mode": "PAY_PER_REQUEST"}, "users": {"retain": false}, "news": {"name": "old-news"}}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range app.Declared {
		got[d.Spec.Name] = d.ResourceName + " " + d.Kind() + " " + d.PhysicalName
		switch d.Spec.Name {
		case "users":
			if d.Retain {
				t.Error("users is retained though the stage says not")
			}
		case "uploads":
			if !d.Retain {
				t.Error("a bucket is not retained by default")
			}
		case "counters":
			if d.Spec.Table.BillingMode != "PAY_PER_REQUEST" || d.Spec.Table.ReadCapacity != 0 {
				t.Errorf("counters billing = %+v", d.Spec.Table)
			}
		case "news":
			if !d.Adopted || d.PhysicalName != "old-news" {
				t.Errorf("news = %+v", d)
			}
		case "orders.fifo":
			if d.Spec.Queue.VisibilityTimeout != 360 {
				t.Errorf("orders.fifo visibility timeout = %d, want 6 × its consumer's 60 s", d.Spec.Queue.VisibilityTimeout)
			}
		}
	}
	if got["users"] != "users-table dynamodb_table shop-dev-users" || got["uploads"] != "uploads-bucket s3_bucket shop-dev-uploads" {
		t.Errorf("declared = %v", got)
	}
	if app.Resources()[0] != Resource(app.Declared[0]) {
		t.Error("declared resources do not come first")
	}
	work := app.Function("work")
	if work.Role.ResourceName != "work_role" || work.Role.RoleName != "shop-dev-work" || len(work.Role.Uses) != 3 {
		t.Errorf("work's role = %+v", work.Role)
	}
	if work.Role.Traits.SQS {
		t.Error("a consumer of a declared queue got Chalice's SQS statements on *")
	}
	if fn := app.Function("onShop"); fn.Role.ResourceName != "default-role" || len(fn.Uses) != 1 {
		t.Errorf("onShop (a rule on a declared bus, which needs no permission) = role %s, uses %v", fn.Role.ResourceName, fn.Uses)
	}
}

// TestDeclaredPermissions: what each access allows, on which ARNs.
func TestDeclaredPermissions(t *testing.T) {
	table := &Declared{Spec: manifest.Resource{Kind: manifest.ResourceTable, Name: "t", Table: &manifest.TableSpec{StreamView: "NEW_IMAGE"}}}
	queue := &Declared{Spec: manifest.Resource{Kind: manifest.ResourceQueue, Name: "q"}}
	for _, tt := range []struct {
		use  Use
		want string
	}{
		{Use{Resource: table, Access: manifest.AccessRead}, "dynamodb:BatchGetItem,dynamodb:ConditionCheckItem,dynamodb:DescribeTable,dynamodb:GetItem,dynamodb:Query,dynamodb:Scan@ARN+ARN/index/*"},
		{Use{Resource: table, Access: manifest.AccessWrite}, "dynamodb:BatchWriteItem,dynamodb:DeleteItem,dynamodb:DescribeTable,dynamodb:PutItem,dynamodb:UpdateItem@ARN"},
		{Use{Resource: table, Source: true}, "dynamodb:DescribeStream,dynamodb:GetRecords,dynamodb:GetShardIterator,dynamodb:ListStreams@STREAM_ARN"},
		{Use{Resource: queue, Access: manifest.AccessWrite}, "sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:SendMessage@ARN"},
		{Use{Resource: queue, Source: true}, "sqs:ChangeMessageVisibility,sqs:DeleteMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:ReceiveMessage@ARN"},
	} {
		var parts []string
		for _, p := range tt.use.Permissions() {
			var refs []string
			for _, r := range p.Resources {
				refs = append(refs, r.Attr+r.Suffix)
			}
			parts = append(parts, strings.Join(p.Actions, ",")+"@"+strings.Join(refs, "+"))
		}
		if got := strings.Join(parts, " | "); got != tt.want {
			t.Errorf("%+v:\n got %s\nwant %s", tt.use, got, tt.want)
		}
	}
}

// TestDeclaredErrors: mistakes of the stage's resources key and of the
// queues' timeouts name the file, the stage, the resource and what would
// be valid.
func TestDeclaredErrors(t *testing.T) {
	_, err := buildDeclared(t, resourcesManifest(t), `{"app_name": "shop", "stages": {"dev": {"resources": {"user": {"retain": true}}}}}`)
	if err == nil || !strings.Contains(err.Error(), `/p/.chalice/config.json: stage "dev": resources.user: the app declares no resource "user" (declared: users, counters, uploads, jobs-failed, jobs, orders.fifo, news, shop-events)`) {
		t.Errorf("unknown resource in config: %v", err)
	}
	m := resourcesManifest(t)
	for i := range m.Resources {
		if m.Resources[i].Name == "jobs" {
			m.Resources[i].Queue.VisibilityTimeout = 10
		}
	}
	_, err = buildDeclared(t, m, `{"app_name": "shop"}`)
	if err == nil || !strings.Contains(err.Error(), "queue jobs: visibility timeout 10s is shorter than the timeout of its consumer work (60s)") {
		t.Errorf("short visibility timeout: %v", err)
	}
	cfg, _ := config.Parse("/p/.chalice/config.json", []byte(`{"app_name": "shop"}`))
	_, err = Build(Input{Manifest: resourcesManifest(t), Config: cfg, Stage: "dev", Target: "deploy"})
	if err == nil || !strings.Contains(err.Error(), "deploy cannot create declared resources yet") {
		t.Errorf("without DeclaredResources: %v", err)
	}
}
