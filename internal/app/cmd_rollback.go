package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/filekind"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/session"
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
		if wrong := wrongKind(o.from, "--from", filekind.Report); wrong != nil {
			return wrong
		}
		return err
	}
	kind, err := session.RollbackKind(run, o.from)
	if err != nil {
		return err
	}
	s, err := e.startWriting("rollback", o.writeOptions, o.connectOptions, doc)
	if err != nil {
		return err
	}
	defer s.release()
	if err := s.CheckReport(run, o.from); err != nil {
		return err
	}
	if kind == runlog.KindTokenIssue || kind == runlog.KindTokenRotate {
		return e.rollbackTokens(ctx, s, run, o, doc)
	}
	rctx := console.ReadOnlyContext(ctx, e.deps.Stop)
	p, err := s.RollbackPlan(rctx, run, o.from, o.force)
	if err != nil {
		return console.Interrupted(rctx, err, e.stage.Load())
	}
	doc.Planned(p)
	if err := e.preview(s.connected, p, o.writeOptions); err != nil || o.dryRun {
		return err
	}
	tasks := execute.Tasks(p)
	if err := s.confirm.Ask(fmt.Sprintf("Restore %s on tenant %s to their state before the run of %s?", plural(execute.Writes(tasks), "connection"), s.Tenant(), o.from), execute.Writes(tasks)); err != nil {
		return err
	}
	h := runlog.Header{Command: "rollback", RollsBack: o.from, Manifest: run.Header.Manifest}
	return e.runTasks(ctx, s.connected, s.ConfigRun(h, tasks, o.reports(), o.force), o.writeOptions, doc, "")
}

// rollbackTokens undoes a run that issued tokens (tokens issue, tokens
// rotate): the tokens it issued that the tenant still holds are revoked
// (session.UndoTokens); a token a rotation revoked cannot be restored.
func (e *env) rollbackTokens(ctx context.Context, w *writing, run *runlog.Run, o rollbackOptions, doc *report.RunResult) error {
	tc := tokenCommand{name: "rollback", kind: runlog.KindTokenRevoke, write: o.writeOptions, done: "revoked",
		question: func(p *tokenplan.Plan) string {
			return fmt.Sprintf("Revoke the %s the run of %s issued, on tenant %s?", plural(p.Writes(), "SCIM token"), o.from, p.Tenant)
		},
		plan: func(ctx context.Context) (*tokenplan.Plan, error) { return w.UndoTokens(ctx, run, o.from) },
	}
	return e.runTokenCommand(ctx, w, tc, doc)
}
