package app

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
	"github.com/urfave/cli/v2"
)

func tokensCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "tokens",
		Usage: "audit, issue and revoke the SCIM tokens identity providers use to provision users into connections",
		Description: "An identity provider (Okta, Entra ID, ...) provisions users into an Auth0 connection with a bearer " +
			"token Auth0 issues for that connection. tokens audit lists them and flags the expired, the expiring, the " +
			"never used, and connections left without a valid one; tokens issue gives each selected connection a new " +
			"token, written only to a handoff file for the IdP administrators; tokens revoke removes old ones; tokens rotate " +
			"issues one where the older of 2 is revoked first to make room. " +
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
				Action: actionDoc(parseTokensIssue, e.tokensIssue),
			},
			{
				Name:   "revoke",
				Usage:  "revoke SCIM tokens: the expired, the older than a duration, all but the newest, or those of a handoff file or report",
				Flags:  tokensRevokeFlags(),
				Action: actionDoc(parseTokensRevoke, e.tokensRevoke),
			},
			tokensRotateCommand(e),
		},
	}
}

func (e *env) tokensAudit(ctx context.Context, o tokensAuditOptions) error {
	if err := e.noHTMLOnTerminal(o.format, o.out, "the audit", "scim-migrate tokens audit"); err != nil {
		return err
	}
	s, err := e.connect(o.connectOptions)
	if err != nil {
		return err
	}
	ctx = e.readOnlyContext(ctx)
	targets, err := e.tokenTargets(ctx, s, o.tokenSelection)
	if err != nil {
		return e.interrupted(ctx, err)
	}
	now := e.deps.Now()
	a := &scimtoken.Audit{Tenant: s.tenant(), AuditedAt: now.UTC(), Within: o.within, WithinText: cliui.ReadableDuration(o.within)}
	prog := e.auditProgress(s, targets)
	conns, err := auditTargets(ctx, s, targets, now, o.within, prog)
	prog.Close()
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
	// Said in the log, which --quiet keeps quiet, for cron.
	wrote := func(path string) { s.logger.Info("audit written", "path", path) }
	if err := e.writeRendering(o.out, b.Bytes(), "the audit", wrote); err != nil {
		return err
	}
	return auditOutcome(a, o.detailedExitcode)
}

// auditVerb names the audit in its progress.
const auditVerb = "tokens audit"

// auditProgress shows the audit's reads as a run's writes are shown: a bar on
// a terminal, status lines in logs; a target with a problem is read at once.
func (e *env) auditProgress(s *session, targets []tokenplan.Target) *progress {
	checks := map[string]bool{}
	for _, t := range targets {
		if t.Problem != "" {
			checks[checkKey(t.Conn.ID, t.Conn.Name)] = true
		}
	}
	return newProgress(progressSpec{total: len(targets), checks: checks, verb: auditVerb, every: e.deps.StatusEvery, now: e.deps.Now},
		e.progressBar(s.opts), e.stderr, s.logger, s.client.PaceStatus)
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
		return &incompleteError{msg: fmt.Sprintf("the tokens of %s could not be read (see the audit)", plural(a.Counts.Unread, "connection"))}
	case detailed && a.Flagged():
		return errTokensFlagged
	}
	return nil
}

// auditTargets lists each target's tokens, one request per connection,
// and has tokenplan.Audit flag them.
func auditTargets(ctx context.Context, s *session, targets []tokenplan.Target, now time.Time, within time.Duration, obs execute.Observer) ([]scimtoken.AuditedConnection, error) {
	held, err := listTargetTokens(ctx, s, targets, obs)
	if err != nil {
		return nil, err
	}
	conns, leftOut := tokenplan.Audit(targets, held, now, within, s.client.Tenant().URL.String())
	for _, t := range leftOut {
		s.logger.Info("left out of the audit: it has no SCIM configuration, so no token", "connection_id", t.Conn.ID, "connection_name", t.Conn.Name)
	}
	return conns, nil
}
