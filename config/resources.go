package config

import (
	"encoding/json"
	"slices"
	"strings"
)

// ResourceConfig is one entry of the resources key (a gochalice
// addition): a stage's settings for a resource the app declares in code
// (App.Table, App.Bucket, ...), by its declared name. As written, fields
// are unset when absent.
type ResourceConfig struct {
	// Name adopts an existing resource of this name instead of creating
	// one: it is used, never created, changed or deleted.
	Name string // name
	// Retain keeps the resource when it leaves the app, when the app is
	// deleted and when a change would replace it; the default is true for
	// tables and buckets, false for queues, topics and buses.
	Retain *bool // retain
	// BillingMode, ReadCapacity and WriteCapacity override a table's
	// billing (PAY_PER_REQUEST or PROVISIONED with capacities).
	BillingMode   string // billing_mode
	ReadCapacity  int    // read_capacity
	WriteCapacity int    // write_capacity
}

var resourceKeys = []string{"billing_mode", "name", "read_capacity", "retain", "write_capacity"}

// resources decodes the resources key: an object of declared names, each
// an object of resourceKeys.
func (d *decoder) resources(p string, raw json.RawMessage, s *Settings) {
	m, ok := d.object(p, raw)
	if !ok {
		return
	}
	out := map[string]*ResourceConfig{}
	for _, name := range sortedKeys(m) {
		np := p + "." + name
		if isNull(m[name]) {
			continue
		}
		entry, ok := d.object(np, m[name])
		if !ok {
			continue
		}
		rc := &ResourceConfig{}
		for _, k := range sortedKeys(entry) {
			kp, v := np+"."+k, entry[k]
			if isNull(v) {
				continue
			}
			switch k {
			case "name":
				if str, ok := d.str(kp, v); ok {
					rc.Name = str
				}
			case "retain":
				if b, ok := d.boolean(kp, v); ok {
					rc.Retain = &b
				}
			case "billing_mode":
				if str, ok := d.str(kp, v); ok {
					rc.BillingMode = str
				}
			case "read_capacity":
				if n, ok := d.integer(kp, v); ok {
					rc.ReadCapacity = n
				}
			case "write_capacity":
				if n, ok := d.integer(kp, v); ok {
					rc.WriteCapacity = n
				}
			default:
				d.add(kp, k, "is not a resource setting%s; keys allowed for a resource: %s", didYouMean(k, resourceKeys), strings.Join(resourceKeys, ", "))
			}
		}
		out[name] = rc
	}
	s.Resources = out
}

// stageResources merges the resources key of the top level and the
// stage, setting by setting (the stage wins).
func stageResources(top, stage *Settings) map[string]*ResourceConfig {
	var out map[string]*ResourceConfig
	for _, s := range []*Settings{top, stage} {
		if s == nil {
			continue
		}
		for name, rc := range s.Resources {
			if out == nil {
				out = map[string]*ResourceConfig{}
			}
			have := out[name]
			if have == nil {
				have = &ResourceConfig{}
				out[name] = have
			}
			if rc.Name != "" {
				have.Name = rc.Name
			}
			if rc.Retain != nil {
				b := *rc.Retain
				have.Retain = &b
			}
			if rc.BillingMode != "" {
				have.BillingMode = rc.BillingMode
			}
			if rc.ReadCapacity != 0 {
				have.ReadCapacity = rc.ReadCapacity
			}
			if rc.WriteCapacity != 0 {
				have.WriteCapacity = rc.WriteCapacity
			}
		}
	}
	return out
}

// resourceValues checks the values of one level's resources key.
func (v *validator) resourceValues(path string, s *Settings) {
	for _, name := range sortedKeys(s.Resources) {
		rc := s.Resources[name]
		p := joinPath(path, "resources."+name)
		if rc.BillingMode != "" && !slices.Contains([]string{"PAY_PER_REQUEST", "PROVISIONED"}, rc.BillingMode) {
			v.add(p+".billing_mode", "billing_mode", "%q is not a billing mode; use PAY_PER_REQUEST or PROVISIONED", rc.BillingMode)
		}
		if rc.BillingMode == "PROVISIONED" && (rc.ReadCapacity < 1 || rc.WriteCapacity < 1) {
			v.add(p+".billing_mode", "billing_mode", "PROVISIONED needs read_capacity and write_capacity of at least 1 (got %d and %d)", rc.ReadCapacity, rc.WriteCapacity)
		}
		if rc.ReadCapacity < 0 || rc.WriteCapacity < 0 {
			v.add(p, "read_capacity", "capacities must not be negative")
		}
	}
}
