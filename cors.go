package chalice

import (
	"slices"

	"github.com/gochalice/chalice/manifest"
)

// defaultCORSHeaders are the request headers Chalice always allows.
var defaultCORSHeaders = []string{"Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Api-Key"}

// CORSConfig is Chalice's CORSConfig. The zero value allows any origin with
// the default headers, as CORSConfig() does.
type CORSConfig struct {
	AllowOrigin      string   // default "*"
	AllowHeaders     []string // added to the default allowed headers
	ExposeHeaders    []string
	MaxAge           *int // seconds; nil leaves the header out
	AllowCredentials bool
}

// DefaultCORS is CORSConfig() with every field defaulted.
func DefaultCORS() *CORSConfig { return &CORSConfig{} }

func (c *CORSConfig) allowOrigin() string {
	if c.AllowOrigin == "" {
		return "*"
	}
	return c.AllowOrigin
}

// allowHeaders is the sorted union of the user's headers and the defaults.
func (c *CORSConfig) allowHeaders() []string {
	all := append(slices.Clone(defaultCORSHeaders), c.AllowHeaders...)
	slices.Sort(all)
	return slices.Compact(all)
}

// Headers returns the Access-Control-* response headers for this config,
// as Chalice's get_access_control_headers does.
func (c *CORSConfig) Headers() map[string]string { return c.manifest().Headers() }

func (c *CORSConfig) manifest() *manifest.CORS {
	if c == nil {
		return nil
	}
	return &manifest.CORS{
		AllowOrigin:      c.allowOrigin(),
		AllowHeaders:     c.allowHeaders(),
		ExposeHeaders:    slices.Clone(c.ExposeHeaders),
		MaxAge:           c.MaxAge,
		AllowCredentials: c.AllowCredentials,
	}
}

// equal reports whether two configs send the same headers (Chalice's __eq__).
func (c *CORSConfig) equal(o *CORSConfig) bool {
	if c == nil || o == nil {
		return c == o
	}
	a, b := c.Headers(), o.Headers()
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
