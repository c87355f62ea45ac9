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
)

// Package writes the template and deployment.zip into o.OutDir (or, with
// SingleFile, a zip named o.OutDir holding both).
func Package(ctx context.Context, in *Options) (*Result, error) {
	oc := *in
	o := &oc
	o.declared = true
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
	w := newWarner(o)
	if b.App.StageCfg != nil && b.App.StageCfg.AutomaticLayer {
		w.warn(AutomaticLayerWarning)
	}
	warnings := append(b.Warnings, w.lines...)
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
		t, err := sam.Generate(b.App, sam.Options{CodeURI: sam.DefaultCodeURI, Version: chalice.Version, Policies: b.Policies, CodeSHA256: b.Package.CodeSha256})
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
	done := w.step("Writing the template: " + name)
	res, err := write(o, b, name, zipBytes, tpl, warnings)
	done(err)
	return res, err
}

// write writes the template and the deployment package.
func write(o *Options, b *Built, name string, zipBytes, tpl []byte, warnings []string) (*Result, error) {
	files := []deployzip.Entry{{Name: "deployment.zip", Data: zipBytes}, {Name: name, Data: tpl}}
	res := &Result{Manifest: b.Manifest, App: b.App, Package: b.Package, Warnings: warnings}
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
		return nil, fmt.Errorf("reading the merge template: %w", err)
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
			return nil, fmt.Errorf("the merge template %s is not a JSON object: %w", path, err)
		}
		return doc, nil
	}
	v, err := sam.ParseYAML(raw)
	if err != nil {
		return nil, fmt.Errorf("the merge template %s is not valid YAML: %w", path, err)
	}
	if v == nil {
		return map[string]any{}, nil
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the merge template %s must be a mapping at the top", path)
	}
	return doc, nil
}
