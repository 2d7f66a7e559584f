package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/urfave/cli/v2"
)

func manifestFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "manifest", Aliases: []string{"f"}, Usage: "manifest `FILE` (.json or .csv)"}
}

func validateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check a manifest offline (sends nothing)",
		ArgsUsage: "[MANIFEST]",
		Flags:     []cli.Flag{manifestFlag()},
		Action:    e.runValidate,
	}
}

func (e *env) runValidate(c *cli.Context) error {
	path, err := fileArgument(c, "manifest")
	if err != nil {
		return err
	}
	m, err := manifest.ReadManifest(path)
	if err != nil {
		return err
	}
	pairs := 0
	for _, en := range m.Entries {
		pairs += len(en.Mapping)
	}
	fmt.Fprintf(e.stdout, "%s: valid, %d connection entries, %d mapping entries\n", path, len(m.Entries), pairs)
	return nil
}

func planCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "read the live state and print the diff (writes nothing to the tenant)",
		ArgsUsage: "[MANIFEST]",
		Flags: append([]cli.Flag{
			manifestFlag(),
			&cli.StringFlag{Name: "out", Usage: "also save the plan as JSON to `PLAN.json`, for apply --plan"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text, json, markdown or html (the audit view: one self-contained page)"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the plan has changes, 0 when it has none"},
		}, tenantFlags()...),
		Action: e.runPlan,
	}
}

func (e *env) runPlan(c *cli.Context) error {
	path, err := fileArgument(c, "manifest")
	if err != nil {
		return err
	}
	format, err := report.ParseFormat(c.String("format"), report.FormatText, report.FormatJSON, report.FormatMarkdown, report.FormatHTML)
	if err != nil {
		return &usageError{err}
	}
	m, err := manifest.ReadManifest(path)
	if err != nil {
		return err
	}
	opts, client, err := e.connect(c)
	if err != nil {
		return err
	}
	ctx := e.readOnlyContext(c.Context)
	p, _, err := e.makePlan(ctx, opts, client, m, false)
	if err != nil {
		return e.interrupted(ctx, err)
	}
	if out := c.String("out"); out != "" {
		if err := p.WriteFile(out); err != nil {
			return fmt.Errorf("save plan: %w", err)
		}
		opts.logger.Info("plan saved", "path", out)
	}
	if err := report.RenderPlan(e.stdout, p, format, e.style()); err != nil {
		return err
	}
	if c.Bool("detailed-exitcode") && p.Summary.HasChanges() {
		return errPlanHasChanges
	}
	return nil
}

// makePlan reads the live state the manifest needs and diffs it.
func (e *env) makePlan(ctx context.Context, opts *tenantOptions, client *auth0api.Client, m *manifest.Manifest, createMissing bool) (*plan.Plan, *plan.Live, error) {
	opts.logger.Info("reading the live state", "tenant", client.Tenant().Name(), "entries", len(m.Entries))
	live, err := client.ReadLive(ctx, m.Refs(), opts.concurrency)
	if err != nil {
		return nil, nil, fmt.Errorf("read the live state of %s: %w", client.Tenant().Name(), err)
	}
	p, err := plan.Build(m, live, plan.BuildOptions{
		Tenant:        client.Tenant().Name(),
		ToolVersion:   e.deps.Version,
		Now:           e.deps.Now(),
		CreateMissing: createMissing,
	})
	if err != nil {
		return nil, nil, err
	}
	for _, w := range p.Warnings {
		opts.logger.Warn(w)
	}
	opts.logger.Info("plan ready", "requests", client.Stats().Attempts.Load())
	return p, live, nil
}

// style is how renderings for people look on stdout.
func (e *env) style() report.Style {
	return report.Style{Color: report.ColorAllowed(e.streams.OutTerminal, e.deps.Getenv)}
}
