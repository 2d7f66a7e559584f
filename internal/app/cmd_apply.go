package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
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
		Flags:     applyFlags(),
		Action: func(c *cli.Context) error {
			o, err := parseApply(c)
			if err != nil {
				return err
			}
			return e.apply(c.Context, o)
		},
	}
}

func (e *env) apply(ctx context.Context, o applyOptions) error {
	s, err := e.connect(o.connectOptions)
	if err != nil {
		return err
	}
	if !o.dryRun {
		lock, err := e.lockTenant(s, "apply")
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	rctx := e.readOnlyContext(ctx)
	p, err := e.applyPlan(rctx, s, o)
	if err != nil {
		return e.interrupted(rctx, err)
	}
	tasks := execute.Tasks(p)
	if err := e.preview(s, p, o.dryRun); err != nil || o.dryRun {
		return err
	}
	if err := e.confirm(o.yes, tasks, s.tenant()); err != nil {
		return err
	}
	h := runlog.Header{Command: "apply", Manifest: &p.Manifest, PlanFile: o.planFile}
	return e.runTasks(ctx, s, runSpec{header: h, tasks: tasks, reportPath: o.reportPath, force: o.force})
}

// preview shows the plan about to be applied, unless --quiet (a dry run
// shows it always: it is all a dry run does).
func (e *env) preview(s *session, p *plan.Plan, dryRun bool) error {
	if s.opts.quiet && !dryRun {
		return nil
	}
	return report.RenderPlan(e.stdout, p, report.FormatText, e.style())
}

// applyPlan makes the plan (from the manifest, or read from the saved file)
// and checks it against the live state read just now.
func (e *env) applyPlan(ctx context.Context, s *session, o applyOptions) (*plan.Plan, error) {
	if o.planFile == "" {
		m, err := manifest.ReadManifest(o.manifest)
		if err != nil {
			return nil, err
		}
		p, live, err := e.makePlan(ctx, s, m, o.createMissing)
		if err != nil {
			return nil, err
		}
		return plan.Recheck(p, live, false), nil
	}
	p, err := plan.ReadPlanFile(o.planFile)
	if err != nil {
		return nil, err
	}
	if !auth0api.SameTenant(p.Tenant, s.tenant()) {
		return nil, fmt.Errorf("the plan %s is for tenant %q, not %q; re-run plan against this tenant", o.planFile, p.Tenant, s.tenant())
	}
	if err := p.CheckAge(e.deps.Now(), o.maxPlanAge); err != nil {
		return nil, fmt.Errorf("the plan %s is refused: %w; re-run plan, or give --max-plan-age to apply it anyway", o.planFile, err)
	}
	live, err := s.client.ReadLive(ctx, manifest.Refs{IDs: planIDs(p)}, s.opts.concurrency)
	if err != nil {
		return nil, fmt.Errorf("read the live state of %s: %w", s.tenant(), err)
	}
	return plan.Recheck(p, live, o.force), nil
}

func planIDs(p *plan.Plan) []string {
	ids := make([]string, len(p.Changes))
	for i, c := range p.Changes {
		ids[i] = c.ConnectionID
	}
	return ids
}

// confirm asks before writing, only when a person is at a terminal and
// --yes was not given; a cron job is never prompted.
func (e *env) confirm(yes bool, tasks []execute.Task, tenant string) error {
	writes := 0
	for _, t := range tasks {
		if t.Outcome == "" {
			writes++
		}
	}
	if yes || writes == 0 || !e.streams.InTerminal || !e.streams.ErrTerminal {
		return nil
	}
	fmt.Fprintf(e.stderr, "\nWrite %d SCIM configuration(s) on tenant %s?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", writes, tenant)
	line, err := bufio.NewReader(e.streams.In).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("no answer to the confirmation; nothing was written: %w", err)
	}
	if strings.TrimSpace(line) != "yes" {
		return errors.New("apply cancelled; nothing was written")
	}
	return nil
}
