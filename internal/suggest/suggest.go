// Package suggest finds the word a user probably meant, for "did you mean"
// hints in diagnostics, by optimal-string-alignment distance: a swap of two
// neighbouring letters, the commonest typo, counts as one edit.
package suggest

import "strings"

// Closest returns the candidate nearest to word, or "" when none is close
// enough to be a plausible typo (or word is itself a candidate). Ties go to
// the earlier candidate, so callers control the preference by order.
func Closest(word string, candidates []string) string {
	lw := strings.ToLower(word)
	best, bestDist := "", maxDistance(word)+1
	var rows Rows
	for _, c := range candidates {
		if c == word {
			return ""
		}
		if d := rows.Distance(lw, strings.ToLower(c), bestDist); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// maxDistance allows one edit for short words and roughly one in three
// for longer ones: "alow" finds "allow", "xyzzy" finds nothing.
func maxDistance(word string) int {
	switch n := len(word); {
	case n <= 2:
		return 0
	case n <= 5:
		return 2
	default:
		return n/3 + 1
	}
}

// Distance is the optimal-string-alignment distance between a and b.
func Distance(a, b string) int {
	var r Rows
	return r.Distance(a, b, len(a)+len(b)+1)
}

// Rows are the three rolling rows of the distance matrix (the
// transposition step looks two rows back), kept across calls so that a
// search over many candidates allocates once.
type Rows struct{ prev2, prev, cur []int }

// Distance is the optimal-string-alignment distance of a and b (compared
// byte by byte), or any value >= stop once it is clear the distance is at
// least stop: a search for the best candidate abandons a hopeless one early.
func (r *Rows) Distance(a, b string, stop int) int {
	if d := len(a) - len(b); d >= stop || -d >= stop {
		return stop
	}
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
