package app

import (
	"bytes"
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/options"
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
				Flags:  options.TokensAuditFlags(),
				Action: action(options.ParseTokensAudit, e.tokensAudit),
			},
			{
				Name:   "issue",
				Usage:  "issue one SCIM token per selected connection, written only to the handoff file --out",
				Flags:  options.TokensIssueFlags(),
				Action: actionDoc(options.ParseTokensIssue, e.tokensIssue),
			},
			{
				Name:   "revoke",
				Usage:  "revoke SCIM tokens: the expired, the older than a duration, all but the newest, or those of a handoff file or report",
				Flags:  options.TokensRevokeFlags(),
				Action: actionDoc(options.ParseTokensRevoke, e.tokensRevoke),
			},
			tokensRotateCommand(e),
		},
	}
}

func (e *env) tokensAudit(ctx context.Context, o options.TokensAudit) error {
	if err := e.noHTMLOnTerminal(o.Format, o.Out, "the audit", "scim-migrate tokens audit"); err != nil {
		return err
	}
	s, err := e.connect(o.Connect)
	if err != nil {
		return err
	}
	ctx = console.ReadOnlyContext(ctx, e.deps.Stop)
	sel, err := e.selection(o.TokenSelection)
	if err != nil {
		return err
	}
	targets, err := s.Targets(ctx, sel)
	if err != nil {
		return console.Interrupted(ctx, err, e.stage.Load())
	}
	prog := e.auditProgress(s, targets)
	a, err := s.Audit(ctx, targets, e.deps.Now(), o.Within, prog)
	prog.Close()
	if err != nil {
		return console.Interrupted(ctx, err, e.stage.Load())
	}
	a.WithinText = cliui.ReadableDuration(o.Within)
	var b bytes.Buffer
	if err := report.RenderAudit(&b, a, o.Format, e.outStyle(o.Out)); err != nil {
		return err
	}
	// Said in the log, which --quiet keeps quiet, for cron.
	wrote := func(path string) { s.Logger.Info("audit written", "path", path) }
	if err := e.writeRendering(o.Out, b.Bytes(), "the audit", wrote); err != nil {
		return err
	}
	return auditOutcome(a, o.DetailedExitcode)
}

// auditVerb names the audit in its progress.
const auditVerb = "tokens audit"

// auditProgress shows the audit's reads as a run's writes are shown: a bar on
// a terminal, status lines in logs; a target with a problem is read at once.
func (e *env) auditProgress(s *connected, targets []tokenplan.Target) *console.Progress {
	checks := map[string]bool{}
	for _, t := range targets {
		if t.Problem != "" {
			checks[console.CheckKey(t.Conn.ID, t.Conn.Name)] = true
		}
	}
	return console.NewProgress(console.ProgressSpec{Total: len(targets), Checks: checks, Verb: auditVerb, Unit: "conn", Every: e.deps.StatusEvery, Now: e.deps.Now},
		e.progressBar(s.opts), e.stderr, s.Logger, s.Client.PaceStatus)
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
		return &incompleteError{msg: fmt.Sprintf("the tokens of %s could not be read (see the audit)", report.Plural(a.Counts.Unread, "connection"))}
	case detailed && a.Flagged():
		return errTokensFlagged
	}
	return nil
}
