package main

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

const committed = "../../testdata/aws-provider-schema.json"

// TestCommittedFileCoversTheLists checks the committed schema against the
// type lists, so that a type added to Resources is not forgotten in the
// file (run go generate ./internal/terraform).
func TestCommittedFileCoversTheLists(t *testing.T) {
	data, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	var s Schema
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if s.Package != DefaultPackage+"@"+DefaultVersion || s.ProviderVersion == "" {
		t.Errorf("package %q, provider version %q: regenerate with -version %s", s.Package, s.ProviderVersion, DefaultVersion)
	}
	for _, l := range []struct {
		names []string
		got   map[string]*Block
	}{{Resources, s.Resource}, {DataSources, s.Data}} {
		for _, name := range l.names {
			if l.got[name] == nil {
				t.Errorf("%s is listed but not in %s", name, committed)
			}
		}
		for name := range l.got {
			if !slices.Contains(l.names, name) {
				t.Errorf("%s is in %s but not listed", name, committed)
			}
		}
	}
}

// TestRegenerate rebuilds the file from a downloaded tarball and compares:
// CDKTF_PROVIDER_AWS_TGZ=/path/to/cdktn-provider-aws-25.7.0.tgz go test ./internal/terraform/...
func TestRegenerate(t *testing.T) {
	tgz := os.Getenv("CDKTF_PROVIDER_AWS_TGZ")
	if tgz == "" {
		t.Skip("CDKTF_PROVIDER_AWS_TGZ not set")
	}
	out := t.TempDir() + "/schema.json"
	if err := run(DefaultPackage, DefaultVersion, tgz, out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile(committed)
	if string(got) != string(want) {
		t.Errorf("%s is stale: run go generate ./internal/terraform", committed)
	}
}

func TestTypeName(t *testing.T) {
	lib = "cdktf" // the fixtures below are written with the cdktf module
	var ref typeRef
	for raw, want := range map[string]string{
		`{"primitive":"string"}`: "string",
		`{"union":{"types":[{"primitive":"boolean"},{"fqn":"cdktf.IResolvable"}]}}`: "bool",
		`{"collection":{"kind":"array","elementtype":{"primitive":"number"}}}`:      "list(number)",
		`{"collection":{"kind":"map","elementtype":{"primitive":"string"}}}`:        "map(string)",
		`{"primitive":"json"}`: "any",
	} {
		ref = typeRef{}
		if err := json.Unmarshal([]byte(raw), &ref); err != nil {
			t.Fatal(err)
		}
		if got := typeName(ref); got != want {
			t.Errorf("typeName(%s) = %s, want %s", raw, got, want)
		}
	}
	ref = typeRef{}
	_ = json.Unmarshal([]byte(`{"union":{"types":[{"fqn":"cdktf.IResolvable"},{"collection":{"kind":"array","elementtype":{"fqn":"x.Block"}}}]}}`), &ref)
	if fqn, nest := structOf(ref); fqn != "x.Block" || nest != "list" {
		t.Errorf("structOf = %s, %s", fqn, nest)
	}
}
