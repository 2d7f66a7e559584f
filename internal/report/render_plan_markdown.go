package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
)

// planMarkdown renders the plan for a change request or an audit trail:
// where it came from, the counts, a table per changed connection, then the
// missing connections and the warnings. Every tenant or manifest value goes
// through md, so no value can break the tables or inject HTML.
func planMarkdown(p *plan.Plan) string {
	sections := []string{mdTitle(p), mdSummary(p.Summary), mdChanges(p)}
	if s := mdMissing(p.Changes); s != "" {
		sections = append(sections, s)
	}
	if s := mdWarnings(notices(p)); s != "" {
		sections = append(sections, s)
	}
	return strings.Join(sections, "\n")
}

func mdTitle(p *plan.Plan) string {
	return "# scim-migrate plan\n\n" +
		"- **Tenant:** " + md(p.Tenant) + "\n" +
		"- **Manifest:** " + md(p.Manifest.Path) + " (sha256 " + md(p.Manifest.SHA256) + ")\n" +
		"- **Created:** " + p.CreatedAt.UTC().Format(time.RFC3339) + "\n" +
		"- **Tool version:** " + md(p.ToolVersion) + "\n"
}

func mdSummary(s plan.Summary) string {
	if s.NotFound > 0 {
		return "## Summary\n\n" +
			"| create | update | unchanged | missing | not found |\n" +
			"|---:|---:|---:|---:|---:|\n" +
			fmt.Sprintf("| %d | %d | %d | %d | %d |\n", s.Create, s.Update, s.Unchanged, s.Missing, s.NotFound)
	}
	return "## Summary\n\n" +
		"| create | update | unchanged | missing |\n" +
		"|---:|---:|---:|---:|\n" +
		fmt.Sprintf("| %d | %d | %d | %d |\n", s.Create, s.Update, s.Unchanged, s.Missing)
}

// mdChanges renders every connection the plan writes to, or says that there
// is none.
func mdChanges(p *plan.Plan) string {
	var b strings.Builder
	b.WriteString("## Changes\n")
	if !p.Summary.HasChanges() {
		b.WriteString("\n" + noWrites(p.Summary) + "\n")
	}
	for _, c := range p.Changes {
		if willWrite(c) {
			b.WriteString("\n" + mdChange(c))
		}
	}
	return b.String()
}

// mdChange is one connection's heading and its table of entry changes.
// The user_id_attribute row is always shown, marked only when it changes,
// because a reviewer needs to see which attribute identifies users.
func mdChange(c plan.Change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s %s\n\n", actionMarker(c.Action), mdConnection(c))
	b.WriteString(mdChangeNote(c) + "\n\n")
	b.WriteString("| | scim | before | after |\n|---|---|---|---|\n")
	before, after := configOf(c.Before), configOf(c.After)
	b.WriteString(mdRow(userIDMarker(c.Action, before.UserIDAttribute, after.UserIDAttribute),
		"**user\\_id\\_attribute**", md(before.UserIDAttribute), md(after.UserIDAttribute)))
	diff := plan.DiffMapping(before.Mapping, after.Mapping)
	changed := plan.ChangedPairs(diff)
	for _, pc := range changed {
		b.WriteString(mdRow(pairMarker(pc.Kind), md(pc.SCIM), md(pc.Old), md(pc.New)))
	}
	if n := len(diff) - len(changed); n > 0 {
		b.WriteString("\n" + strings.Trim(unchangedNote(n), "()") + ".\n")
	}
	return b.String()
}

// mdChangeNote says what happens and where the manifest asked for it; the
// mode is left out for a create, where it makes no difference.
func mdChangeNote(c plan.Change) string {
	note := string(c.Action)
	if c.Action != plan.ActionCreate && c.Mode != "" {
		note += ", " + md(string(c.Mode)) + " mode"
	}
	note = strings.ToUpper(note[:1]) + note[1:]
	if c.From.File == "" {
		return note + "."
	}
	return note + ", from " + md(c.From.File) + fmt.Sprintf(":%d.", c.From.Line)
}

// mdRow writes one table row; the cells must already be escaped.
func mdRow(cells ...string) string { return "| " + strings.Join(cells, " | ") + " |\n" }

func userIDMarker(a plan.Action, old, cur string) string {
	switch {
	case a == plan.ActionCreate:
		return "+"
	case a == plan.ActionDelete:
		return "-"
	case old != cur:
		return "~"
	}
	return ""
}

func pairMarker(k plan.PairChangeKind) string {
	switch k {
	case plan.PairAdded:
		return "+"
	case plan.PairRemoved:
		return "-"
	case plan.PairChanged:
		return "~"
	}
	return ""
}

// mdMissing lists the connections left without a SCIM configuration, with
// the way to have them created.
func mdMissing(changes []plan.Change) string {
	var rows strings.Builder
	for _, c := range changes {
		if c.Action == plan.ActionMissing {
			rows.WriteString(mdRow(md(c.ID), md(c.Name), md(c.Strategy),
				md(c.From.File)+fmt.Sprintf(":%d", c.From.Line)))
		}
	}
	if rows.Len() == 0 {
		return ""
	}
	return "## Missing SCIM configuration\n\n" +
		"These connections have no SCIM configuration and are not created " +
		"(set `create_if_missing` or use `apply --create-missing`).\n\n" +
		"| connection | name | strategy | from |\n|---|---|---|---|\n" + rows.String()
}

func mdWarnings(warnings []string) string {
	if len(warnings) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## Warnings\n\n")
	for _, w := range warnings {
		b.WriteString("- " + mdLine(w) + "\n")
	}
	return b.String()
}

// mdConnection names a change's connection as connectionTitle does, for markdown.
func mdConnection(c plan.Change) string {
	title := md(c.ID)
	if c.Name != "" {
		title += " " + md(c.Name)
	}
	if c.Strategy != "" {
		title += " (" + md(c.Strategy) + ")"
	}
	return title
}
