package check

import (
	"regexp"
	"strings"
	"testing"
)

func TestARNMatches(t *testing.T) {
	arn := "arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/secret"
	tests := []struct {
		resource string
		want     bool
	}{
		{arn, true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/*/*", true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/*/secret", true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GE?/secret", true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/POST/secret", false},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/secre", false},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/secret.", false},
		{"*", true},
		{"**", true},
		{"*secret", true},
		{"*secre", false},
		{"arn:*/secret*", true},
		{"arn:aws:execute-api:mars-west-1:123456789012:ymy8tbxw7b/api/GET/(secret)", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ARNMatches(tt.resource, arn); got != tt.want {
			t.Errorf("ARNMatches(%q) = %v, want %v", tt.resource, got, tt.want)
		}
		if got := regexpMatches(tt.resource, arn); got != tt.want {
			t.Errorf("oracle disagrees with the table for %q", tt.resource)
		}
	}
}

// regexpMatches is Chalice's ARNMatcher transcribed literally: the
// resource becomes an anchored regular expression.
func regexpMatches(resource, arn string) bool {
	var sb strings.Builder
	sb.WriteString("^")
	for _, r := range resource {
		switch r {
		case '*':
			sb.WriteString(".*?")
		case '?':
			sb.WriteString(".")
		default:
			sb.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	sb.WriteString("$")
	re, err := regexp.Compile(sb.String())
	return err == nil && re.MatchString(arn)
}

// FuzzARNMatches compares the glob matcher with the regular expression
// Chalice builds.
func FuzzARNMatches(f *testing.F) {
	f.Add("arn:*:api/*/GET/?", "arn:aws:api/dev/GET/x")
	f.Add("a*b*c", "aXbYbZc")
	f.Add("*\n", "a\n")
	f.Add("?", "\xff")
	f.Add("\xfe", "\xff")
	f.Fuzz(func(t *testing.T, resource, arn string) {
		if len(resource) > 64 || len(arn) > 64 {
			return
		}
		if got, want := ARNMatches(resource, arn), regexpMatches(resource, arn); got != want {
			t.Fatalf("ARNMatches(%q, %q) = %v, the regular expression says %v", resource, arn, got, want)
		}
	})
}

func TestPolicyAllows(t *testing.T) {
	arn := "arn:aws:execute-api:r:1:api/dev/GET/x"
	tests := []struct {
		name, out string
		want      bool
	}{
		{"allow list", `{"policyDocument":{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":["` + arn + `"]}]}}`, true},
		{"allow string resource", `{"policyDocument":{"Statement":[{"Effect":"Allow","Action":["execute-api:*"],"Resource":"*"}]}}`, true},
		{"deny only", `{"policyDocument":{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}}`, false},
		{"other action", `{"policyDocument":{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}`, false},
		{"other resource", `{"policyDocument":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:r:1:api/dev/POST/x"}]}}`, false},
		{"no statements", `{}`, false},
	}
	for _, tt := range tests {
		p, err := DecodePolicy([]byte(tt.out))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := p.Allows(arn); got != tt.want {
			t.Errorf("%s: Allows = %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, bad := range []string{`null`, `[]`, `"x"`, `{"principalId":1}`} {
		if _, err := DecodePolicy([]byte(bad)); err == nil {
			t.Errorf("DecodePolicy(%s) accepted", bad)
		}
	}
}

func TestDecodeSimple(t *testing.T) {
	tests := []struct {
		out  string
		ok   bool
		auth bool
	}{
		{`{"isAuthorized":true,"context":{"a":1}}`, true, true},
		{`{"isAuthorized":false}`, true, false},
		{`{"context":{}}`, false, false},
		{`{"isAuthorized":"true"}`, false, false},
		{`{"isAuthorized":null}`, false, false},
		{`null`, false, false},
		{`true`, false, false},
	}
	for _, tt := range tests {
		s, err := DecodeSimple([]byte(tt.out))
		if (err == nil) != tt.ok || (err == nil && s.IsAuthorized != tt.auth) {
			t.Errorf("DecodeSimple(%s) = %+v, %v", tt.out, s, err)
		}
	}
}

// FuzzAuthorizerAnswer: any authorizer answer decodes or is refused, and
// evaluating a decoded policy never panics.
func FuzzAuthorizerAnswer(f *testing.F) {
	f.Add([]byte(`{"principalId":"a","context":{"k":"v"},"policyDocument":{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":["*"]}]}}`))
	f.Add([]byte(`{"isAuthorized":true,"context":{"k":[1,2]}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, out []byte) {
		if len(out) > 256 {
			return
		}
		if p, err := DecodePolicy(out); err == nil {
			_ = p.Allows("arn:aws:execute-api:r:1:api/dev/GET/x")
		}
		_, _ = DecodeSimple(out)
	})
}
