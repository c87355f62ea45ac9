package sam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// MarshalYAML writes v (a *Template, *Object or any JSON-encodable value)
// as a YAML block document for --template-format yaml, with gopkg.in/yaml.v3.
//
// The document is the one Marshal writes as JSON, in the same order:
// Objects keep their key order, plain maps are sorted by key and structs
// keep their field order (v is encoded to JSON first, then each JSON
// object becomes a YAML mapping in that order).
//
// CloudFormation intrinsic functions are written in their short form, as
// people write them: {"Ref": "X"} as !Ref X, {"Fn::GetAtt": ["X", "Arn"]}
// as !GetAtt X.Arn, {"Fn::Sub": ...} as !Sub ..., and so on for the
// functions in shortForms. The long form is kept where the short one
// cannot say the same thing (a function whose argument is itself a short
// form, a number or a boolean).
//
// Strings are written plain when YAML 1.1 readers (PyYAML, cfn-lint) and
// YAML 1.2 readers both read them back as the same string, and
// double-quoted otherwise. ParseYAML reads the result back into the
// value Marshal's JSON holds.
func MarshalYAML(v any) ([]byte, error) {
	js, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sam: encoding the template as YAML: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	node, err := yamlNode(dec)
	if err != nil {
		return nil, fmt.Errorf("sam: encoding the template as YAML: %w", err)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{node}}); err != nil {
		return nil, fmt.Errorf("sam: encoding the template as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("sam: encoding the template as YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// shortForms are the intrinsic functions written with a YAML tag: the key
// of the long form -> the tag. Condition is left out on purpose: a
// one-key {"Condition": ...} mapping is as likely an IAM condition as
// the condition function.
var shortForms = map[string]string{
	"Ref":             "!Ref",
	"Fn::And":         "!And",
	"Fn::Base64":      "!Base64",
	"Fn::Cidr":        "!Cidr",
	"Fn::Equals":      "!Equals",
	"Fn::FindInMap":   "!FindInMap",
	"Fn::GetAtt":      "!GetAtt",
	"Fn::GetAZs":      "!GetAZs",
	"Fn::If":          "!If",
	"Fn::ImportValue": "!ImportValue",
	"Fn::Join":        "!Join",
	"Fn::Not":         "!Not",
	"Fn::Or":          "!Or",
	"Fn::Select":      "!Select",
	"Fn::Split":       "!Split",
	"Fn::Sub":         "!Sub",
}

// yamlNode reads one JSON value from dec and returns it as a YAML node.
func yamlNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			seen := map[string]int{} // key -> index of its value in n.Content
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				val, err := yamlNode(dec)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", key, err)
				}
				if i, dup := seen[key]; dup {
					n.Content[i] = val // the last one wins, as in encoding/json
					continue
				}
				seen[key] = len(n.Content) + 1
				n.Content = append(n.Content, stringNode(key), val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return shortForm(n), nil
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for i := 0; dec.More(); i++ {
				val, err := yamlNode(dec)
				if err != nil {
					return nil, fmt.Errorf("[%d]: %w", i, err)
				}
				n.Content = append(n.Content, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return stringNode(t), nil
	case json.Number:
		return numberNode(t), nil
	case bool:
		v := "false"
		if t {
			v = "true"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// shortForm turns a one-key mapping that is an intrinsic function into its
// tagged short form, when the short form reads back as the same value.
func shortForm(n *yaml.Node) *yaml.Node {
	if len(n.Content) != 2 {
		return n
	}
	tag, ok := shortForms[n.Content[0].Value]
	if !ok {
		return n
	}
	arg := n.Content[1]
	if strings.HasPrefix(arg.Tag, "!") && !strings.HasPrefix(arg.Tag, "!!") {
		return n // a node has one tag: !Base64 !Sub ... is not YAML
	}
	switch arg.Kind {
	case yaml.ScalarNode:
		if arg.Tag != "!!str" || tag == "!GetAtt" {
			// Tagged scalars read back as strings, and !GetAtt X.Y reads
			// back as the list [X, Y].
			return n
		}
	case yaml.SequenceNode, yaml.MappingNode:
		if tag == "!Ref" {
			return n
		}
	default:
		return n
	}
	if tag == "!GetAtt" && arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
		res, attr := arg.Content[0], arg.Content[1]
		if res.Kind == yaml.ScalarNode && res.Tag == "!!str" && attr.Kind == yaml.ScalarNode && attr.Tag == "!!str" &&
			res.Value != "" && !strings.Contains(res.Value, ".") {
			arg = stringNode(res.Value + "." + attr.Value)
		}
	}
	out := *arg
	out.Tag = tag
	return &out
}

func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if !yamlPlain(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// numberNode writes a JSON number. YAML 1.1 floats need a "." before an
// exponent (1e+21 would read back as a string), so one is added.
func numberNode(num json.Number) *yaml.Node {
	s := num.String()
	if !strings.ContainsAny(s, ".eE") {
		// No explicit tag: an integer beyond int64 is still written as
		// the plain integer it is (yaml.v3 would tag it !!int).
		return &yaml.Node{Kind: yaml.ScalarNode, Value: s}
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 && !strings.Contains(s[:i], ".") {
		s = s[:i] + ".0" + s[i:]
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: s}
}

// yamlReserved are plain scalars YAML 1.1 or 1.2 readers resolve to
// something other than a string.
var yamlReserved = map[string]bool{
	"": true, "~": true, "null": true, "true": true, "false": true,
	"yes": true, "no": true, "on": true, "off": true, "y": true, "n": true,
	".inf": true, "-.inf": true, "+.inf": true, ".nan": true, "<<": true, "=": true,
}

// yamlPlain reports whether s can be written as a plain scalar that YAML
// 1.1 and 1.2 readers both read back as the string s.
func yamlPlain(s string) bool {
	if yamlReserved[strings.ToLower(s)] {
		return false
	}
	// Anything that starts like a number (or a date, or a sexagesimal
	// 1:30 in YAML 1.1) is quoted, and so is "- x".
	switch c := s[0]; {
	case c >= '0' && c <= '9':
		return false
	case c == '+' || c == '-' || c == '.':
		if len(s) == 1 || strings.ContainsAny(s[1:2], "0123456789. \t") {
			return false
		}
	}
	if strings.ContainsAny(s[:1], "?:,[]{}#&*!|>'\"%@` \t") {
		return false
	}
	if strings.HasSuffix(s, " ") || strings.HasSuffix(s, ":") || strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
