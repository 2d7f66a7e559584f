package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/suggest"
)

// tokenTarget is a connection a tokens command selected, or, with a
// problem, one it was asked for and cannot work on (it does not exist, or
// has no SCIM configuration, so it can hold no token).
type tokenTarget struct {
	conn    scim.Connection
	problem string
	// unsure says the connection was selected without knowing whether it
	// has a SCIM configuration (the tenant refused the SCIM listing): its
	// token request tells, and one without is then left out silently.
	unsure bool
	// unconfigured says the problem is only that the connection has no SCIM
	// configuration: it has no token to audit or revoke, and cannot be
	// given one.
	unconfigured bool
	// notFound says the problem is that the tenant has no such connection
	// (with a SCIM configuration): the audit counts it as a finding.
	notFound bool
}

// selectTargets resolves a selection against the tenant: a manifest as plan
// resolves it; --all, --strategy and --connection from the tenant-wide
// SCIM listing, which costs its pages and nothing more.
func (e *env) selectTargets(ctx context.Context, s *session, sel tokenSelection) ([]tokenTarget, error) {
	if sel.manifest != "" {
		return e.manifestTargets(ctx, s, sel.manifest)
	}
	conns, complete, err := s.client.ConfiguredConnections(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the connections of %s: %w", s.tenant(), err)
	}
	var targets []tokenTarget
	seen := map[string]bool{}
	add := func(t tokenTarget) {
		if t.problem != "" || !seen[t.conn.ID] {
			seen[t.conn.ID] = true
			targets = append(targets, t)
		}
	}
	for _, c := range conns {
		if sel.all || slices.Contains(sel.strategies, c.Strategy) {
			add(tokenTarget{conn: c, unsure: !complete})
		}
	}
	for _, v := range sel.connections {
		add(namedTarget(v, conns, complete, s.tenant()))
	}
	return targets, nil
}

// namedTarget finds the connection --connection names, by id or by name.
func namedTarget(v string, conns []scim.Connection, complete bool, tenant string) tokenTarget {
	var byName []scim.Connection
	for _, c := range conns {
		if c.ID == v {
			return tokenTarget{conn: c}
		}
		if c.Name == v {
			byName = append(byName, c)
		}
	}
	switch {
	case len(byName) == 1:
		return tokenTarget{conn: byName[0]}
	case len(byName) > 1:
		return tokenTarget{conn: scim.Connection{Name: v}, problem: fmt.Sprintf("the name %q is ambiguous: %s have it; give the connection id", v, joinIDs(byName))}
	case scim.ValidConnectionID(v) && !complete:
		return tokenTarget{conn: scim.Connection{ID: v}}
	case scim.ValidConnectionID(v):
		return tokenTarget{conn: scim.Connection{ID: v}, notFound: true, problem: fmt.Sprintf(
			"connection %s has no SCIM configuration on tenant %s, or does not exist%s", v, tenant, nearestConnection(v, conns, true))}
	}
	return tokenTarget{conn: scim.Connection{Name: v}, notFound: true, problem: fmt.Sprintf(
		"no connection named %q with a SCIM configuration on tenant %s%s", v, tenant, nearestConnection(v, conns, false))}
}

// nearestConnection names the listed connection (its id, or its name) that
// v most likely misspells, as "; did you mean ...?", or says nothing.
func nearestConnection(v string, conns []scim.Connection, byID bool) string {
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

// manifestTargets are the connections a manifest's entries reach, resolved
// as plan resolves them; a listed connection without a configuration, or an
// entry naming a connection the tenant lacks, is a target with a problem.
func (e *env) manifestTargets(ctx context.Context, s *session, path string) ([]tokenTarget, error) {
	m, err := e.readManifest(path)
	if err != nil {
		return nil, err
	}
	p, _, err := e.makePlan(ctx, s, m, false)
	if err != nil {
		return nil, err
	}
	var targets []tokenTarget
	for _, c := range p.Changes {
		t := tokenTarget{conn: scim.Connection{ID: c.ID, Name: c.Name, Strategy: c.Strategy}}
		if c.Action == plan.ActionMissing || c.Before == nil {
			t.problem = "the connection has no SCIM configuration (apply --create-missing gives it one), so it can hold no token"
			t.unconfigured = true
		}
		targets = append(targets, t)
	}
	for _, u := range p.Unresolved {
		targets = append(targets, tokenTarget{conn: scim.Connection{ID: u.ConnectionID, Name: u.ConnectionName},
			problem: u.From.String() + ": " + u.Error, notFound: true})
	}
	// The unresolved entries' warnings come first, and each is a target
	// above, shown with its problem: only the others are logged.
	for _, w := range p.Warnings[len(p.Unresolved):] {
		s.logger.Warn(w)
	}
	return targets, nil
}
