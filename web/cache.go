package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gochalice/chalice"
)

// CachePolicy describes a Cache-Control header. The zero value means
// "no-cache" (always revalidate), which is safe for any response.
type CachePolicy struct {
	// Public lets shared caches (CloudFront) store the response.
	Public bool
	// Private restricts caching to the browser.
	Private bool
	// MaxAge is how long browsers may reuse the response.
	MaxAge time.Duration
	// SMaxAge, when set, is how long shared caches (CloudFront) may reuse it.
	SMaxAge time.Duration
	// StaleWhileRevalidate lets caches serve a stale copy while they
	// revalidate in the background.
	StaleWhileRevalidate time.Duration
	// Immutable tells browsers not to revalidate within MaxAge.
	Immutable bool
	// NoStore forbids caching altogether.
	NoStore bool
}

// Common policies.
var (
	// Revalidate lets caches store a response but revalidate it every time
	// (cheap with ETag/Last-Modified: the origin answers 304).
	Revalidate = CachePolicy{Public: true}
	// ImmutableAsset is for content-hashed URLs: one year, never revalidated.
	ImmutableAsset = CachePolicy{Public: true, MaxAge: 365 * 24 * time.Hour, Immutable: true}
	// ShortLived is the default for static files without a hash in their URL.
	ShortLived = CachePolicy{Public: true, MaxAge: time.Hour}
)

// String returns the Cache-Control header value.
func (p CachePolicy) String() string {
	if p.NoStore {
		return "no-store"
	}
	var parts []string
	switch {
	case p.Public:
		parts = append(parts, "public")
	case p.Private:
		parts = append(parts, "private")
	}
	if p.MaxAge <= 0 && p.SMaxAge <= 0 {
		parts = append(parts, "no-cache")
	} else {
		parts = append(parts, "max-age="+strconv.FormatInt(int64(p.MaxAge/time.Second), 10))
	}
	if p.SMaxAge > 0 {
		parts = append(parts, "s-maxage="+strconv.FormatInt(int64(p.SMaxAge/time.Second), 10))
	}
	if p.StaleWhileRevalidate > 0 {
		parts = append(parts, "stale-while-revalidate="+strconv.FormatInt(int64(p.StaleWhileRevalidate/time.Second), 10))
	}
	if p.Immutable && p.MaxAge > 0 {
		parts = append(parts, "immutable")
	}
	return strings.Join(parts, ", ")
}

// Validators are the cache validators of a representation.
type Validators struct {
	// ETag is a quoted entity tag ("..." or W/"..."); empty for none.
	ETag string
	// LastModified is the modification time; zero for none.
	LastModified time.Time
}

// Apply sets the ETag and Last-Modified headers on resp.
func (v Validators) Apply(resp *chalice.Response) {
	if v.ETag != "" {
		resp.SetHeader("ETag", v.ETag)
	}
	if !v.LastModified.IsZero() {
		resp.SetHeader("Last-Modified", v.LastModified.UTC().Format(http.TimeFormat))
	}
}

// StrongETag returns a strong entity tag for content: the quoted first 16
// bytes of its SHA-256, hex-encoded.
func StrongETag(content []byte) string {
	sum := sha256.Sum256(content)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// NotModified reports whether a GET/HEAD request's conditional headers
// match v, so the response can be 304 Not Modified (RFC 9110 §13.2.2):
// If-None-Match ("*" or a list of tags, compared weakly) takes precedence;
// If-Modified-Since is only consulted when If-None-Match is absent.
func NotModified(req *chalice.Request, v Validators) bool {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return false
	}
	if inm, ok := req.Headers.Lookup("if-none-match"); ok {
		return v.ETag != "" && etagListMatches(inm, v.ETag)
	}
	ims, ok := req.Headers.Lookup("if-modified-since")
	if !ok || v.LastModified.IsZero() {
		return false
	}
	t, err := http.ParseTime(strings.TrimSpace(ims))
	if err != nil {
		return false
	}
	return !v.LastModified.Truncate(time.Second).After(t)
}

// etagListMatches applies the weak comparison of RFC 9110 §8.8.3.2 between
// etag and each tag of an If-None-Match list.
func etagListMatches(list, etag string) bool {
	want := opaqueTag(etag)
	for list != "" {
		list = strings.TrimLeft(list, " \t,")
		if list == "" {
			break
		}
		if list[0] == '*' {
			return true
		}
		tag, rest := scanETag(list)
		if tag == "" {
			// Not a valid entity tag: skip to the next comma.
			i := strings.IndexByte(list, ',')
			if i < 0 {
				return false
			}
			list = list[i+1:]
			continue
		}
		if opaqueTag(tag) == want {
			return true
		}
		list = rest
	}
	return false
}

// scanETag reads one entity tag (W/"x" or "x") at the start of s.
func scanETag(s string) (tag, rest string) {
	start := s
	s = strings.TrimPrefix(s, "W/")
	if len(s) < 2 || s[0] != '"' {
		return "", ""
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", ""
	}
	n := len(start) - len(s) + end + 2
	return start[:n], start[n:]
}

// opaqueTag strips the weakness indicator: W/"x" and "x" compare equal.
func opaqueTag(t string) string { return strings.TrimPrefix(strings.TrimSpace(t), "W/") }

// NotModifiedResponse returns the 304 answer for v: no body, with the
// validators, Cache-Control and any extra headers (Vary...).
func NotModifiedResponse(v Validators, policy CachePolicy, extra map[string]string) *chalice.Response {
	resp := &chalice.Response{StatusCode: http.StatusNotModified, Headers: map[string]string{}, Body: ""}
	v.Apply(resp)
	resp.SetHeader("Cache-Control", policy.String())
	for k, val := range extra {
		resp.SetHeader(k, val)
	}
	return resp
}

// CacheByModTime answers a request for content that changes only when
// modTime does (a database row's updated_at, a deploy time): when the
// request's If-Modified-Since / If-None-Match match it returns 304 without
// calling produce; otherwise it calls produce and adds Last-Modified, a
// weak ETag derived from modTime and Cache-Control.
func CacheByModTime(req *chalice.Request, modTime time.Time, policy CachePolicy, produce func() (*chalice.Response, error)) (*chalice.Response, error) {
	v := Validators{LastModified: modTime.UTC().Truncate(time.Second)}
	if !modTime.IsZero() {
		v.ETag = `W/"` + strconv.FormatInt(modTime.UnixNano(), 36) + `"`
	}
	if NotModified(req, v) {
		return NotModifiedResponse(v, policy, nil), nil
	}
	resp, err := produce()
	if err != nil || resp == nil {
		return resp, err
	}
	v.Apply(resp)
	resp.SetHeader("Cache-Control", policy.String())
	return resp, nil
}
