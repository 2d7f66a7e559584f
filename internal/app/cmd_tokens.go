package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/urfave/cli/v2"
)

func tokensCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "tokens",
		Usage: "audit, issue and revoke the SCIM tokens identity providers use to provision users into connections",
		Description: "An identity provider (Okta, Entra ID, ...) provisions users into an Auth0 connection with a bearer " +
			"token Auth0 issues for that connection. tokens audit lists them and flags the expired, the expiring, the " +
			"never used, and connections left without a valid one; tokens issue gives each selected connection a new " +
			"token, written only to a handoff file for the IdP administrators; tokens revoke removes old ones. " +
			"Select connections with -f MANIFEST, --strategy, --connection or --all.",
		Subcommands: []*cli.Command{
			{
				Name:   "audit",
				Usage:  "list the selected connections' SCIM tokens and flag expired, expiring and never-used ones (writes nothing)",
				Flags:  tokensAuditFlags(),
				Action: action(parseTokensAudit, e.tokensAudit),
			},
			{
				Name:   "issue",
				Usage:  "issue one SCIM token per selected connection, written only to the handoff file --out",
				Flags:  tokensIssueFlags(),
				Action: action(parseTokensIssue, e.tokensIssue),
			},
			{
				Name:   "revoke",
				Usage:  "revoke SCIM tokens: the expired, the older than a duration, all but the newest, or those of a handoff file or report",
				Flags:  tokensRevokeFlags(),
				Action: action(parseTokensRevoke, e.tokensRevoke),
			},
		},
	}
}

func (e *env) tokensAudit(ctx context.Context, o tokensAuditOptions) error {
	if o.out == "" && o.format == report.FormatHTML && e.streams.OutTerminal {
		return &usageError{err: errors.New("the audit page is HTML, for a browser, not a terminal: give --out FILE.html, or --format markdown"),
			hint: helpHint("scim-migrate tokens audit")}
	}
	s, err := e.connect(o.connectOptions)
	if err != nil {
		return err
	}
	ctx = e.readOnlyContext(ctx)
	targets, err := e.selectTargets(ctx, s, o.tokenSelection)
	if err != nil {
		return e.interrupted(ctx, err)
	}
	now := e.deps.Now()
	a := &scimtoken.Audit{Tenant: s.tenant(), AuditedAt: now.UTC(), Within: o.within, WithinText: shortDuration(o.within)}
	conns, err := auditTargets(ctx, s, targets, now, o.within)
	if err != nil {
		return e.interrupted(ctx, err)
	}
	for _, c := range conns {
		a.Count(c)
	}
	s.logger.Info("audit ready", "connections", a.Counts.Connections, "tokens", a.Counts.Tokens,
		"requests", s.client.Stats().Attempts.Load())
	var b bytes.Buffer
	if err := report.RenderAudit(&b, a, o.format, e.outStyle(o.out)); err != nil {
		return err
	}
	if err := e.writeAudit(s, o.out, b.Bytes()); err != nil {
		return err
	}
	return auditOutcome(a, o.detailedExitcode)
}

// writeAudit writes the audit to stdout, or privately and atomically to
// --out, saying so in the log (which --quiet keeps quiet, for cron).
func (e *env) writeAudit(s *session, out string, data []byte) error {
	if out == "" {
		_, err := e.stdout.Write(data)
		return err
	}
	if err := fileutil.WriteAtomic(out, data); err != nil {
		return fmt.Errorf("write the audit to %s: %w", out, err)
	}
	s.logger.Info("audit written", "path", out)
	return nil
}

// outStyle is the style of a rendering: coloured only on a terminal.
func (e *env) outStyle(out string) report.Style {
	if out != "" {
		return report.Style{}
	}
	return e.style()
}

// auditOutcome is the audit's result: incomplete when a connection could
// not be read, flagged (exit 2) with --detailed-exitcode.
func auditOutcome(a *scimtoken.Audit, detailed bool) error {
	switch {
	case a.Counts.Unread > 0:
		return &incompleteError{msg: fmt.Sprintf("the tokens of %d connection(s) could not be read (see the audit)", a.Counts.Unread)}
	case detailed && a.Flagged():
		return errTokensFlagged
	}
	return nil
}

// auditTargets lists each target's tokens through the worker pool, one
// request per connection, and flags them. A connection without a SCIM
// configuration (a manifest's, or one selected without knowing, and found
// to have none) is left out: it has no token.
func auditTargets(ctx context.Context, s *session, targets []tokenTarget, now time.Time, within time.Duration) ([]scimtoken.AuditedConnection, error) {
	out := make([]*scimtoken.AuditedConnection, len(targets))
	err := execute.ForEach(ctx, len(targets), s.opts.concurrency, func(ctx context.Context, i int) error {
		t := targets[i]
		c := scimtoken.AuditedConnection{ConnectionID: t.conn.ID, ConnectionName: t.conn.Name, Strategy: t.conn.Strategy,
			Tokens: []scimtoken.AuditedToken{}, Flags: []scimtoken.Flag{}}
		switch {
		case t.unconfigured:
			s.logger.Info("left out of the audit: it has no SCIM configuration, so no token", "connection_id", t.conn.ID, "connection_name", t.conn.Name)
			return nil
		case t.problem != "":
			c.Error = t.problem
			out[i] = &c
			return nil
		}
		tokens, err := s.client.ListTokens(ctx, t.conn.ID)
		switch {
		case execute.IsFatal(err):
			return err
		case t.unsure && errors.Is(err, auth0api.ErrNoSCIMConfiguration):
			return nil
		case err != nil:
			c.Error = err.Error()
		default:
			c = scimtoken.AuditConnection(c, tokens, now, within)
		}
		out[i] = &c
		return nil
	})
	var conns []scimtoken.AuditedConnection
	for _, c := range out {
		if c != nil {
			conns = append(conns, *c)
		}
	}
	return conns, err
}

// shortDuration writes a duration as a person would: 720h, not 720h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
