// Package suggest finds the word a user probably meant, for "did you mean"
// hints in diagnostics.
package suggest

import "strings"

// Closest returns the candidate nearest to word by optimal-string-alignment
// distance (a swap of two neighbouring letters counts as one edit), or ""
// when none is close enough to be a plausible typo. Ties go to the earlier
// candidate, so callers control the preference by order.
func Closest(word string, candidates []string) string {
	best, bestDist := "", maxDistance(word)+1
	lw := strings.ToLower(word)
	for _, c := range candidates {
		if c == word {
			return ""
		}
		d := Distance(lw, strings.ToLower(c))
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// maxDistance allows one edit for short words and roughly one in three
// for longer ones: "chmdo" finds "chmod", "xyzzy" finds nothing.
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

// Distance is the optimal-string-alignment edit distance between a and b.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
