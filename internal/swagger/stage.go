package swagger

import (
	"encoding/json"

	"github.com/gochalice/chalice/config"
)

// The stage settings the document needs, read from config.StageConfig in
// one place.

// stagePolicy is the API's resource policy document (api_gateway_policy_file,
// or Chalice's default policy for PRIVATE endpoints) decoded, nil when none.
func stagePolicy(st *config.StageConfig) any {
	if st == nil || len(st.APIPolicy) == 0 {
		return nil
	}
	var doc any
	if err := json.Unmarshal(st.APIPolicy, &doc); err != nil {
		// config.StageConfig only holds valid JSON; keep the bytes.
		return st.APIPolicy
	}
	return doc
}

// stageVPCEndpoints is api_gateway_endpoint_vpce as a list.
func stageVPCEndpoints(st *config.StageConfig) []string {
	if st == nil {
		return nil
	}
	return st.EndpointVPCEs
}

func stageEndpointType(st *config.StageConfig) string {
	if st == nil {
		return ""
	}
	return st.EndpointType
}
