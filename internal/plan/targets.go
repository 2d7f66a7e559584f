package plan

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/suggest"
)

// resolution is what resolving a manifest's entries against the tenant gives.
type resolution struct {
	targets  []target
	warnings []string
	// problems are mistakes in the manifest itself: the plan is refused.
	problems manifest.Problems
	// unresolved are entries whose connection the tenant lacks: the other
	// entries go ahead.
	unresolved []Unresolved
}

// absentError says that an entry names a connection the tenant does not
// have. Unlike the other resolution errors it is not a mistake in the
// manifest: the same manifest is right for another tenant (a migration) or
// was right before the connection was deleted.
type absentError struct{ msg string }

func (e *absentError) Error() string { return e.msg }

// resolveTargets finds the connection (or, for a selector, the connections)
// each manifest entry applies to. An explicit entry (by id or name) overrides
// what a selector gives the same connection; two explicit entries reaching one
// connection, or two selectors reaching it with different desired states, are
// problems. An entry naming a connection the tenant lacks is unresolved, and
// a selector that matches nothing gives a warning.
func resolveTargets(m *manifest.Manifest, live *Live) *resolution {
	var (
		res     resolution
		claimed = map[string]*manifest.Entry{} // connection id -> explicit entry
		names   = live.NameIndex()
	)
	for i := range m.Entries {
		e := &m.Entries[i]
		if e.Select != nil {
			continue
		}
		conn, err := explicitTarget(e, live, names)
		if err == nil {
			err = claim(claimed, conn.ID, e)
		}
		var absent *absentError
		switch {
		case errors.As(err, &absent):
			res.unresolved = append(res.unresolved, Unresolved{
				From: e.Pos, ConnectionID: e.ConnectionID, ConnectionName: e.ConnectionName, Error: err.Error(),
			})
		case err != nil:
			res.problems = append(res.problems, manifest.Problem{Pos: e.Pos, Message: err.Error()})
		default:
			res.targets = append(res.targets, target{entry: e, conn: conn})
		}
	}
	selected, warnings, selProblems := selectorTargets(m, live, claimed)
	res.targets = append(res.targets, selected...)
	res.warnings = warnings
	res.problems = append(res.problems, selProblems...)
	return &res
}

// explicitTarget finds the connection of an entry that names one.
func explicitTarget(e *manifest.Entry, live *Live, names map[string][]*scim.LiveConnection) (*scim.LiveConnection, error) {
	var conn *scim.LiveConnection
	if e.ConnectionID != "" {
		conn = live.Connections[e.ConnectionID]
		if conn == nil {
			return nil, &absentError{fmt.Sprintf("connection %s does not exist on tenant %s%s",
				e.ConnectionID, live.Tenant, didYouMean(e.ConnectionID, slices.Collect(maps.Keys(live.Connections))))}
		}
	} else {
		var err error
		if conn, err = byName(e.ConnectionName, names, live.Tenant); err != nil {
			return nil, err
		}
	}
	if conn.NoSCIM {
		return nil, fmt.Errorf("connection %s does not support SCIM (supported strategies: %s)", conn.ID, strings.Join(scim.SCIMStrategies, ", "))
	}
	if conn.Strategy != "" && !scim.SupportsSCIM(conn.Strategy) {
		return nil, fmt.Errorf("connection %s (%q) has strategy %q, which does not support SCIM (supported: %s)",
			conn.ID, conn.Name, conn.Strategy, strings.Join(scim.SCIMStrategies, ", "))
	}
	return conn, nil
}

// byName finds the one connection with a name.
func byName(name string, names map[string][]*scim.LiveConnection, tenant string) (*scim.LiveConnection, error) {
	conns := names[name]
	switch len(conns) {
	case 0:
		return nil, &absentError{fmt.Sprintf("no connection named %q with a SCIM strategy (%s) on tenant %s%s",
			name, strings.Join(scim.SCIMStrategies, ", "), tenant, didYouMean(name, slices.Collect(maps.Keys(names))))}
	case 1:
		return conns[0], nil
	}
	ids := make([]string, len(conns))
	for i, c := range conns {
		ids[i] = c.ID
	}
	return nil, fmt.Errorf("connection_name %q is ambiguous: %s have that name; use connection_id", name, strings.Join(ids, " and "))
}

// didYouMean names the existing connection a missing one most likely
// misspells (a typo, or a rename by a character or two), or says nothing.
func didYouMean(word string, candidates []string) string {
	slices.Sort(candidates) // the same answer on every run
	if near := suggest.Closest(word, candidates); near != "" {
		return fmt.Sprintf("; did you mean %q?", near)
	}
	return ""
}

// claim records that an explicit entry targets a connection, refusing a
// second explicit entry for it (an id and a name may name the same one).
func claim(claimed map[string]*manifest.Entry, id string, e *manifest.Entry) error {
	if first, ok := claimed[id]; ok {
		return fmt.Errorf("connection %s is already configured by the entry at %s", id, first.Pos)
	}
	claimed[id] = e
	return nil
}

// selectorTargets expands the selector entries over the listed connections,
// skipping connections an explicit entry claims.
func selectorTargets(m *manifest.Manifest, live *Live, claimed map[string]*manifest.Entry) ([]target, []string, manifest.Problems) {
	var (
		targets  []target
		warnings []string
		problems manifest.Problems
		bySel    = map[string]int{} // connection id -> index in targets
	)
	var sorted []*scim.LiveConnection // sorted once, and only for a manifest with selectors
	for i := range m.Entries {
		e := &m.Entries[i]
		if e.Select == nil {
			continue
		}
		if sorted == nil {
			sorted = live.Sorted()
		}
		matched := 0
		for _, conn := range sorted {
			if !e.Select.Matches(conn.Connection) {
				continue
			}
			matched++
			if _, ok := claimed[conn.ID]; ok {
				continue
			}
			if j, ok := bySel[conn.ID]; ok {
				if err := sameDesired(targets[j].entry, e, conn); err != nil {
					problems = append(problems, manifest.Problem{Pos: e.Pos, Message: err.Error()})
				}
				continue
			}
			bySel[conn.ID] = len(targets)
			targets = append(targets, target{entry: e, conn: conn})
		}
		if matched == 0 {
			warnings = append(warnings, fmt.Sprintf("%s: %s matches no connection on tenant %s", e.Pos, e.Key(), live.Tenant))
		}
	}
	return targets, warnings, problems
}

// sameDesired refuses two selectors that both reach a connection unless they
// ask for the same configuration there.
func sameDesired(first, second *manifest.Entry, conn *scim.LiveConnection) error {
	a, b := Desired(first, conn.Config), Desired(second, conn.Config)
	if a.Equal(b) && first.CreateIfMissing == second.CreateIfMissing {
		return nil
	}
	return fmt.Errorf("connection %s (%q) is selected by both the entry at %s and this one, with different configurations; add an explicit entry for it or narrow a selector",
		conn.ID, conn.Name, first.Pos)
}

// sortProblems orders problems by file line so they read top to bottom.
func sortProblems(ps manifest.Problems) manifest.Problems {
	slices.SortStableFunc(ps, func(a, b manifest.Problem) int { return a.Pos.Line - b.Pos.Line })
	return ps
}
