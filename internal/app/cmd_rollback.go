package app

import (
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
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
	run, err := runlog.ReadRunFile(from)
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
	live, err := client.ReadLive(ctx, manifest.Refs{IDs: execute.IntentIDs(run)}, opts.concurrency)
	if err != nil {
		return e.interrupted(ctx, fmt.Errorf("read the live state of %s: %w", client.Tenant().Name(), err))
	}
	p := execute.RollbackPlan(run, live, c.Bool("force"), execute.RollbackMeta{
		Tenant: client.Tenant().Name(), ToolVersion: e.deps.Version, Now: e.deps.Now(), Report: from,
	})
	tasks := execute.Tasks(p)
	if !opts.quiet || c.Bool("dry-run") {
		if err := report.RenderPlan(e.stdout, p, report.FormatText, e.style()); err != nil {
			return err
		}
	}
	if c.Bool("dry-run") {
		return nil
	}
	h := runlog.Header{Command: "rollback", RollsBack: from, Manifest: run.Header.Manifest}
	return e.runTasks(c.Context, opts, client, runSpec{header: h, tasks: tasks, reportPath: c.String("report")})
}
