package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/filekind"
	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/urfave/cli/v2"
)

func applyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "plan, then write the changes (or apply a plan saved by plan --out)",
		ArgsUsage: "[MANIFEST]",
		Flags:     options.ApplyFlags(),
		Action:    actionDoc(options.ParseApply, e.apply),
	}
}

// apply returns its run's document.
func (e *env) apply(ctx context.Context, o options.Apply) (resultDoc, error) {
	doc := report.NewRunResult("apply", o.DryRun)
	err := e.applyRun(ctx, o, doc)
	return runResult(doc, o.Write), err
}

func (e *env) applyRun(ctx context.Context, o options.Apply, doc *report.RunResult) error {
	s, err := e.startWriting("apply", o.Write, o.Connect, doc)
	if err != nil {
		return err
	}
	defer s.release()
	rctx := console.ReadOnlyContext(ctx, e.deps.Stop)
	p, err := e.applyPlan(rctx, s.connected, o)
	if err != nil {
		return console.Interrupted(rctx, err, e.stage.Load())
	}
	doc.Planned(p)
	tasks := execute.Tasks(p)
	if err := e.preview(s.connected, p, o.Write); err != nil || o.DryRun {
		return err
	}
	if err := s.confirm.Ask(fmt.Sprintf("Write %s on tenant %s?", report.Plural(execute.Writes(tasks), "SCIM configuration"), s.Tenant()), execute.Writes(tasks)); err != nil {
		return err
	}
	h := runlog.Header{Command: "apply", Manifest: &p.Manifest, PlanFile: o.PlanFile}
	return e.runTasks(ctx, s.connected, s.ConfigRun(h, tasks, reportsOf(o.Write), o.Force), o.Write, doc, "")
}

// preview shows the plan about to be applied on stdout, unless --quiet or
// --format json (a dry run shows it always: it is all a dry run does, and
// with --format json its counts are in the JSON document).
func (e *env) preview(s *connected, p *plan.Plan, o options.Write) error {
	if o.Format == report.FormatJSON || (s.opts.Quiet && !o.DryRun) {
		logWarnings(s, p)
		s.Logger.Info("plan", "create", p.Summary.Create, "update", p.Summary.Update, "delete", p.Summary.Delete,
			"unchanged", p.Summary.Unchanged, "missing", p.Summary.Missing, "conflict", p.Summary.Conflict,
			"not_found", p.Summary.NotFound)
		return nil
	}
	return report.RenderPlan(e.stdout, p, report.FormatText, e.style())
}

// applyPlan makes the plan (from the manifest, or read from the saved file)
// and checks it against the live state read just now.
func (e *env) applyPlan(ctx context.Context, s *connected, o options.Apply) (*plan.Plan, error) {
	if o.PlanFile == "" {
		m, err := e.readManifest(o.Manifest)
		if err != nil {
			return nil, err
		}
		return s.ApplyPlan(ctx, m, o.CreateMissing)
	}
	p, err := plan.ReadPlanFile(o.PlanFile)
	if err != nil {
		if wrong := wrongKind(o.PlanFile, "--plan", filekind.Plan); wrong != nil {
			return nil, wrong
		}
		return nil, err
	}
	return s.RecheckSaved(ctx, p, o.PlanFile, o.MaxPlanAge, o.Force)
}
