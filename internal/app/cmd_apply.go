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
		Flags: append([]cli.Flag{
			manifestFlag(),
			&cli.StringFlag{Name: "plan", Usage: "apply `PLAN.json` saved by plan --out; connections whose live state changed since are conflicts"},
			&cli.StringFlag{Name: "report", Usage: "write the run's report to `PATH` (default: a new file named after the tenant and the time)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan and write nothing"},
			&cli.BoolFlag{Name: "force", Usage: "with --plan: write connections whose live state changed since the plan"},
			&cli.BoolFlag{Name: "create-missing", Usage: "create the SCIM configuration where a listed connection has none"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask for confirmation (asked only on an interactive terminal)"},
		}, tenantFlags()...),
		Action: e.runApply,
	}
}

func (e *env) runApply(c *cli.Context) error {
	manifestPath, planPath, err := applySource(c)
	if err != nil {
		return err
	}
	opts, client, err := e.connect(c)
	if err != nil {
		return err
	}
	if !c.Bool("dry-run") {
		lock, err := e.lockTenant(opts, client.Tenant().Name(), "apply")
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	ctx := e.readOnlyContext(c.Context)
	p, err := e.applyPlan(ctx, opts, client, manifestPath, planPath, c.Bool("create-missing"), c.Bool("force"))
	if err != nil {
		return e.interrupted(ctx, err)
	}
	tasks := execute.Tasks(p)
	if !opts.quiet || c.Bool("dry-run") {
		if err := report.RenderPlan(e.stdout, p, report.FormatText, e.style()); err != nil {
			return err
		}
	}
	if c.Bool("dry-run") {
		return nil
	}
	if err := e.confirm(c.Bool("yes"), tasks, client.Tenant().Name()); err != nil {
		return err
	}
	h := runlog.Header{Command: "apply", Manifest: &p.Manifest, PlanFile: planPath}
	return e.runTasks(c.Context, opts, client, runSpec{header: h, tasks: tasks, reportPath: c.String("report")})
}

// applySource returns the manifest or the saved plan to apply: exactly one.
func applySource(c *cli.Context) (manifest, planFile string, err error) {
	planFile = c.String("plan")
	if planFile == "" {
		manifest, err = fileArgument(c, "manifest")
		return manifest, "", err
	}
	if c.String("manifest") != "" || c.Args().Len() > 0 {
		return "", "", &usageError{errors.New("give either a manifest (-f) or --plan, not both")}
	}
	if c.Bool("create-missing") {
		return "", "", &usageError{errors.New("--create-missing applies to a manifest; with --plan, re-run plan to include creations")}
	}
	return "", planFile, nil
}

// applyPlan makes the plan (from the manifest, or read from the saved file)
// and checks it against the live state read just now.
func (e *env) applyPlan(ctx context.Context, opts *tenantOptions, client *auth0api.Client, manifestPath, planPath string, createMissing, force bool) (*plan.Plan, error) {
	if planPath == "" {
		m, err := manifest.ReadManifest(manifestPath)
		if err != nil {
			return nil, err
		}
		p, live, err := e.makePlan(ctx, opts, client, m, createMissing)
		if err != nil {
			return nil, err
		}
		return plan.Recheck(p, live, false), nil
	}
	p, err := plan.ReadPlanFile(planPath)
	if err != nil {
		return nil, err
	}
	if p.Tenant != client.Tenant().Name() {
		return nil, fmt.Errorf("the plan %s is for tenant %q, not %q; re-run plan against this tenant", planPath, p.Tenant, client.Tenant().Name())
	}
	live, err := client.ReadLive(ctx, manifest.Refs{IDs: planIDs(p)}, opts.concurrency)
	if err != nil {
		return nil, fmt.Errorf("read the live state of %s: %w", client.Tenant().Name(), err)
	}
	return plan.Recheck(p, live, force), nil
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
