package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/filekind"
	"github.com/scim-migrate/scim-migrate/internal/options"
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
		Flags:     options.RollbackFlags(),
		Action:    actionDoc(options.ParseRollback, e.rollback),
	}
}

// rollback returns its run's document.
func (e *env) rollback(ctx context.Context, o options.Rollback) (resultDoc, error) {
	doc := report.NewRunResult("rollback", o.DryRun)
	err := e.rollbackRun(ctx, o, doc)
	return runResult(doc, o.Write), err
}

func (e *env) rollbackRun(ctx context.Context, o options.Rollback, doc *report.RunResult) error {
	run, err := runlog.ReadRunFile(o.From)
	if err != nil {
		if wrong := wrongKind(o.From, "--from", filekind.Report); wrong != nil {
			return wrong
		}
		return err
	}
	kind, err := session.RollbackKind(run, o.From)
	if err != nil {
		return err
	}
	s, err := e.startWriting("rollback", o.Write, o.Connect, doc)
	if err != nil {
		return err
	}
	defer s.release()
	if err := s.CheckReport(run, o.From); err != nil {
		return err
	}
	if kind.IssuesTokens() {
		return e.rollbackTokens(ctx, s, run, o, doc)
	}
	rctx := console.ReadOnlyContext(ctx, e.deps.Stop)
	p, err := s.RollbackPlan(rctx, run, o.From, o.Force)
	if err != nil {
		return console.Interrupted(rctx, err, e.stage.Load())
	}
	doc.Planned(p)
	if err := e.preview(s.connected, p, o.Write); err != nil || o.DryRun {
		return err
	}
	tasks := execute.Tasks(p)
	if err := s.confirm.Ask(fmt.Sprintf("Restore %s on tenant %s to their state before the run of %s?", report.Plural(execute.Writes(tasks), "connection"), s.Tenant(), o.From), execute.Writes(tasks)); err != nil {
		return err
	}
	h := runlog.Header{Command: "rollback", RollsBack: o.From, Manifest: run.Header.Manifest}
	return e.runTasks(ctx, s.connected, s.ConfigRun(h, tasks, reportsOf(o.Write), o.Force), o.Write, doc, "")
}

// rollbackTokens undoes a run that issued tokens (tokens issue, tokens
// rotate): the tokens it issued that the tenant still holds are revoked
// (session.UndoTokens); a token a rotation revoked cannot be restored.
func (e *env) rollbackTokens(ctx context.Context, w *writing, run *runlog.Run, o options.Rollback, doc *report.RunResult) error {
	tc := tokenCommand{name: "rollback", kind: runlog.KindTokenRevoke, write: o.Write, done: "revoked",
		question: func(p *tokenplan.Plan) string {
			return fmt.Sprintf("Revoke the %s the run of %s issued, on tenant %s?", report.Plural(p.Writes(), "SCIM token"), o.From, p.Tenant)
		},
		plan: func(ctx context.Context) (*tokenplan.Plan, error) { return w.UndoTokens(ctx, run, o.From) },
	}
	return e.runTokenCommand(ctx, w, tc, doc)
}
