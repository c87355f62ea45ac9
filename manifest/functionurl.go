package manifest

import (
	"fmt"
	"slices"
	"strings"
)

// URLFrontEnd is what a Function URL in front of the routes takes from
// them, the one rule `package`, `deploy`, `local` and chalicetest share: a
// Function URL has one CORS configuration (the CORS routes' settings,
// which must agree, and their methods), and no authorizers or API keys.
// CORS is nil when no route has CORS; Problems lists every route the URL
// cannot serve as written.
type URLFrontEnd struct {
	CORS     *CORS
	Methods  []string // the CORS routes' methods, upper case, sorted; OPTIONS is answered by the URL itself
	Problems []string
}

// URLFrontEnd derives the Function URL front end of the manifest's routes.
func (m *Manifest) URLFrontEnd() URLFrontEnd {
	var out URLFrontEnd
	var first *Route
	for i := range m.Routes {
		r := &m.Routes[i]
		switch {
		case r.Authorizer != "":
			out.Problems = append(out.Problems, fmt.Sprintf("route %s %s uses authorizer %q, but a Function URL has no authorizers (function_url_auth_type AWS_IAM admits only SigV4-signed callers with lambda:InvokeFunctionUrl)", r.Method, r.Path, r.Authorizer))
		case r.APIKeyRequired:
			out.Problems = append(out.Problems, fmt.Sprintf("route %s %s requires an API key, but a Function URL has no API keys", r.Method, r.Path))
		}
		if r.CORS == nil {
			continue
		}
		if first == nil {
			first = r
		} else if !sameCORS(first.CORS, r.CORS) {
			out.Problems = append(out.Problems, fmt.Sprintf("routes %s %s and %s %s have different CORS settings, but a Function URL has one CORS configuration", first.Method, first.Path, r.Method, r.Path))
			continue
		}
		if method := strings.ToUpper(r.Method); method != "OPTIONS" && !slices.Contains(out.Methods, method) {
			out.Methods = append(out.Methods, method)
		}
	}
	if first != nil {
		out.CORS = first.CORS
		slices.Sort(out.Methods)
	}
	return out
}

func sameCORS(a, b *CORS) bool {
	return a.AllowOrigin == b.AllowOrigin && slices.Equal(a.AllowHeaders, b.AllowHeaders) && slices.Equal(a.ExposeHeaders, b.ExposeHeaders) &&
		a.AllowCredentials == b.AllowCredentials && (a.MaxAge == nil) == (b.MaxAge == nil) && (a.MaxAge == nil || *a.MaxAge == *b.MaxAge)
}
