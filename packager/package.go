package packager

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/internal/deployzip"
	"github.com/gochalice/chalice/internal/sam"
	"github.com/gochalice/chalice/internal/terraform"
	"gopkg.in/yaml.v3"
)

// Package writes the template and deployment.zip into o.OutDir (or, with
// SingleFile, a zip named o.OutDir holding both).
func Package(ctx context.Context, o *Options) (*Result, error) {
	if err := checkOptions(o); err != nil {
		return nil, err
	}
	var merge map[string]any
	if o.MergeTemplate != "" {
		var err error
		if merge, err = ReadTemplate(o.MergeTemplate); err != nil {
			return nil, err
		}
	}
	b, err := Build(ctx, o)
	if err != nil {
		return nil, err
	}
	zipBytes, err := os.ReadFile(b.Package.Path)
	if err != nil {
		return nil, fmt.Errorf("reading the deployment package: %w", err)
	}
	var name string
	var tpl []byte
	switch o.PkgFormat {
	case Terraform:
		doc, err := terraform.Generate(b.App, terraform.Options{ZipPath: terraform.DefaultZipPath, Policies: b.Policies})
		if err != nil {
			return nil, &Error{App: b.App.AppName, Stage: o.Stage, Err: err}
		}
		if tpl, err = terraform.Marshal(doc); err != nil {
			return nil, err
		}
		name = "chalice.tf.json"
	default:
		t, err := sam.Generate(b.App, sam.Options{CodeURI: sam.DefaultCodeURI, Version: chalice.Version, Policies: b.Policies})
		if err != nil {
			return nil, &Error{App: b.App.AppName, Stage: o.Stage, Err: err}
		}
		if merge != nil {
			t.Merge(merge)
		}
		if o.TemplateFormat == "yaml" {
			tpl, err = sam.MarshalYAML(t)
			name = "sam.yaml"
		} else {
			tpl, err = sam.Marshal(t)
			name = "sam.json"
		}
		if err != nil {
			return nil, err
		}
	}
	files := []deployzip.Entry{{Name: "deployment.zip", Data: zipBytes}, {Name: name, Data: tpl}}
	res := &Result{Manifest: b.Manifest, App: b.App, Package: b.Package}
	if o.SingleFile {
		var buf bytes.Buffer
		if err := deployzip.Write(&buf, files); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(o.OutDir)), 0o755); err != nil {
			return nil, fmt.Errorf("creating %s: %w", o.OutDir, err)
		}
		if err := deployzip.WriteFileAtomic(o.OutDir, buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
		res.TemplatePath, res.ZipPath = o.OutDir, o.OutDir
		return res, nil
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", o.OutDir, err)
	}
	for _, f := range files {
		if err := deployzip.WriteFileAtomic(filepath.Join(o.OutDir, f.Name), f.Data, 0o644); err != nil {
			return nil, err
		}
	}
	res.TemplatePath, res.ZipPath = filepath.Join(o.OutDir, name), filepath.Join(o.OutDir, "deployment.zip")
	return res, nil
}

// ReadTemplate reads a JSON or YAML CloudFormation template (YAML short
// forms such as !Ref and !GetAtt become their Fn:: objects).
func ReadTemplate(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading --merge-template: %w", err)
	}
	return ParseTemplate(path, raw)
}

// ParseTemplate decodes template content; path's extension (.yaml/.yml or
// not) selects the format and names the file in errors.
func ParseTemplate(path string, raw []byte) (map[string]any, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".yaml" && ext != ".yml" {
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("--merge-template %s is not a JSON object: %w", path, err)
		}
		return doc, nil
	}
	var node yaml.Node
	if err := yaml.Unmarshal(raw, &node); err != nil {
		return nil, fmt.Errorf("--merge-template %s is not valid YAML: %w", path, err)
	}
	if len(node.Content) == 0 {
		return map[string]any{}, nil
	}
	v, err := (&yamlDecoder{active: map[*yaml.Node]bool{}}).value(node.Content[0])
	if err != nil {
		return nil, fmt.Errorf("--merge-template %s: %w", path, err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("--merge-template %s must be a mapping at the top", path)
	}
	return doc, nil
}

// yamlDecoder converts YAML nodes, refusing self-referencing aliases and
// alias expansions that would blow up ("billion laughs").
type yamlDecoder struct {
	active map[*yaml.Node]bool
	nodes  int
}

// maxYAMLNodes bounds the nodes visited, aliases expanded.
const maxYAMLNodes = 1_000_000

func (d *yamlDecoder) value(n *yaml.Node) (any, error) {
	if d.nodes++; d.nodes > maxYAMLNodes {
		return nil, fmt.Errorf("line %d: the document expands to more than %d nodes (aliases?)", n.Line, maxYAMLNodes)
	}
	if d.active[n] {
		return nil, fmt.Errorf("line %d: an alias refers to a value that contains it", n.Line)
	}
	d.active[n] = true
	defer delete(d.active, n)
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			val, err := d.value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = val
		}
		v = m
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			val, err := d.value(c)
			if err != nil {
				return nil, err
			}
			s = append(s, val)
		}
		v = s
	case yaml.AliasNode:
		return d.value(n.Alias)
	case yaml.ScalarNode:
		if strings.HasPrefix(n.Tag, "!!") || n.Tag == "" {
			if err := n.Decode(&v); err != nil {
				return nil, err
			}
			return v, nil
		}
		v = n.Value
	default:
		return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
	}
	if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
		return v, nil
	}
	fn := strings.TrimPrefix(n.Tag, "!")
	if fn == "GetAtt" {
		if s, ok := v.(string); ok {
			parts := strings.SplitN(s, ".", 2)
			v = []any{parts[0], ""}
			if len(parts) == 2 {
				v = []any{parts[0], parts[1]}
			}
		}
	}
	if fn == "Ref" || fn == "Condition" {
		return map[string]any{fn: v}, nil
	}
	return map[string]any{"Fn::" + fn: v}, nil
}
