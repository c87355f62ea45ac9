package deploy

import (
	"slices"
	"testing"

	"github.com/gochalice/chalice/internal/deploy/state"
)

func TestSecurityPolicyAndMappingKey(t *testing.T) {
	for tls, want := range map[string]string{"TLS_1_0": "TLS_1_0", "TLS_1_1": "TLS_1_2", "TLS_1_2": "TLS_1_2", "": "TLS_1_2"} {
		if got := securityPolicy(tls); got != want {
			t.Errorf("securityPolicy(%q) = %q, want %q", tls, got, want)
		}
	}
	for prefix, want := range map[string]string{"": "", "/": "", "(none)": "", "v1": "v1", "/v1/": "v1"} {
		if got := mappingKey(prefix); got != want {
			t.Errorf("mappingKey(%q) = %q, want %q", prefix, got, want)
		}
	}
	// Keys as Chalice records them (a Chalice-written record too).
	rec := &state.Record{Fields: []state.Field{{Key: "api_mapping", Value: mappingValue([]string{"", "v1"})}}}
	if got := recordedKeys(rec); !slices.Equal(got, []string{"", "v1"}) {
		t.Errorf("recordedKeys = %q", got)
	}
	if got := mappingValue([]string{"", "v1"}); got[0].(map[string]any)["key"] != "/" || got[1].(map[string]any)["key"] != "/v1" {
		t.Errorf("mappingValue = %v", got)
	}
}
