package bind

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Rules is a parsed `validate:"..."` tag. The binder checks values with
// it and the JSON Schema generator maps it to keywords, so both read a
// tag the same way. Numbers are kept as written (JSON number literals),
// already checked against the field's type.
type Rules struct {
	Required  bool // required: not the zero value (pointers, slices, maps: not nil)
	OmitEmpty bool // omitempty: the zero value skips every other rule

	// Bounds: for strings a length in characters (runes), for slices,
	// arrays and maps a number of items, for []byte a number of bytes,
	// for numbers the value.
	Min string // min= or gte=
	Max string // max= or lte=
	Gt  string // gt=: more than
	Lt  string // lt=: less than
	Len string // len=: exactly

	OneOf   []string // oneof=: the allowed values, as written
	Format  string   // "email", "uuid" or "url"
	Layout  string   // datetime=: a time.Parse layout the string must match
	Pattern string   // pattern=: a Go regular expression the string must match

	// Elem holds the rules after "dive": they apply to every element of
	// a slice or array, or every value of a map.
	Elem *Rules

	re *regexp.Regexp
}

// Regexp returns the compiled pattern= expression, or nil.
func (r *Rules) Regexp() *regexp.Regexp { return r.re }

// ruleNames lists the rules ParseRules knows, for error messages.
const ruleNames = "required, omitempty, min=, max=, gte=, lte=, gt=, lt=, len=, oneof=, email, uuid, url, datetime=, pattern=, dive"

// ParseRules parses a validate tag for a value of type t, checking that
// each rule applies to t and that its argument is valid for t: a bound
// that is a number of the field's kind, in its range, a oneof value of
// the field's kind, a regular expression that compiles. A pointer type's
// rules apply to what it points to. An empty tag or "-" has no rules
// (nil). Arguments may not contain commas, except pattern=, which must be
// the last rule and takes the rest of the tag; 0x2C stands for a comma
// elsewhere (as in go-playground/validator).
func ParseRules(tag string, t reflect.Type) (*Rules, error) {
	return parseRulesWith(tag, t, nil)
}

// parseRulesWith is ParseRules with compiled patterns remembered in res
// (when not nil).
func parseRulesWith(tag string, t reflect.Type, res map[string]*regexp.Regexp) (*Rules, error) {
	if tag == "" || tag == "-" {
		return nil, nil
	}
	return parseRules(tag, t, res)
}

func parseRules(tag string, t reflect.Type, res map[string]*regexp.Regexp) (*Rules, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	class := ClassOf(t)
	r := &Rules{}
	var seen []string
	for tag != "" {
		var item string
		if strings.HasPrefix(tag, "pattern=") {
			item, tag = tag, ""
		} else if i := strings.IndexByte(tag, ','); i >= 0 {
			item, tag = tag[:i], tag[i+1:]
			if tag == "" {
				return nil, fmt.Errorf("validate tag ends with a comma")
			}
		} else {
			item, tag = tag, ""
		}
		name, arg, hasArg := strings.Cut(item, "=")
		if name == "" {
			return nil, fmt.Errorf("validate tag has an empty rule (valid rules: %s)", ruleNames)
		}
		if name == "dive" {
			if hasArg {
				return nil, fmt.Errorf("rule dive takes no value")
			}
			var elem reflect.Type
			switch class {
			case ClassSlice, ClassMap, ClassBytes:
				elem = t.Elem()
			default:
				return nil, fmt.Errorf("rule dive applies to slices, arrays and maps, not %s", t)
			}
			if tag == "" {
				return nil, fmt.Errorf("rule dive must be followed by the rules for each element")
			}
			er, err := parseRules(tag, elem, res)
			if err != nil {
				return nil, fmt.Errorf("after dive (elements of type %s): %w", elem, err)
			}
			r.Elem = er
			break
		}
		key := name
		switch name {
		case "gte":
			key = "min"
		case "lte":
			key = "max"
		}
		if slices.Contains(seen, key) {
			return nil, fmt.Errorf("rule %s is given twice", name)
		}
		seen = append(seen, key)
		if name != "pattern" {
			arg = strings.ReplaceAll(arg, "0x2C", ",")
		}
		if err := r.add(name, arg, hasArg, t, class, res); err != nil {
			return nil, err
		}
	}
	if err := r.checkBounds(t, class); err != nil {
		return nil, err
	}
	return r, nil
}

func needArg(name, arg string, hasArg bool, example string) error {
	if !hasArg || arg == "" {
		return fmt.Errorf("rule %s needs a value, e.g. %s=%s", name, name, example)
	}
	return nil
}

func noArg(name string, hasArg bool) error {
	if hasArg {
		return fmt.Errorf("rule %s takes no value", name)
	}
	return nil
}

// add records one rule.
func (r *Rules) add(name, arg string, hasArg bool, t reflect.Type, class Class, res map[string]*regexp.Regexp) error {
	isString := class == ClassString
	switch name {
	case "required":
		if err := noArg(name, hasArg); err != nil {
			return err
		}
		r.Required = true
	case "omitempty":
		if err := noArg(name, hasArg); err != nil {
			return err
		}
		r.OmitEmpty = true
	case "min", "gte", "max", "lte", "gt", "lt", "len":
		if err := needArg(name, arg, hasArg, "3"); err != nil {
			return err
		}
		if err := checkBound(name, arg, t, class); err != nil {
			return err
		}
		switch name {
		case "min", "gte":
			r.Min = arg
		case "max", "lte":
			r.Max = arg
		case "gt":
			r.Gt = arg
		case "lt":
			r.Lt = arg
		case "len":
			r.Len = arg
		}
	case "oneof":
		if err := needArg(name, arg, hasArg, "red green"); err != nil {
			return err
		}
		vals, err := splitOneOf(arg)
		if err != nil {
			return err
		}
		for _, v := range vals {
			if err := checkValue(v, t, class); err != nil {
				return fmt.Errorf("oneof value %q: %w", v, err)
			}
		}
		r.OneOf = vals
	case "email", "uuid", "url":
		if err := noArg(name, hasArg); err != nil {
			return err
		}
		if !isString {
			return fmt.Errorf("rule %s applies to strings, not %s", name, t)
		}
		if r.Format != "" {
			return fmt.Errorf("rules %s and %s cannot both apply", r.Format, name)
		}
		r.Format = name
	case "datetime":
		if err := needArg(name, arg, hasArg, "2006-01-02"); err != nil {
			return err
		}
		if !isString {
			return fmt.Errorf("rule datetime applies to strings, not %s (a time.Time field is already checked as RFC 3339)", t)
		}
		ref := time.Date(2009, 11, 10, 23, 4, 5, 0, time.UTC)
		if ref.Format(arg) == arg {
			return fmt.Errorf("datetime layout %q has no date or time elements (write the reference time Mon Jan 2 15:04:05 MST 2006 in the wanted form, e.g. 2006-01-02)", arg)
		}
		r.Layout = arg
	case "pattern":
		if err := needArg(name, arg, hasArg, "^[a-z]+$"); err != nil {
			return err
		}
		if !isString {
			return fmt.Errorf("rule pattern applies to strings, not %s", t)
		}
		re := res[arg]
		if re == nil {
			var err error
			if re, err = regexp.Compile(arg); err != nil {
				return fmt.Errorf("pattern %q is not a valid Go regular expression: %w", arg, err)
			}
			if res != nil {
				res[arg] = re
			}
		}
		r.Pattern, r.re = arg, re
	default:
		return fmt.Errorf("unknown rule %q (valid rules: %s)", name, ruleNames)
	}
	return nil
}

// counted reports whether bounds of class count characters or items.
func counted(class Class) bool {
	switch class {
	case ClassString, ClassSlice, ClassMap, ClassBytes:
		return true
	}
	return false
}

func checkBound(name, arg string, t reflect.Type, class Class) error {
	if !isNumberLiteral(arg) {
		return fmt.Errorf("rule %s=%s: %q is not a number", name, arg, arg)
	}
	switch {
	case counted(class):
		if _, err := strconv.ParseUint(arg, 10, 63); err != nil {
			return fmt.Errorf("rule %s=%s: a length must be a whole number ≥ 0", name, arg)
		}
	case class == ClassInt, class == ClassUint, class == ClassFloat:
		if err := checkValue(arg, t, class); err != nil {
			return fmt.Errorf("rule %s=%s: %w", name, arg, err)
		}
	default:
		return fmt.Errorf("rule %s applies to strings, numbers, slices, arrays and maps, not %s", name, t)
	}
	return nil
}

// checkValue checks that s is a value of t (a oneof value or a bound).
func checkValue(s string, t reflect.Type, class Class) error {
	switch class {
	case ClassString:
		return nil
	case ClassInt:
		lo, hi := IntRange(t)
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < lo || v > hi {
			return fmt.Errorf("want an integer between %d and %d for %s", lo, hi, t)
		}
	case ClassUint:
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v > UintMax(t) {
			return fmt.Errorf("want an integer between 0 and %d for %s", UintMax(t), t)
		}
	case ClassFloat:
		if !isNumberLiteral(s) {
			return fmt.Errorf("want a number for %s", t)
		}
		v, err := strconv.ParseFloat(s, t.Bits())
		if err != nil || math.IsInf(v, 0) {
			return fmt.Errorf("want a number in the range of %s", t)
		}
	default:
		return fmt.Errorf("oneof applies to strings and numbers, not %s", t)
	}
	return nil
}

// splitOneOf splits a oneof argument on spaces; 'single quotes' keep
// spaces inside one value.
func splitOneOf(s string) ([]string, error) {
	var vals []string
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		if s[0] == '\'' {
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return nil, errors.New("oneof has an unclosed quote")
			}
			vals = append(vals, s[1:1+end])
			s = s[2+end:]
			continue
		}
		v, rest, _ := strings.Cut(s, " ")
		vals = append(vals, v)
		s = rest
	}
	if len(vals) == 0 {
		return nil, errors.New("rule oneof needs values, e.g. oneof=red green")
	}
	return vals, nil
}

// checkBounds rejects bounds that no value can meet.
func (r *Rules) checkBounds(t reflect.Type, class Class) error {
	if !counted(class) && class != ClassInt && class != ClassUint && class != ClassFloat {
		return nil
	}
	num := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	lo, hi := math.Inf(-1), math.Inf(1)
	loX, hiX := false, false
	if r.Min != "" {
		lo = num(r.Min)
	}
	if r.Gt != "" && num(r.Gt) >= lo {
		lo, loX = num(r.Gt), true
	}
	if r.Max != "" {
		hi = num(r.Max)
	}
	if r.Lt != "" && num(r.Lt) <= hi {
		hi, hiX = num(r.Lt), true
	}
	if lo > hi || (lo == hi && (loX || hiX)) {
		return fmt.Errorf("the bounds of %s leave no valid value", t)
	}
	if r.Len != "" {
		n := num(r.Len)
		if n < lo || n > hi || (n == lo && loX) || (n == hi && hiX) {
			return fmt.Errorf("len=%s is outside the other bounds of %s", r.Len, t)
		}
	}
	return nil
}

// isNumberLiteral reports whether s is a JSON number.
func isNumberLiteral(s string) bool {
	n, ok := scanNumber([]byte(s), 0)
	return ok && n == len(s)
}

// scanNumber returns the end of the JSON number starting at b[i].
func scanNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i, true
}
