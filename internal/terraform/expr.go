package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// expr is a Terraform template string written by the generator, such as
// "${aws_lambda_function.api_handler.arn}": it is written as is. Every
// plain Go string in the document is a literal (a name, a tag, a policy,
// a description from the user's code or config) and is escaped on the way
// out so that Terraform does not read "${" or "%{" in it as a template
// sequence (IAM policy variables such as ${aws:username} would otherwise
// break the configuration).
//
// One exception keeps a Chalice feature: a setting whose whole value is a
// reference, such as the bucket "${aws_s3_bucket.data.id}" or the
// environment variable value "${aws_dynamodb_table.users.name}", is kept
// as a reference to a resource the user declares in another .tf file.
// Inside JSON documents (policies, the API definition, event patterns)
// everything is escaped.
type expr string

// refAttr is "${<address>.<attr>}".
func refAttr(address, attr string) expr {
	return expr("${" + address + "." + attr + "}")
}

// Data sources every document declares, and the ARN parts built from them.
const (
	partition = "${data.aws_partition.chalice.partition}"
	// region uses the attribute hashicorp/aws 6 offers; `name` is
	// deprecated there.
	region  = "${data.aws_region.chalice.region}"
	account = "${data.aws_caller_identity.chalice.account_id}"
)

// arn builds an ARN of this account, partition and region:
// arn("sqs", "myqueue") is
// arn:${partition}:sqs:${region}:${account}:myqueue. The resource part is
// a setting (see literal).
func arn(service, resource string) expr {
	return expr("arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + literal(resource))
}

// userRef matches a setting that is one Terraform reference to an
// attribute: ${aws_s3_bucket.data.id}, ${var.bucket}, ${module.m.arn}.
var userRef = regexp.MustCompile(`^\$\{[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])+\}$`)

// literal is a setting as written into the document: kept when it is a
// single reference (userRef), escaped otherwise.
func literal(s string) string {
	if userRef.MatchString(s) {
		return s
	}
	return escape(s)
}

// escape makes a literal safe inside a Terraform template string.
func escape(s string) string {
	if !strings.Contains(s, "${") && !strings.Contains(s, "%{") {
		return s
	}
	s = strings.ReplaceAll(s, "${", "$${")
	return strings.ReplaceAll(s, "%{", "%%{")
}

// finalize turns a document built from Go values into plain JSON values
// (map[string]any, []any, string, json.Number, bool, nil), keeping expr
// values as they are and passing every other string, map keys included,
// through lit (literal or escape).
func finalize(v any, lit func(string) string) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case expr:
		return string(v), nil
	case string:
		return lit(v), nil
	case bool, json.Number:
		return v, nil
	case int:
		return json.Number(fmt.Sprint(v)), nil
	case int64:
		return json.Number(fmt.Sprint(v)), nil
	case float64:
		b, err := json.Marshal(v)
		return json.Number(b), err
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			f, err := finalize(e, lit)
			if err != nil {
				return nil, err
			}
			out[i] = f
		}
		return out, nil
	case []string:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = lit(e)
		}
		return out, nil
	case map[string]string:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[escape(k)] = lit(e)
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			f, err := finalize(e, lit)
			if err != nil {
				return nil, err
			}
			out[escape(k)] = f
		}
		return out, nil
	case json.RawMessage:
		var doc any
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, err
		}
		return finalize(doc, lit)
	default:
		// Any other JSON-encodable value (a struct, a typed map): take
		// its JSON form.
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return finalize(json.RawMessage(b), lit)
	}
}

// jsonString encodes v as compact JSON for an argument that takes a JSON
// document as a string (policies, event patterns, the API definition).
// Every string in v is escaped and expr values kept, so the string is
// itself a Terraform template.
func jsonString(v any) (expr, error) {
	f, err := finalize(v, escape)
	if err != nil {
		return "", err
	}
	b, err := encode(f, "")
	if err != nil {
		return "", err
	}
	return expr(bytes.TrimSuffix(b, []byte("\n"))), nil
}

// encode writes JSON without HTML escaping, with a trailing newline.
func encode(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// identifier is what Terraform accepts as a resource or data source name.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// bucketRef matches a reference to a bucket declared in Terraform.
var bucketRef = regexp.MustCompile(`^\$\{aws_s3_bucket\.([A-Za-z_][A-Za-z0-9_-]*)\.`)

// nameFor turns a bucket name into an identifier: bucket names may hold
// dots and start with a digit, identifiers may not. Distinct bucket names
// stay distinct, since bucket names have no underscores. A reference
// ${aws_s3_bucket.<name>.id} gives <name>, as in Chalice.
func nameFor(bucket string) string {
	if m := bucketRef.FindStringSubmatch(bucket); m != nil && userRef.MatchString(bucket) {
		return m[1]
	}
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, bucket)
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		s = "_" + s
	}
	return s
}
