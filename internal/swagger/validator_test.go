package swagger

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenFilesPassSpecValidator validates every golden document with
// openapi-spec-validator (Python; Swagger 2.0, OpenAPI 3.0 and 3.1) when it
// is installed. API Gateway names a greedy parameter {proxy+} "proxy"
// (as its own exports do) where the specification would want "proxy+", so
// greedy templates are written {proxy} for this check; TestGoldenFilesAreValid
// checks the real names.
func TestGoldenFilesPassSpecValidator(t *testing.T) {
	skip := func(msg string) {
		if os.Getenv("GOCHALICE_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg + " (GOCHALICE_REQUIRE_TOOLS=1)")
		}
		t.Skip(msg)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		skip("python3 is not installed; the openapi-spec-validator check needs it")
	}
	if err := exec.Command(python, "-c", "import openapi_spec_validator").Run(); err != nil {
		skip("python3 has no openapi_spec_validator module (pip install openapi-spec-validator)")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files (%v)", err)
	}
	const script = `
import json, re, sys
from openapi_spec_validator import validate
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    doc["paths"] = {re.sub(r"\{(\w+)\+\}", r"{\1}", k): v for k, v in doc["paths"].items()}
    try:
        validate(doc)
    except Exception as e:
        print("%s: %s" % (path, str(e).splitlines()[0]))
`
	out, err := exec.Command(python, append([]string{"-c", script}, files...)...).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("openapi-spec-validator: %v\n%s", err, out)
	}
}
