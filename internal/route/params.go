package route

// inlineParams is the number of parameter values Params stores without
// allocating.
const inlineParams = 4

// Params holds the path parameters captured by [Table.Match]. Up to four
// values are stored inline, so matching a template with four or fewer
// parameters does not allocate. The zero value holds no parameters.
type Params struct {
	names []string             // parameter names, shared with the Template
	vals  [inlineParams]string // first values
	extra []string             // values beyond inlineParams
}

// set records value v for the k'th of n parameters.
func (p *Params) set(k int, v string, n int) {
	if k < inlineParams {
		p.vals[k] = v
		return
	}
	if need := n - inlineParams; len(p.extra) < need {
		grown := make([]string, need)
		copy(grown, p.extra)
		p.extra = grown
	}
	p.extra[k-inlineParams] = v
}

// finish attaches the parameter names once a match is complete.
func (p *Params) finish(names []string) {
	p.names = names
}

// Len returns the number of parameters.
func (p Params) Len() int { return len(p.names) }

// value returns the i'th value.
func (p *Params) value(i int) string {
	if i < inlineParams {
		return p.vals[i]
	}
	return p.extra[i-inlineParams]
}

// Get returns the value of the named parameter and whether it exists.
func (p Params) Get(name string) (string, bool) {
	for i, n := range p.names {
		if n == name {
			return p.value(i), true
		}
	}
	return "", false
}

// Map returns the parameters as a new map. It never returns nil.
func (p Params) Map() map[string]string {
	m := make(map[string]string, len(p.names))
	for i, n := range p.names {
		m[n] = p.value(i)
	}
	return m
}
