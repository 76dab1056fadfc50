package apparmor

import (
	"fmt"
	"strings"
)

// PathError is a path glob AppArmor cannot read. Offset is the byte of the
// path the problem is at.
type PathError struct {
	Path   string
	Offset int
	Msg    string
}

func (e *PathError) Error() string { return e.Msg }

// CheckPath reports what apparmor_parser would reject in a path glob: a
// path that is not absolute, an unclosed or empty {} or [] group, a {}
// group with a single item, a malformed @{variable}, control characters or
// double quotes. Whether a variable is defined is left to apparmor_parser,
// which knows the target host's tunables.
func CheckPath(p string) error {
	fail := func(off int, format string, args ...any) error {
		return &PathError{Path: p, Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "@{") {
		return fail(0, "path %q must start with / or a variable such as @{HOME}", p)
	}
	// open holds, for each {} group being read, where it opened and how many
	// commas it has seen at its own level.
	type group struct{ at, commas int }
	var open []group
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c < 0x20 || c == 0x7f:
			return fail(i, "control character %q in path", c)
		case c == '"':
			return fail(i, "a path may not contain a double quote")
		case c == '\\':
			if i+1 == len(p) {
				return fail(i, "path ends in a lone backslash")
			}
			i++
		case c == '@' && i+1 < len(p) && p[i+1] == '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				return fail(i, "variable %q is not closed with }", p[i:])
			}
			name := p[i+2 : i+end]
			if !isVariableName(name) {
				return fail(i+2, "bad variable name %q; a name is letters, digits and _", name)
			}
			i += end
		case c == '{':
			open = append(open, group{at: i})
		case c == ',' && len(open) > 0:
			open[len(open)-1].commas++
		case c == '}':
			if len(open) == 0 {
				return fail(i, "} without an opening {")
			}
			g := open[len(open)-1]
			open = open[:len(open)-1]
			if g.commas == 0 {
				return fail(g.at, "{} needs at least two alternatives separated by commas, e.g. {a,b} or {,b}")
			}
		case c == '[':
			j := i + 1
			if j < len(p) && p[j] == '^' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				return fail(i, "empty character class []")
			}
			end := strings.IndexByte(p[j:], ']')
			if end < 0 {
				return fail(i, "character class %q is not closed with ]", p[i:])
			}
			i = j + end
		case c == ']':
			return fail(i, "] without an opening [")
		}
	}
	if len(open) > 0 {
		return fail(open[len(open)-1].at, "{ is not closed with }")
	}
	return nil
}

func isVariableName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// QuotePath writes a path the way a profile must: bare when every
// character is one AppArmor reads as part of a path, otherwise in double
// quotes (blanks, #, or a comma outside a {} group would end the rule).
func QuotePath(p string) string {
	depth := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '{':
			depth++
		case c == '}':
			depth--
		case c == ',' && depth > 0:
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		case strings.IndexByte("/_.-*?[]^@+:=~%\\", c) >= 0:
		default:
			return `"` + p + `"`
		}
	}
	return p
}
