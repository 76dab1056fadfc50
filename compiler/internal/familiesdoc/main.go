// Command familiesdoc writes the reference table of syscall families
// (docs/families.md) from the compiler's definitions, so that the document
// never drifts from the code. Run it with go generate ./compiler.
package main

import (
	"fmt"
	"os"

	"github.com/secprof/secprof/compiler"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: familiesdoc OUTPUT.md")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], []byte(compiler.FamiliesMarkdown()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
