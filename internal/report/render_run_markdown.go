package report

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// RenderRunMarkdown writes a run report as markdown, for a change record or
// a ticket: where the run came from, the counts per status, one table row
// per connection, then the mapping diff of every connection whose before and
// after differ. source is the report's path, shown in the header (empty: not
// shown). Every value from the tenant or the manifest is escaped, so none can
// break a table or inject HTML. Like RenderPlan, it writes in one go or not
// at all.
func RenderRunMarkdown(w io.Writer, run *runlog.Run, source string) error {
	if run == nil {
		return errors.New("render run: no run")
	}
	entries := runEntries(run)
	counts := countEntries(entries, runKeys)
	sections := []string{
		mdFields("# scim-migrate "+md(run.Header.Command)+" run", runFields(run, source)),
		mdCounts(counts, runNotes(run, counts)),
		mdEntries(entries),
		mdEntryChanges(entries),
	}
	if _, err := io.WriteString(w, strings.Join(sections, "\n")); err != nil {
		return fmt.Errorf("render run: %w", err)
	}
	return nil
}

// mdFields is a title and a bullet list of header fields.
func mdFields(title string, fields []field) string {
	var b strings.Builder
	b.WriteString(title + "\n\n")
	for _, f := range fields {
		b.WriteString("- **" + f.Label + ":** " + md(f.Value) + "\n")
	}
	return b.String()
}

// mdCounts is the summary table, with the run's notes under it.
func mdCounts(counts []tally, notes []string) string {
	var head, rule, cells []string
	for _, c := range counts {
		head, rule, cells = append(head, c.Key), append(rule, "---:"), append(cells, fmt.Sprint(c.N))
	}
	var b strings.Builder
	b.WriteString("## Summary\n\n" + mdRow(head...) + mdRow(rule...) + mdRow(cells...))
	for _, n := range notes {
		b.WriteString("\n> **Note:** " + md(n) + "\n")
	}
	return b.String()
}

// mdEntries is the per-connection table.
func mdEntries(entries []entry) string {
	var b strings.Builder
	b.WriteString("## Connections\n\n")
	b.WriteString(mdRow("name", "connection", "strategy", "action", "status", "attempts", "duration", "error"))
	b.WriteString(mdRow("---", "---", "---", "---", "---", "---:", "---:", "---"))
	for _, e := range entries {
		b.WriteString(mdRow(md(e.Name), md(e.ID), md(e.Strategy), md(e.Action), md(e.Status),
			fmt.Sprint(e.Attempts), durationText(e.DurationMS), md(e.Error)))
	}
	return b.String()
}

// mdEntryChanges is the mapping diff of every entry that has one.
func mdEntryChanges(entries []entry) string {
	var b strings.Builder
	b.WriteString("## Changes\n")
	n := 0
	for _, e := range entries {
		if e.changed() {
			b.WriteString("\n" + mdEntryChange(e))
			n++
		}
	}
	switch {
	case n == 0 && tokenEntries(entries):
		return "" // a token run changes no mapping
	case n == 0:
		b.WriteString("\nNo connection has a mapping change.\n")
	}
	return b.String()
}

// tokenEntries reports whether entries are a token run's (tokens issue,
// revoke, or the rollback of an issue).
func tokenEntries(entries []entry) bool {
	for _, e := range entries {
		if action, _, _ := strings.Cut(e.Action, " "); scimtoken.IsTokenAction(action) {
			return true
		}
	}
	return false
}

// mdEntryChange is one connection's heading and its table of entry changes,
// shaped like the plan's so a reviewer reads both the same way.
func mdEntryChange(e entry) string {
	a := plan.Action(e.Action)
	marker, note := actionMarker(a), upperFirst(md(e.Action))+", "+md(e.Status)
	if a == plan.ActionNone {
		// A diff without a write (a conflict) is what would have been written.
		marker, note = "!", "Not written ("+md(e.Status)+"); the after state is what was to be written"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### %s %s %s (%s)\n\n", marker, md(e.ID), md(e.Name), md(e.Strategy))
	b.WriteString(note + ".\n\n")
	b.WriteString("| | scim | before | after |\n|---|---|---|---|\n")
	before, after := configOf(e.Before), configOf(e.After)
	b.WriteString(mdRow(userIDMarker(a, before.UserIDAttribute, after.UserIDAttribute),
		"**user\\_id\\_attribute**", md(before.UserIDAttribute), md(after.UserIDAttribute)))
	changed, unchanged := diffRows(e)
	for _, pc := range changed {
		b.WriteString(mdRow(pairMarker(pc.Kind), md(pc.SCIM), md(pc.Old), md(pc.New)))
	}
	if unchanged > 0 {
		b.WriteString("\n" + strings.Trim(unchangedNote(unchanged), "()") + ".\n")
	}
	return b.String()
}

// upperFirst capitalises the first letter of a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
