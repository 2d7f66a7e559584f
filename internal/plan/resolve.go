package plan

import (
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Resolved is what a manifest's entries reach on a tenant, without the
// diff: the connections (each with its SCIM configuration as read, nil
// when it has none), the entries naming a connection the tenant lacks, and
// the warnings of selectors that match nothing. Token commands work on a
// manifest's connections this way: which connections, not what to write.
type Resolved struct {
	Connections []*scim.LiveConnection
	Unresolved  []Unresolved
	// Warnings are the selectors that matched nothing (an unresolved
	// entry is in Unresolved, not here).
	Warnings []string
}

// Resolve finds the connections a manifest's entries reach, as Build does,
// and refuses the same mistakes in the manifest (every problem naming its
// line), unresolved entries included among them only when there are other
// problems, as Build lists them.
func Resolve(m *manifest.Manifest, live *Live) (*Resolved, error) {
	res := resolveTargets(m, live)
	if len(res.problems) > 0 {
		problems := res.problems
		for _, u := range res.unresolved {
			problems = append(problems, manifest.Problem{Pos: u.From, Message: u.Error})
		}
		return nil, sortProblems(problems)
	}
	out := &Resolved{Unresolved: res.unresolved, Warnings: res.warnings}
	for _, t := range res.targets {
		out.Connections = append(out.Connections, t.conn)
	}
	return out, nil
}
