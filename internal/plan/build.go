package plan

import (
	"fmt"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// BuildOptions is what a plan records besides the manifest and the live state.
type BuildOptions struct {
	Tenant      string
	ToolVersion string
	Now         time.Time
	// CreateMissing makes every entry behave as if create_if_missing were set
	// (apply --create-missing).
	CreateMissing bool
}

// target is one connection an entry applies to.
type target struct {
	entry *manifest.Entry
	conn  *scim.LiveConnection
}

// Unresolved is a manifest entry naming a connection the tenant does not
// have. It does not stop the plan, because the tenant, not the manifest,
// decides it: a manifest exported from another tenant, or a connection
// deleted since the manifest was written. The plan shows it as a warning and
// apply reports it as a failed connection, so the run exits 3.
type Unresolved struct {
	From           manifest.Pos `json:"from"`
	ConnectionID   string       `json:"connection_id,omitempty"`
	ConnectionName string       `json:"connection_name,omitempty"`
	Error          string       `json:"error"`
}

// Build diffs the manifest against the live state and returns the plan. An
// entry naming a connection the tenant lacks is left out of the changes and
// listed in Plan.Unresolved. Every other problem (an unsupported strategy, a
// connection reached twice, selectors that disagree) is a mistake in the
// manifest: all of them, unresolved entries included so that one pass fixes
// everything, are returned as Problems naming the manifest line, and no
// partial plan is returned.
func Build(m *manifest.Manifest, live *Live, opts BuildOptions) (*Plan, error) {
	res := resolveTargets(m, live)
	problems := res.problems
	changes := make([]Change, 0, len(res.targets))
	for _, t := range res.targets {
		c, err := diffTarget(t, opts.CreateMissing)
		if err != nil {
			problems = append(problems, manifest.Problem{Pos: t.entry.Pos, Message: err.Error()})
			continue
		}
		changes = append(changes, c)
	}
	if len(problems) > 0 {
		for _, u := range res.unresolved {
			problems = append(problems, manifest.Problem{Pos: u.From, Message: u.Error})
		}
		return nil, sortProblems(problems)
	}
	p := &Plan{
		Version:     FormatVersion,
		Origin:      OriginManifest,
		ToolVersion: opts.ToolVersion,
		Tenant:      opts.Tenant,
		CreatedAt:   opts.Now.UTC(),
		Manifest:    Source{Path: m.Path, SHA256: m.SHA256},
		Changes:     changes,
		Warnings:    append(unresolvedWarnings(res.unresolved), res.warnings...),
		Unresolved:  res.unresolved,
	}
	p.Summary = SummarizePlan(p)
	return p, nil
}

// unresolvedWarnings says, for each unresolved entry, that it is left out,
// FILE:LINE first like every message about a manifest line.
func unresolvedWarnings(us []Unresolved) []string {
	var out []string // nil when there are none, like a decoded plan's
	for _, u := range us {
		out = append(out, fmt.Sprintf("%s: %s; this entry is left out (apply reports it as failed)", u.From, u.Error))
	}
	return out
}

// diffTarget computes one connection's change.
func diffTarget(t target, createMissing bool) (Change, error) {
	c := Change{
		Identity: scim.Identity{ID: t.conn.ID, Name: t.conn.Name, Strategy: t.conn.Strategy},
		Mode:     t.entry.Mode,
		Before:   t.conn.Config.Clone(),
		From:     t.entry.Pos,
	}
	if t.entry.Mode == manifest.ModeMerge {
		c.Asked = askedOf(t.entry)
	}
	if t.conn.Config == nil {
		if !t.entry.CreateIfMissing && !createMissing {
			c.Action = ActionMissing
			return c, nil
		}
		if t.entry.UserIDAttribute == "" {
			return c, fmt.Errorf("connection %s has no SCIM configuration: creating one needs user_id_attribute", t.conn.ID)
		}
		c.Action, c.After = ActionCreate, Desired(t.entry, nil)
		return c, nil
	}
	c.After = Desired(t.entry, t.conn.Config)
	c.Action = ActionUpdate
	if c.After.Equal(c.Before) {
		c.Action, c.After = ActionNone, c.Before.Clone()
	}
	return c, nil
}

// Desired is the configuration an entry asks for, given the live one (nil
// when there is none). In replace mode it is the entry itself; in merge mode
// each entry pair replaces the live pairs with its scim key, in place, and
// the other live pairs are kept; user_id_attribute is kept when the entry has
// none.
func Desired(e *manifest.Entry, live *scim.Config) *scim.Config {
	asked := askedOf(e)
	if e.Mode != manifest.ModeMerge {
		return asked
	}
	return Merge(asked, live)
}

// askedOf is what an entry itself states.
func askedOf(e *manifest.Entry) *scim.Config {
	return &scim.Config{UserIDAttribute: e.UserIDAttribute, Mapping: append([]scim.Pair{}, e.Mapping...)}
}

// Merge sets what a merge entry asks for onto a live configuration: each
// asked pair replaces the live pairs with its scim key, in place, the other
// live pairs are kept, and user_id_attribute is kept when none is asked.
// Without a live configuration, the asked one is the whole configuration.
func Merge(asked, live *scim.Config) *scim.Config {
	if live == nil {
		return asked.Clone()
	}
	out := &scim.Config{UserIDAttribute: live.UserIDAttribute}
	if asked.UserIDAttribute != "" {
		out.UserIDAttribute = asked.UserIDAttribute
	}
	out.Mapping = mergeMapping(live.Mapping, asked.Mapping)
	return out
}

// mergeMapping sets each of the updates by its scim key: the first live pair
// with that key is replaced where it stands, further ones are dropped, and
// keys the live mapping lacks are appended in manifest order.
func mergeMapping(live, updates []scim.Pair) []scim.Pair {
	want := make(map[string]string, len(updates))
	for _, u := range updates {
		want[u.SCIM] = u.Auth0
	}
	placed := make(map[string]bool, len(updates))
	out := make([]scim.Pair, 0, len(live)+len(updates))
	for _, p := range live {
		auth0, ok := want[p.SCIM]
		switch {
		case !ok:
			out = append(out, p)
		case !placed[p.SCIM]:
			out = append(out, scim.Pair{SCIM: p.SCIM, Auth0: auth0})
			placed[p.SCIM] = true
		}
	}
	for _, u := range updates {
		if !placed[u.SCIM] {
			out = append(out, u)
			placed[u.SCIM] = true
		}
	}
	return out
}
