package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// Selection is which connections a tokens command works on: a manifest's,
// or a selection of the tenant's (tokenplan.Selection).
type Selection struct {
	// Manifest, when set, names the connections (-f).
	Manifest *manifest.Manifest
	tokenplan.Selection
}

// Targets reads what a selection needs of the tenant and has tokenplan
// resolve it: a manifest's connections as plan.Resolve finds them; --all,
// --strategy and --connection from the tenant-wide SCIM listing, which
// costs its pages and nothing more.
func (s *Session) Targets(ctx context.Context, sel Selection) ([]tokenplan.Target, error) {
	if sel.Manifest != nil {
		return s.manifestTargets(ctx, sel.Manifest)
	}
	conns, complete, err := s.Client.ConfiguredConnections(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the connections of %s: %w", s.Tenant(), err)
	}
	return tokenplan.Select(sel.Selection, conns, complete, s.Tenant()), nil
}

// manifestTargets reads the live state a manifest names and resolves its
// entries (no diff: which connections, not what to write).
func (s *Session) manifestTargets(ctx context.Context, m *manifest.Manifest) ([]tokenplan.Target, error) {
	s.Logger.Info("reading the live state", "tenant", s.Tenant(), "entries", len(m.Entries))
	live, err := s.readLive(ctx, m.Refs())
	if err != nil {
		return nil, err
	}
	r, err := plan.Resolve(m, live)
	if err != nil {
		return nil, err
	}
	for _, w := range r.Warnings {
		s.Logger.Warn(w)
	}
	return tokenplan.FromManifest(r), nil
}

// TokenMeta is what a token plan made now on the session's tenant records.
func (s *Session) TokenMeta() tokenplan.Meta {
	return tokenplan.Meta{Tenant: s.Tenant(), ToolVersion: s.opts.Version, Now: s.opts.Now(), TenantURL: s.Client.Tenant().URL.String()}
}

// listTargetTokens lists each target's tokens through the worker pool, one
// request per connection; a target with a problem is not asked. Only a
// fatal error (or the run's end) stops it: each other error stays with its
// target, for the caller to decide.
// Each target is told to obs (nil: none) once it is done, for progress.
func (s *Session) listTargetTokens(ctx context.Context, targets []tokenplan.Target, obs execute.Observer) ([]tokenplan.Held, error) {
	out := make([]tokenplan.Held, len(targets))
	err := execute.ForEach(ctx, len(targets), s.opts.Concurrency, func(ctx context.Context, i int) error {
		if obs != nil {
			defer obs.Finished(runlog.Result{ConnectionID: targets[i].Conn.ID, ConnectionName: targets[i].Conn.Name,
				Status: runlog.StatusUnchanged})
		}
		if targets[i].Problem != "" {
			return nil
		}
		tokens, err := s.Client.ListTokens(ctx, targets[i].Conn.ID)
		if execute.IsFatal(err) {
			return err
		}
		out[i] = tokenplan.Held{Tokens: tokens, Err: err, NoConfiguration: errors.Is(err, auth0api.ErrNoSCIMConfiguration)}
		return nil
	})
	return out, err
}

// SelectedTokens resolves the selection and lists the tokens each selected
// connection holds, in its place: what a revoke or a rotation plans from.
func (s *Session) SelectedTokens(ctx context.Context, sel Selection) ([]tokenplan.Target, [][]scimtoken.Token, error) {
	targets, err := s.Targets(ctx, sel)
	if err != nil {
		return nil, nil, err
	}
	held, err := s.heldTokens(ctx, targets)
	return targets, held, err
}

// heldTokens lists the targets' tokens, each target's in its place; an
// error listing any stops the command.
func (s *Session) heldTokens(ctx context.Context, targets []tokenplan.Target) ([][]scimtoken.Token, error) {
	held, err := s.listTargetTokens(ctx, targets, nil)
	if err != nil {
		return nil, err
	}
	return tokenplan.TokensOf(held)
}

// Audit lists each target's tokens, one request per connection, telling obs
// (nil: none) of each target done, has tokenplan.Audit flag them, and
// returns the audit of the tenant made at now, counted.
func (s *Session) Audit(ctx context.Context, targets []tokenplan.Target, now time.Time, within time.Duration, obs execute.Observer) (*scimtoken.Audit, error) {
	held, err := s.listTargetTokens(ctx, targets, obs)
	if err != nil {
		return nil, err
	}
	conns, leftOut := tokenplan.Audit(targets, held, now, within, s.Client.Tenant().URL.String())
	for _, t := range leftOut {
		s.Logger.Info("left out of the audit: it has no SCIM configuration, so no token", "connection_id", t.Conn.ID, "connection_name", t.Conn.Name)
	}
	a := &scimtoken.Audit{Tenant: s.Tenant(), AuditedAt: now.UTC(), Within: within}
	for _, c := range conns {
		a.Count(c)
	}
	s.Logger.Info("audit ready", "connections", a.Counts.Connections, "tokens", a.Counts.Tokens, "requests", s.Requests())
	return a, nil
}

// UndoTokens plans the undoing of a run that issued tokens (tokens issue,
// tokens rotate; its report at path): the tokens it issued that the tenant
// still holds are revoked (tokenplan.Undo); a token it cannot tell it
// issued is left alone, with a warning.
func (s *Session) UndoTokens(ctx context.Context, run *runlog.Run, path string) (*tokenplan.Plan, error) {
	ids := execute.IntentIDs(run)
	targets := make([]tokenplan.Target, len(ids))
	for i, id := range ids {
		targets[i] = tokenplan.Target{Conn: scim.Connection{ID: id}}
	}
	held, err := s.heldTokens(ctx, targets)
	if err != nil {
		return nil, fmt.Errorf("list the tokens of %s: %w", s.Tenant(), err)
	}
	now := map[string][]scimtoken.Token{}
	for i, id := range ids {
		now[id] = held[i]
	}
	p := tokenplan.Undo(run, now, path, s.TokenMeta())
	s.warnUnattributed(p)
	return p, nil
}

// warnUnattributed says which tokens an undo leaves alone because it
// cannot tell whether the run issued them; their conflicts make the exit 3.
func (s *Session) warnUnattributed(p *tokenplan.Plan) {
	for _, c := range p.Changes {
		if strings.HasPrefix(c.Problem, tokenplan.CouldNotAttribute) {
			s.Logger.Warn("a token is left alone: "+c.Problem, "connection", c.ID, "token_id", c.TokenID)
		}
	}
}

// ReadTokenRefs reads the tokens named by a handoff file or by the report
// of a run that issued tokens (--from). A handoff file's secrets are given
// to redact (nil: none) as they are read.
func ReadTokenRefs(path string, redact func(secret string)) ([]scimtoken.TokenRef, error) {
	data, err := fileutil.ReadLimited(path, runlog.MaxReportBytes)
	if err != nil {
		return nil, fmt.Errorf("read --from: %w", err)
	}
	if kind, err := report.DetectKind(data); err == nil && kind == report.KindRun {
		return issuedInReport(path)
	}
	refs, secrets, err := scimtoken.ParseHandoff(data)
	if redact != nil {
		for _, sec := range secrets {
			redact(sec)
		}
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
