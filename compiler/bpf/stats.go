package bpf

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/secprof/secprof/syscalls"
)

// WriteStats prints the table `secprof compile --stats` shows: the length of
// each arch's filter on its own, then of the combined filter runc loads,
// against the kernel's limit.
func WriteStats(w io.Writer, p *Program) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "arch\tinstructions\tof limit\t\n")
	row := func(name string, n int) {
		fmt.Fprintf(tw, "%s\t%d\t%d%%\t\n", name, n, n*100/MaxInstructions)
	}
	for _, s := range p.Stats() {
		row(s.Arch.String(), s.Instructions)
	}
	row(syscalls.JoinArches(p.Arches, "+"), p.Instructions())
	return tw.Flush()
}
