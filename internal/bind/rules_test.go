package bind

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseRules(t *testing.T) {
	str := reflect.TypeFor[string]()
	tests := []struct {
		tag  string
		typ  reflect.Type
		want Rules
	}{
		{"required", str, Rules{Required: true}},
		{"omitempty,min=3,max=20", str, Rules{OmitEmpty: true, Min: "3", Max: "20"}},
		{"gte=1,lte=9", reflect.TypeFor[int8](), Rules{Min: "1", Max: "9"}},
		{"gt=0,lt=1.5", reflect.TypeFor[float64](), Rules{Gt: "0", Lt: "1.5"}},
		{"len=5", str, Rules{Len: "5"}},
		{"oneof=red green 'light blue'", str, Rules{OneOf: []string{"red", "green", "light blue"}}},
		{"oneof=1 2 3", reflect.TypeFor[uint16](), Rules{OneOf: []string{"1", "2", "3"}}},
		{"email", str, Rules{Format: "email"}},
		{"uuid", reflect.TypeFor[*string](), Rules{Format: "uuid"}},
		{"url", str, Rules{Format: "url"}},
		{"datetime=2006-01-02", str, Rules{Layout: "2006-01-02"}},
		{"datetime=Mon0x2C 02 Jan 2006", str, Rules{Layout: "Mon, 02 Jan 2006"}},
		// pattern= takes the rest of the tag, commas included.
		{"min=2,pattern=^[a-z]{2,5}$", str, Rules{Min: "2", Pattern: "^[a-z]{2,5}$"}},
		{"min=1,dive,min=3", reflect.TypeFor[[]string](), Rules{Min: "1", Elem: &Rules{Min: "3"}}},
		{"dive,oneof=a b", reflect.TypeFor[map[string]string](), Rules{Elem: &Rules{OneOf: []string{"a", "b"}}}},
		{"dive,dive,min=1", reflect.TypeFor[[][]string](), Rules{Elem: &Rules{Elem: &Rules{Min: "1"}}}},
		{"required", reflect.TypeFor[time.Time](), Rules{Required: true}},
		{"max=3", reflect.TypeFor[[]byte](), Rules{Max: "3"}},
		{"min=-5", reflect.TypeFor[int](), Rules{Min: "-5"}},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			got, err := ParseRules(tt.tag, tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			got.re = nil
			if got.Elem != nil {
				got.Elem.re = nil
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("ParseRules(%q, %s) = %+v, want %+v", tt.tag, tt.typ, *got, tt.want)
			}
		})
	}
	if r, err := ParseRules("", str); r != nil || err != nil {
		t.Errorf(`ParseRules("") = %v, %v; want nil, nil`, r, err)
	}
	if r, err := ParseRules("-", str); r != nil || err != nil {
		t.Errorf(`ParseRules("-") = %v, %v; want nil, nil`, r, err)
	}
}

func TestParseRulesErrors(t *testing.T) {
	str := reflect.TypeFor[string]()
	tests := []struct {
		tag  string
		typ  reflect.Type
		want string
	}{
		{"requried", str, `unknown rule "requried" (valid rules: required, omitempty, min=`},
		{"min=abc", str, `"abc" is not a number`},
		{"min=1.5", str, "a length must be a whole number"},
		{"min=-1", str, "a length must be a whole number"},
		{"min", str, "rule min needs a value, e.g. min=3"},
		{"required=true", str, "rule required takes no value"},
		{"min=1,min=2", str, "rule min is given twice"},
		{"min=1,gte=2", str, "rule gte is given twice"},
		{"min=3", reflect.TypeFor[bool](), "rule min applies to strings, numbers, slices, arrays and maps, not bool"},
		{"min=300", reflect.TypeFor[int8](), "want an integer between -128 and 127 for int8"},
		{"max=-1", reflect.TypeFor[uint](), "want an integer between 0 and"},
		{"min=1.5", reflect.TypeFor[int](), "want an integer"},
		{"oneof=a b", reflect.TypeFor[int](), `oneof value "a": want an integer`},
		{"oneof=a", reflect.TypeFor[bool](), "oneof applies to strings and numbers, not bool"},
		{"oneof='a b", str, "unclosed quote"},
		{"email", reflect.TypeFor[int](), "rule email applies to strings, not int"},
		{"email,uuid", str, "rules email and uuid cannot both apply"},
		{"pattern=[a-", str, `pattern "[a-" is not a valid Go regular expression`},
		{"datetime=hello", str, `datetime layout "hello" has no date or time elements`},
		{"datetime=2006-01-02", reflect.TypeFor[time.Time](), "a time.Time field is already checked as RFC 3339"},
		{"dive,min=1", str, "rule dive applies to slices, arrays and maps, not string"},
		{"dive", reflect.TypeFor[[]string](), "rule dive must be followed by the rules for each element"},
		{"dive,email", reflect.TypeFor[[]int](), "after dive (elements of type int): rule email applies to strings"},
		{"min=5,max=3", str, "leave no valid value"},
		{"gt=3,lt=4", reflect.TypeFor[int](), ""}, // satisfiable only for floats; ints accept the bounds too
		{"gt=3,lt=3", reflect.TypeFor[float64](), "leave no valid value"},
		{"len=9,max=3", str, "len=9 is outside the other bounds"},
		{"min=1,", str, "validate tag ends with a comma"},
		{",min=1", str, "validate tag has an empty rule"},
		{"min=1e400", reflect.TypeFor[float64](), "want a number in the range of float64"},
		{"min=NaN", reflect.TypeFor[float64](), `"NaN" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			_, err := ParseRules(tt.tag, tt.typ)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ParseRules(%q, %s): %v", tt.tag, tt.typ, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseRules(%q, %s) error = %v, want it to contain %q", tt.tag, tt.typ, err, tt.want)
			}
		})
	}
}

func TestZeroPasses(t *testing.T) {
	str := reflect.TypeFor[string]()
	tests := []struct {
		tag  string
		typ  reflect.Type
		want bool
	}{
		{"min=3", str, false},
		{"max=3", str, true},
		{"email", str, false},
		{"pattern=^a*$", str, true},
		{"pattern=^a+$", str, false},
		{"oneof=a b", str, false},
		{"oneof='' b", str, true},
		{"min=1", reflect.TypeFor[int](), false},
		{"max=1", reflect.TypeFor[int](), true},
		{"oneof=0 1", reflect.TypeFor[int](), true},
		{"gt=0", reflect.TypeFor[*float64](), false},
	}
	for _, tt := range tests {
		r, err := ParseRules(tt.tag, tt.typ)
		if err != nil {
			t.Fatal(err)
		}
		if got := ZeroPasses(r, tt.typ); got != tt.want {
			t.Errorf("ZeroPasses(%q, %s) = %v, want %v", tt.tag, tt.typ, got, tt.want)
		}
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		check func(string) bool
		name  string
		ok    []string
		bad   []string
	}{
		{isEmail, "email",
			[]string{"ana@example.com", "a.b+tag@sub.example.co", "x_y-z@a-b.io", "o'neil@example.org"},
			[]string{"", "ana", "@example.com", "ana@", "ana@localhost", "ana@example.", "ana@-example.com", ".ana@example.com",
				"an..a@example.com", "ana@exa mple.com", "ana@example.123", `"ana"@example.com`, "ana@@example.com", "ána@example.com"}},
		{isUUID, "uuid",
			[]string{"123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000", "00000000-0000-0000-0000-000000000000"},
			[]string{"", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400", "g23e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456_426614174000"}},
		{isURL, "url",
			[]string{"https://example.com", "http://localhost:8000/a?b=c#d", "mailto:ana@example.com", "file:///etc/hosts", "http://[::1]/"},
			[]string{"", "example.com", "/relative/path", "http://", "file:///", "http://[::zz]/", "http://a b.com", "://x"}},
	}
	for _, tt := range tests {
		for _, s := range tt.ok {
			if !tt.check(s) {
				t.Errorf("%s(%q) = false, want true", tt.name, s)
			}
		}
		for _, s := range tt.bad {
			if tt.check(s) {
				t.Errorf("%s(%q) = true, want false", tt.name, s)
			}
		}
	}
}
