package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
	"github.com/urfave/cli/v2"
)

func rollbackCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "rollback",
		Usage:     "undo the writes recorded in a report, restoring each connection's state before the run",
		ArgsUsage: "[REPORT.jsonl]",
		Flags:     rollbackFlags(),
		Action:    actionDoc(parseRollback, e.rollback),
	}
}

// rollback returns its run's document.
func (e *env) rollback(ctx context.Context, o rollbackOptions) (resultDoc, error) {
	doc := report.NewRunResult("rollback", o.dryRun)
	err := e.rollbackRun(ctx, o, doc)
	return runResult(doc, o.writeOptions), err
}

func (e *env) rollbackRun(ctx context.Context, o rollbackOptions, doc *report.RunResult) error {
	run, err := runlog.ReadRunFile(o.from)
	if err != nil {
		if wrong := wrongKind(o.from, "--from", kindReport, kindOfFile(o.from)); wrong != nil {
			return wrong
		}
		return err
	}
	kind, err := rollbackKind(run, o.from)
	if err != nil {
		return err
	}
	s, err := e.startWriting("rollback", o.writeOptions, o.connectOptions, doc)
	if err != nil {
		return err
	}
	defer s.release()
	if run.Truncated {
		s.logger.Warn("the report's last line was cut off (the run was killed while writing it); everything before it is used", "report", o.from)
	}
	for _, n := range run.Torn {
		s.logger.Warn("a line of the report was torn by a failed write and is skipped (its write was never sent); the line glued to it is used", "report", o.from, "line", n)
	}
	if !auth0api.SameTenant(run.Header.Tenant, s.tenant()) {
		return fmt.Errorf("the report %s is from tenant %q, not %q; nothing was written", o.from, run.Header.Tenant, s.tenant())
	}
	if kind == runlog.KindTokenIssue || kind == runlog.KindTokenRotate {
		return e.rollbackTokens(ctx, s, run, o, doc)
	}
	p, err := e.rollbackPlan(ctx, s.session, run, o)
	if err != nil {
		return err
	}
	doc.Planned(p)
	if err := e.preview(s.session, p, o.writeOptions); err != nil || o.dryRun {
		return err
	}
	tasks := execute.Tasks(p)
	if err := s.confirm.Ask(fmt.Sprintf("Restore %s on tenant %s to their state before the run of %s?", plural(execute.Writes(tasks), "connection"), s.tenant(), o.from), execute.Writes(tasks)); err != nil {
		return err
	}
	h := runlog.Header{Command: "rollback", RollsBack: o.from, Manifest: run.Header.Manifest}
	return e.runTasks(ctx, s.session, e.configRun(s.session, h, tasks, o.writeOptions, doc))
}

// rollbackPlan reads the live state of the connections the run wrote and
// plans their restoration.
func (e *env) rollbackPlan(ctx context.Context, s *session, run *runlog.Run, o rollbackOptions) (*plan.Plan, error) {
	rctx := console.ReadOnlyContext(ctx, e.deps.Stop)
	live, err := s.client.ReadLive(rctx, manifest.Refs{IDs: execute.IntentIDs(run)}, s.opts.concurrency)
	if err != nil {
		return nil, console.Interrupted(rctx, fmt.Errorf("read the live state of %s: %w", s.tenant(), err), e.stage.Load())
	}
	return execute.RollbackPlan(run, live, o.force, execute.RollbackMeta{
		Tenant: s.tenant(), ToolVersion: e.deps.Version, Now: e.deps.Now(), Report: o.from,
	}), nil
}

// rollbackKind says what the report's run wrote, refusing what no rollback
// can undo: revoked tokens.
func rollbackKind(run *runlog.Run, path string) (runlog.Kind, error) {
	kind, err := runlog.KindOf(run)
	switch {
	case err != nil:
		return kind, fmt.Errorf("%s: %w", path, err)
	case kind == runlog.KindTokenRevoke:
		return kind, fmt.Errorf("the report %s is of a run that revoked SCIM tokens, which cannot be undone: %w", path, tokenplan.ErrRevokeIsFinal)
	}
	return kind, nil
}

// rollbackTokens undoes a run that issued tokens (tokens issue, tokens
// rotate): the tokens it issued that the tenant still holds are revoked
// (tokenplan.Undo); a token a rotation revoked cannot be restored.
func (e *env) rollbackTokens(ctx context.Context, w *writing, run *runlog.Run, o rollbackOptions, doc *report.RunResult) error {
	tc := tokenCommand{name: "rollback", kind: runlog.KindTokenRevoke, write: o.writeOptions, done: "revoked",
		question: func(p *tokenplan.Plan) string {
			return fmt.Sprintf("Revoke the %s the run of %s issued, on tenant %s?", plural(p.Writes(), "SCIM token"), o.from, p.Tenant)
		},
		plan: func(ctx context.Context) (*tokenplan.Plan, error) {
			ids := execute.IntentIDs(run)
			targets := make([]tokenplan.Target, len(ids))
			for i, id := range ids {
				targets[i] = tokenplan.Target{Conn: scim.Connection{ID: id}}
			}
			held, err := heldTokens(ctx, w.session, targets)
			if err != nil {
				return nil, fmt.Errorf("list the tokens of %s: %w", w.tenant(), err)
			}
			now := map[string][]scimtoken.Token{}
			for i, id := range ids {
				now[id] = held[i]
			}
			p := tokenplan.Undo(run, now, o.from, e.tokenMeta(w.session))
			warnUnattributed(w.session, p)
			return p, nil
		},
	}
	return e.runTokenCommand(ctx, w, tc, doc)
}
