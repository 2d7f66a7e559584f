package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// tokenTargets reads what a selection needs of the tenant and has
// tokenplan resolve it: a manifest's connections as plan.Resolve finds
// them; --all, --strategy and --connection from the tenant-wide SCIM
// listing, which costs its pages and nothing more.
func (e *env) tokenTargets(ctx context.Context, s *session, sel tokenSelection) ([]tokenplan.Target, error) {
	if sel.manifest != "" {
		return e.manifestTargets(ctx, s, sel.manifest)
	}
	conns, complete, err := s.client.ConfiguredConnections(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the connections of %s: %w", s.tenant(), err)
	}
	return tokenplan.Select(tokenplan.Selection{Strategies: sel.strategies, Connections: sel.connections, All: sel.all},
		conns, complete, s.tenant()), nil
}

// manifestTargets reads the live state a manifest names and resolves its
// entries (no diff: which connections, not what to write).
func (e *env) manifestTargets(ctx context.Context, s *session, path string) ([]tokenplan.Target, error) {
	m, err := e.readManifest(path)
	if err != nil {
		return nil, err
	}
	s.logger.Info("reading the live state", "tenant", s.tenant(), "entries", len(m.Entries))
	live, err := s.client.ReadLive(ctx, m.Refs(), s.opts.concurrency)
	if err != nil {
		return nil, fmt.Errorf("read the live state of %s: %w", s.tenant(), err)
	}
	r, err := plan.Resolve(m, live)
	if err != nil {
		return nil, err
	}
	for _, w := range r.Warnings {
		s.logger.Warn(w)
	}
	return tokenplan.FromManifest(r), nil
}

// tokenMeta is what a token plan made now on the session's tenant records.
func (e *env) tokenMeta(s *session) tokenplan.Meta {
	return tokenplan.Meta{Tenant: s.tenant(), ToolVersion: e.deps.Version, Now: e.deps.Now(), TenantURL: s.client.Tenant().URL.String()}
}

// listTargetTokens lists each target's tokens through the worker pool, one
// request per connection; a target with a problem is not asked. Only a
// fatal error (or the run's end) stops it: each other error stays with its
// target, for the caller to decide.
// Each target is told to obs (nil: none) once it is done, for progress.
func listTargetTokens(ctx context.Context, s *session, targets []tokenplan.Target, obs execute.Observer) ([]tokenplan.Held, error) {
	out := make([]tokenplan.Held, len(targets))
	err := execute.ForEach(ctx, len(targets), s.opts.concurrency, func(ctx context.Context, i int) error {
		if obs != nil {
			defer obs.Finished(runlog.Result{ConnectionID: targets[i].Conn.ID, ConnectionName: targets[i].Conn.Name,
				Status: runlog.StatusUnchanged})
		}
		if targets[i].Problem != "" {
			return nil
		}
		tokens, err := s.client.ListTokens(ctx, targets[i].Conn.ID)
		if execute.IsFatal(err) {
			return err
		}
		out[i] = tokenplan.Held{Tokens: tokens, Err: err, NoConfiguration: errors.Is(err, auth0api.ErrNoSCIMConfiguration)}
		return nil
	})
	return out, err
}

// selectedTokens resolves the selection and lists the tokens each selected
// connection holds, in its place: what a revoke or a rotation plans from.
func (e *env) selectedTokens(ctx context.Context, s *session, sel tokenSelection) ([]tokenplan.Target, [][]scimtoken.Token, error) {
	targets, err := e.tokenTargets(ctx, s, sel)
	if err != nil {
		return nil, nil, err
	}
	held, err := heldTokens(ctx, s, targets)
	return targets, held, err
}

// heldTokens lists the targets' tokens, each target's in its place; an
// error listing any stops the command.
func heldTokens(ctx context.Context, s *session, targets []tokenplan.Target) ([][]scimtoken.Token, error) {
	held, err := listTargetTokens(ctx, s, targets, nil)
	if err != nil {
		return nil, err
	}
	return tokenplan.TokensOf(held)
}

// readTokenRefs reads the tokens named by a handoff file or by the report
// of a tokens issue run. A handoff file's secrets are redacted from every
// output from then on.
func (e *env) readTokenRefs(path string) ([]scimtoken.TokenRef, error) {
	data, err := fileutil.ReadLimited(path, runlog.MaxReportBytes)
	if err != nil {
		return nil, fmt.Errorf("read --from: %w", err)
	}
	if kind, err := report.DetectKind(data); err == nil && kind == report.KindRun {
		return issuedInReport(path)
	}
	refs, secrets, err := scimtoken.ParseHandoff(data)
	for _, sec := range secrets {
		e.addSecret(sec)
	}
	if err != nil {
		return nil, fmt.Errorf("--from %s: %w", path, err)
	}
	for _, r := range refs {
		if !scim.ValidConnectionID(r.ConnectionID) || !scimtoken.ValidTokenID(r.TokenID) {
			return nil, fmt.Errorf("--from %s: invalid connection or token id (%q, %q)", path, r.ConnectionID, r.TokenID)
		}
	}
	return refs, nil
}

// issuedInReport lists the tokens a tokens issue run's report says it issued.
func issuedInReport(path string) ([]scimtoken.TokenRef, error) {
	run, err := runlog.ReadRunFile(path)
	if err != nil {
		return nil, err
	}
	refs, err := tokenplan.IssuedIn(run)
	if err != nil {
		return nil, fmt.Errorf("--from %s: %w", path, err)
	}
	return refs, nil
}
