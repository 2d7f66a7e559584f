package plan

import "github.com/scim-migrate/scim-migrate/internal/scim"

// Conflict notes, the reasons a change is not written.
const (
	ConflictGone    = "the connection no longer exists on the tenant"
	ConflictDrifted = "the live configuration changed since the plan was made; re-run plan, or apply with --force"
)

// Recheck compares a plan with the live state read again before applying
// it, and returns the plan to apply. A change whose live state is still its
// Before goes ahead. One whose live state is already its After (the plan was
// applied before: a retried CI job) is unchanged, as a fresh plan would say.
// One whose connection is gone, or whose live state moved elsewhere (drift),
// gets a Conflict and is not written, unless force: then the live state
// becomes its Before, so that the run's report records the state the write
// really replaces and a rollback stays exact.
func Recheck(p *Plan, live *Live, force bool) *Plan {
	out := *p
	out.Changes = make([]Change, len(p.Changes))
	for i, c := range p.Changes {
		out.Changes[i] = recheckChange(c, live, force)
	}
	out.Summary = SummarizePlan(&out)
	return &out
}

func recheckChange(c Change, live *Live, force bool) Change {
	lc, exists := live.Connections[c.ID]
	switch {
	case !exists:
		c.Conflict = ConflictGone
	case c.Action == ActionMissing:
	case lc.Config.Equal(c.Before):
	case isWrite(c.Action) && lc.Config.Equal(c.After):
		c.Before, c.Action = lc.Config.Clone(), ActionNone
	case !force:
		c.Conflict = ConflictDrifted
	default:
		c.Before = lc.Config.Clone()
		c.Action = WriteAction(c.Before, c.After)
	}
	if exists {
		c.Name, c.Strategy = orKnown(lc.Name, c.Name), orKnown(lc.Strategy, c.Strategy)
	}
	return c
}

// isWrite reports whether an action writes to the tenant.
func isWrite(a Action) bool {
	return a == ActionCreate || a == ActionUpdate || a == ActionDelete
}

// WriteAction is the action that takes a connection from cur to target:
// none when they are equal.
func WriteAction(cur, target *scim.Config) Action {
	switch {
	case cur.Equal(target):
		return ActionNone
	case target == nil:
		return ActionDelete
	case cur == nil:
		return ActionCreate
	}
	return ActionUpdate
}

// orKnown prefers what the live read knows of a connection.
func orKnown(live, planned string) string {
	if live != "" {
		return live
	}
	return planned
}
