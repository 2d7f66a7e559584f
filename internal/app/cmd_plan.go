package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/urfave/cli/v2"
)

func validateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check a manifest offline (sends nothing)",
		ArgsUsage: "[MANIFEST]",
		Flags:     validateFlags(),
		Action: func(c *cli.Context) error {
			o, err := parseValidate(c)
			if err != nil {
				return err
			}
			return e.validate(o)
		},
	}
}

func (e *env) validate(o validateOptions) error {
	m, err := manifest.ReadManifest(o.manifest)
	if err != nil {
		return err
	}
	pairs := 0
	for _, en := range m.Entries {
		pairs += len(en.Mapping)
	}
	fmt.Fprintf(e.stdout, "%s: valid, %d connection entries, %d mapping entries\n", o.manifest, len(m.Entries), pairs)
	return nil
}

func planCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "read the live state and print the diff (writes nothing to the tenant)",
		ArgsUsage: "[MANIFEST]",
		Flags:     planFlags(),
		Action: func(c *cli.Context) error {
			o, err := parsePlan(c)
			if err != nil {
				return err
			}
			return e.plan(c.Context, o)
		},
	}
}

func (e *env) plan(ctx context.Context, o planOptions) error {
	m, err := manifest.ReadManifest(o.manifest)
	if err != nil {
		return err
	}
	s, err := e.connect(o.connectOptions)
	if err != nil {
		return err
	}
	ctx = e.readOnlyContext(ctx)
	p, _, err := e.makePlan(ctx, s, m, false)
	if err != nil {
		return e.interrupted(ctx, err)
	}
	if o.out != "" {
		if err := p.WriteFile(o.out); err != nil {
			return fmt.Errorf("save plan: %w", err)
		}
		s.logger.Info("plan saved", "path", o.out)
	}
	if err := report.RenderPlan(e.stdout, p, o.format, e.style()); err != nil {
		return err
	}
	if o.detailedExitcode && p.Summary.HasChanges() {
		return errPlanHasChanges
	}
	return nil
}

// makePlan reads the live state the manifest needs and diffs it.
func (e *env) makePlan(ctx context.Context, s *session, m *manifest.Manifest, createMissing bool) (*plan.Plan, *plan.Live, error) {
	s.logger.Info("reading the live state", "tenant", s.tenant(), "entries", len(m.Entries))
	live, err := s.client.ReadLive(ctx, m.Refs(), s.opts.concurrency)
	if err != nil {
		return nil, nil, fmt.Errorf("read the live state of %s: %w", s.tenant(), err)
	}
	p, err := plan.Build(m, live, plan.BuildOptions{
		Tenant:        s.tenant(),
		ToolVersion:   e.deps.Version,
		Now:           e.deps.Now(),
		CreateMissing: createMissing,
	})
	if err != nil {
		return nil, nil, err
	}
	for _, w := range p.Warnings {
		s.logger.Warn(w)
	}
	s.logger.Info("plan ready", "requests", s.client.Stats().Attempts.Load())
	return p, live, nil
}

// style is how renderings for people look on stdout.
func (e *env) style() report.Style {
	return report.Style{Color: report.ColorAllowed(e.streams.OutTerminal, e.deps.Getenv)}
}
