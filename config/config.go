// Package config loads a project's .chalice/config.json: stages,
// per-function settings and Chalice's precedence rules for looking a
// setting up for one function of one stage.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// DefaultStage is the stage used when none is given.
const DefaultStage = "dev"

// Settings are the keys allowed at the top level, in a stage, and (a
// subset) in lambda_functions entries. Pointers distinguish "unset" from
// zero values, since the first level that sets a key wins.
type Settings struct {
	APIGatewayStage          *string              `json:"api_gateway_stage,omitempty"`
	APIGatewayEndpointType   *string              `json:"api_gateway_endpoint_type,omitempty"`
	APIGatewayEndpointVPCE   json.RawMessage      `json:"api_gateway_endpoint_vpce,omitempty"`
	APIGatewayPolicyFile     *string              `json:"api_gateway_policy_file,omitempty"`
	APIGatewayCustomDomain   json.RawMessage      `json:"api_gateway_custom_domain,omitempty"`
	WebsocketAPICustomDomain json.RawMessage      `json:"websocket_api_custom_domain,omitempty"`
	MinimumCompressionSize   *int                 `json:"minimum_compression_size,omitempty"`
	APIType                  *string              `json:"api_type,omitempty"`
	XRay                     *bool                `json:"xray,omitempty"`
	AutomaticLayer           *bool                `json:"automatic_layer,omitempty"`
	AutogenPolicy            *bool                `json:"autogen_policy,omitempty"`
	IAMPolicyFile            *string              `json:"iam_policy_file,omitempty"`
	IAMRoleARN               *string              `json:"iam_role_arn,omitempty"`
	ManageIAMRole            *bool                `json:"manage_iam_role,omitempty"`
	LambdaMemorySize         *int                 `json:"lambda_memory_size,omitempty"`
	LambdaTimeout            *int                 `json:"lambda_timeout,omitempty"`
	LambdaArchitecture       *string              `json:"lambda_architecture,omitempty"`
	Layers                   []string             `json:"layers,omitempty"`
	ReservedConcurrency      *int                 `json:"reserved_concurrency,omitempty"`
	SubnetIDs                []string             `json:"subnet_ids,omitempty"`
	SecurityGroupIDs         []string             `json:"security_group_ids,omitempty"`
	LogRetentionInDays       *int                 `json:"log_retention_in_days,omitempty"`
	EnvironmentVariables     map[string]string    `json:"environment_variables,omitempty"`
	Tags                     map[string]string    `json:"tags,omitempty"`
	LambdaFunctions          map[string]*Settings `json:"lambda_functions,omitempty"`
}

// Config is a loaded .chalice/config.json.
type Config struct {
	Path    string // the file it was read from
	Version string
	AppName string
	Stages  map[string]*Settings
	Top     Settings
}

type fileJSON struct {
	Version json.RawMessage      `json:"version"`
	AppName string               `json:"app_name"`
	Stages  map[string]*Settings `json:"stages"`
	Settings
}

// ErrNoConfig means the project has no .chalice/config.json.
var ErrNoConfig = errors.New("Unable to load the project config file. Are you sure this is a chalice project?")

// Load reads projectDir/.chalice/config.json.
func Load(projectDir string) (*Config, error) {
	path := filepath.Join(projectDir, ".chalice", "config.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w (%s not found)", ErrNoConfig, path)
	}
	if err != nil {
		return nil, fmt.Errorf("Unable to load the project config file: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes config.json content; path is used in error messages.
func Parse(path string, data []byte) (*Config, error) {
	var f fileJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("Unable to load the project config file: %s: %s", path, describeJSONError(data, err))
	}
	c := &Config{Path: path, AppName: f.AppName, Stages: f.Stages, Top: f.Settings, Version: "1.0"}
	if len(f.Version) > 0 {
		var s string
		if err := json.Unmarshal(f.Version, &s); err != nil {
			var n json.Number
			if err := json.Unmarshal(f.Version, &n); err != nil {
				return nil, fmt.Errorf("%s: version must be a string such as \"2.0\"", path)
			}
			s = n.String()
		}
		c.Version = s
	}
	v, err := strconv.ParseFloat(c.Version, 64)
	if err != nil || v > 2.0 {
		return nil, fmt.Errorf("%s: Unknown version '%s' in config.json (supported: 1.0, 2.0)", path, c.Version)
	}
	if c.Stages == nil {
		c.Stages = map[string]*Settings{}
	}
	return c, nil
}

// describeJSONError adds line and column to a JSON error.
func describeJSONError(data []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
		msg := fmt.Sprintf("key %q must be %s, not JSON %s", te.Field, jsonTypeName(te.Type.Kind().String()), te.Value)
		line, col := lineCol(data, off)
		return fmt.Sprintf("line %d, column %d: %s", line, col, msg)
	}
	if off >= 0 {
		line, col := lineCol(data, off)
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	}
	if strings.Contains(err.Error(), "unknown field") {
		return err.Error() + " (see the keys listed in docs/CONFIG.md)"
	}
	return err.Error()
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "map":
		return "an object"
	case "slice":
		return "a list"
	}
	return kind
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// CheckStage returns an error naming the valid stages when stage is unknown.
// A stage missing from config.json is allowed only when it is the default
// stage (Chalice creates dev implicitly).
func (c *Config) CheckStage(stage string) error {
	if _, ok := c.Stages[stage]; ok || stage == DefaultStage {
		return nil
	}
	names := make([]string, 0, len(c.Stages))
	for n := range c.Stages {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Errorf("%s: stage %q is not defined (stages: %s)", c.Path, stage, strings.Join(names, ", "))
}

// levels returns the settings in precedence order for a function of a
// stage: stage.lambda_functions.fn, stage, top lambda_functions.fn, top.
func (c *Config) levels(stage, function string) []*Settings {
	var out []*Settings
	st := c.Stages[stage]
	if st != nil {
		if fn := st.LambdaFunctions[function]; fn != nil && function != "" {
			out = append(out, fn)
		}
		out = append(out, st)
	}
	if fn := c.Top.LambdaFunctions[function]; fn != nil && function != "" {
		out = append(out, fn)
	}
	out = append(out, &c.Top)
	return out
}

// EnvironmentVariables merges environment_variables for a function of a
// stage: top, then top lambda_functions.fn (which Chalice silently
// ignores; gochalice honours it), then stage, then stage
// lambda_functions.fn, later levels overriding earlier ones.
func (c *Config) EnvironmentVariables(stage, function string) map[string]string {
	env := map[string]string{}
	levels := c.levels(stage, function)
	for i := len(levels) - 1; i >= 0; i-- {
		maps.Copy(env, levels[i].EnvironmentVariables)
	}
	return env
}

// LambdaTimeout returns lambda_timeout for a function (default 60).
func (c *Config) LambdaTimeout(stage, function string) int {
	for _, s := range c.levels(stage, function) {
		if s.LambdaTimeout != nil {
			return *s.LambdaTimeout
		}
	}
	return 60
}

// LambdaMemorySize returns lambda_memory_size for a function (default 128).
func (c *Config) LambdaMemorySize(stage, function string) int {
	for _, s := range c.levels(stage, function) {
		if s.LambdaMemorySize != nil {
			return *s.LambdaMemorySize
		}
	}
	return 128
}

// APIGatewayStage returns api_gateway_stage for a stage (default "api").
func (c *Config) APIGatewayStage(stage string) string {
	if st := c.Stages[stage]; st != nil && st.APIGatewayStage != nil {
		return *st.APIGatewayStage
	}
	if c.Top.APIGatewayStage != nil {
		return *c.Top.APIGatewayStage
	}
	return "api"
}
