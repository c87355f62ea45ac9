// Package state reads and writes the deployed state of a stage,
// .chalice/deployed/<stage>.json, in Chalice's schema 2.0:
//
//	{
//	  "resources": [{"name": ..., "resource_type": ..., ...}],
//	  "schema_version": "2.0",
//	  "backend": "api"
//	}
//
// Records keep their field order (Chalice writes name, resource_type, then
// the type's fields), so a file written by Chalice round-trips unchanged.
package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// SchemaVersion is the only schema version read and written.
const SchemaVersion = "2.0"

// Record is one deployed resource: name, resource_type, then its fields in
// order.
type Record struct {
	Name         string
	ResourceType string
	Fields       []Field
}

// Field is one key of a record.
type Field struct {
	Key   string
	Value any // string for every field gochalice writes; anything when read
}

// Get returns a field's value as a string ("" when absent or not a string).
func (r *Record) Get(key string) string {
	for _, f := range r.Fields {
		if f.Key == key {
			s, _ := f.Value.(string)
			return s
		}
	}
	return ""
}

// Set sets a field, keeping its position when it exists.
func (r *Record) Set(key string, value any) {
	for i, f := range r.Fields {
		if f.Key == key {
			r.Fields[i].Value = value
			return
		}
	}
	r.Fields = append(r.Fields, Field{Key: key, Value: value})
}

// Delete removes a field.
func (r *Record) Delete(key string) {
	r.Fields = slices.DeleteFunc(r.Fields, func(f Field) bool { return f.Key == key })
}

// Clone returns a deep-enough copy (fields slice copied).
func (r Record) Clone() Record {
	r.Fields = slices.Clone(r.Fields)
	return r
}

// MarshalJSON writes the record with its keys in order.
func (r Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	write := func(i int, k string, v any) error {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshal(v)
		if err != nil {
			return err
		}
		b.Write(vb)
		return nil
	}
	if err := write(0, "name", r.Name); err != nil {
		return nil, err
	}
	if err := write(1, "resource_type", r.ResourceType); err != nil {
		return nil, err
	}
	for i, f := range r.Fields {
		if err := write(i+2, f.Key, f.Value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a record keeping the order of its keys.
func (r *Record) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("a resource record must be a JSON object")
	}
	*r = Record{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		switch key {
		case "name":
			s, ok := v.(string)
			if !ok {
				return errors.New(`a resource record's "name" must be a string`)
			}
			r.Name = s
		case "resource_type":
			s, ok := v.(string)
			if !ok {
				return errors.New(`a resource record's "resource_type" must be a string`)
			}
			r.ResourceType = s
		default:
			r.Fields = append(r.Fields, Field{Key: key, Value: v})
		}
	}
	if r.Name == "" || r.ResourceType == "" {
		return errors.New(`every resource record needs a "name" and a "resource_type"`)
	}
	return nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Deployed is the deployed state of one stage.
type Deployed struct {
	Resources []Record
	Backend   string // "api"
	// Version is an opaque token from the backend that loaded the state
	// (an S3 ETag for conditional writes); the local file leaves it empty.
	Version string
	// Missing is set by Load when nothing was stored yet (no file, no
	// object), as opposed to a stored state with no resources.
	Missing bool
}

// Find returns the record with this name, or nil.
func (d *Deployed) Find(name string) *Record {
	for i := range d.Resources {
		if d.Resources[i].Name == name {
			return &d.Resources[i]
		}
	}
	return nil
}

// Put replaces the record with the same name, or appends it.
func (d *Deployed) Put(r Record) {
	if old := d.Find(r.Name); old != nil {
		*old = r.Clone()
		return
	}
	d.Resources = append(d.Resources, r.Clone())
}

// Remove drops the record with this name.
func (d *Deployed) Remove(name string) {
	d.Resources = slices.DeleteFunc(d.Resources, func(r Record) bool { return r.Name == name })
}

// Clone copies the state.
func (d *Deployed) Clone() *Deployed {
	c := &Deployed{Backend: d.Backend, Version: d.Version, Missing: d.Missing}
	for _, r := range d.Resources {
		c.Resources = append(c.Resources, r.Clone())
	}
	return c
}

type fileJSON struct {
	Resources     []Record `json:"resources"`
	SchemaVersion string   `json:"schema_version"`
	Backend       string   `json:"backend"`
}

// Marshal writes the state as Chalice does (indent 2, trailing newline).
func Marshal(d *Deployed) ([]byte, error) {
	backend := d.Backend
	if backend == "" {
		backend = "api"
	}
	res := d.Resources
	if res == nil {
		res = []Record{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(fileJSON{Resources: res, SchemaVersion: SchemaVersion, Backend: backend}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Parse reads a state document; name is used in error messages.
func Parse(data []byte, name string) (*Deployed, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("the deployed state file %s is not valid JSON (%v): fix or remove it; gochalice made no AWS call", name, err)
	}
	var version any
	if raw, ok := probe["schema_version"]; ok {
		_ = json.Unmarshal(raw, &version)
	}
	if version != SchemaVersion {
		return nil, fmt.Errorf("Unsupported schema version (%v) in file: %s", version, name)
	}
	// "resources" must be a list: null (or no key) is not an empty
	// deployment but a damaged file, and treating it as one would make a
	// deploy create everything again beside what exists.
	raw, ok := probe["resources"]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return nil, fmt.Errorf(`the deployed state file %s has no "resources" list (found %s): fix it or remove the file; gochalice made no AWS call`, name, describeJSON(raw, ok))
	}
	var f fileJSON
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("the deployed state file %s is invalid: %v", name, err)
	}
	if f.Resources == nil {
		f.Resources = []Record{}
	}
	return &Deployed{Resources: f.Resources, Backend: f.Backend}, nil
}

func describeJSON(raw json.RawMessage, present bool) string {
	if !present {
		return "no such key"
	}
	return string(bytes.TrimSpace(raw))
}

// Backend stores the deployed state of one stage. Load returns an empty
// state when none was recorded yet. Save replaces the stored state; a
// backend with concurrency control (S3 conditional writes) compares the
// Version Load returned and fails when someone else wrote in between, then
// sets the new Version.
type Backend interface {
	Load(ctx context.Context) (*Deployed, error)
	Save(ctx context.Context, d *Deployed) error
	// Location names the state for messages (a path or s3:// URL).
	Location() string
}

// File is the default backend: .chalice/deployed/<stage>.json, written
// atomically (temporary file in the same directory, then rename).
type File struct {
	Path string
}

// LocalFile returns the file backend of a stage in a project.
func LocalFile(projectDir, stage string) *File {
	return &File{Path: filepath.Join(projectDir, ".chalice", "deployed", stage+".json")}
}

// Location is the file's path.
func (f *File) Location() string { return f.Path }

// Load reads the file; a missing file is an empty state.
func (f *File) Load(ctx context.Context) (*Deployed, error) {
	data, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return &Deployed{Backend: "api", Missing: true}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the deployed state: %w", err)
	}
	return Parse(data, f.Path)
}

// Save writes the file atomically.
func (f *File) Save(ctx context.Context, d *Deployed) error {
	data, err := Marshal(d)
	if err != nil {
		return err
	}
	return writeAtomic(f.Path, data)
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing the deployed state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing the deployed state: %w", err)
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(name, 0o644)
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		os.Remove(name)
		return fmt.Errorf("writing the deployed state %s: %w", path, werr)
	}
	return nil
}
