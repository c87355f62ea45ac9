package web

import (
	"strconv"
	"strings"
)

// acceptRange is one media range of an Accept header.
type acceptRange struct {
	typ, sub string
	q        float64
}

// parseAccept parses an Accept header into media ranges. Parameters other
// than q are ignored; malformed q values count as 1 (as browsers never
// send them, this only matters for hand-written headers).
func parseAccept(h string) []acceptRange {
	var out []acceptRange
	for part := range strings.SplitSeq(h, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		mt, params, _ := strings.Cut(part, ";")
		typ, sub, ok := strings.Cut(strings.ToLower(strings.TrimSpace(mt)), "/")
		if !ok || typ == "" || sub == "" {
			continue
		}
		r := acceptRange{typ: strings.TrimSpace(typ), sub: strings.TrimSpace(sub), q: 1}
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					r.q = f
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// quality returns the q-value the ranges give mediaType ("image/webp"): the
// q of the most specific matching range (exact > type/* > */*), or 0.
func quality(ranges []acceptRange, mediaType string) float64 {
	typ, sub, _ := strings.Cut(mediaType, "/")
	best, spec := 0.0, -1
	for _, r := range ranges {
		s := -1
		switch {
		case r.typ == typ && r.sub == sub:
			s = 2
		case r.typ == typ && r.sub == "*":
			s = 1
		case r.typ == "*" && r.sub == "*":
			s = 0
		}
		if s > spec {
			best, spec = r.q, s
		}
	}
	return best
}

// Negotiate picks the offer (media types, in the server's order of
// preference) the Accept header rates highest; ties go to the earlier
// offer. An empty Accept header accepts anything (RFC 9110 §12.5.1), so
// the first offer wins. It returns "" when every offer has q=0.
func Negotiate(accept string, offers ...string) string {
	if strings.TrimSpace(accept) == "" {
		if len(offers) == 0 {
			return ""
		}
		return offers[0]
	}
	ranges := parseAccept(accept)
	best, bestQ := "", 0.0
	for _, o := range offers {
		if q := quality(ranges, strings.ToLower(o)); q > bestQ {
			best, bestQ = o, q
		}
	}
	return best
}
