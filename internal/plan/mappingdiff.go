package plan

import (
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// PairChangeKind says how one mapping entry differs between two configurations.
type PairChangeKind string

const (
	PairAdded     PairChangeKind = "added"
	PairRemoved   PairChangeKind = "removed"
	PairChanged   PairChangeKind = "changed"
	PairUnchanged PairChangeKind = "unchanged"
)

// PairChange is one line of a mapping diff. Old is empty for an added entry,
// New for a removed one.
type PairChange struct {
	Kind PairChangeKind `json:"kind"`
	SCIM string         `json:"scim"`
	Old  string         `json:"old,omitempty"`
	New  string         `json:"new,omitempty"`
}

// DiffMapping compares two mappings entry by entry, keyed by the scim
// attribute, sorted by it so every rendering lists entries in the same order.
// An attribute mapped once on each side to different Auth0 fields is
// "changed"; where a side maps one attribute several times (which the API
// allows), pairs are matched exactly and the rest are added or removed.
func DiffMapping(before, after []scim.Pair) []PairChange {
	old, cur := groupBySCIM(before), groupBySCIM(after)
	keys := make([]string, 0, len(old)+len(cur))
	for k := range old {
		keys = append(keys, k)
	}
	for k := range cur {
		if _, ok := old[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []PairChange
	for _, k := range keys {
		out = append(out, diffAttribute(k, old[k], cur[k])...)
	}
	return out
}

func groupBySCIM(pairs []scim.Pair) map[string][]string {
	m := make(map[string][]string, len(pairs))
	for _, p := range pairs {
		m[p.SCIM] = append(m[p.SCIM], p.Auth0)
	}
	return m
}

// diffAttribute diffs the Auth0 fields one scim attribute maps to.
func diffAttribute(scim string, old, cur []string) []PairChange {
	if len(old) == 1 && len(cur) == 1 {
		if old[0] == cur[0] {
			return []PairChange{{Kind: PairUnchanged, SCIM: scim, Old: old[0], New: cur[0]}}
		}
		return []PairChange{{Kind: PairChanged, SCIM: scim, Old: old[0], New: cur[0]}}
	}
	old, cur = slices.Sorted(slices.Values(old)), slices.Sorted(slices.Values(cur))
	var out []PairChange
	i, j := 0, 0
	for i < len(old) || j < len(cur) {
		switch {
		case j == len(cur) || (i < len(old) && strings.Compare(old[i], cur[j]) < 0):
			out = append(out, PairChange{Kind: PairRemoved, SCIM: scim, Old: old[i]})
			i++
		case i == len(old) || strings.Compare(old[i], cur[j]) > 0:
			out = append(out, PairChange{Kind: PairAdded, SCIM: scim, New: cur[j]})
			j++
		default:
			out = append(out, PairChange{Kind: PairUnchanged, SCIM: scim, Old: old[i], New: cur[j]})
			i, j = i+1, j+1
		}
	}
	return out
}

// ChangedPairs returns only the entries of a mapping diff that differ.
func ChangedPairs(diff []PairChange) []PairChange {
	return slices.DeleteFunc(slices.Clone(diff), func(c PairChange) bool { return c.Kind == PairUnchanged })
}
