package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// levelKind is a kind of level in config.json.
type levelKind uint8

const (
	atTop levelKind = 1 << iota
	atStage
	atFunction

	topAndStage = atTop | atStage
	everywhere  = atTop | atStage | atFunction
)

func (k levelKind) describe() string {
	switch k {
	case atTop:
		return "the top level"
	case atStage:
		return "stages.<stage>"
	case atFunction:
		return "lambda_functions.<function>"
	}
	return "?"
}

// where lists the levels of a set, for messages.
func (k levelKind) list() string {
	var parts []string
	for _, l := range []levelKind{atTop, atStage, atFunction} {
		if k&l != 0 {
			parts = append(parts, l.describe())
		}
	}
	switch len(parts) {
	case 1:
		return "only at " + parts[0]
	case 2:
		return "at " + parts[0] + " or in " + parts[1]
	}
	return "at " + strings.Join(parts[:len(parts)-1], ", ") + " or in " + parts[len(parts)-1]
}

// keySpec describes one config.json key: where it may appear and how its
// value is decoded into Settings.
type keySpec struct {
	levels levelKind
	decode func(d *decoder, path string, raw json.RawMessage, s *Settings)
}

var keySpecs map[string]keySpec

func init() {
	str := func(f func(*Settings) **string) func(*decoder, string, json.RawMessage, *Settings) {
		return func(d *decoder, p string, raw json.RawMessage, s *Settings) {
			if v, ok := d.str(p, raw); ok {
				*f(s) = &v
			}
		}
	}
	integer := func(f func(*Settings) **int) func(*decoder, string, json.RawMessage, *Settings) {
		return func(d *decoder, p string, raw json.RawMessage, s *Settings) {
			if v, ok := d.integer(p, raw); ok {
				*f(s) = &v
			}
		}
	}
	boolean := func(f func(*Settings) **bool) func(*decoder, string, json.RawMessage, *Settings) {
		return func(d *decoder, p string, raw json.RawMessage, s *Settings) {
			if v, ok := d.boolean(p, raw); ok {
				*f(s) = &v
			}
		}
	}
	list := func(f func(*Settings) *[]string) func(*decoder, string, json.RawMessage, *Settings) {
		return func(d *decoder, p string, raw json.RawMessage, s *Settings) {
			if v, ok := d.strList(p, raw); ok {
				*f(s) = v
			}
		}
	}
	strMap := func(f func(*Settings) *map[string]string) func(*decoder, string, json.RawMessage, *Settings) {
		return func(d *decoder, p string, raw json.RawMessage, s *Settings) {
			if v, ok := d.strMap(p, raw); ok {
				*f(s) = v
			}
		}
	}
	domain := func(f func(*Settings) **CustomDomain) func(*decoder, string, json.RawMessage, *Settings) {
		return func(d *decoder, p string, raw json.RawMessage, s *Settings) {
			if v, ok := d.domain(p, raw); ok {
				*f(s) = v
			}
		}
	}
	keySpecs = map[string]keySpec{
		// Top level only; decoded by decodeTop.
		"version":  {levels: atTop},
		"app_name": {levels: atTop},
		"stages":   {levels: atTop},

		// Stage-wide keys: top level or a stage.
		"api_gateway_stage":              {topAndStage, str(func(s *Settings) **string { return &s.APIGatewayStage })},
		"api_gateway_endpoint_type":      {topAndStage, str(func(s *Settings) **string { return &s.APIGatewayEndpointType })},
		"api_gateway_endpoint_vpce":      {topAndStage, (*decoder).vpce},
		"api_gateway_policy_file":        {topAndStage, str(func(s *Settings) **string { return &s.APIGatewayPolicyFile })},
		"api_gateway_custom_domain":      {topAndStage, domain(func(s *Settings) **CustomDomain { return &s.APIGatewayCustomDomain })},
		"websocket_api_custom_domain":    {topAndStage, domain(func(s *Settings) **CustomDomain { return &s.WebsocketAPICustomDomain })},
		"minimum_compression_size":       {topAndStage, integer(func(s *Settings) **int { return &s.MinimumCompressionSize })},
		"api_type":                       {topAndStage, str(func(s *Settings) **string { return &s.APIType })},
		"automatic_layer":                {topAndStage, boolean(func(s *Settings) **bool { return &s.AutomaticLayer })},
		"lambda_functions":               {topAndStage, (*decoder).lambdaFunctions},
		"cloudfront":                     {topAndStage, (*decoder).cloudFront},
		"api_gateway_request_validation": {topAndStage, boolean(func(s *Settings) **bool { return &s.RequestValidation })},
		"resources":                      {topAndStage, (*decoder).resources},

		// Per-function keys: any level.
		"xray":                  {everywhere, boolean(func(s *Settings) **bool { return &s.XRay })},
		"autogen_policy":        {everywhere, boolean(func(s *Settings) **bool { return &s.AutogenPolicy })},
		"iam_policy_file":       {everywhere, str(func(s *Settings) **string { return &s.IAMPolicyFile })},
		"iam_role_arn":          {everywhere, str(func(s *Settings) **string { return &s.IAMRoleARN })},
		"manage_iam_role":       {everywhere, boolean(func(s *Settings) **bool { return &s.ManageIAMRole })},
		"lambda_memory_size":    {everywhere, integer(func(s *Settings) **int { return &s.LambdaMemorySize })},
		"lambda_timeout":        {everywhere, integer(func(s *Settings) **int { return &s.LambdaTimeout })},
		"lambda_architecture":   {everywhere, str(func(s *Settings) **string { return &s.LambdaArchitecture })},
		"layers":                {everywhere, list(func(s *Settings) *[]string { return &s.Layers })},
		"reserved_concurrency":  {everywhere, integer(func(s *Settings) **int { return &s.ReservedConcurrency })},
		"subnet_ids":            {everywhere, list(func(s *Settings) *[]string { return &s.SubnetIDs })},
		"security_group_ids":    {everywhere, list(func(s *Settings) *[]string { return &s.SecurityGroupIDs })},
		"log_retention_in_days": {everywhere, integer(func(s *Settings) **int { return &s.LogRetentionInDays })},
		"environment_variables": {everywhere, strMap(func(s *Settings) *map[string]string { return &s.EnvironmentVariables })},
		"tags":                  {everywhere, strMap(func(s *Settings) *map[string]string { return &s.Tags })},

		// Function URLs, versions and aliases, asynchronous delivery.
		"function_url":             {atFunction, boolean(func(s *Settings) **bool { return &s.FunctionURL })},
		"function_url_auth_type":   {everywhere, str(func(s *Settings) **string { return &s.FunctionURLAuthType })},
		"function_url_invoke_mode": {everywhere, str(func(s *Settings) **string { return &s.FunctionURLInvokeMode })},
		"publish_versions":         {everywhere, boolean(func(s *Settings) **bool { return &s.PublishVersions })},
		"lambda_alias":             {everywhere, str(func(s *Settings) **string { return &s.LambdaAlias })},
		"provisioned_concurrency":  {everywhere, integer(func(s *Settings) **int { return &s.ProvisionedConcurrency })},
		"async_max_retries":        {everywhere, integer(func(s *Settings) **int { return &s.AsyncMaxRetries })},
		"async_max_event_age":      {everywhere, integer(func(s *Settings) **int { return &s.AsyncMaxEventAge })},
		"async_on_success":         {everywhere, str(func(s *Settings) **string { return &s.AsyncOnSuccess })},
		"async_on_failure":         {everywhere, str(func(s *Settings) **string { return &s.AsyncOnFailure })},
	}
}

// KeysAt lists the keys allowed at a level: "top", "stage" or "function".
func KeysAt(lvl string) []string {
	k := map[string]levelKind{"top": atTop, "stage": atStage, "function": atFunction}[lvl]
	return keysAt(k)
}

func keysAt(k levelKind) []string {
	var out []string
	for name, spec := range keySpecs {
		if spec.levels&k != 0 {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

var domainKeys = []string{"certificate_arn", "domain_name", "tags", "tls_version", "url_prefix"}

// decoder collects the problems found while decoding.
type decoder struct {
	c    *Config
	errs []error
}

func (d *decoder) add(path, key, msg string, args ...any) {
	d.errs = append(d.errs, d.c.at(path, key, msg, args...))
}

// leaf is the last component of a dotted path.
func leaf(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// decode fills c from config.json content.
func (c *Config) decode(data []byte) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // tolerate a UTF-8 BOM
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &Error{File: c.Path, text: fmt.Sprintf("Unable to load the project config file: %s: the file must hold a JSON object, not %s", c.Path, jsonKind(bytes.TrimSpace(data)))}
		}
		return &Error{File: c.Path, text: fmt.Sprintf("Unable to load the project config file: %s: %s", c.Path, describeJSONError(data, err))}
	}
	if raw == nil {
		return &Error{File: c.Path, text: fmt.Sprintf("Unable to load the project config file: %s: the file must hold a JSON object, not null", c.Path)}
	}
	d := &decoder{c: c}
	d.decodeTop(raw)
	return errors.Join(d.errs...)
}

func (d *decoder) decodeTop(raw map[string]json.RawMessage) {
	for _, key := range sortedKeys(raw) {
		v := raw[key]
		switch key {
		case "version":
			d.version(v)
		case "app_name":
			if s, ok := d.str(key, v); ok {
				d.c.AppName = s
			}
		case "stages":
			d.stages(v)
		default:
			d.setting(atTop, "", key, v, &d.c.Top)
		}
	}
}

func (d *decoder) version(raw json.RawMessage) {
	raw = bytes.TrimSpace(raw)
	var v string
	switch jsonKind(raw) {
	case "null":
		return
	case "string":
		if err := json.Unmarshal(raw, &v); err != nil {
			d.add("version", "version", "must be a string such as \"2.0\"")
			return
		}
	case "number":
		v = string(raw)
	default:
		d.add("version", "version", "must be a string such as \"2.0\", got %s", describeValue(raw))
		return
	}
	d.c.Version = v
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || f > 2.0 {
		d.errs = append(d.errs, &Error{File: d.c.Path, Path: "version", Key: "version",
			text: fmt.Sprintf("%s: Unknown version '%s' in config.json (supported: 1.0, 2.0)", d.c.Path, v)})
	}
}

func (d *decoder) stages(raw json.RawMessage) {
	m, ok := d.object("stages", raw)
	if !ok {
		return
	}
	for _, name := range sortedKeys(m) {
		p := "stages." + name
		st := &Settings{}
		d.c.Stages[name] = st
		if isNull(m[name]) {
			continue
		}
		if obj, ok := d.object(p, m[name]); ok {
			for _, key := range sortedKeys(obj) {
				d.setting(atStage, p, key, obj[key], st)
			}
		}
	}
}

func (d *decoder) lambdaFunctions(p string, raw json.RawMessage, s *Settings) {
	m, ok := d.object(p, raw)
	if !ok {
		return
	}
	s.LambdaFunctions = map[string]*Settings{}
	for _, name := range sortedKeys(m) {
		if isNull(m[name]) {
			continue
		}
		fp := p + "." + name
		obj, ok := d.object(fp, m[name])
		if !ok {
			continue
		}
		fs := &Settings{}
		s.LambdaFunctions[name] = fs
		for _, key := range sortedKeys(obj) {
			d.setting(atFunction, fp, key, obj[key], fs)
		}
	}
}

// setting decodes one key of a level, rejecting unknown keys and keys the
// level does not allow. A null value leaves the key unset (as in Chalice).
func (d *decoder) setting(kind levelKind, lvl, key string, raw json.RawMessage, s *Settings) {
	p := joinPath(lvl, key)
	spec, known := keySpecs[key]
	if !known {
		all := make([]string, 0, len(keySpecs))
		for k := range keySpecs {
			all = append(all, k)
		}
		d.add(p, key, "is not a config.json key%s; keys allowed %s: %s",
			didYouMean(key, all), inLevel(kind, lvl), strings.Join(keysAt(kind), ", "))
		return
	}
	if spec.levels&kind == 0 {
		msg := "is not allowed %s: %s may be set %s"
		if key == "lambda_functions" {
			msg = "is not allowed %s: lambda_functions cannot be nested; it may be set %s"
			d.add(p, key, msg, inLevel(kind, lvl), spec.levels.list())
			return
		}
		d.add(p, key, msg, inLevel(kind, lvl), key, spec.levels.list())
		return
	}
	if isNull(raw) {
		return
	}
	spec.decode(d, p, raw, s)
}

func inLevel(kind levelKind, lvl string) string {
	if kind == atTop {
		return "at the top level"
	}
	return "in " + lvl
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// jsonKind names the JSON type of a raw value.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// describeValue is "number 8080", `string "60"`, "object", ... for messages.
func describeValue(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	k := jsonKind(raw)
	switch k {
	case "object", "array", "null", "nothing":
		return k
	}
	s := string(raw)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return k + " " + s
}

func (d *decoder) wrongType(p, want string, raw json.RawMessage) {
	d.add(p, leaf(p), "must be %s, got %s", want, describeValue(raw))
}

func (d *decoder) object(p string, raw json.RawMessage) (map[string]json.RawMessage, bool) {
	if jsonKind(raw) != "object" {
		d.wrongType(p, "an object", raw)
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		d.wrongType(p, "an object", raw)
		return nil, false
	}
	return m, true
}

func (d *decoder) str(p string, raw json.RawMessage) (string, bool) {
	var s string
	if jsonKind(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		d.wrongType(p, "a string", raw)
		return "", false
	}
	return s, true
}

func (d *decoder) boolean(p string, raw json.RawMessage) (bool, bool) {
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	d.wrongType(p, "true or false", raw)
	return false, false
}

// integer accepts any JSON number with an integral value (60, 60.0, 6e1).
func (d *decoder) integer(p string, raw json.RawMessage) (int, bool) {
	if jsonKind(raw) != "number" {
		d.wrongType(p, "a whole number", raw)
		return 0, false
	}
	s := string(bytes.TrimSpace(raw))
	if i, err := strconv.ParseInt(s, 10, 64); err == nil && i >= math.MinInt32 && i <= math.MaxInt32 {
		return int(i), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err == nil && f == math.Trunc(f) && f >= math.MinInt32 && f <= math.MaxInt32 {
		return int(f), true
	}
	if err == nil && f == math.Trunc(f) || errors.Is(err, strconv.ErrRange) {
		d.add(p, leaf(p), "is out of range, got %s", describeValue(raw))
		return 0, false
	}
	d.wrongType(p, "a whole number", raw)
	return 0, false
}

func (d *decoder) strList(p string, raw json.RawMessage) ([]string, bool) {
	var items []json.RawMessage
	if jsonKind(raw) != "array" || json.Unmarshal(raw, &items) != nil {
		d.wrongType(p, "a list of strings", raw)
		return nil, false
	}
	out := make([]string, 0, len(items))
	ok := true
	for i, it := range items {
		var s string
		if jsonKind(it) != "string" || json.Unmarshal(it, &s) != nil {
			d.add(fmt.Sprintf("%s[%d]", p, i), leaf(p), "must be a string, got %s", describeValue(it))
			ok = false
			continue
		}
		out = append(out, s)
	}
	return out, ok
}

func (d *decoder) strMap(p string, raw json.RawMessage) (map[string]string, bool) {
	m, ok := d.object(p, raw)
	if !ok {
		return nil, false
	}
	out := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		var s string
		if jsonKind(m[k]) != "string" || json.Unmarshal(m[k], &s) != nil {
			d.errs = append(d.errs, d.c.at(p+"."+k, leaf(p), "must be a string, got %s", describeValue(m[k])))
			ok = false
			continue
		}
		out[k] = s
	}
	return out, ok
}

// vpce decodes api_gateway_endpoint_vpce: a string or a list of strings.
func (d *decoder) vpce(p string, raw json.RawMessage, s *Settings) {
	switch jsonKind(raw) {
	case "string":
		if v, ok := d.str(p, raw); ok {
			s.APIGatewayEndpointVPCE = []string{v}
			s.vpceString = true
		}
	case "array":
		if v, ok := d.strList(p, raw); ok {
			s.APIGatewayEndpointVPCE = v
		}
	default:
		d.wrongType(p, "a string or a list of strings", raw)
	}
}

func (d *decoder) domain(p string, raw json.RawMessage) (*CustomDomain, bool) {
	m, ok := d.object(p, raw)
	if !ok {
		return nil, false
	}
	cd := &CustomDomain{}
	for _, k := range sortedKeys(m) {
		kp := p + "." + k
		v := m[k]
		if isNull(v) {
			continue
		}
		var dst *string
		switch k {
		case "domain_name":
			dst = &cd.DomainName
		case "certificate_arn":
			dst = &cd.CertificateARN
		case "tls_version":
			dst = &cd.TLSVersion
		case "url_prefix":
			dst = &cd.URLPrefix
		case "tags":
			if t, ok := d.strMap(kp, v); ok {
				cd.Tags = t
			}
			continue
		default:
			hint := didYouMean(k, domainKeys)
			switch k {
			case "url_prefixes":
				hint = ` (did you mean "url_prefix"? it takes one base path)`
			case "security_policy":
				hint = ` (did you mean "tls_version"?)`
			}
			d.add(kp, k, "is not a custom domain key%s; keys allowed in %s: %s", hint, leaf(p), strings.Join(domainKeys, ", "))
			continue
		}
		if s, ok := d.str(kp, v); ok {
			*dst = s
		}
	}
	return cd, true
}

var cloudFrontKeys = []string{"aliases", "certificate_arn", "default_ttl", "enabled", "image_paths", "price_class", "static_paths"}

// cloudFront decodes the cloudfront object. A null member is unset.
func (d *decoder) cloudFront(p string, raw json.RawMessage, s *Settings) {
	m, ok := d.object(p, raw)
	if !ok {
		return
	}
	cf := &CloudFront{}
	for _, k := range sortedKeys(m) {
		kp := p + "." + k
		v := m[k]
		if isNull(v) {
			continue
		}
		switch k {
		case "enabled":
			if b, ok := d.boolean(kp, v); ok {
				cf.Enabled = &b
			}
		case "static_paths":
			if l, ok := d.strList(kp, v); ok {
				cf.StaticPaths = l
			}
		case "image_paths":
			if l, ok := d.strList(kp, v); ok {
				cf.ImagePaths = l
			}
		case "aliases":
			if l, ok := d.strList(kp, v); ok {
				cf.Aliases = l
			}
		case "price_class":
			if str, ok := d.str(kp, v); ok {
				cf.PriceClass = str
			}
		case "certificate_arn":
			if str, ok := d.str(kp, v); ok {
				cf.CertificateARN = str
			}
		case "default_ttl":
			if n, ok := d.integer(kp, v); ok {
				cf.DefaultTTL = &n
			}
		default:
			d.add(kp, k, "is not a cloudfront key%s; keys allowed in cloudfront: %s", didYouMean(k, cloudFrontKeys), strings.Join(cloudFrontKeys, ", "))
		}
	}
	s.CloudFront = cf
}

// describeJSONError adds line and column to a JSON error.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off := se.Offset
		if strings.HasPrefix(se.Error(), "invalid character") && off > 0 {
			off-- // Offset counts the offending byte; point at it
		}
		line, col := lineCol(data, off)
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	case errors.As(err, &te):
		line, col := lineCol(data, te.Offset)
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	}
	if err.Error() == "unexpected end of JSON input" {
		line, col := lineCol(data, int64(len(data)))
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	}
	return err.Error()
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
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
