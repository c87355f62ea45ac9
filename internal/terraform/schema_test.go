package terraform

// A checker for generated chalice.tf.json documents, standing in for
// `terraform validate` (neither Terraform nor the provider registry is
// reachable where the tests run). It checks a document against
// testdata/aws-provider-schema.json, the hashicorp/aws schema extracted
// from @cdktn/provider-aws by internal/schemagen:
//
//   - every resource and data source type exists in the provider, under a
//     valid name;
//   - every argument and nested block is known, has a value of its type and
//     is not deprecated; every required argument and block is present;
//   - meta-arguments (depends_on, lifecycle, ...) are well formed and
//     depends_on names declared resources;
//   - every interpolation ${...} in any string (the API definition and
//     policies included) refers to a declared resource or data source and
//     one of its arguments, blocks or computed attributes, to a declared
//     local, to path.module, or calls a known Terraform function; literal
//     "$${" is skipped as Terraform does.

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

type schemaBlock struct {
	Nesting    string                  `json:"nesting"`
	Arguments  map[string]string       `json:"arguments"`
	Required   []string                `json:"required"`
	Attributes []string                `json:"attributes"`
	Blocks     map[string]*schemaBlock `json:"blocks"`
}

// has reports whether name can be read from an object of this block.
func (b *schemaBlock) has(name string) bool {
	_, arg := b.Arguments[name]
	_, blk := b.Blocks[name]
	return arg || blk || slices.Contains(b.Attributes, name)
}

type providerSchema struct {
	Package         string                  `json:"package"`
	Provider        string                  `json:"provider"`
	ProviderVersion string                  `json:"provider_version"`
	Deprecated      map[string]string       `json:"deprecated"`
	Resource        map[string]*schemaBlock `json:"resource"`
	Data            map[string]*schemaBlock `json:"data"`
}

var (
	schemaOnce sync.Once
	schemaVal  *providerSchema
	schemaErr  error
)

func loadSchema(t testing.TB) *providerSchema {
	t.Helper()
	schemaOnce.Do(func() {
		data, err := os.ReadFile("testdata/aws-provider-schema.json")
		if err != nil {
			schemaErr = err
			return
		}
		schemaVal = &providerSchema{}
		schemaErr = json.Unmarshal(data, schemaVal)
	})
	if schemaErr != nil {
		t.Fatalf("loading the provider schema: %v", schemaErr)
	}
	return schemaVal
}

// checkSchema fails t with every problem checkDocument finds.
func checkSchema(t *testing.T, doc map[string]any) {
	t.Helper()
	for _, p := range checkDocument(loadSchema(t), doc) {
		t.Error(p)
	}
}

type checker struct {
	s        *providerSchema
	doc      map[string]any
	problems []string
}

func (c *checker) errorf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// checkDocument returns every problem of doc, sorted.
func checkDocument(s *providerSchema, doc map[string]any) []string {
	c := &checker{s: s, doc: doc}
	for key := range doc {
		switch key {
		case "terraform", "data", "resource", "locals", "output", "//":
		default:
			c.errorf("top level: unexpected key %q", key)
		}
	}
	c.terraformBlock()
	c.blocks("resource", s.Resource)
	c.blocks("data", s.Data)
	if locals, ok := doc["locals"]; ok {
		if _, ok := locals.(map[string]any); !ok {
			c.errorf("locals: not an object")
		}
	}
	if outputs, ok := doc["output"].(map[string]any); ok {
		for name, o := range outputs {
			body, ok := o.(map[string]any)
			if !ok {
				c.errorf("output.%s: not an object", name)
				continue
			}
			if _, ok := body["value"]; !ok {
				c.errorf("output.%s: no value", name)
			}
			for k := range body {
				if !slices.Contains([]string{"value", "description", "sensitive", "depends_on"}, k) {
					c.errorf("output.%s: unexpected key %q", name, k)
				}
			}
		}
	}
	c.references("", doc)
	sort.Strings(c.problems)
	return slices.Compact(c.problems)
}

func (c *checker) terraformBlock() {
	tf, ok := c.doc["terraform"].(map[string]any)
	if !ok {
		c.errorf("terraform: missing")
		return
	}
	if v, ok := tf["required_version"].(string); !ok || v == "" {
		c.errorf("terraform.required_version: missing")
	}
	providers, _ := tf["required_providers"].(map[string]any)
	for name, p := range providers {
		req, _ := p.(map[string]any)
		if name != "aws" {
			c.errorf("terraform.required_providers: unexpected provider %q", name)
			continue
		}
		if req["source"] != "hashicorp/aws" {
			c.errorf("terraform.required_providers.aws.source: %v, want hashicorp/aws", req["source"])
		}
		if v, _ := req["version"].(string); v == "" {
			c.errorf("terraform.required_providers.aws.version: missing")
		}
	}
	if providers["aws"] == nil {
		c.errorf("terraform.required_providers.aws: missing")
	}
}

var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// blocks checks the resource or data blocks of the document.
func (c *checker) blocks(kind string, schemas map[string]*schemaBlock) {
	all, ok := c.doc[kind].(map[string]any)
	if !ok {
		if _, present := c.doc[kind]; present {
			c.errorf("%s: not an object", kind)
		}
		return
	}
	for typ, byName := range all {
		sb := schemas[typ]
		if sb == nil {
			c.errorf("%s.%s: no such %s type in %s %s (or not in testdata/aws-provider-schema.json: add it to schemagen's list and run go generate)",
				kind, typ, kind, c.s.Provider, c.s.ProviderVersion)
			continue
		}
		names, ok := byName.(map[string]any)
		if !ok {
			c.errorf("%s.%s: not an object", kind, typ)
			continue
		}
		for name, body := range names {
			path := kind + "." + typ + "." + name
			if !validName.MatchString(name) {
				c.errorf("%s: invalid name %q", path, name)
			}
			obj, ok := body.(map[string]any)
			if !ok {
				c.errorf("%s: not an object", path)
				continue
			}
			dep := typ
			if kind == "data" {
				dep = "data." + typ
			}
			c.body(path, dep, sb, obj, kind)
		}
	}
}

// meta-arguments Terraform itself handles.
var metaArgs = map[string][]string{
	"resource": {"depends_on", "count", "for_each", "provider", "lifecycle", "//"},
	"data":     {"depends_on", "count", "for_each", "provider", "lifecycle", "//"},
	"block":    {"//"},
}

// body checks one resource, data source or nested block. dep is the
// deprecation key prefix ("aws_x" or "data.aws_x").
func (c *checker) body(path, dep string, sb *schemaBlock, obj map[string]any, kind string) {
	for key, v := range obj {
		switch {
		case slices.Contains(metaArgs[kind], key):
			c.meta(path, key, v)
		case sb.Arguments[key] != "":
			c.value(path+"."+key, sb.Arguments[key], v)
		case sb.Blocks[key] != nil:
			c.nested(path+"."+key, dep, sb.Blocks[key], v)
		case slices.Contains(sb.Attributes, key):
			c.errorf("%s: %s is computed by the provider and cannot be set", path, key)
		default:
			c.errorf("%s: unknown argument or block %q", path, key)
		}
		if why, ok := c.s.Deprecated[dep+"."+key]; ok && kind != "block" {
			c.errorf("%s: %s is %s", path, key, why)
		}
	}
	for _, req := range sb.Required {
		if _, ok := obj[req]; !ok {
			c.errorf("%s: required %q is missing", path, req)
		}
	}
}

func (c *checker) nested(path, dep string, sb *schemaBlock, v any) {
	switch v := v.(type) {
	case map[string]any:
		c.body(path, dep, sb, v, "block")
	case []any:
		if sb.Nesting == "single" && len(v) > 1 {
			c.errorf("%s: at most one block allowed, got %d", path, len(v))
		}
		for i, e := range v {
			obj, ok := e.(map[string]any)
			if !ok {
				c.errorf("%s[%d]: a block must be an object", path, i)
				continue
			}
			c.body(fmt.Sprintf("%s[%d]", path, i), dep, sb, obj, "block")
		}
	default:
		c.errorf("%s: a block must be an object or a list of objects, got %T", path, v)
	}
}

func (c *checker) meta(path, key string, v any) {
	switch key {
	case "depends_on":
		list, ok := v.([]any)
		if !ok {
			c.errorf("%s.depends_on: not a list", path)
			return
		}
		for _, e := range list {
			s, _ := e.(string)
			if !c.declared(s) {
				c.errorf("%s.depends_on: %q is not a resource or data source of the document", path, s)
			}
		}
	case "lifecycle":
		obj, ok := v.(map[string]any)
		if !ok {
			c.errorf("%s.lifecycle: not an object", path)
			return
		}
		for k, e := range obj {
			switch k {
			case "create_before_destroy", "prevent_destroy":
				if _, ok := e.(bool); !ok {
					c.errorf("%s.lifecycle.%s: not a bool", path, k)
				}
			case "ignore_changes", "replace_triggered_by", "precondition", "postcondition":
			default:
				c.errorf("%s.lifecycle: unknown key %q", path, k)
			}
		}
	}
}

// declared reports whether address ("aws_x.name" or "data.aws_x.name")
// names a block of the document.
func (c *checker) declared(address string) bool {
	kind := "resource"
	rest := address
	if strings.HasPrefix(address, "data.") {
		kind, rest = "data", strings.TrimPrefix(address, "data.")
	}
	typ, name, ok := strings.Cut(rest, ".")
	if !ok {
		return false
	}
	all, _ := c.doc[kind].(map[string]any)
	byName, _ := all[typ].(map[string]any)
	_, ok = byName[name]
	return ok
}

// wholeExpr reports whether s is a single interpolation, whose value can
// have any type.
func wholeExpr(s string) bool {
	if !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") {
		return false
	}
	exprs, rest, err := template(s)
	return err == nil && len(exprs) == 1 && rest == ""
}

// value checks an argument's value against its type.
func (c *checker) value(path, typ string, v any) {
	if s, ok := v.(string); ok && wholeExpr(s) {
		return
	}
	switch {
	case typ == "any":
	case typ == "string":
		if _, ok := v.(string); !ok {
			c.errorf("%s: want a string, got %s (Terraform would convert it, but the schema says string)", path, jsonType(v))
		}
	case typ == "number":
		switch v.(type) {
		case float64, json.Number:
		default:
			c.errorf("%s: want a number, got %s", path, jsonType(v))
		}
	case typ == "bool":
		if _, ok := v.(bool); !ok {
			c.errorf("%s: want a bool, got %s", path, jsonType(v))
		}
	case strings.HasPrefix(typ, "list(") || strings.HasPrefix(typ, "set("):
		list, ok := v.([]any)
		if !ok {
			c.errorf("%s: want a %s, got %s", path, typ, jsonType(v))
			return
		}
		elem := typ[strings.Index(typ, "(")+1 : len(typ)-1]
		for i, e := range list {
			c.value(fmt.Sprintf("%s[%d]", path, i), elem, e)
		}
	case strings.HasPrefix(typ, "map("):
		obj, ok := v.(map[string]any)
		if !ok {
			c.errorf("%s: want a %s, got %s", path, typ, jsonType(v))
			return
		}
		for k, e := range obj {
			c.value(path+"."+k, typ[4:len(typ)-1], e)
		}
	default:
		c.errorf("%s: unknown schema type %q", path, typ)
	}
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a bool"
	case float64, json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// references checks every interpolation in every string of v.
func (c *checker) references(path string, v any) {
	switch v := v.(type) {
	case string:
		exprs, _, err := template(v)
		if err != nil {
			c.errorf("%s: %v", path, err)
		}
		for _, e := range exprs {
			c.expression(path, e)
		}
	case []any:
		for i, e := range v {
			c.references(fmt.Sprintf("%s[%d]", path, i), e)
		}
	case map[string]any:
		for k, e := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if path == "" && k == "terraform" {
				continue
			}
			c.references(p, e)
		}
	}
}

// template returns the expressions interpolated in a Terraform template
// string (and in the templates nested in their string literals), and the
// literal text left after removing them.
func template(s string) (exprs []string, literal string, err error) {
	var lit strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "$${"), strings.HasPrefix(s[i:], "%%{"):
			lit.WriteString(s[i+1 : i+3])
			i += 3
		case strings.HasPrefix(s[i:], "%{"):
			return nil, "", fmt.Errorf("template directive %%{ at offset %d (a literal must be written %%%%{)", i)
		case strings.HasPrefix(s[i:], "${"):
			end, code, nested, err := scanExpr(s, i+2)
			if err != nil {
				return nil, "", err
			}
			exprs = append(exprs, code)
			exprs = append(exprs, nested...)
			i = end + 1
		default:
			lit.WriteByte(s[i])
			i++
		}
	}
	return exprs, lit.String(), nil
}

// scanExpr reads an expression from s[i:] up to its closing brace. code is
// the expression with string literals blanked; nested holds the
// expressions interpolated inside those literals.
func scanExpr(s string, i int) (end int, code string, nested []string, err error) {
	var b strings.Builder
	depth := 0
	for ; i < len(s); i++ {
		ch := s[i]
		switch ch {
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			if depth == 0 && ch == '}' {
				return i, b.String(), nested, nil
			}
			depth--
		case '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
					continue
				}
				if strings.HasPrefix(s[j:], "${") {
					e, code, n, err := scanExpr(s, j+2)
					if err != nil {
						return 0, "", nil, err
					}
					nested = append(nested, code)
					nested = append(nested, n...)
					j = e
				}
			}
			if j >= len(s) {
				return 0, "", nil, fmt.Errorf("unterminated string in interpolation %q", s)
			}
			b.WriteString(`""`)
			i = j
			continue
		}
		b.WriteByte(ch)
	}
	return 0, "", nil, fmt.Errorf("unterminated interpolation in %q", s)
}

// functions are the Terraform built-in functions generated documents may
// call.
var functions = []string{"filebase64sha256", "sha1", "sha256", "md5", "jsonencode", "join", "format"}

var traversal = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])*\s*\(?`)

// expression checks the references and function calls of one expression.
func (c *checker) expression(path, code string) {
	for _, m := range traversal.FindAllStringIndex(code, -1) {
		if m[0] > 0 && (code[m[0]-1] == '.' || (code[m[0]-1] >= '0' && code[m[0]-1] <= '9')) {
			continue
		}
		tr := strings.TrimSpace(code[m[0]:m[1]])
		if strings.HasSuffix(tr, "(") {
			name := strings.TrimSpace(strings.TrimSuffix(tr, "("))
			if !slices.Contains(functions, name) {
				c.errorf("%s: ${%s}: unknown function %s", path, code, name)
			}
			continue
		}
		c.reference(path, code, splitTraversal(tr))
	}
}

// splitTraversal splits a.b[0].c into a, b, [0], c.
func splitTraversal(tr string) []string {
	var parts []string
	for _, p := range strings.Split(tr, ".") {
		name, idx, _ := strings.Cut(p, "[")
		parts = append(parts, name)
		if idx != "" {
			parts = append(parts, "["+idx)
		}
	}
	return parts
}

func (c *checker) reference(path, code string, parts []string) {
	bad := func(format string, args ...any) {
		c.errorf("%s: ${%s}: %s", path, code, fmt.Sprintf(format, args...))
	}
	switch parts[0] {
	case "true", "false", "null":
		return
	case "path":
		if len(parts) < 2 || !slices.Contains([]string{"module", "root", "cwd"}, parts[1]) {
			bad("unknown path attribute")
		}
		return
	case "local":
		locals, _ := c.doc["locals"].(map[string]any)
		if len(parts) < 2 {
			bad("incomplete local reference")
		} else if _, ok := locals[parts[1]]; !ok {
			bad("local.%s is not declared", parts[1])
		}
		return
	case "var", "module", "each", "count", "self", "terraform":
		bad("%s references are not used by generated documents", parts[0])
		return
	}
	kind, schemas, dep := "resource", c.s.Resource, ""
	if parts[0] == "data" {
		kind, schemas, dep, parts = "data", c.s.Data, "data.", parts[1:]
	}
	if len(parts) < 2 {
		bad("incomplete reference")
		return
	}
	typ, name := parts[0], parts[1]
	if !c.declared(dep + typ + "." + name) {
		bad("%s %s.%s is not declared", kind, typ, name)
		return
	}
	sb := schemas[typ]
	if sb == nil || len(parts) < 3 {
		return
	}
	attr := parts[2]
	if !sb.has(attr) {
		bad("%s %s has no attribute %q in %s %s", kind, typ, attr, c.s.Provider, c.s.ProviderVersion)
		return
	}
	if why, ok := c.s.Deprecated[dep+typ+"."+attr]; ok {
		bad("%s.%s is %s", typ, attr, why)
	}
	// One level into a nested block: block[0].attr or block.attr.
	if nb := sb.Blocks[attr]; nb != nil {
		rest := parts[3:]
		if len(rest) > 0 && strings.HasPrefix(rest[0], "[") {
			rest = rest[1:]
		}
		if len(rest) > 0 && !nb.has(rest[0]) {
			bad("block %s of %s has no attribute %q", attr, typ, rest[0])
		}
	}
}

// TestCheckerCatches runs the checker on a document written the way
// Chalice 1.x writes chalice.tf.json (for Terraform < 1.4 and provider < 5),
// to show what it catches against the current provider.
func TestCheckerCatches(t *testing.T) {
	doc := map[string]any{
		"terraform": map[string]any{
			"required_version":   ">= 0.12.26, < 1.4.0",
			"required_providers": map[string]any{"aws": map[string]any{"version": ">= 2, < 5"}, "null": map[string]any{"version": ">= 2, < 4"}},
		},
		"data": map[string]any{
			"aws_region":       map[string]any{"chalice": map[string]any{}},
			"null_data_source": map[string]any{"chalice": map[string]any{"inputs": map[string]any{"app": "a", "stage": "dev"}}},
		},
		"locals": map[string]any{"chalice_api_swagger": `{"uri": "${aws_lambda_function.api_handler.invoke_arn}", "x": "${aws:username}"}`},
		"resource": map[string]any{
			"aws_api_gateway_rest_api": map[string]any{"rest_api": map[string]any{
				"body":                     "${local.chalice_api_swagger}",
				"name":                     "a",
				"minimum_compression_size": json.Number("0"),
				"endpoint_configuration":   map[string]any{"types": "EDGE"},
			}},
			"aws_api_gateway_deployment": map[string]any{"rest_api": map[string]any{
				"stage_name":        "api",
				"stage_description": "${md5(local.chalice_api_swagger)}",
				"rest_api_id":       "${aws_api_gateway_rest_api.rest_api.id}",
				"lifecycle":         map[string]any{"create_before_destroy": true},
				"depends_on":        []any{"aws_api_gateway_stage.rest_api"},
			}},
			"aws_sns_topic_subscription": map[string]any{"my.topic-sub": map[string]any{
				"topic_arn": "arn:aws:sns:${data.aws_region.chalice.name}:1:t",
				"protocol":  "lambda",
			}},
		},
		"output": map[string]any{"EndpointURL": map[string]any{"value": "${aws_api_gateway_deployment.rest_api.invoke_url}"}},
	}
	got := checkDocument(loadSchema(t), doc)
	want := []string{
		`data.null_data_source: no such data type`,
		`terraform.required_providers: unexpected provider "null"`,
		`terraform.required_providers.aws.source: <nil>, want hashicorp/aws`,
		`resource.aws_api_gateway_deployment.rest_api: unknown argument or block "stage_name"`,
		`resource.aws_api_gateway_deployment.rest_api: unknown argument or block "stage_description"`,
		`resource.aws_api_gateway_deployment.rest_api.depends_on: "aws_api_gateway_stage.rest_api" is not a resource`,
		`resource.aws_api_gateway_rest_api.rest_api.minimum_compression_size: want a string, got a number`,
		`resource.aws_api_gateway_rest_api.rest_api.endpoint_configuration.types: want a list(string), got a string`,
		`resource.aws_sns_topic_subscription.my.topic-sub: invalid name`,
		`resource.aws_sns_topic_subscription.my.topic-sub: required "endpoint" is missing`,
		`resource.aws_sns_topic_subscription.my.topic-sub.topic_arn: ${data.aws_region.chalice.name}: aws_region.name is deprecated in hashicorp/aws 6.0: use region`,
		`locals.chalice_api_swagger: ${aws_lambda_function.api_handler.invoke_arn}: resource aws_lambda_function.api_handler is not declared`,
		`locals.chalice_api_swagger: ${aws:username}: incomplete reference`,
		`output.EndpointURL.value: ${aws_api_gateway_deployment.rest_api.invoke_url}: resource aws_api_gateway_deployment has no attribute "invoke_url"`,
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.Contains(g, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("the checker did not report %q", w)
		}
	}
	if t.Failed() {
		t.Logf("it reported:\n%s", strings.Join(got, "\n"))
	}
}
