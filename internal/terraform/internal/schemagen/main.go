// Command schemagen writes internal/terraform/testdata/aws-provider-schema.json:
// the argument names, types, required flags, nested blocks and computed
// attributes of the hashicorp/aws resource and data source types that
// chalice.tf.json uses. The test suite of package terraform checks every
// generated document against it, since Terraform itself (and the provider
// registry) is not available where the tests run.
//
// The source is the npm package @cdktn/provider-aws (CDK Terrain, the
// continuation of @cdktf/provider-aws, whose last release stops at
// hashicorp/aws 6.25), which is generated from `terraform providers
// schema -json` of one hashicorp/aws release:
//
//   - package/.jsii lists, for every resource and data source, its Config
//     interface (one property per argument or block, with an optional flag
//     and a doc link whose #anchor is the Terraform name) and one struct
//     interface per nested block;
//   - package/lib/<type>/index.js marks every computed-only attribute of the
//     resource class with a comment "// <name> - computed: true, optional:
//     false, required: false".
//
// Usage (from internal/terraform, as the go:generate directive there does):
//
//	go run ./internal/schemagen -out testdata/aws-provider-schema.json
//
// It runs `npm pack <package>@<version>` into a temporary directory; -tgz
// uses an already downloaded tarball instead; -package reads
// @cdktf/provider-aws (same layout, classes under cdktf.*) instead.
// Standard library only.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// DefaultPackage and DefaultVersion are the npm package and release read
// by default: @cdktn/provider-aws 25.7.0 is hashicorp/aws 6.66.0.
const (
	DefaultPackage = "@cdktn/provider-aws"
	DefaultVersion = "25.7.0"
)

// lib is the jsii module the bindings' base classes live in ("cdktn" or
// "cdktf"), from the package's scope.
var lib = "cdktf"

// libOf is the jsii module of a package: "@cdktn/provider-aws" -> "cdktn".
func libOf(pkg string) string {
	scope, _, _ := strings.Cut(strings.TrimPrefix(pkg, "@"), "/")
	return scope
}

// Resources and DataSources are the types chalice.tf.json may contain. Add a
// type here (and regenerate) before the generator emits it.
var (
	Resources = []string{
		"aws_api_gateway_base_path_mapping",
		"aws_api_gateway_deployment",
		"aws_api_gateway_domain_name",
		"aws_api_gateway_rest_api",
		"aws_api_gateway_stage",
		"aws_apigatewayv2_api",
		"aws_apigatewayv2_api_mapping",
		"aws_apigatewayv2_deployment",
		"aws_apigatewayv2_domain_name",
		"aws_apigatewayv2_integration",
		"aws_apigatewayv2_route",
		"aws_apigatewayv2_stage",
		"aws_cloudfront_cache_policy",
		"aws_cloudfront_distribution",
		"aws_cloudwatch_event_bus",
		"aws_cloudwatch_event_rule",
		"aws_cloudwatch_event_target",
		"aws_cloudwatch_log_group",
		"aws_dynamodb_table",
		"aws_iam_role",
		"aws_iam_role_policy",
		"aws_lambda_alias",
		"aws_lambda_event_source_mapping",
		"aws_lambda_function",
		"aws_lambda_function_event_invoke_config",
		"aws_lambda_function_url",
		"aws_lambda_permission",
		"aws_lambda_provisioned_concurrency_config",
		"aws_s3_bucket",
		"aws_s3_bucket_notification",
		"aws_s3_bucket_public_access_block",
		"aws_s3_bucket_versioning",
		"aws_scheduler_schedule",
		"aws_sns_topic",
		"aws_sns_topic_subscription",
		"aws_sqs_queue",
	}
	DataSources = []string{
		"aws_caller_identity",
		"aws_cloudfront_cache_policy",
		"aws_cloudfront_origin_request_policy",
		"aws_partition",
		"aws_region",
	}
)

// deprecated lists arguments and attributes the provider still accepts but
// marks deprecated. The provider schema carries a deprecated flag that the
// cdktf bindings drop, so these are kept by hand from the provider's
// documentation and upgrade guides. Keys are "<resource type>.<name>" or
// "data.<data source type>.<name>".
var deprecated = map[string]string{
	"data.aws_region.name":                 "deprecated in hashicorp/aws 6.0: use region",
	"aws_iam_role.inline_policy":           "deprecated in hashicorp/aws 5.x: use aws_iam_role_policy",
	"aws_iam_role.managed_policy_arns":     "deprecated in hashicorp/aws 5.x: use aws_iam_role_policy_attachment",
	"aws_cloudwatch_event_rule.is_enabled": "deprecated in hashicorp/aws 5.x: use state",
}

// Block is the schema of a resource, data source or nested block.
type Block struct {
	Nesting    string            `json:"nesting,omitempty"` // nested blocks: single or list
	Arguments  map[string]string `json:"arguments"`         // name -> type
	Required   []string          `json:"required,omitempty"`
	Attributes []string          `json:"attributes,omitempty"` // computed-only attributes
	Blocks     map[string]*Block `json:"blocks,omitempty"`
}

// Schema is the whole file.
type Schema struct {
	Comment         string            `json:"//"`
	Package         string            `json:"package"`
	Provider        string            `json:"provider"`
	ProviderVersion string            `json:"provider_version"`
	Deprecated      map[string]string `json:"deprecated"`
	Resource        map[string]*Block `json:"resource"`
	Data            map[string]*Block `json:"data"`
}

func main() {
	pkgName := flag.String("package", DefaultPackage, "npm package of the provider bindings to read")
	version := flag.String("version", DefaultVersion, "version of the package to read")
	tgz := flag.String("tgz", "", "read this npm tarball instead of running npm pack")
	out := flag.String("out", "testdata/aws-provider-schema.json", "file to write")
	flag.Parse()
	if err := run(*pkgName, *version, *tgz, *out); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

func run(pkgName, version, tgz, out string) error {
	lib = libOf(pkgName)
	if tgz == "" {
		dir, err := os.MkdirTemp("", "schemagen")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", "--silent", "--pack-destination", dir, pkgName+"@"+version)
		cmd.Stderr = os.Stderr
		name, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack %s@%s: %w", pkgName, version, err)
		}
		tgz = filepath.Join(dir, strings.TrimSpace(string(name)))
	}
	s, err := build(pkgName, tgz)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(data, '\n'), 0o644)
}

// jsii is the part of the .jsii assembly schemagen reads.
type jsii struct {
	Version string               `json:"version"`
	Types   map[string]*jsiiType `json:"types"`
}

type jsiiType struct {
	FQN        string     `json:"fqn"`
	Kind       string     `json:"kind"`
	Name       string     `json:"name"`
	Base       string     `json:"base"`
	Docs       jsiiDocs   `json:"docs"`
	Properties []jsiiProp `json:"properties"`
	Location   struct {
		Filename string `json:"filename"`
	} `json:"locationInModule"`
}

type jsiiDocs struct {
	Summary string `json:"summary"`
	Remarks string `json:"remarks"`
}

type jsiiProp struct {
	Name     string          `json:"name"`
	Optional bool            `json:"optional"`
	Static   bool            `json:"static"`
	Docs     jsiiDocs        `json:"docs"`
	Type     json.RawMessage `json:"type"`
}

type typeRef struct {
	Primitive  string `json:"primitive"`
	FQN        string `json:"fqn"`
	Collection *struct {
		Kind        string  `json:"kind"`
		ElementType typeRef `json:"elementtype"`
	} `json:"collection"`
	Union *struct {
		Types []typeRef `json:"types"`
	} `json:"union"`
}

var (
	// "Represents a {@link https://.../docs/resources/lambda_function aws_lambda_function}."
	representsRe = regexp.MustCompile(`/docs/(resources|data-sources)/\S+ (aws_[a-z0-9_]+)\}`)
	// "{@link https://...#function_name LambdaFunction#function_name}"
	anchorRe   = regexp.MustCompile(`\{@link \S+ \w+#([a-z0-9_]+)\}`)
	computedRe = regexp.MustCompile(`(?m)^    // ([a-z0-9_]+) - computed: true, optional: false, required: false$`)
)

func build(pkgName, tgz string) (*Schema, error) {
	var pkg struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		CDKTF   struct {
			Provider struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"provider"`
		} `json:"cdktf"`
	}
	var asm jsii
	files, err := readTar(tgz, func(name string) bool {
		return name == "package/package.json" || name == "package/.jsii"
	})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(files["package/package.json"], &pkg); err != nil {
		return nil, fmt.Errorf("package.json: %w", err)
	}
	if err := json.Unmarshal(files["package/.jsii"], &asm); err != nil {
		return nil, fmt.Errorf(".jsii: %w", err)
	}
	if pkg.Name != pkgName {
		return nil, fmt.Errorf("%s is the package %s, not %s (pass -package)", tgz, pkg.Name, pkgName)
	}
	if pkg.CDKTF.Provider.Version == "" {
		return nil, errors.New("package.json has no cdktf.provider.version")
	}

	// Index the resource and data source classes by Terraform type.
	classes := map[string]*jsiiType{} // "resource.aws_x" / "data.aws_x"
	for _, t := range asm.Types {
		if t.Kind != "class" || (t.Base != lib+".TerraformResource" && t.Base != lib+".TerraformDataSource") {
			continue
		}
		m := representsRe.FindStringSubmatch(t.Docs.Summary)
		if m == nil {
			continue
		}
		kind := "resource"
		if m[1] == "data-sources" {
			kind = "data"
		}
		classes[kind+"."+m[2]] = t
	}

	want := map[string]string{} // lib/<dir>/index.js -> class key
	for _, kind := range []string{"resource", "data"} {
		list := Resources
		if kind == "data" {
			list = DataSources
		}
		for _, name := range list {
			c := classes[kind+"."+name]
			if c == nil {
				return nil, fmt.Errorf("no %s %s in %s %s", kind, name, pkgName, pkg.Version)
			}
			js := strings.TrimSuffix(strings.Replace(c.Location.Filename, "src/", "package/lib/", 1), ".ts") + ".js"
			want[js] = kind + "." + name
		}
	}
	sources, err := readTar(tgz, func(name string) bool { _, ok := want[name]; return ok })
	if err != nil {
		return nil, err
	}

	s := &Schema{
		Comment: "Generated by internal/terraform/internal/schemagen from the npm package " + pkgName + " " +
			"(its .jsii assembly and lib/*/index.js); do not edit. Regenerate with go generate ./internal/terraform.",
		Package:         pkgName + "@" + pkg.Version,
		Provider:        pkg.CDKTF.Provider.Name,
		ProviderVersion: pkg.CDKTF.Provider.Version,
		Deprecated:      deprecated,
		Resource:        map[string]*Block{},
		Data:            map[string]*Block{},
	}
	for js, key := range want {
		c := classes[key]
		src, ok := sources[js]
		if !ok {
			return nil, fmt.Errorf("%s: %s not in the tarball", key, js)
		}
		cfg := asm.Types[c.FQN+"Config"]
		if cfg == nil {
			return nil, fmt.Errorf("%s: no %sConfig interface", key, c.FQN)
		}
		b, err := block(&asm, string(src), cfg, "")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		b.Attributes, err = computed(string(src), c.Name, lib+".Terraform")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		kind, name, _ := strings.Cut(key, ".")
		if kind == "data" {
			s.Data[name] = b
		} else {
			s.Resource[name] = b
		}
	}
	return s, nil
}

// block converts a Config or block struct interface; src is the type's
// index.js, where the computed-only attributes of a nested block are marked
// in its <Struct>OutputReference class.
func block(asm *jsii, src string, t *jsiiType, nesting string) (*Block, error) {
	b := &Block{Nesting: nesting, Arguments: map[string]string{}, Blocks: map[string]*Block{}}
	for _, p := range t.Properties {
		if p.Static {
			continue
		}
		m := anchorRe.FindStringSubmatch(p.Docs.Summary + " " + p.Docs.Remarks)
		if m == nil {
			return nil, fmt.Errorf("%s.%s: no Terraform name in its docs", t.Name, p.Name)
		}
		name := m[1]
		var ref typeRef
		if err := json.Unmarshal(p.Type, &ref); err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name, p.Name, err)
		}
		if fqn, nest := structOf(ref); fqn != "" {
			st := asm.Types[fqn]
			if st == nil {
				return nil, fmt.Errorf("%s.%s: unknown type %s", t.Name, p.Name, fqn)
			}
			nb, err := block(asm, src, st, nest)
			if err != nil {
				return nil, err
			}
			// Blocks of a list nesting or of attribute-only structs may
			// have no OutputReference class: no computed attributes.
			nb.Attributes, _ = computed(src, st.Name+"OutputReference", lib+".ComplexObject")
			b.Blocks[name] = nb
		} else {
			b.Arguments[name] = typeName(ref)
		}
		if !p.Optional {
			b.Required = append(b.Required, name)
		}
	}
	sort.Strings(b.Required)
	if len(b.Blocks) == 0 {
		b.Blocks = nil
	}
	return b, nil
}

// structOf returns the struct a property holds (a nested block or object
// attribute) and whether it is a single object or a list of them.
func structOf(r typeRef) (string, string) {
	switch {
	case r.FQN != "" && !strings.HasPrefix(r.FQN, lib+"."):
		return r.FQN, "single"
	case r.Collection != nil:
		if fqn, _ := structOf(r.Collection.ElementType); fqn != "" {
			return fqn, "list"
		}
	case r.Union != nil:
		for _, u := range r.Union.Types {
			if fqn, nest := structOf(u); fqn != "" {
				return fqn, nest
			}
		}
	}
	return "", ""
}

// typeName renders an argument's type as Terraform spells it.
func typeName(r typeRef) string {
	switch {
	case r.Primitive == "boolean":
		return "bool"
	case r.Primitive == "json" || r.Primitive == "any":
		return "any"
	case r.Primitive != "":
		return r.Primitive
	case r.Collection != nil:
		kind := "list"
		if r.Collection.Kind == "map" {
			kind = "map"
		}
		return kind + "(" + typeName(r.Collection.ElementType) + ")"
	case r.Union != nil:
		for _, u := range r.Union.Types {
			if u.FQN != lib+".IResolvable" {
				return typeName(u)
			}
		}
	}
	return "any"
}

// computed lists the computed-only attributes of a class (extending base)
// in the generated JavaScript.
func computed(src, class, base string) ([]string, error) {
	start := strings.Index(src, "\nclass "+class+" extends "+base)
	if start < 0 {
		return nil, fmt.Errorf("class %s not found in its index.js", class)
	}
	end := strings.Index(src[start:], "\nexports."+class+" = "+class+";")
	if end < 0 {
		return nil, fmt.Errorf("end of class %s not found in its index.js", class)
	}
	var out []string
	for _, m := range computedRe.FindAllStringSubmatch(src[start:start+end], -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out, nil
}

// readTar returns the contents of the members of a .tgz that keep selects.
func readTar(path string, keep func(string) bool) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tr := tar.NewReader(zr)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if !keep(h.Name) {
			continue
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, tr); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, h.Name, err)
		}
		out[h.Name] = buf.Bytes()
	}
}
