package report

import (
	"fmt"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// entryIndent sets entries under their connection's header, as Terraform does.
const entryIndent = "      "

// changeBlock renders one created or updated connection: a header, then the
// user_id_attribute change and each mapping entry that differs, then how many
// entries stay as they are.
func changeBlock(c plan.Change, s Style) string {
	var b strings.Builder
	b.WriteString("  " + s.marker(actionMarker(c.Action)) + " " + s.bold(blockTitle(c)) + "\n")
	before, after := configOf(c.Before), configOf(c.After)
	if line := userIDLine(c.Action, before.UserIDAttribute, after.UserIDAttribute, s); line != "" {
		b.WriteString(entryIndent + line + "\n")
	}
	diff := plan.DiffMapping(before.Mapping, after.Mapping)
	changed := plan.ChangedPairs(diff)
	for _, pc := range changed {
		b.WriteString(entryIndent + pairLine(pc, s) + "\n")
	}
	if n := len(diff) - len(changed); n > 0 {
		b.WriteString(entryIndent + unchangedNote(n) + "\n")
	}
	return b.String()
}

// blockTitle identifies the connection, says what happens to it and where the
// manifest asked for it. The mode is left out for a create, where merge and
// replace give the same result.
func blockTitle(c plan.Change) string {
	parts := []string{connectionTitle(c), string(c.Action)}
	if c.Action != plan.ActionCreate && c.Mode != "" {
		parts = append(parts, bare(string(c.Mode)))
	}
	if c.From.File != "" {
		parts = append(parts, "from "+posText(c.From))
	}
	return strings.Join(parts, ", ")
}

// posText prints a manifest position as FILE:LINE, with an odd file name quoted.
func posText(p manifest.Pos) string { return fmt.Sprintf("%s:%d", bare(p.File), p.Line) }

func actionMarker(a plan.Action) string {
	switch a {
	case plan.ActionCreate:
		return "+"
	case plan.ActionUpdate:
		return "~"
	case plan.ActionMissing:
		return "!"
	case plan.ActionDelete:
		return "-"
	}
	return " "
}

// configOf lets a rendering treat "no configuration" as an empty one.
func configOf(c *scim.Config) scim.Config {
	if c == nil {
		return scim.Config{}
	}
	return *c
}

// userIDLine shows user_id_attribute as added on a create and as changed on an
// update; it is empty when the attribute stays the same.
func userIDLine(a plan.Action, old, cur string, s Style) string {
	switch {
	case a == plan.ActionCreate:
		return s.marker("+") + " user_id_attribute: " + quote(cur)
	case a == plan.ActionDelete:
		return s.marker("-") + " user_id_attribute: " + quote(old)
	case old != cur:
		return s.marker("~") + " user_id_attribute: " + quote(old) + " -> " + quote(cur)
	}
	return ""
}

// pairLine renders one differing mapping entry.
func pairLine(pc plan.PairChange, s Style) string {
	key := " mapping " + quote(pc.SCIM) + ": "
	switch pc.Kind {
	case plan.PairAdded:
		return s.marker("+") + key + quote(pc.New)
	case plan.PairRemoved:
		return s.marker("-") + key + quote(pc.Old)
	default:
		return s.marker("~") + key + quote(pc.Old) + " -> " + quote(pc.New)
	}
}

func unchangedNote(n int) string {
	if n == 1 {
		return "(1 mapping entry unchanged)"
	}
	return fmt.Sprintf("(%d mapping entries unchanged)", n)
}

// missingLines tells, for each connection without a SCIM configuration that
// the plan will not create, how to have it created.
func missingLines(changes []plan.Change, s Style) []string {
	var lines []string
	for _, c := range changes {
		if c.Action != plan.ActionMissing {
			continue
		}
		lines = append(lines, fmt.Sprintf("  %s %s has no SCIM configuration; not created (set create_if_missing or use apply --create-missing)",
			s.marker("!"), connectionTitle(c)))
	}
	return lines
}

func warningLines(warnings []string, s Style) []string {
	lines := make([]string, len(warnings))
	for i, w := range warnings {
		lines[i] = s.paint(sgrYellow, "Warning:") + " " + sanitize(w)
	}
	return lines
}

// connectionTitle names a change's connection: its id, then its name and
// strategy where they are known (a connection without a SCIM configuration
// read by id may have neither).
func connectionTitle(c plan.Change) string {
	return titleOf(c.ID, c.Name, c.Strategy)
}

// titleOf names a connection for the text views: its id, then its quoted
// name and its strategy where they are known.
func titleOf(id, name, strategy string) string {
	title := bare(id)
	if name != "" {
		title += " " + quote(name)
	}
	if strategy != "" {
		title += " (" + bare(strategy) + ")"
	}
	return title
}
