package state

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const chaliceFile = `{
  "resources": [
    {
      "name": "default-role",
      "resource_type": "iam_role",
      "role_name": "myapp-dev",
      "role_arn": "arn:aws:iam::123:role/myapp-dev"
    },
    {
      "name": "api_handler",
      "resource_type": "lambda_function",
      "lambda_arn": "arn:aws:lambda:us-west-2:123:function:myapp-dev"
    },
    {
      "name": "rest_api",
      "resource_type": "rest_api",
      "rest_api_id": "abcd",
      "rest_api_url": "https://abcd.execute-api.us-west-2.amazonaws.com/api/"
    }
  ],
  "schema_version": "2.0",
  "backend": "api"
}
`

func TestRoundTripChaliceFile(t *testing.T) {
	d, err := Parse([]byte(chaliceFile), "dev.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Resources) != 3 || d.Find("rest_api").Get("rest_api_id") != "abcd" {
		t.Fatalf("parsed %+v", d)
	}
	out, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != chaliceFile {
		t.Fatalf("round trip changed the file:\n%s", out)
	}
}

func TestEmptyState(t *testing.T) {
	out, _ := Marshal(&Deployed{})
	if want := "{\n  \"resources\": [],\n  \"schema_version\": \"2.0\",\n  \"backend\": \"api\"\n}\n"; string(out) != want {
		t.Fatalf("got %q", out)
	}
}

func TestFileBackend(t *testing.T) {
	dir := t.TempDir()
	f := LocalFile(dir, "dev")
	ctx := context.Background()
	d, err := f.Load(ctx)
	if err != nil || len(d.Resources) != 0 {
		t.Fatalf("missing file: %v %v", d, err)
	}
	d.Put(Record{Name: "foo", ResourceType: "lambda_function", Fields: []Field{{"lambda_arn", "arn:1"}}})
	d.Put(Record{Name: "foo", ResourceType: "lambda_function", Fields: []Field{{"lambda_arn", "arn:2"}}})
	if err := f.Save(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := f.Load(ctx)
	if err != nil || len(got.Resources) != 1 || got.Find("foo").Get("lambda_arn") != "arn:2" {
		t.Fatalf("reloaded %+v %v", got, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(f.Path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestBadFiles(t *testing.T) {
	for _, tt := range []struct{ content, want string }{
		{"{not json", "is not valid JSON"},
		{`{"resources": [], "schema_version": "3.0", "backend": "api"}`, "Unsupported schema version (3.0) in file: "},
		{`{"resources": []}`, "Unsupported schema version (<nil>) in file: "},
		{`{"resources": [{"name": "x"}], "schema_version": "2.0"}`, "is invalid"},
	} {
		dir := t.TempDir()
		f := LocalFile(dir, "dev")
		os.MkdirAll(filepath.Dir(f.Path), 0o755)
		os.WriteFile(f.Path, []byte(tt.content), 0o644)
		_, err := f.Load(context.Background())
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), f.Path) {
			t.Errorf("%s: err = %v, want %q naming the file", tt.content, err, tt.want)
		}
	}
}

func TestParseS3URL(t *testing.T) {
	for _, tt := range []struct{ url, bucket, key string }{
		{"s3://b/k.json", "b", "k.json"},
		{"s3://b/team/app/", "b", "team/app/prod.json"},
		{"s3://b", "b", "prod.json"},
	} {
		b, k, err := ParseS3URL(tt.url, "prod")
		if err != nil || b != tt.bucket || k != tt.key {
			t.Errorf("ParseS3URL(%q) = %q, %q, %v", tt.url, b, k, err)
		}
	}
	for _, bad := range []string{"b/k", "s3:///k", "https://b/k"} {
		if _, _, err := ParseS3URL(bad, "prod"); err == nil {
			t.Errorf("ParseS3URL(%q) succeeded", bad)
		}
	}
}

func TestResourcesMustBeAList(t *testing.T) {
	for _, doc := range []string{
		`{"resources": null, "schema_version": "2.0", "backend": "api"}`,
		`{"schema_version": "2.0", "backend": "api"}`,
	} {
		_, err := Parse([]byte(doc), "dev.json")
		if err == nil || !strings.Contains(err.Error(), `dev.json has no "resources" list`) {
			t.Errorf("%s: err = %v", doc, err)
		}
	}
	d, err := Parse([]byte(`{"resources": [], "schema_version": "2.0", "backend": "api"}`), "dev.json")
	if err != nil || d.Resources == nil || len(d.Resources) != 0 || d.Missing {
		t.Errorf("empty list: %+v, %v", d, err)
	}
	f := &File{Path: filepath.Join(t.TempDir(), "dev.json")}
	if d, err := f.Load(context.Background()); err != nil || !d.Missing {
		t.Errorf("no file: %+v, %v", d, err)
	}
}
