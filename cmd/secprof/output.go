package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/pipeline"
)

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// writeTable prints test results as an aligned table, a line each.
func writeTable(w io.Writer, rs []pipeline.CheckResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHERE\tENGINE\tCHECK\tEXPECTED\tGOT\tOK")
	passed := 0
	for _, r := range rs {
		ok := "ok"
		if !r.OK {
			ok = "FAIL: " + r.Why
		} else {
			passed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Pos, r.Kind, r.Check, r.Expected, r.Got, ok)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, len(rs)-passed)
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
