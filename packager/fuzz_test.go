package packager

import (
	"encoding/json"
	"testing"
)

// FuzzParseTemplate: a --merge-template file of any content gives a
// document or an error, never a panic, in either format; a document it
// returns is always JSON-encodable (it is merged into sam.json).
func FuzzParseTemplate(f *testing.F) {
	for _, seed := range []string{
		"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Name: !Sub '${AWS::StackName}'\n      Arn: !GetAtt X.Arn\n",
		"a: &x {b: 1}\nc: *x\n",
		"- !Ref\n",
		`{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`,
		"!!binary aGVsbG8=",
		"",
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, content string, yaml bool) {
		name := "merge.json"
		if yaml {
			name = "merge.yaml"
		}
		doc, err := ParseTemplate(name, []byte(content))
		if err != nil {
			return
		}
		if _, err := json.Marshal(doc); err != nil {
			t.Fatalf("parsed document is not JSON-encodable: %v", err)
		}
	})
}

func TestParseTemplateRecursiveAlias(t *testing.T) {
	for _, in := range []string{"a: &x [*x]\n", "a: &x {b: *x}\n", "&x [*x, *x]\n"} {
		if _, err := ParseTemplate("t.yaml", []byte(in)); err == nil {
			t.Errorf("%q: accepted a self-referencing alias", in)
		}
	}
}

func TestParseTemplateAliasBomb(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h"} {
		bomb += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = n
	}
	if _, err := ParseTemplate("bomb.yaml", []byte(bomb)); err == nil {
		t.Fatal("accepted an alias bomb expanding to 10^8 nodes")
	}
}
