package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/scim"

	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// RenderAudit writes a SCIM token audit in a format: text (for a terminal),
// json, markdown or html. Like RenderPlan, every form is made from the same
// Audit value, the text form alone uses s, and the output is built whole
// before it is written, so a rendering either fails before any byte is
// written or is written in one go.
func RenderAudit(w io.Writer, a *scimtoken.Audit, f Format, s Style) error {
	if a == nil {
		return errors.New("render audit: no audit")
	}
	r := rowOf(f)
	if r == nil || r.audit == nil {
		return fmt.Errorf("render audit: format %q is not supported", f)
	}
	return r.audit(w, a, s)
}

func auditTextBytes(a *scimtoken.Audit, s Style) ([]byte, error) { return []byte(auditText(a, s)), nil }

func auditMarkdownBytes(a *scimtoken.Audit, _ Style) ([]byte, error) {
	return []byte(auditMarkdown(a)), nil
}

func auditJSONBytes(a *scimtoken.Audit, _ Style) ([]byte, error) {
	out, err := auditJSON(a)
	if err != nil {
		return nil, fmt.Errorf("as json: %w", err)
	}
	return out, nil
}

// auditJSON is the audit value itself, indented. Its shape is a contract, so
// a list is always a list: a connection that could not be read, or an audit
// built by hand, may hold nil slices, which would otherwise be written as
// null. The caller's audit is not modified.
func auditJSON(a *scimtoken.Audit) ([]byte, error) {
	c := *a
	c.Connections = slices.Clone(orEmpty(c.Connections))
	for i := range c.Connections {
		conn := &c.Connections[i]
		conn.Flags = orEmpty(conn.Flags)
		conn.Tokens = slices.Clone(orEmpty(conn.Tokens))
		for j := range conn.Tokens {
			t := &conn.Tokens[j]
			t.Flags, t.Scopes = orEmpty(t.Flags), orEmpty(t.Scopes)
		}
	}
	out, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// orEmpty turns a nil slice into an empty one, which JSON writes as [].
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Row keys of the audit: the most severe flag of a row first, then the rows
// with none, then the connections that could not be read.
const (
	auditKeyOK     = "ok"
	auditKeyUnread = "unread"
)

// auditKeys orders the audit page's counts by severity. As for runs, the
// last key (unread) is counted only when some row has it.
var auditKeys = []string{
	string(scimtoken.FlagExpired), string(scimtoken.FlagNoValidToken),
	string(scimtoken.FlagExpiring), string(scimtoken.FlagNeverUsed),
	auditKeyOK, auditKeyUnread,
}

// auditRow is one line of the audit's tables (markdown and HTML): a token,
// or a connection that has none or could not be read.
type auditRow struct {
	scim.Identity
	// Token is nil on the row of a connection without any token (or unread).
	Token *scimtoken.Token
	// Flags are the token's, then the connection's: a connection flagged
	// no_valid_token says so on each of its rows.
	Flags []scimtoken.Flag
	Error string
}

// key is what the audit page counts and filters a row by: its most severe
// flag, ok when it has none, unread when its connection could not be read.
func (r auditRow) key() string {
	if r.Error != "" {
		return auditKeyUnread
	}
	for _, k := range auditKeys {
		if slices.Contains(r.Flags, scimtoken.Flag(k)) {
			return k
		}
	}
	if len(r.Flags) > 0 {
		return string(r.Flags[0]) // a flag newer than this rendering
	}
	return auditKeyOK
}

// auditRows lists the audit's tokens in its own order (connections as
// audited, tokens newest first), with one row for each connection that has
// no token or could not be read.
func auditRows(a *scimtoken.Audit) []auditRow {
	var rows []auditRow
	for _, c := range a.Connections {
		base := auditRow{Identity: scim.Identity{ID: c.ConnectionID, Name: c.ConnectionName, Strategy: c.Strategy}, Error: c.Error}
		if c.Error != "" || len(c.Tokens) == 0 {
			base.Flags = c.Flags
			rows = append(rows, base)
			continue
		}
		for _, t := range c.Tokens {
			r := base
			r.Token = &t.Token
			r.Flags = append(slices.Clone(t.Flags), c.Flags...)
			rows = append(rows, r)
		}
	}
	return rows
}

// clock shows the times of an audit's tokens: in UTC, in a layout, and with
// how far each is from the audit's own time, which is what a reader acts on.
type clock struct {
	now    time.Time
	layout string
}

// rfc3339Clock is for the text and markdown, which show times as the JSON
// does; htmlClock puts a space between date and time, so that a narrow
// column of the page can break a time there rather than inside the date.
func rfc3339Clock(now time.Time) clock { return clock{now, time.RFC3339} }
func htmlClock(now time.Time) clock    { return clock{now, "2006-01-02 15:04:05Z07:00"} }

// at is a time, with how far it is from the audit's time when that is known.
func (c clock) at(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	s := t.UTC().Format(c.layout)
	if c.now.IsZero() {
		return s
	}
	return s + " (" + relativeText(t.Sub(c.now)) + ")"
}

// created is when a token was issued, without a distance: its age is not
// what an audit flags.
func (c clock) created(t scimtoken.Token) string {
	if t.CreatedAt.IsZero() {
		return "unknown"
	}
	return t.CreatedAt.UTC().Format(c.layout)
}

// validUntil is a token's end of validity, or that it has none.
func (c clock) validUntil(t scimtoken.Token) string {
	if !t.Expires() {
		return "never expires"
	}
	return c.at(t.ValidUntil)
}

// lastUsed is when a token was last used, or that it never was.
func (c clock) lastUsed(t scimtoken.Token) string {
	if t.LastUsedAt.IsZero() {
		return "never"
	}
	return c.at(t.LastUsedAt)
}

// relativeText says a time difference the way people do: "in 5 days",
// "3 hours ago", counted in whole units (rounded down).
func relativeText(d time.Duration) string {
	future := d > 0
	d = d.Abs()
	var s string
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		s = Plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		s = Plural(int(d/time.Hour), "hour")
	default:
		s = Plural(int(d/(24*time.Hour)), "day")
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// Plural writes a count and its noun, in the plural unless it is one
// ("1 connection", "2 SCIM tokens"), as every message of the tool does.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// withinText is the audit's window as the user gave it.
func withinText(a *scimtoken.Audit) string {
	if a.WithinText != "" {
		return a.WithinText
	}
	return a.Within.String()
}

// auditSummaryLine is the text's last line. Like the plan's, its shape is a
// contract that scripts may grep: every count, always, in this order.
func auditSummaryLine(c scimtoken.AuditCounts) string {
	return fmt.Sprintf("Audit: %d connections, %d tokens: %s.", c.Connections, c.Tokens, auditFindings(c))
}

// auditFindings says what the audit found, count by count.
func auditFindings(c scimtoken.AuditCounts) string {
	s := fmt.Sprintf("%d expired, %d expiring, %d never used, %d with no valid token, %d unread",
		c.Expired, c.Expiring, c.NeverUsed, c.NoValidToken, c.Unread)
	if c.NotFound > 0 { // only when there are: the line's shape stays for scripts
		s += fmt.Sprintf(", %d not found", c.NotFound)
	}
	return s
}

// nothingFlagged is said when no token needs attention.
const nothingFlagged = "No token needs attention."

// auditText renders the audit for a terminal: a header, one block per
// connection with a line of flags and two of details per token, and the
// summary line last.
func auditText(a *scimtoken.Audit, s Style) string {
	var b strings.Builder
	b.WriteString(s.bold(fmt.Sprintf("SCIM token audit for tenant %s at %s, flagging expiry within %s",
		bare(a.Tenant), timeText(a.AuditedAt), bare(withinText(a)))) + "\n")
	for _, c := range a.Connections {
		b.WriteString("\n" + auditConnectionBlock(c, rfc3339Clock(a.AuditedAt), s))
	}
	b.WriteString("\n")
	if !a.Flagged() && a.Counts.Unread == 0 {
		b.WriteString(nothingFlagged + "\n")
	}
	b.WriteString(s.bold(auditSummaryLine(a.Counts)) + "\n")
	return b.String()
}

// tokenDetailIndent sets a token's details under its id.
const tokenDetailIndent = entryIndent + "  "

// auditConnectionBlock is one connection: its title, what is wrong with it,
// then each token.
func auditConnectionBlock(c scimtoken.AuditedConnection, clk clock, s Style) string {
	var b strings.Builder
	b.WriteString("  " + s.bold(auditConnectionTitle(c)) + "\n")
	if c.Error != "" {
		label := "could not be read:"
		if c.NotFound {
			label = "not found:"
		}
		b.WriteString(entryIndent + s.paint(sgrRed, label) + " " + sanitize(c.Error) + "\n")
		return b.String()
	}
	if c.Endpoint != "" {
		b.WriteString(entryIndent + "SCIM endpoint " + bare(c.Endpoint) + "\n")
	}
	if slices.Contains(c.Flags, scimtoken.FlagNoValidToken) {
		why := "none of its tokens can be used; nothing can provision into it"
		if len(c.Tokens) == 0 {
			why = "it has no token; nothing can provision into it"
		}
		b.WriteString(entryIndent + flagText(scimtoken.FlagNoValidToken, s) + ": " + why + "\n")
	}
	for _, t := range c.Tokens {
		line := entryIndent + bare(t.ID)
		if len(t.Flags) > 0 {
			line += "  " + flagsText(t.Flags, s)
		}
		b.WriteString(line + "\n")
		b.WriteString(tokenDetailIndent + "created " + clk.created(t.Token) + ", " + validityText(t.Token, clk) +
			", last used " + clk.lastUsed(t.Token) + "\n")
		b.WriteString(tokenDetailIndent + scopesText(t.Scopes) + "\n")
	}
	return b.String()
}

// validityText is "valid until T (in 5 days)", or "never expires".
func validityText(t scimtoken.Token, clk clock) string {
	if !t.Expires() {
		return "never expires"
	}
	return "valid until " + clk.validUntil(t)
}

func scopesText(scopes []string) string {
	if len(scopes) == 0 {
		return "no scopes"
	}
	out := make([]string, len(scopes))
	for i, sc := range scopes {
		out[i] = bare(sc)
	}
	return "scopes " + strings.Join(out, " ")
}

// auditConnectionTitle names a connection as the plan's text does: its id,
// then its name and strategy where they are known.
func auditConnectionTitle(c scimtoken.AuditedConnection) string {
	return titleOf(c.ConnectionID, c.ConnectionName, c.Strategy)
}

func flagsText(flags []scimtoken.Flag, s Style) string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = flagText(f, s)
	}
	return strings.Join(out, ", ")
}

// flagText colours a flag: red when provisioning has stopped, yellow when it
// is about to or a handoff did not happen.
func flagText(f scimtoken.Flag, s Style) string {
	text := bare(string(f))
	switch f {
	case scimtoken.FlagExpired, scimtoken.FlagNoValidToken:
		return s.paint(sgrRed, text)
	case scimtoken.FlagExpiring, scimtoken.FlagNeverUsed:
		return s.paint(sgrYellow, text)
	}
	return text
}

// flagNames joins flags as plain text, for the tables.
func flagNames(flags []scimtoken.Flag) string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = string(f)
	}
	return strings.Join(out, ", ")
}

// auditFields describe the audit, for the markdown and HTML headers.
func auditFields(a *scimtoken.Audit) []field {
	return []field{
		{"Tenant", a.Tenant}, {"Audited", timeText(a.AuditedAt)}, {"Expiring within", withinText(a)},
		{"Connections", fmt.Sprint(a.Counts.Connections)}, {"Tokens", fmt.Sprint(a.Counts.Tokens)},
		{"Found", auditFindings(a.Counts)},
	}
}

// auditNotes are what a reader of the tables must not miss.
func auditNotes(a *scimtoken.Audit) []string {
	switch n := a.Counts.Unread; n {
	case 0:
		return nil
	case 1:
		return []string{"1 connection could not be read: its tokens are unknown and not counted."}
	default:
		return []string{fmt.Sprintf("%d connections could not be read: their tokens are unknown and not counted.", n)}
	}
}
