package check

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Claims are a JWT's claims, numbers kept as json.Number.
type Claims map[string]any

// DecodeJWT returns a JWT's claims without checking its signature: the
// token must be three dot-separated parts whose first two are base64url
// JSON objects (padding tolerated).
func DecodeJWT(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("token is not a JWT (want three dot-separated parts)")
	}
	var header map[string]any
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, fmt.Errorf("JWT header: %w", err)
	}
	if header == nil {
		return nil, errors.New("JWT header: not an object")
	}
	var claims map[string]any
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, fmt.Errorf("JWT payload: %w", err)
	}
	if claims == nil {
		return nil, errors.New("JWT payload: not an object")
	}
	return claims, nil
}

func decodeSegment(seg string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	return nil
}

// Check applies a JWT authorizer's claim checks at time now: iss must be
// issuer (when set); aud, or client_id when aud is absent, one of
// audience (when set); exp a number in the future; nbf and iat, when
// present, numbers not in the future.
func (c Claims) Check(issuer string, audience []string, now time.Time) error {
	if iss, _ := c["iss"].(string); issuer != "" && iss != issuer {
		return fmt.Errorf("iss %q is not the issuer %q", iss, issuer)
	}
	if len(audience) > 0 {
		var auds []string
		if aud, ok := c["aud"]; ok {
			auds = stringOrList(aud)
		} else if id, ok := c["client_id"].(string); ok {
			auds = []string{id}
		}
		if !slices.ContainsFunc(auds, func(a string) bool { return slices.Contains(audience, a) }) {
			return fmt.Errorf("audience %q (aud, or client_id without aud) is not one of %q", auds, audience)
		}
	}
	unix := float64(now.Unix())
	exp, ok := c.number("exp")
	if !ok {
		return errors.New("token has no numeric exp claim")
	}
	if exp <= unix {
		return fmt.Errorf("token expired at %s", timeText(exp))
	}
	for _, name := range []string{"nbf", "iat"} {
		if _, present := c[name]; !present {
			continue
		}
		t, ok := c.number(name)
		if !ok {
			return fmt.Errorf("%s claim is not a number", name)
		}
		if t > unix {
			return fmt.Errorf("%s %s is in the future", name, timeText(t))
		}
	}
	return nil
}

func timeText(sec float64) string {
	if sec > 1e12 || sec < -1e12 {
		return fmt.Sprintf("%g", sec)
	}
	return time.Unix(int64(sec), 0).UTC().Format(time.RFC3339)
}

func (c Claims) number(name string) (float64, bool) {
	n, ok := c[name].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// stringOrList reads a claim that is a string or a list of strings.
func stringOrList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Scopes reads the space-separated scope claim, or else scp (a list or a
// space-separated string).
func (c Claims) Scopes() []string {
	if s, ok := c["scope"].(string); ok {
		return strings.Fields(s)
	}
	switch x := c["scp"].(type) {
	case string:
		return strings.Fields(x)
	case []any:
		return stringOrList(x)
	}
	return nil
}

// Strings renders the claims as strings, as HTTP APIs pass them in
// requestContext.authorizer.jwt.claims: numbers and booleans as written,
// lists as "[a b]", objects as JSON, null as "".
func (c Claims) Strings() map[string]string {
	out := make(map[string]string, len(c))
	for k, v := range c {
		out[k] = claimString(v)
	}
	return out
}

func claimString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = claimString(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
