package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/plan"
)

// RenderPlan writes the plan in the given format. Every form is made from the
// same Plan value, so the diff a user reviews, the JSON a script reads and the
// markdown an auditor files can never disagree. The text form uses s; the
// other forms ignore it. The output is built whole before it is written, so a
// rendering either fails before any byte is written or is written in one go.
func RenderPlan(w io.Writer, p *plan.Plan, f Format, s Style) error {
	if p == nil {
		return errors.New("render plan: no plan")
	}
	r := rowOf(f)
	if r == nil || r.plan == nil {
		return fmt.Errorf("render plan: format %q is not supported", f)
	}
	return r.plan(w, p, s)
}

func planTextBytes(p *plan.Plan, s Style) ([]byte, error) { return []byte(planText(p, s)), nil }

func planMarkdownBytes(p *plan.Plan, _ Style) ([]byte, error) { return []byte(planMarkdown(p)), nil }

// planJSONBytes is the plan value itself, indented for diffs and code
// review; the field order is the struct order, so the output is stable and
// reads back into an equal Plan.
func planJSONBytes(p *plan.Plan, _ Style) ([]byte, error) {
	out, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("as json: %w", err)
	}
	return append(out, '\n'), nil
}

// noChanges is said when applying the plan would write nothing.
const noChanges = "No changes. The tenant matches the manifest."

// noWrites says that nothing would be written, yet the tenant does not
// match the manifest (noChanges when it does).
func noWrites(s plan.Summary) string {
	if s.NotFound == 0 {
		return noChanges
	}
	return fmt.Sprintf("No changes to write, but the tenant does not match the manifest: %s.", notFoundText(s.NotFound))
}

// notFoundText counts the entries naming a connection the tenant lacks.
func notFoundText(n int) string {
	if n == 1 {
		return "1 entry names a connection the tenant does not have"
	}
	return fmt.Sprintf("%d entries name connections the tenant does not have", n)
}

// summaryLine is the plan's last line. Its shape is a public contract:
// scripts grep it, so it never changes with the plan's content.
// Counts that only some plans have (delete, not found) are shown only there.
func summaryLine(s plan.Summary) string {
	line := fmt.Sprintf("Plan: %d to create, %d to update", s.Create, s.Update)
	if s.Delete > 0 {
		line += fmt.Sprintf(", %d to delete", s.Delete)
	}
	line += fmt.Sprintf(", %d unchanged, %d missing", s.Unchanged, s.Missing)
	if s.NotFound > 0 {
		line += fmt.Sprintf(", %d not found", s.NotFound)
	}
	return line + "."
}

// planText renders the Terraform-like diff: a header, one block per
// connection that changes, the missing connections, the warnings, and the
// summary line last.
func planText(p *plan.Plan, s Style) string {
	var b strings.Builder
	b.WriteString(s.bold(textHeader(p)) + "\n")
	for _, c := range p.Changes {
		if willWrite(c) {
			b.WriteString("\n" + changeBlock(c, s))
		}
	}
	writeSection(&b, missingLines(p.Changes, s))
	writeSection(&b, warningLines(notices(p), s))
	b.WriteString("\n")
	if !p.Summary.HasChanges() {
		b.WriteString(noWrites(p.Summary) + "\n")
	}
	b.WriteString(s.bold(summaryLine(p.Summary)) + "\n")
	return b.String()
}

// writeSection writes lines after a blank line, or nothing when there are none.
func writeSection(b *strings.Builder, lines []string) {
	if len(lines) == 0 {
		return
	}
	b.WriteString("\n" + strings.Join(lines, "\n") + "\n")
}

// textHeader names what the plan was computed from, so a pasted plan can be
// traced to its tenant and exact manifest.
func textHeader(p *plan.Plan) string {
	if p.Origin == plan.OriginRollback {
		return fmt.Sprintf("Plan for tenant %s from %s", bare(p.Tenant), bare(p.Manifest.Path))
	}
	return fmt.Sprintf("Plan for tenant %s from manifest %s (sha256 %s)",
		bare(p.Tenant), bare(p.Manifest.Path), bare(shortHash(p.Manifest.SHA256)))
}

// shortHash keeps the first 12 hex digits, as git does: enough to tell
// manifests apart at a glance.
func shortHash(h string) string {
	if h == "" {
		return "unknown"
	}
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// willWrite reports whether applying the plan writes this change: a
// conflict is shown among the notices instead.
func willWrite(c plan.Change) bool { return isWrite(c.Action) && c.Conflict == "" }

// notices are the plan's warnings, after one line for each change that
// will not be written because of a conflict.
func notices(p *plan.Plan) []string {
	verb := "written"
	if p.Origin == plan.OriginRollback {
		verb = "restored"
	}
	var out []string
	for _, c := range p.Changes {
		if c.Conflict != "" {
			out = append(out, fmt.Sprintf("conflict: %s will not be %s: %s", connectionTitle(c), verb, c.Conflict))
		}
	}
	return append(out, p.Warnings...)
}

// isWrite reports whether applying the action writes to the tenant.
func isWrite(a plan.Action) bool {
	return a == plan.ActionCreate || a == plan.ActionUpdate || a == plan.ActionDelete
}
