package bind

import (
	"net/netip"
	"net/url"
	"strings"
)

// isEmail reports whether s is an address of the common form
// local@domain: a dot-atom local part of ASCII letters, digits and
// !#$%&'*+-/=?^_`{|}~ (no quoted local parts), and a domain of at least
// two hostname labels whose last starts with a letter.
func isEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at > 64 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !(isAlnum(c) || c == '.' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0) {
			return false
		}
	}
	if len(domain) > 253 {
		return false
	}
	labels := 0
	last := ""
	for domain != "" {
		var label string
		label, domain, _ = strings.Cut(domain, ".")
		if !isLabel(label) {
			return false
		}
		labels++
		last = label
	}
	if labels < 2 || strings.HasSuffix(s, ".") {
		return false
	}
	return isLetter(last[0])
}

// isLabel reports whether s is a hostname label: 1 to 63 letters, digits
// and hyphens, not starting or ending with a hyphen.
func isLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || c >= '0' && c <= '9' }

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// isUUID reports whether s is a UUID in the 8-4-4-4-12 hex form, of any
// version, in either case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// isURL reports whether s is an absolute URL, as go-playground/validator's
// url rule: it parses, has a scheme, and has a host (or, for file:, a
// path; or an opaque part or a fragment). An IPv6 host must be bracketed
// and valid.
func isURL(s string) bool {
	if s == "" {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	if host := u.Hostname(); strings.Contains(host, ":") {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() || !strings.Contains(u.Host, "[") {
			return false
		}
	}
	if strings.EqualFold(u.Scheme, "file") {
		return u.Path != "" && u.Path != "/"
	}
	return u.Host != "" || u.Fragment != "" || u.Opaque != ""
}
