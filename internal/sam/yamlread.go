package sam

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ParseYAML reads a CloudFormation template written in YAML (sam.yaml, or
// a --merge-template file) into plain values: map[string]any, []any,
// strings, numbers, booleans and nil, as encoding/json would read the same
// template written as JSON. Short-form intrinsic functions become their
// long form: !Ref X is {"Ref": "X"}, !GetAtt X.Arn is
// {"Fn::GetAtt": ["X", "Arn"]}, !Condition C is {"Condition": "C"}, and
// any other !Name is {"Fn::Name": ...}.
//
// An empty document is nil. Aliases are expanded, but one that refers to
// a value containing it, or expansions beyond a million nodes ("billion
// laughs"), are errors. It never panics.
func ParseYAML(data []byte) (any, error) {
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return nil, err
	}
	if len(node.Content) == 0 {
		return nil, nil
	}
	return (&yamlDecoder{active: map[*yaml.Node]bool{}}).value(node.Content[0])
}

// yamlDecoder converts YAML nodes, refusing self-referencing aliases and
// alias expansions that would blow up.
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
				// An integer beyond 64 bits: a float64, as encoding/json
				// reads the same number.
				if f, ferr := strconv.ParseFloat(n.Value, 64); ferr == nil && n.ShortTag() == "!!int" {
					return f, nil
				}
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
