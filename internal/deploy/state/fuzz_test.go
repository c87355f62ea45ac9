package state

import (
	"bytes"
	"testing"
)

// FuzzParse: any bytes either fail with an error or parse into a state
// that Marshal writes and Parse reads back unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte(chaliceFile))
	f.Add([]byte(`{"resources": null, "schema_version": "2.0", "backend": "api"}`))
	f.Add([]byte(`{"resources": [{"name": "x", "resource_type": "y", "n": 1.5e300, "l": [1, {"a": null}]}], "schema_version": "2.0"}`))
	f.Add([]byte(`{"resources": [], "schema_version": 2.0}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data, "dev.json")
		if err != nil {
			return
		}
		out, err := Marshal(d)
		if err != nil {
			t.Fatalf("Marshal of a parsed state: %v", err)
		}
		again, err := Parse(out, "dev.json")
		if err != nil {
			t.Fatalf("Parse of Marshal's output: %v\n%s", err, out)
		}
		out2, _ := Marshal(again)
		if !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}

// FuzzLockInfo: a lock's content from another process never panics.
func FuzzLockInfo(f *testing.F) {
	f.Add(newLockInfo("deploy").marshal())
	f.Add([]byte(`{"owner": "a", "expires": "not a time"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if info, ok := parseLockInfo(data); ok && info.Owner == "" {
			t.Fatal("accepted a lock without an owner")
		}
	})
}
