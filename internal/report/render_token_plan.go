package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// RenderTokenPlan writes a token plan in a format of the table's
// DocTokenPlan: as text, the preview a person confirms; as JSON, the saved
// plan (what --plan reads back); as markdown, for a change request. handoff
// is where the new tokens will be written (issue, rotate), for the title.
func RenderTokenPlan(w io.Writer, p *tokenplan.Plan, f Format, handoff string) error {
	if r := rowOf(f); r != nil && r.tokenPlan != nil {
		return r.tokenPlan(w, p, handoff)
	}
	return fmt.Errorf("a token plan has no %s rendering", f)
}

func tokenPlanJSON(w io.Writer, p *tokenplan.Plan, _ string) error {
	data, err := p.Encode()
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func tokenPlanMarkdownTo(w io.Writer, p *tokenplan.Plan, handoff string) error {
	_, err := io.WriteString(w, tokenPlanMarkdown(p, handoff))
	return err
}

func tokenPlanText(w io.Writer, p *tokenplan.Plan, handoff string) error {
	return renderTokenChanges(w, TokenPlanTitle(p, handoff), tokenChanges(p))
}

// TokenPlanTitle says in one line what the plan does, on which tenant.
func TokenPlanTitle(p *tokenplan.Plan, handoff string) string {
	n := p.Writes()
	out := cmp.Or(handoff, "the handoff file (--out)")
	switch {
	case p.RollsBack != "":
		return fmt.Sprintf("Tenant %s: revoke the %s issued by the run of %s that it still holds:", p.Tenant, Plural(n, "token"), p.RollsBack)
	case p.Kind == runlog.KindTokenIssue:
		return fmt.Sprintf("Tenant %s: issue a SCIM token for %s, written to %s only:", p.Tenant, Plural(n, "connection"), out)
	case p.Kind == runlog.KindTokenRotate:
		return fmt.Sprintf("Tenant %s: rotate the SCIM token of %s (where it holds 2, the older is revoked; the other stays valid), the new ones written to %s only:",
			p.Tenant, Plural(n, "connection"), out)
	}
	return fmt.Sprintf("Tenant %s: revoke %s:", p.Tenant, Plural(n, "token"))
}

// tokenChanges are the plan's lines: + an issue, - a revoke, ~ a rotation
// (its note names the token it revokes), ! a change decided without a
// request.
func tokenChanges(p *tokenplan.Plan) []tokenChange {
	changes := make([]tokenChange, len(p.Changes))
	for i, c := range p.Changes {
		tc := tokenChange{Mark: "+", Name: c.Name, ConnectionID: c.ID, Note: c.TokenID, Endpoint: c.Endpoint}
		switch {
		case !c.Writes():
			tc.Mark, tc.Note, tc.Endpoint = "!", string(c.Decided)+": "+c.Problem, ""
		case c.Action == scimtoken.ActionRevoke:
			tc.Mark, tc.Endpoint = "-", ""
		case c.Action == scimtoken.ActionRotate:
			tc.Mark, tc.Note = "~", rotateNote(c)
		}
		changes[i] = tc
	}
	return changes
}

func rotateNote(c tokenplan.Change) string {
	if c.TokenID == "" {
		return "issue one (fewer than 2 held)"
	}
	return "revoke " + c.TokenID + ", issue one"
}

// tokenPlanMarkdown renders the plan for a change request: its facts, then
// one table row per change. Every tenant value goes through md.
func tokenPlanMarkdown(p *tokenplan.Plan, handoff string) string {
	var b strings.Builder
	b.WriteString("# scim-migrate token plan\n\n")
	b.WriteString("- **Tenant:** " + md(p.Tenant) + "\n")
	b.WriteString("- **Kind:** " + md(string(p.Kind)) + "\n")
	b.WriteString("- **Created:** " + p.CreatedAt.UTC().Format(time.RFC3339) + "\n")
	if p.Request != nil {
		life := "never expires"
		if p.Request.Lifetime > 0 {
			life = p.Request.Lifetime.String()
		}
		b.WriteString("- **Scopes:** " + md(strings.Join(p.Request.Scopes, ", ")) + "; **lifetime:** " + life + "\n")
	}
	if p.RollsBack != "" {
		b.WriteString("- **Rolls back:** " + md(p.RollsBack) + "\n")
	}
	b.WriteString("\n" + md(TokenPlanTitle(p, handoff)) + "\n\n")
	b.WriteString(mdRow("connection", "id", "action", "token", "endpoint", "note"))
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, c := range p.Changes {
		note := ""
		if !c.Writes() {
			note = string(c.Decided) + ": " + c.Problem
		}
		b.WriteString(mdRow(md(c.Name), md(c.ID), md(string(c.Action)), md(c.TokenID), md(c.Endpoint), md(note)))
	}
	if p.Writes() == 0 {
		b.WriteString("\nNothing to do.\n")
	}
	for _, w := range p.Warnings {
		b.WriteString("\n> " + md(w) + "\n")
	}
	return b.String()
}
