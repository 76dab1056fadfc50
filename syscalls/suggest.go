package syscalls

import (
	"strings"

	"github.com/secprof/secprof/internal/suggest"
)

// Suggest returns the known syscall name closest to name, for a "did you
// mean" hint, or "" when nothing is close enough to be a likely typo.
// Names that exist on one of arches are preferred: a profile for x86_64
// that says "chmdo" wants "chmod", not some other arch's call. Only when no
// such name is close does Suggest look at every arch and libseccomp's
// pseudo-calls. It never returns name itself, but it does return "chmod"
// for "CHMOD": syscall names are lower case.
//
// Distance is optimal string alignment (Damerau–Levenshtein without
// repeated edits of one substring): a swap of two neighbouring letters, the
// commonest typo, costs one edit.
func Suggest(name string, arches ...Arch) string {
	written := name
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return ""
	}
	limit := maxEdits(name)
	all := knownNames()
	if len(arches) > 0 {
		onArch := func(n string) bool {
			for _, a := range arches {
				if _, ok := Number(a, n); ok {
					return true
				}
			}
			return false
		}
		if s := closest(name, written, all, limit, onArch); s != "" {
			return s
		}
	}
	return closest(name, written, all, limit, func(string) bool { return true })
}

// maxEdits allows one edit up to seven letters and one more per four
// letters after that: "chmdo" finds "chmod", "fchmodatt" finds "fchmodat",
// and a short word that is no syscall at all ("xyzzy") finds nothing.
func maxEdits(name string) int {
	return 1 + max(0, len(name)-4)/4
}

// closest returns the nearest candidate to name that keep accepts, within
// limit edits, other than what the user wrote. Ties go to the first in
// sorted order, so the answer is stable.
func closest(name, written string, candidates []string, limit int, keep func(string) bool) string {
	best, bestDist := "", limit+1
	var rows suggest.Rows
	for _, c := range candidates {
		if c == written || !keep(c) {
			continue
		}
		if d := rows.Distance(name, c, bestDist); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}
