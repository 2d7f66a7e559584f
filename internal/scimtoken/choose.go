package scimtoken

import (
	"slices"
	"time"
)

// Choice says which of a connection's tokens a revoke removes. Every
// criterion given must choose a token for it to be revoked, so adding one
// only ever narrows what is revoked: --older-than 180d --keep-newest 1
// revokes the tokens older than 180 days, except the newest one.
type Choice struct {
	// Expired chooses the tokens whose valid_until has passed.
	Expired bool
	// OlderThan, when set, chooses the tokens created longer ago than it.
	OlderThan time.Duration
	// KeepNewest, when set, chooses all but the newest KeepNewest tokens.
	KeepNewest int
	// IDs, when not nil, chooses only these tokens (read from a handoff
	// file or a report).
	IDs map[string]bool
}

// Empty reports whether no criterion was given: a revoke never removes
// every token by default.
func (c Choice) Empty() bool {
	return !c.Expired && c.OlderThan == 0 && c.KeepNewest == 0 && c.IDs == nil
}

// Choose returns the tokens a revoke removes from one connection, newest
// first, and the ones it keeps.
func (c Choice) Choose(tokens []Token, now time.Time) (revoke, keep []Token) {
	for i, t := range NewestFirst(tokens) {
		if c.chooses(t, i, now) {
			revoke = append(revoke, t)
		} else {
			keep = append(keep, t)
		}
	}
	return revoke, keep
}

// chooses reports whether every criterion given chooses the token, the
// rank-th newest of its connection.
func (c Choice) chooses(t Token, rank int, now time.Time) bool {
	switch {
	case c.Empty():
		return false
	case c.Expired && t.ValidAt(now):
		return false
	case c.OlderThan > 0 && now.Sub(t.CreatedAt) <= c.OlderThan:
		return false
	case c.KeepNewest > 0 && rank < c.KeepNewest:
		return false
	case c.IDs != nil && !c.IDs[t.ID]:
		return false
	}
	return true
}

// IDList returns the chosen ids, sorted, for a message.
func (c Choice) IDList() []string {
	out := make([]string, 0, len(c.IDs))
	for id := range c.IDs {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
