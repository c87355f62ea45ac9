package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is one problem found in config.json, by Parse or Validate.
// Parse and Validate return several of them joined with errors.Join; use
// Problems to get them back as a list.
type Error struct {
	File      string   // the config.json path
	Path      string   // where in the file, e.g. "stages.dev.lambda_functions.worker.lambda_timeout"; "" when the problem comes from several levels
	Stage     string   // the chalice stage concerned, when relevant
	Functions []string // the functions concerned, when relevant
	Key       string   // the config key concerned, e.g. "lambda_timeout"
	text      string
}

func (e *Error) Error() string { return e.text }

// Problems flattens an error returned by Parse, Load or Validate into its
// individual problems. Errors that are not *Error are skipped.
func Problems(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if e, ok := err.(*Error); ok {
			out = append(out, e)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		walk(errors.Unwrap(err))
	}
	walk(err)
	return out
}

// at builds an error located at one place in the file: "<file>: <path> <msg>".
func (c *Config) at(path, key, msg string, args ...any) *Error {
	m := fmt.Sprintf(msg, args...)
	e := &Error{File: c.Path, Path: path, Key: key, text: fmt.Sprintf("%s: %s %s", c.Path, path, m)}
	e.Stage, e.Functions = splitPath(path)
	return e
}

// scoped builds an error about the resolved settings of a stage (and some
// of its functions): `<file>: stage "dev", function "worker": <msg>`.
func (c *Config) scoped(stage string, functions []string, key, msg string, args ...any) *Error {
	var b strings.Builder
	b.WriteString(c.Path)
	b.WriteString(": ")
	fmt.Fprintf(&b, "stage %q", stage)
	switch len(functions) {
	case 0:
	case 1:
		fmt.Fprintf(&b, ", function %q", functions[0])
	default:
		fmt.Fprintf(&b, ", functions %s", quoteList(functions))
	}
	b.WriteString(": ")
	fmt.Fprintf(&b, msg, args...)
	return &Error{File: c.Path, Stage: stage, Functions: functions, Key: key, text: b.String()}
}

// splitPath extracts the stage and function named by a dotted key path.
func splitPath(path string) (stage string, fns []string) {
	rest := path
	if s, ok := strings.CutPrefix(rest, "stages."); ok {
		stage, rest, _ = strings.Cut(s, ".")
	}
	if s, ok := strings.CutPrefix(rest, "lambda_functions."); ok {
		fn, _, _ := strings.Cut(s, ".")
		fns = []string{fn}
	}
	return stage, fns
}

func joinPath(level, key string) string {
	if level == "" {
		return key
	}
	return level + "." + key
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// suggest returns the candidate closest to name when it is close enough
// to be a likely typo, else "".
func suggest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(name), c)
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(name)/4)
	if bestD >= 0 && bestD <= limit {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func didYouMean(name string, candidates []string) string {
	if s := suggest(name, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
