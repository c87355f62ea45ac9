package config

import (
	"strings"
	"testing"
)

// TestResourcesKey: the resources key decodes at the top level and in
// stages, merges setting by setting, and its mistakes name the file, the
// stage, the resource and the key.
func TestResourcesKey(t *testing.T) {
	c, err := Parse("/p/.chalice/config.json", []byte(`{"app_name": "shop",
		"resources": {"users": {"billing_mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 5}, "uploads": {"retain": false}},
		"stages": {"prod": {"resources": {"users": {"name": "legacy-users", "read_capacity": 50}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.StageConfig("prod", Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	u := sc.Resources["users"]
	if u == nil || u.Name != "legacy-users" || u.BillingMode != "PROVISIONED" || u.ReadCapacity != 50 || u.WriteCapacity != 5 {
		t.Errorf("prod users = %+v", u)
	}
	if up := sc.Resources["uploads"]; up == nil || up.Retain == nil || *up.Retain {
		t.Errorf("prod uploads = %+v", up)
	}
	if err := c.Validate("prod", nil, Overrides{}); err != nil {
		t.Errorf("Validate: %v", err)
	}

	for _, tt := range []struct{ doc, want string }{
		{`{"resources": {"users": {"billing": "x"}}}`, `resources.users.billing is not a resource setting; keys allowed for a resource: billing_mode, name`},
		{`{"resources": {"users": {"retain": "yes"}}}`, `resources.users.retain`},
		{`{"resources": []}`, `resources`},
		{`{"lambda_functions": {"f": {"resources": {}}}}`, `resources`},
	} {
		_, err := Parse("/p/.chalice/config.json", []byte(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s) = %v, want it to mention %q", tt.doc, err, tt.want)
		}
	}
	c, err = Parse("/p/.chalice/config.json", []byte(`{"stages": {"dev": {"resources": {"users": {"billing_mode": "ON_DEMAND"}, "t": {"billing_mode": "PROVISIONED"}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate("dev", nil, Overrides{})
	for _, want := range []string{`stages.dev.resources.users.billing_mode "ON_DEMAND" is not a billing mode; use PAY_PER_REQUEST or PROVISIONED`,
		`stages.dev.resources.t.billing_mode PROVISIONED needs read_capacity and write_capacity of at least 1 (got 0 and 0)`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want it to mention %q", err, want)
		}
	}
}
