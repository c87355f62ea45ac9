package deployzip

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteIsDeterministic(t *testing.T) {
	entries := []Entry{{Name: "bootstrap", Data: []byte("binary"), Exec: true}, {Name: "static/a.txt", Data: []byte("a")}}
	var a, b bytes.Buffer
	if err := Write(&a, entries); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, entries); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same entries gave different bytes")
	}
	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{"bootstrap": 0o755, "static/a.txt": 0o644}
	for _, f := range zr.File {
		if f.Mode().Perm() != want[f.Name] {
			t.Errorf("%s mode %v, want %v", f.Name, f.Mode().Perm(), want[f.Name])
		}
		if !f.Modified.Equal(epoch) {
			t.Errorf("%s modified %v", f.Name, f.Modified)
		}
	}
}

func TestBuildCaches(t *testing.T) {
	proj := t.TempDir()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	if err := os.WriteFile(bin, []byte("v1"), 0o755); err != nil {
		t.Fatal(err)
	}
	p1, err := Build(proj, bin, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if p1.Cached {
		t.Fatal("first build reported cached")
	}
	p2, err := Build(proj, bin, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if !p2.Cached || p2.SHA256 != p1.SHA256 || p2.Path != p1.Path {
		t.Fatalf("second build = %+v, want cached copy of %+v", p2, p1)
	}
	if err := os.WriteFile(bin, []byte("v2"), 0o755); err != nil {
		t.Fatal(err)
	}
	p3, err := Build(proj, bin, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if p3.Cached || p3.SHA256 == p1.SHA256 {
		t.Fatalf("changed binary reused the old zip")
	}
	entries, _ := os.ReadDir(filepath.Join(proj, ".chalice", "deployments"))
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".zip" {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
