// Package suggest owns the guess of what a mistyped word was meant to be,
// for "did you mean" hints in manifests and on the command line.
package suggest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Closest returns the candidate that word most likely misspells: the same
// up to case, '_', '-' and spaces, or within a small edit distance.
func Closest(word string, candidates []string) string {
	best, bestDist := "", 3
	norm := normalizeName(word)
	for _, c := range candidates {
		if c == word {
			continue
		}
		if normalizeName(c) == norm {
			return c
		}
		limit := min(2, utf8.RuneCountInString(c)/3)
		if d := editDistance(norm, normalizeName(c)); d <= limit && d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func normalizeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// editDistance is the edit distance between a and b, in runes, where
// swapping two neighbours counts as one edit as inserting, deleting or
// changing one does (the optimal string alignment distance): "plna" is one
// typo away from "plan".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	rows := [3][]int{make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		prev2, prev, cur := rows[0], rows[1], rows[2]
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
		rows[0], rows[1], rows[2] = prev, cur, prev2
	}
	return rows[1][len(rb)]
}
