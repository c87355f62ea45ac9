package bind

import (
	"strconv"
	"strings"
)

// Where a value comes from: FieldError.In.
const (
	InPath   = "path"
	InQuery  = "query"
	InHeader = "header"
	InBody   = "body"
)

// MaxFieldErrors is the most failures one Error lists; the rest are
// counted in Error.Omitted.
const MaxFieldErrors = 20

// FieldError is one value of a request that could not be bound or broke
// a rule.
type FieldError struct {
	// Field names the value: "path.username", "query.limit",
	// "header.X-Request-Id", "body" or a place in the body such as
	// "body.address.zip" or "body.items[2].name".
	Field string
	// In is where the value came from: "path", "query", "header" or "body".
	In string
	// Reason says what is wrong, to be read after Field: "is required",
	// "must be at least 3 characters", "must be one of: a b c",
	// "must be a string".
	Reason string
	// Err is the underlying error when there is one (a syntax error, or
	// the error of a type's UnmarshalText or UnmarshalJSON).
	Err error
}

func (e FieldError) Error() string { return e.Field + " " + e.Reason }

// Unwrap returns the underlying error.
func (e FieldError) Unwrap() error { return e.Err }

// Error is every problem found in one request: the binder does not stop
// at the first. Its message names each field and what is wrong, ready to
// be the Message of a 400 BadRequestError.
type Error struct {
	Fields  []FieldError
	Omitted int // failures found beyond MaxFieldErrors
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteByte(' ')
		b.WriteString(f.Reason)
	}
	if e.Omitted > 0 {
		if len(e.Fields) > 0 {
			b.WriteString("; ")
		}
		b.WriteString("and ")
		b.WriteString(strconv.Itoa(e.Omitted))
		if e.Omitted == 1 {
			b.WriteString(" more problem")
		} else {
			b.WriteString(" more problems")
		}
	}
	return b.String()
}

// Unwrap returns the field errors, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		errs[i] = f
	}
	return errs
}

// seg is one step of a path into a request value.
type seg struct {
	name  string // field name or map key
	index int    // slice or array index, when name is "" and isIndex
	kind  uint8
}

const (
	segField uint8 = iota
	segIndex
	segKey
)

// path is the place being decoded or checked; it renders only when a
// failure is recorded. The first steps are held inline so that a path
// costs no allocation.
type path struct {
	root   string // "path.username", "body"...
	n      int
	inline [10]seg
	extra  []seg
}

func (p *path) reset(root string) {
	p.root, p.n = root, 0
	p.extra = p.extra[:0]
}

func (p *path) push(s seg) {
	if p.n < len(p.inline) {
		p.inline[p.n] = s
	} else {
		p.extra = append(p.extra, s)
	}
	p.n++
}

func (p *path) pop() {
	p.n--
	if p.n >= len(p.inline) {
		p.extra = p.extra[:p.n-len(p.inline)]
	}
}

func (p *path) at(i int) seg {
	if i < len(p.inline) {
		return p.inline[i]
	}
	return p.extra[i-len(p.inline)]
}

func (p *path) String() string {
	if p.n == 0 {
		return p.root
	}
	var b strings.Builder
	b.WriteString(p.root)
	for i := 0; i < p.n; i++ {
		s := p.at(i)
		switch s.kind {
		case segField:
			b.WriteByte('.')
			b.WriteString(s.name)
		case segIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case segKey:
			if plainKey(s.name) {
				b.WriteByte('.')
				b.WriteString(s.name)
			} else {
				b.WriteByte('[')
				b.WriteString(strconv.Quote(s.name))
				b.WriteByte(']')
			}
		}
	}
	return b.String()
}

func plainKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// collector gathers the failures of one request.
type collector struct {
	fields  []FieldError
	omitted int
	// failed lists the places that failed to decode, so that checking
	// does not report them a second time.
	failed []string
}

func (c *collector) add(field, in, reason string, err error) {
	if len(c.fields) >= MaxFieldErrors {
		c.omitted++
		return
	}
	c.fields = append(c.fields, FieldError{Field: field, In: in, Reason: reason, Err: err})
}

// failedUnder reports whether place p, or a place that contains it,
// failed to decode.
func (c *collector) failedUnder(p string) bool {
	for _, f := range c.failed {
		if p == f || strings.HasPrefix(p, f) && (p[len(f)] == '.' || p[len(f)] == '[') {
			return true
		}
	}
	return false
}

func (c *collector) err() error {
	if len(c.fields) == 0 && c.omitted == 0 {
		return nil
	}
	return &Error{Fields: c.fields, Omitted: c.omitted}
}
