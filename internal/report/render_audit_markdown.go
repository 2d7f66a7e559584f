package report

import (
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// auditMarkdown renders the audit for a ticket or a compliance record: what
// was audited, the counts, then one table row per token and one per
// connection without any token or that could not be read. Every value from
// the tenant goes through md, so none can break the table or inject HTML.
func auditMarkdown(a *scimtoken.Audit) string {
	c := a.Counts
	counts := []tally{
		{"connections", c.Connections}, {"tokens", c.Tokens}, {"expired", c.Expired}, {"expiring", c.Expiring},
		{"never used", c.NeverUsed}, {"no valid token", c.NoValidToken}, {"unread", c.Unread},
	}
	sections := []string{
		mdFields("# scim-migrate SCIM token audit", auditFields(a)),
		mdCounts(counts, auditNotes(a)),
		mdAuditRows(a),
	}
	return strings.Join(sections, "\n")
}

// mdAuditRows is the table of tokens.
func mdAuditRows(a *scimtoken.Audit) string {
	var b strings.Builder
	b.WriteString("## Tokens\n\n")
	rows, clk := auditRows(a), rfc3339Clock(a.AuditedAt)
	if len(rows) == 0 {
		b.WriteString("No connection was audited.\n")
		return b.String()
	}
	b.WriteString(mdRow("name", "connection", "strategy", "token", "created", "valid until", "last used", "flags"))
	b.WriteString(mdRow("---", "---", "---", "---", "---", "---", "---", "---"))
	for _, r := range rows {
		token, created, validUntil, lastUsed := "(none)", "", "", ""
		flags := md(flagNames(r.Flags))
		switch {
		case r.Error != "":
			token, flags = "(not read)", "could not be read: "+md(r.Error)
		case r.Token != nil:
			token, created = md(r.Token.ID), clk.created(*r.Token)
			validUntil, lastUsed = clk.validUntil(*r.Token), clk.lastUsed(*r.Token)
		}
		b.WriteString(mdRow(md(r.Name), md(r.ID), md(r.Strategy), token, created, validUntil, lastUsed, flags))
	}
	return b.String()
}
