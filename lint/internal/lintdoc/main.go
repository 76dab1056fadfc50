// Command lintdoc writes the reference of lint checks (docs/lint.md) from
// the lint package's table, so that the document never drifts from the
// code. Run it with go generate ./lint.
package main

import (
	"fmt"
	"os"

	"github.com/secprof/secprof/lint"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: lintdoc OUTPUT.md")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], []byte(lint.Markdown()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
