package syscalls

import "strings"

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
	var rows osaRows
	for _, c := range candidates {
		if c == written || abs(len(c)-len(name)) >= bestDist || !keep(c) {
			continue
		}
		if d := rows.osa(name, c, bestDist); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// osaRows are the three rolling rows of the distance matrix (the
// transposition step looks two rows back), kept across candidates so a
// search allocates once.
type osaRows struct{ prev2, prev, cur []int }

func osa(a, b string, stop int) int {
	var r osaRows
	return r.osa(a, b, stop)
}

// osa is the optimal string alignment distance of a and b, or any value
// >= stop once it is clear the distance is at least stop.
func (r *osaRows) osa(a, b string, stop int) int {
	n := len(b) + 1
	if cap(r.cur) < n {
		r.prev2, r.prev, r.cur = make([]int, n), make([]int, n), make([]int, n)
	}
	prev2, prev, cur := r.prev2[:n], r.prev[:n], r.cur[:n]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin >= stop {
			return stop
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
