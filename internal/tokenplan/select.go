package tokenplan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/suggest"
)

// Target is a connection a token command selected, or, with a problem, one
// it was asked for and cannot work on (it does not exist, or has no SCIM
// configuration, so it can hold no token).
type Target struct {
	Conn    scim.Connection
	Problem string
	// Unsure says the connection was selected without knowing whether it
	// has a SCIM configuration (the tenant refused the SCIM listing): its
	// token request tells, and one without is then left out silently.
	Unsure bool
	// Unconfigured says the problem is only that the connection has no
	// SCIM configuration: it has no token to audit or revoke, and cannot be
	// given one.
	Unconfigured bool
	// NotFound says the tenant has no such connection (with a SCIM
	// configuration): the audit counts it as a finding.
	NotFound bool
}

// Selection is which connections a token command works on, besides a
// manifest (see FromManifest).
type Selection struct {
	Strategies  []string
	Connections []string // ids or names
	All         bool
}

// Select resolves a selection against the tenant's connections with a SCIM
// configuration (conns; complete says whether the listing held them all).
func Select(sel Selection, conns []scim.Connection, complete bool, tenant string) []Target {
	var targets []Target
	seen := map[string]bool{}
	add := func(t Target) {
		if t.Problem != "" || !seen[t.Conn.ID] {
			seen[t.Conn.ID] = true
			targets = append(targets, t)
		}
	}
	for _, c := range conns {
		if sel.All || slices.Contains(sel.Strategies, c.Strategy) {
			add(Target{Conn: c, Unsure: !complete})
		}
	}
	for _, v := range sel.Connections {
		add(named(v, conns, complete, tenant))
	}
	return targets
}

// named finds the connection --connection names, by id or by name.
func named(v string, conns []scim.Connection, complete bool, tenant string) Target {
	var byName []scim.Connection
	for _, c := range conns {
		if c.ID == v {
			return Target{Conn: c}
		}
		if c.Name == v {
			byName = append(byName, c)
		}
	}
	switch {
	case len(byName) == 1:
		return Target{Conn: byName[0]}
	case len(byName) > 1:
		return Target{Conn: scim.Connection{Name: v}, Problem: fmt.Sprintf("the name %q is ambiguous: %s have it; give the connection id", v, joinIDs(byName))}
	case scim.ValidConnectionID(v) && !complete:
		return Target{Conn: scim.Connection{ID: v}}
	case scim.ValidConnectionID(v):
		return Target{Conn: scim.Connection{ID: v}, NotFound: true, Problem: fmt.Sprintf(
			"connection %s has no SCIM configuration on tenant %s, or does not exist%s", v, tenant, nearest(v, conns, true))}
	}
	return Target{Conn: scim.Connection{Name: v}, NotFound: true, Problem: fmt.Sprintf(
		"no connection named %q with a SCIM configuration on tenant %s%s", v, tenant, nearest(v, conns, false))}
}

// nearest names the listed connection (its id, or its name) that v most
// likely misspells, as "; did you mean ...?", or says nothing.
func nearest(v string, conns []scim.Connection, byID bool) string {
	names := make([]string, 0, len(conns))
	for _, c := range conns {
		if byID {
			names = append(names, c.ID)
		} else {
			names = append(names, c.Name)
		}
	}
	slices.Sort(names)
	if near := suggest.Closest(v, names); near != "" {
		return fmt.Sprintf("; did you mean %q?", near)
	}
	return ""
}

func joinIDs(conns []scim.Connection) string {
	ids := make([]string, len(conns))
	for i, c := range conns {
		ids[i] = c.ID
	}
	return strings.Join(ids, " and ")
}

// noConfiguration is the problem of a manifest's connection without a SCIM
// configuration.
const noConfiguration = "the connection has no SCIM configuration (apply --create-missing gives it one), so it can hold no token"

// FromManifest are the connections a manifest's entries reach (see
// plan.Resolve): a connection without a configuration, or an entry naming
// a connection the tenant lacks, is a target with a problem.
func FromManifest(r *plan.Resolved) []Target {
	var targets []Target
	for _, c := range r.Connections {
		t := Target{Conn: c.Connection}
		if c.Config == nil {
			t.Problem, t.Unconfigured = noConfiguration, true
		}
		targets = append(targets, t)
	}
	for _, u := range r.Unresolved {
		targets = append(targets, Target{Conn: scim.Connection{ID: u.ConnectionID, Name: u.ConnectionName},
			Problem: u.From.String() + ": " + u.Error, NotFound: true})
	}
	return targets
}
