package sam

import (
	"fmt"
	"regexp"
	"strings"
)

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]+`)

// LogicalID turns a resource name into a CloudFormation logical ID as
// Chalice's to_cfn_resource_name: split on "-" (then on "_"), upper-case the
// first letter of each part, join, and drop what is not a letter or digit.
// "every_five-event" -> "EveryFiveEvent", "default-role" -> "DefaultRole".
// Different names can give the same ID ("foo_bar", "foo__bar"); Generate
// reports such collisions.
func LogicalID(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("sam: invalid resource name %q", name)
	}
	for _, sep := range []string{"-", "_"} {
		var b strings.Builder
		for part := range strings.SplitSeq(name, sep) {
			if part == "" {
				continue
			}
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
		name = b.String()
	}
	id := nonAlnum.ReplaceAllString(name, "")
	if id == "" {
		return "", fmt.Errorf("sam: resource name %q gives an empty CloudFormation logical ID", name)
	}
	return id, nil
}
