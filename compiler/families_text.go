package compiler

import (
	"fmt"
	"strings"
)

// FamiliesText lists the families for a terminal: name and purpose, then
// the members, indented.
func FamiliesText() string {
	var b strings.Builder
	for _, f := range families {
		fmt.Fprintf(&b, "@%s\t%s\n    %s\n", f.Name, f.Doc, strings.Join(f.Members, " "))
	}
	return b.String()
}
