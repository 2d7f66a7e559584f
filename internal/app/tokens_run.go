package app

import (
	"context"

	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/session"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// tokenCommand is what a writing token command gives the steps they all
// take: plan (or read the saved plan), show, save, confirm, run.
type tokenCommand struct {
	name  string // the report's command: "tokens issue", "rollback", ...
	kind  runlog.Kind
	write options.Write
	plans options.TokenPlan
	// handoff is where the tokens issued go (issue, rotate).
	handoff string
	// done is the word for a connection whose write was made.
	done string
	// question asks for the confirmation of a plan.
	question func(p *tokenplan.Plan) string
	// plan makes the plan from the tenant, read-only.
	plan func(ctx context.Context) (*tokenplan.Plan, error)
}

// runTokenCommand takes a token command's steps on the session w opened.
func (e *env) runTokenCommand(ctx context.Context, w *writing, tc tokenCommand, doc *report.RunResult) error {
	s := w.connected
	rctx := console.ReadOnlyContext(ctx, e.deps.Stop)
	p, err := e.tokenPlan(rctx, s, tc)
	if err != nil {
		return console.Interrupted(rctx, err, e.stage.Load())
	}
	for _, warning := range p.Warnings {
		s.Logger.Warn(warning)
	}
	if err := e.showTokenPlan(s, p, tc, doc); err != nil || tc.write.DryRun {
		return err
	}
	if err := w.confirm.Ask(tc.question(p), p.Writes()); err != nil {
		return err
	}
	spec := s.TokenRun(p, tc.name, tc.plans.PlanFile, tc.handoff, reportsOf(tc.write))
	return e.runTasks(ctx, s, spec, tc.write, doc, tc.done)
}

// tokenPlan makes the plan, or reads the saved one (--plan).
func (e *env) tokenPlan(ctx context.Context, s *connected, tc tokenCommand) (*tokenplan.Plan, error) {
	if tc.plans.PlanFile == "" {
		return tc.plan(ctx)
	}
	return s.SavedTokenPlan(tc.plans.PlanFile, tc.kind, tc.name, tc.plans.MaxPlanAge)
}

// showTokenPlan shows the plan on stdout (unless --quiet or --format json,
// whose document holds it in a dry run), and saves it with --save-plan.
func (e *env) showTokenPlan(s *connected, p *tokenplan.Plan, tc tokenCommand, doc *report.RunResult) error {
	if tc.write.DryRun {
		doc.TokenPlan = p
	}
	if tc.plans.SavePlan != "" {
		if err := s.SaveTokenPlan(p, tc.plans.SavePlan); err != nil {
			return err
		}
	}
	if tc.write.Format == report.FormatJSON || (s.opts.Quiet && !tc.write.DryRun) {
		s.Logger.Info("token plan", "requests", p.Writes(), "failed", len(p.Changes)-p.Writes())
		return nil
	}
	return report.RenderTokenPlan(e.stdout, p, tc.write.Format, tc.handoff)
}

// selection is the session's selection of connections: the manifest -f
// names, read now, or the flags' selection of the tenant's.
func (e *env) selection(sel options.TokenSelection) (session.Selection, error) {
	out := session.Selection{Selection: tokenplan.Selection{Strategies: sel.Strategies, Connections: sel.Connections, All: sel.All}}
	if sel.Manifest != "" {
		m, err := e.readManifest(sel.Manifest)
		if err != nil {
			return out, err
		}
		out.Manifest = m
	}
	return out, nil
}
