package packager

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPackageCloudFront packages an app whose stage has the cloudfront key:
// the SAM template (which must pass cfn-lint) and the Terraform document
// get the distribution; the stage without the key does not.
func TestPackageCloudFront(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app")
	}
	dir := fullProject(t, `{"version": "2.0", "app_name": "fullapp",
  "stages": {"dev": {},
    "web": {"api_gateway_endpoint_type": "REGIONAL", "environment_variables": {"TABLE": "t"},
      "cloudfront": {"image_paths": ["/img/*"], "aliases": ["www.example.com"],
        "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}}}}`)
	ctx := context.Background()
	read := func(path string) map[string]any {
		t.Helper()
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		return doc
	}

	out := filepath.Join(t.TempDir(), "sam")
	if _, err := Package(ctx, &Options{ProjectDir: dir, OutDir: out, Stage: "web"}); err != nil {
		t.Fatal(err)
	}
	tpl := read(filepath.Join(out, "sam.json"))
	resources := tpl["Resources"].(map[string]any)
	for id, typ := range map[string]string{"CloudFrontDistribution": "AWS::CloudFront::Distribution",
		"CloudFrontDefaultCachePolicy": "AWS::CloudFront::CachePolicy", "CloudFrontImageCachePolicy": "AWS::CloudFront::CachePolicy"} {
		r, _ := resources[id].(map[string]any)
		if r == nil || r["Type"] != typ {
			t.Errorf("resource %s = %v, want a %s", id, r, typ)
		}
	}
	if _, ok := tpl["Outputs"].(map[string]any)["CloudFrontURL"]; !ok {
		t.Error("no CloudFrontURL output")
	}
	requireTool(t, "cfn-lint")
	if msg, err := exec.Command("cfn-lint", "--format", "parseable", filepath.Join(out, "sam.json")).CombinedOutput(); err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, msg)
	}

	tfOut := filepath.Join(t.TempDir(), "tf")
	if _, err := Package(ctx, &Options{ProjectDir: dir, OutDir: tfOut, Stage: "web", PkgFormat: Terraform}); err != nil {
		t.Fatal(err)
	}
	tf := read(filepath.Join(tfOut, "chalice.tf.json"))
	if _, ok := tf["resource"].(map[string]any)["aws_cloudfront_distribution"]; !ok {
		t.Error("terraform: no aws_cloudfront_distribution")
	}
	if _, ok := tf["output"].(map[string]any)["CloudFrontURL"]; !ok {
		t.Error("terraform: no CloudFrontURL output")
	}

	devOut := filepath.Join(t.TempDir(), "dev")
	if _, err := Package(ctx, &Options{ProjectDir: dir, OutDir: devOut}); err != nil {
		t.Fatal(err)
	}
	for id := range read(filepath.Join(devOut, "sam.json"))["Resources"].(map[string]any) {
		if id == "CloudFrontDistribution" {
			t.Error("stage dev has no cloudfront key but got a distribution")
		}
	}
}
