package session

import (
	"context"
	"fmt"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// readLive reads the live state of the connections refs names, with the
// session's concurrency.
func (s *Session) readLive(ctx context.Context, refs manifest.Refs) (*plan.Live, error) {
	live, err := s.Client.ReadLive(ctx, refs, s.opts.Concurrency)
	if err != nil {
		return nil, fmt.Errorf("read the live state of %s: %w", s.Tenant(), err)
	}
	return live, nil
}

// Plan reads the live state the manifest needs and diffs it; the live
// state is returned too, for a recheck (plan.Recheck).
func (s *Session) Plan(ctx context.Context, m *manifest.Manifest, createMissing bool) (*plan.Plan, *plan.Live, error) {
	s.Logger.Info("reading the live state", "tenant", s.Tenant(), "entries", len(m.Entries))
	live, err := s.readLive(ctx, m.Refs())
	if err != nil {
		return nil, nil, err
	}
	p, err := plan.Build(m, live, plan.BuildOptions{
		Tenant:        s.Tenant(),
		ToolVersion:   s.opts.Version,
		Now:           s.opts.Now(),
		CreateMissing: createMissing,
	})
	if err != nil {
		return nil, nil, err
	}
	s.Logger.Info("plan ready", "requests", s.Requests())
	return p, live, nil
}

// ApplyPlan is the plan apply runs from a manifest: made now, and checked
// against the live state it was made from.
func (s *Session) ApplyPlan(ctx context.Context, m *manifest.Manifest, createMissing bool) (*plan.Plan, error) {
	p, live, err := s.Plan(ctx, m, createMissing)
	if err != nil {
		return nil, err
	}
	return plan.Recheck(p, live, false), nil
}

// RecheckSaved checks a plan saved at path (plan --out) before apply runs
// it: refused when made for another tenant or older than maxAge, else
// checked against the live state read now (force: writing over a
// connection changed since).
func (s *Session) RecheckSaved(ctx context.Context, p *plan.Plan, path string, maxAge time.Duration, force bool) (*plan.Plan, error) {
	if !auth0api.SameTenant(p.Tenant, s.Tenant()) {
		return nil, fmt.Errorf("the plan %s is for tenant %q, not %q; re-run plan against this tenant", path, p.Tenant, s.Tenant())
	}
	if err := p.CheckAge(s.opts.Now(), maxAge); err != nil {
		return nil, fmt.Errorf("the plan %s is refused: %w; re-run plan, or give --max-plan-age to apply it anyway", path, err)
	}
	live, err := s.readLive(ctx, manifest.Refs{IDs: planIDs(p)})
	if err != nil {
		return nil, err
	}
	return plan.Recheck(p, live, force), nil
}

func planIDs(p *plan.Plan) []string {
	ids := make([]string, len(p.Changes))
	for i, c := range p.Changes {
		ids[i] = c.ID
	}
	return ids
}

// RollbackKind says what the report's run (read from path) wrote, refusing
// what no rollback can undo: revoked tokens.
func RollbackKind(run *runlog.Run, path string) (runlog.Kind, error) {
	kind, err := runlog.KindOf(run)
	switch {
	case err != nil:
		return kind, fmt.Errorf("%s: %w", path, err)
	case kind == runlog.KindTokenRevoke:
		return kind, fmt.Errorf("the report %s is of a run that revoked SCIM tokens, which cannot be undone: %w", path, tokenplan.ErrRevokeIsFinal)
	}
	return kind, nil
}

// CheckReport refuses the report of a run on another tenant, and warns of
// the lines of it a killed run or a failed write left incomplete.
func (s *Session) CheckReport(run *runlog.Run, path string) error {
	if run.Truncated {
		s.Logger.Warn("the report's last line was cut off (the run was killed while writing it); everything before it is used", "report", path)
	}
	for _, n := range run.Torn {
		s.Logger.Warn("a line of the report was torn by a failed write and is skipped (its write was never sent); the line glued to it is used", "report", path, "line", n)
	}
	if !auth0api.SameTenant(run.Header.Tenant, s.Tenant()) {
		return fmt.Errorf("the report %s is from tenant %q, not %q; nothing was written", path, run.Header.Tenant, s.Tenant())
	}
	return nil
}

// RollbackPlan reads the live state of the connections the run of the
// report at path wrote and plans their restoration (force: over a
// connection changed since).
func (s *Session) RollbackPlan(ctx context.Context, run *runlog.Run, path string, force bool) (*plan.Plan, error) {
	live, err := s.readLive(ctx, manifest.Refs{IDs: execute.IntentIDs(run)})
	if err != nil {
		return nil, err
	}
	return execute.RollbackPlan(run, live, force, execute.RollbackMeta{
		Tenant: s.Tenant(), ToolVersion: s.opts.Version, Now: s.opts.Now(), Report: path,
	}), nil
}
