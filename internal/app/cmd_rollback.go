package app

import (
	"fmt"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/urfave/cli/v2"
)

func rollbackCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "rollback",
		Usage:     "undo the writes recorded in a report, restoring each connection's state before the run",
		ArgsUsage: "[REPORT.jsonl]",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "from", Usage: "the report `REPORT.jsonl` of the run to undo"},
			&cli.StringFlag{Name: "report", Usage: "write this rollback's own report to `PATH` (it can be rolled back too)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print what would be restored and write nothing"},
			&cli.BoolFlag{Name: "force", Usage: "restore connections even where someone changed them since the run"},
		}, tenantFlags()...),
		Action: e.runRollback,
	}
}

func (e *env) runRollback(c *cli.Context) error {
	from, err := fileArgument(c, "from")
	if err != nil {
		return err
	}
	run, err := report.ReadRunFile(from)
	if err != nil {
		return err
	}
	opts, client, err := e.connect(c)
	if err != nil {
		return err
	}
	if run.Truncated {
		opts.logger.Warn("the report's last line was cut off (the run was killed while writing it); everything before it is used", "report", from)
	}
	if run.Header.Tenant != client.Tenant().Name() {
		return fmt.Errorf("the report %s is from tenant %q, not %q; nothing was written", from, run.Header.Tenant, client.Tenant().Name())
	}
	if !c.Bool("dry-run") {
		lock, err := e.lockTenant(opts, client.Tenant().Name(), "rollback")
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	ctx := e.readOnlyContext(c.Context)
	live, err := client.ReadLive(ctx, plan.Refs{IDs: execute.IntentIDs(run)}, opts.concurrency)
	if err != nil {
		return e.interrupted(ctx, fmt.Errorf("read the live state of %s: %w", client.Tenant().Name(), err))
	}
	tasks := execute.RollbackTasks(run, live, c.Bool("force"))
	if !opts.quiet || c.Bool("dry-run") {
		p := tasksAsPlan(client.Tenant().Name(), e.deps.Version, e.deps.Now(), from, tasks)
		if err := report.RenderPlan(e.stdout, p, report.FormatText, e.style()); err != nil {
			return err
		}
	}
	if c.Bool("dry-run") {
		return nil
	}
	h := report.Header{Command: "rollback", RollsBack: from, Manifest: run.Header.Manifest}
	return e.runTasks(c.Context, opts, client, runSpec{header: h, tasks: tasks, reportPath: c.String("report")})
}

// tasksAsPlan shows a rollback as a plan, so it is reviewed in the same form
// as any other change: writes as changes, the rest as warnings.
func tasksAsPlan(tenant, version string, now time.Time, from string, tasks []execute.Task) *plan.Plan {
	p := &plan.Plan{Version: plan.FormatVersion, ToolVersion: version, Tenant: tenant, CreatedAt: now.UTC(),
		Manifest: plan.Source{Path: from}}
	for _, t := range tasks {
		switch {
		case t.Outcome == report.StatusUnchanged:
			p.Changes = append(p.Changes, taskChange(t, plan.ActionNone))
		case t.Outcome != "":
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s: %s (%q) will not be restored: %s", t.Outcome, t.Conn.ID, t.Conn.Name, t.Note))
		default:
			p.Changes = append(p.Changes, taskChange(t, plan.Action(t.Action)))
		}
	}
	p.Summary = plan.Summarize(p.Changes)
	return p
}

func taskChange(t execute.Task, a plan.Action) plan.Change {
	return plan.Change{ConnectionID: t.Conn.ID, ConnectionName: t.Conn.Name, Strategy: t.Conn.Strategy,
		Action: a, Before: t.Before, After: t.After}
}
