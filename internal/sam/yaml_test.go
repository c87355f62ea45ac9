package sam

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/policygen"
)

// trickyValue holds strings that need quoting (as values and keys) and
// values shaped like intrinsic functions, short form or not.
func trickyValue() map[string]any {
	tricky := []string{"", "yes", "No", "on", "null", "~", "true", "1.5", "0x1F", "1:30", "2010-09-09", "-x", "- x", "a: b",
		"a #b", "#c", "x:", " lead", "trail ", "tab\there", "line\nbreak", `back\slash`, `quo"te`, "'single'", "@at", "`tick",
		"%p", "!bang", "&amp", "*star", "./x", "-.5", "--", "+x", ".x", "-", "key: v", "Fn::Sub", "${AWS::Region}", "[x]", "{y}", "|", ">", "?", ",", "é", "😀", "\x01", "=", "<<", ".inf", ".5", "+1", "0o17"}
	m := map[string]any{}
	for i, s := range tricky {
		m[s+"k"+fmt.Sprint(i)] = s
		m[s] = []any{s, map[string]any{s: s}, []any{}, map[string]any{}, []any{[]any{s, 1}}, 2.5, 10, true, nil,
			map[string]any{"Ref": s}, map[string]any{"Fn::Sub": s}}
	}
	m["intrinsics"] = []any{
		map[string]any{"Ref": "X"},
		map[string]any{"Ref": 1},
		map[string]any{"Ref": nil},
		map[string]any{"Ref": []any{"a"}},
		map[string]any{"Ref": "X", "Other": 1},
		map[string]any{"Fn::GetAtt": []any{"A", "Arn"}},
		map[string]any{"Fn::GetAtt": []any{"A", "Endpoint.Address"}},
		map[string]any{"Fn::GetAtt": []any{"A.B", "C"}},
		map[string]any{"Fn::GetAtt": []any{"A", map[string]any{"Ref": "Attr"}}},
		map[string]any{"Fn::GetAtt": "A.Arn"},
		map[string]any{"Fn::Sub": []any{"arn:${X}", map[string]any{"X": map[string]any{"Ref": "Y"}}}},
		map[string]any{"Fn::Base64": map[string]any{"Fn::Sub": "x"}},
		map[string]any{"Fn::Join": []any{",", []any{}}},
		map[string]any{"Fn::Select": []any{0, map[string]any{"Fn::GetAZs": ""}}},
		map[string]any{"Fn::If": []any{"Cond", true, false}},
		map[string]any{"Fn::Not": []any{map[string]any{"Condition": "C"}}},
		map[string]any{"Condition": "C"},
		map[string]any{"Fn::Unknown": "kept long"},
		map[string]any{"Fn::Equals": 3},
		map[string]any{"Fn::Sub": map[string]any{}},
	}
	m["numbers"] = []any{0, -1, 1.5, 1e21, 1e-7, 12345678901234567890.0, -0.25}
	return m
}

// normalize returns v as encoding/json reads it back (numbers as float64).
func normalize(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestParseYAMLReadsBackMarshal reads every golden variant's YAML (and the
// tricky values) back with ParseYAML and compares it with the JSON
// template: same document, short forms included.
func TestParseYAMLReadsBackMarshal(t *testing.T) {
	docs := map[string]any{"tricky": trickyValue()}
	for name, tpl := range variants(t) {
		docs[name] = tpl
	}
	for name, v := range docs {
		t.Run(name, func(t *testing.T) {
			js, err := Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal(js, &want); err != nil {
				t.Fatal(err)
			}
			y, err := MarshalYAML(v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseYAML(y)
			if err != nil {
				t.Fatalf("ParseYAML: %v\n%s", err, y)
			}
			if g := normalize(t, got); !reflect.DeepEqual(g, want) {
				gb, _ := json.Marshal(g)
				wb, _ := json.Marshal(want)
				t.Errorf("YAML reads back as\n%s\nwant\n%s\nYAML:\n%s", gb, wb, y)
			}
		})
	}
}

// TestMarshalYAMLShape pins the YAML form: key order as in the JSON,
// short-form intrinsics, two-space indentation, quoting.
func TestMarshalYAMLShape(t *testing.T) {
	tpl := newTemplate()
	tpl.Resources().Set("B", NewObject("Type", "T", "Properties", map[string]any{
		"z":      1,
		"Arn":    map[string]any{"Fn::GetAtt": []any{"Fn", "Arn"}},
		"Name":   map[string]any{"Ref": "Fn"},
		"Url":    map[string]any{"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"},
		"Source": map[string]any{"Fn::Sub": []any{"arn:${AWS::Partition}:execute-api:${Id}/*", map[string]any{"Id": map[string]any{"Ref": "Api"}}}},
		"Target": map[string]any{"Fn::Join": []any{"/", []any{"integrations", map[string]any{"Ref": "Integ"}}}},
		"Nested": map[string]any{"Fn::Base64": map[string]any{"Fn::Sub": "x"}},
		"Date":   "2010-09-09",
		"Yes":    "yes",
		"Empty":  map[string]any{},
	}))
	tpl.Resources().Set("A", NewObject("Type", "T"))
	got, err := MarshalYAML(tpl)
	if err != nil {
		t.Fatal(err)
	}
	want := `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Outputs: {}
Resources:
  B:
    Type: T
    Properties:
      Arn: !GetAtt Fn.Arn
      Date: "2010-09-09"
      Empty: {}
      Name: !Ref Fn
      Nested:
        Fn::Base64: !Sub x
      Source: !Sub
        - arn:${AWS::Partition}:execute-api:${Id}/*
        - Id: !Ref Api
      Target: !Join
        - /
        - - integrations
          - !Ref Integ
      Url: !Sub https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/
      "Yes": "yes"
      z: 1
  A:
    Type: T
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestMarshalYAMLPolicyStruct is the case that broke: a role whose policy
// is a *policygen.Policy (what autogen_policy produces) is written, in the
// struct's field order.
func TestMarshalYAMLPolicyStruct(t *testing.T) {
	tpl := generate(t, buildApp(t, newProjectManifest(), newProjectConfig, nil),
		Options{Policies: map[string]any{"default-role": policygen.Generate([]string{"dynamodb:GetItem"}, policygen.Traits{})}})
	y, err := MarshalYAML(tpl)
	if err != nil {
		t.Fatalf("MarshalYAML: %v", err)
	}
	want := `        - PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action:
                  - logs:CreateLogGroup
                  - logs:CreateLogStream
                  - logs:PutLogEvents
                Resource: arn:*:logs:*:*:*
              - Effect: Allow
                Action:
                  - dynamodb:GetItem
                Resource: '*'
`
	if !strings.Contains(string(y), want) && !strings.Contains(string(y), strings.ReplaceAll(want, "'*'", `"*"`)) {
		t.Errorf("the policy is not written as expected; template:\n%s", y)
	}
}

func TestParseYAMLShortForms(t *testing.T) {
	got, err := ParseYAML([]byte("a: !GetAtt X.Y.Z\nb: !Ref R\nc: !Condition C\nd: !Sub [x, {k: !Ref v}]\ne: !GetAtt [X, Y]\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	want := `{"a":{"Fn::GetAtt":["X","Y.Z"]},"b":{"Ref":"R"},"c":{"Condition":"C"},"d":{"Fn::Sub":["x",{"k":{"Ref":"v"}}]},"e":{"Fn::GetAtt":["X","Y"]}}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
	for _, in := range []string{"a: &x [*x]\n", "a: &x {b: *x}\n", "&x [*x, *x]\n", "a: [\n"} {
		if _, err := ParseYAML([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if v, err := ParseYAML(nil); err != nil || v != nil {
		t.Errorf("empty document = %v, %v", v, err)
	}
}

// FuzzMarshalYAML: any JSON document written by MarshalYAML reads back
// with ParseYAML as the same value; and ParseYAML never panics on the
// input taken as YAML.
func FuzzMarshalYAML(f *testing.F) {
	for _, seed := range []string{
		`{"Ref": "X"}`,
		`{"a": {"Fn::GetAtt": ["A", "B.C"]}, "b": [1, 2.5, true, null, "yes", "1:30"]}`,
		`{"Fn::Sub": ["${X}", {"X": {"Ref": "Y"}}]}`,
		`{"Fn::Base64": {"Fn::Sub": "x"}}`,
		`["", " ", "- x", "a: b", "\u0085", "\ufeff", "é"]`,
		`{"k": 1e300, "n": -0.0, "m": 123456789012345678901234567890}`,
		`"plain"`,
		`a: !GetAtt X.Y`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		_, _ = ParseYAML([]byte(in))
		var v any
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			return
		}
		y, err := MarshalYAML(v)
		if err != nil {
			t.Fatalf("MarshalYAML(%s): %v", in, err)
		}
		got, err := ParseYAML(y)
		if err != nil {
			t.Fatalf("ParseYAML of MarshalYAML(%s): %v\n%s", in, err, y)
		}
		if g, w := normalize(t, got), normalize(t, v); !reflect.DeepEqual(g, w) {
			t.Fatalf("%s reads back as %v (want %v)\nYAML:\n%s", in, g, w, y)
		}
	})
}
