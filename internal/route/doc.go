// Package route parses and matches API Gateway / Chalice route path
// templates such as "/users/{username}" or "/files/{path+}".
//
// It is used by the application runtime to pick a route for Lambda
// Function URL and HTTP API "$default" requests (and for mounted
// http.Handlers), and by the local API Gateway emulator.
//
// # Grammar
//
//	template = "/" | ( "/" segment )+
//	segment  = literal | "{" name "}" | "{" name "+}" | "{" name "...}"
//	name     = [A-Za-z0-9_]+
//	literal  = one or more bytes other than "/", "{", "}", "?" and "#"
//
// A template must start with "/" and must not end with "/" unless it is
// exactly "/". Empty segments ("//") are invalid. A parameter must be a
// whole segment: "/a{b}" and "/{a}b" are invalid. A greedy parameter
// "{name+}" (API Gateway syntax; the Go 1.22 ServeMux spelling
// "{name...}" is accepted and normalised to "{name+}") may only be the
// last segment. The ServeMux end anchor "{$}" is rejected because
// templates already match exactly. Parameter names must be unique within
// a template.
//
// # Matching
//
// [Table.Match] normalises the request path the way API Gateway and
// "chalice local" do: everything from the first "?" is dropped, then one
// trailing "/" is removed unless the path is "/". The path is then
// compared segment by segment:
//
//   - a literal segment matches the identical (case-sensitive) segment;
//   - "{name}" captures exactly one non-empty segment, raw (not
//     URL-decoded: "/items/a%20b" captures "a%20b");
//   - "{name+}" captures one or more remaining non-empty segments, raw and
//     joined with "/"; it never matches zero segments, so "/files" does
//     not match "/files/{path+}".
//
// A non-greedy template only matches paths with the same number of
// segments. Paths that do not start with "/" never match (an empty path
// is treated as "/").
//
// # Precedence
//
// When several templates match, the most specific one wins, compared
// segment by segment from the left: a literal beats a parameter, and a
// parameter beats a greedy parameter. The first differing segment
// decides, so for the path "/a/b/c" the template "/a/b/{y}" beats
// "/a/{x}/c", and "/users/me" beats "/users/{id}". This agrees with
// "chalice local", which tries routes in sorted string order ('{' sorts
// after letters, digits and '_'). If the most specific branch fails
// further right, matching backtracks to the less specific one: with
// "/a/b/c" and "/a/{x}/d", the path "/a/b/d" matches "/a/{x}/d".
//
// Two templates of the same shape (for example "/a/{x}" and "/a/{y}")
// are equivalent and cannot both be added to a [Table].
package route
