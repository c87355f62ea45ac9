package check

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Policy is a Lambda authorizer's IAM policy answer.
type Policy struct {
	PrincipalID    string         `json:"principalId"`
	Context        map[string]any `json:"context"`
	PolicyDocument struct {
		Statement []struct {
			Effect   string          `json:"Effect"`
			Action   json.RawMessage `json:"Action"`
			Resource json.RawMessage `json:"Resource"`
		} `json:"Statement"`
	} `json:"policyDocument"`
}

// DecodePolicy reads an authorizer's IAM policy answer; null or anything
// but an object of the policy's shape is an error.
func DecodePolicy(out []byte) (*Policy, error) {
	var p *Policy
	if err := json.Unmarshal(out, &p); err != nil {
		return nil, fmt.Errorf("answer is not a policy document: %w", err)
	}
	if p == nil {
		return nil, errors.New("answer is null, not a policy document")
	}
	return p, nil
}

// Allows reports whether a statement with Effect Allow grants
// execute-api:Invoke (or execute-api:*, *) on arn, as chalice local
// evaluates policies (Deny statements are not considered).
func (p *Policy) Allows(arn string) bool {
	for _, st := range p.PolicyDocument.Statement {
		if st.Effect != "Allow" || !hasString(st.Action, "execute-api:Invoke") {
			continue
		}
		for _, res := range stringList(st.Resource) {
			if ARNMatches(res, arn) {
				return true
			}
		}
	}
	return false
}

func stringList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

func hasString(raw json.RawMessage, want string) bool {
	for _, s := range stringList(raw) {
		if s == want || s == "execute-api:*" || s == "*" {
			return true
		}
	}
	return false
}

// ARNMatches is Chalice's ARNMatcher: in resource, '*' matches any run of
// characters and '?' one character (neither a newline, as the regular
// expression Chalice builds), everything else itself; the whole of arn
// must match.
func ARNMatches(resource, arn string) bool {
	// Iterative glob matching with one backtrack point (the last '*'):
	// linear in practice, never exponential.
	ri, ai := 0, 0
	star, starA := -1, 0
	for ai < len(arn) {
		c, size := utf8.DecodeRuneInString(arn[ai:])
		if ri < len(resource) {
			p, psize := utf8.DecodeRuneInString(resource[ri:])
			switch {
			case p == '*':
				star, starA = ri+psize, ai
				ri += psize
				continue
			case p == '?' && c != '\n' || p != '?' && p == c:
				ri += psize
				ai += size
				continue
			}
		}
		if star < 0 {
			return false
		}
		// Let the last '*' swallow one more character (not a newline).
		sc, ssize := utf8.DecodeRuneInString(arn[starA:])
		if sc == '\n' {
			return false
		}
		starA += ssize
		ri, ai = star, starA
	}
	for ri < len(resource) && resource[ri] == '*' {
		ri++
	}
	return ri == len(resource)
}

// Simple is a payload format 2.0 simple response.
type Simple struct {
	IsAuthorized bool
	Context      map[string]any
}

// DecodeSimple reads {"isAuthorized": true|false, "context": {...}};
// anything without a boolean isAuthorized is an error.
func DecodeSimple(out []byte) (*Simple, error) {
	var s *struct {
		IsAuthorized *bool          `json:"isAuthorized"`
		Context      map[string]any `json:"context"`
	}
	if err := json.Unmarshal(out, &s); err != nil || s == nil || s.IsAuthorized == nil {
		return nil, fmt.Errorf(`answer %s is not a simple response {"isAuthorized": true|false, "context": {...}}`, clipJSON(out))
	}
	return &Simple{IsAuthorized: *s.IsAuthorized, Context: s.Context}, nil
}
