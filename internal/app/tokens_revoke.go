package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

func (e *env) tokensRevoke(ctx context.Context, o tokensRevokeOptions) error {
	doc := e.newRunDoc("tokens revoke", o.writeOptions)
	if err := e.chooseFrom(&o); err != nil {
		return err
	}
	s, err := e.startWriting("tokens revoke", o.writeOptions, o.connectOptions, doc)
	if err != nil {
		return err
	}
	defer s.release()
	rctx := e.readOnlyContext(ctx)
	tasks, err := e.revokeTasks(rctx, s.session, o)
	if err != nil {
		return e.interrupted(rctx, err)
	}
	n := tokenWrites(tasks)
	title := fmt.Sprintf("Tenant %s: revoke %s:", s.tenant(), plural(n, "token"))
	if err := e.previewTokens(s.session, title, tasks, o.writeOptions); err != nil || o.dryRun {
		return err
	}
	if err := s.confirm.ask(fmt.Sprintf("Revoke %s on tenant %s? Identity providers using them stop provisioning.", plural(n, "SCIM token"), s.tenant()), n); err != nil {
		return err
	}
	h := runlog.Header{Command: "tokens revoke"}
	return e.runTasks(ctx, s.session, e.tokenRun(s.session, h, tasks, o.writeOptions, doc, execute.TokenOptions{}))
}

// chooseFrom narrows the choice to the tokens --from names and, unless a
// selection is given, selects their connections.
func (e *env) chooseFrom(o *tokensRevokeOptions) error {
	if o.from == "" {
		return nil
	}
	refs, err := e.readTokenRefs(o.from)
	if err != nil {
		return err
	}
	o.choice.IDs = map[string]bool{}
	explicit := o.explicit()
	for _, r := range refs {
		o.choice.IDs[r.TokenID] = true
		if !explicit {
			o.connections = appendNew(o.connections, r.ConnectionID)
		}
	}
	return nil
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// revokeTasks lists the selected connections' tokens and chooses those to
// revoke.
func (e *env) revokeTasks(ctx context.Context, s *session, o tokensRevokeOptions) ([]execute.TokenTask, error) {
	targets, err := e.selectTargets(ctx, s, o.tokenSelection)
	if err != nil {
		return nil, err
	}
	held, err := listTargetTokens(ctx, s, targets, nil)
	if err != nil {
		return nil, err
	}
	now := e.deps.Now()
	var tasks []execute.TokenTask
	for i, t := range targets {
		switch {
		case t.unconfigured:
			continue // no configuration, no token: nothing to revoke
		case t.problem != "":
			tasks = append(tasks, execute.TokenTask{Conn: t.conn, Action: plan.ActionNone, Outcome: runlog.StatusFailed, Note: t.problem})
			continue
		}
		tokens, err := held[i].held()
		if err != nil {
			return nil, err
		}
		revoke, _ := o.choice.Choose(tokens, now)
		for _, tok := range revoke {
			tasks = append(tasks, execute.TokenTask{Conn: t.conn, Action: plan.ActionRevokeToken, TokenID: tok.ID})
		}
	}
	return tasks, nil
}

// listed is one target's tokens, or why they could not be listed.
type listed struct {
	tokens []scimtoken.Token
	err    error
}

// held returns the tokens (none for a connection without a SCIM
// configuration), or the error that kept them from being listed.
func (l listed) held() ([]scimtoken.Token, error) {
	if errors.Is(l.err, auth0api.ErrNoSCIMConfiguration) {
		return nil, nil
	}
	return l.tokens, l.err
}

// listTargetTokens lists each target's tokens through the worker pool, one
// request per connection; a target with a problem is not asked. Only a
// fatal error (or the run's end) stops it: each other error stays with its
// target, for the caller to decide.
// Each target is told to obs (nil: none) once it is done, for progress.
func listTargetTokens(ctx context.Context, s *session, targets []tokenTarget, obs execute.Observer) ([]listed, error) {
	out := make([]listed, len(targets))
	err := execute.ForEach(ctx, len(targets), s.opts.concurrency, func(ctx context.Context, i int) error {
		if obs != nil {
			defer obs.Finished(runlog.Result{ConnectionID: targets[i].conn.ID, ConnectionName: targets[i].conn.Name,
				Status: runlog.StatusUnchanged})
		}
		if targets[i].problem != "" {
			return nil
		}
		tokens, err := s.client.ListTokens(ctx, targets[i].conn.ID)
		if execute.IsFatal(err) {
			return err
		}
		out[i] = listed{tokens: tokens, err: err}
		return nil
	})
	return out, err
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
	if kind, err := execute.WritesOf(run); err != nil || kind != execute.WritesIssuedTokens {
		return nil, fmt.Errorf("--from %s: not the report of a tokens issue run", path)
	}
	var refs []scimtoken.TokenRef
	for _, r := range run.Results {
		if r.Action == plan.ActionIssueToken && r.TokenID != "" {
			refs = append(refs, scimtoken.TokenRef{ConnectionID: r.ConnectionID, TokenID: r.TokenID})
		}
	}
	return refs, nil
}

// tokenRun is the spec of a run that issues or revokes tokens; opts holds
// what an issue adds (the request, where the secrets go), the rest is the
// session's.
func (e *env) tokenRun(s *session, h runlog.Header, tasks []execute.TokenTask, o writeOptions, doc *runDoc, opts execute.TokenOptions) runSpec {
	checks := map[string]bool{}
	for _, t := range tasks {
		if t.Outcome != "" {
			checks[checkKey(t.Conn.ID, t.Conn.Name)] = true
		}
	}
	// A token run issues (tokens issue) or revokes (tokens revoke, and the
	// rollback of an issue): its summary says so, not "applied".
	done := "revoked"
	if h.Command == "tokens issue" {
		done = "issued"
	}
	return runSpec{header: h, tasks: len(tasks), checks: checks, write: o, doc: doc, done: done,
		execute: func(ctx context.Context, rec execute.Recorder, obs execute.Observer) execute.Totals {
			opts.Concurrency, opts.Stop, opts.Recorder, opts.Observer = s.opts.concurrency, e.deps.Stop, rec, obs
			opts.Now, opts.Attempts = e.deps.Now, auth0api.WithAttemptCounter
			return execute.ExecuteTokens(ctx, s.client, tasks, opts)
		}}
}

// previewTokens shows what a token run is about to do, on stdout, unless
// --quiet or --format json (a dry run shows it always, as apply's does).
func (e *env) previewTokens(s *session, title string, tasks []execute.TokenTask, o writeOptions) error {
	n := tokenWrites(tasks)
	if o.format == report.FormatJSON || (s.opts.quiet && !o.dryRun) {
		s.logger.Info("token plan", "requests", n, "failed", len(tasks)-n)
		return nil
	}
	changes := make([]report.TokenChange, len(tasks))
	for i, t := range tasks {
		changes[i] = report.TokenChange{Mark: "+", Name: t.Conn.Name, ConnectionID: t.Conn.ID, Note: t.TokenID, Endpoint: s.endpoint(t.Conn.ID)}
		switch {
		case t.Outcome != "":
			changes[i].Mark, changes[i].Note = "!", string(t.Outcome)+": "+t.Note
		case t.Action == plan.ActionRevokeToken:
			changes[i].Mark = "-"
		}
	}
	return report.RenderTokenChanges(e.stdout, title, changes)
}

// rollbackTokens undoes a tokens issue run: the tokens it issued that the
// tenant still holds are revoked.
func (e *env) rollbackTokens(ctx context.Context, w *writing, run *runlog.Run, o rollbackOptions, doc *runDoc) error {
	s := w.session
	rctx := e.readOnlyContext(ctx)
	ids := execute.IntentIDs(run)
	targets := make([]tokenTarget, len(ids))
	for i, id := range ids {
		targets[i] = tokenTarget{conn: scim.Connection{ID: id}}
	}
	held, err := listTargetTokens(rctx, s, targets, nil)
	if err != nil {
		return e.interrupted(rctx, fmt.Errorf("list the tokens of %s: %w", s.tenant(), err))
	}
	now := map[string][]scimtoken.Token{}
	for i, id := range ids {
		if now[id], err = held[i].held(); err != nil {
			return e.interrupted(rctx, fmt.Errorf("list the tokens of %s: %w", s.tenant(), err))
		}
	}
	tasks := execute.TokenRollback(run, now)
	warnUnattributed(s, tasks)
	n := tokenWrites(tasks)
	title := fmt.Sprintf("Tenant %s: revoke the %s issued by the run of %s that it still holds:", s.tenant(), plural(n, "token"), o.from)
	if err := e.previewTokens(s, title, tasks, o.writeOptions); err != nil || o.dryRun {
		return err
	}
	if err := w.confirm.ask(fmt.Sprintf("Revoke the %s the run of %s issued, on tenant %s?", plural(n, "SCIM token"), o.from, s.tenant()), n); err != nil {
		return err
	}
	h := runlog.Header{Command: "rollback", RollsBack: o.from}
	return e.runTasks(ctx, s, e.tokenRun(s, h, tasks, o.writeOptions, doc, execute.TokenOptions{}))
}

// warnUnattributed says which tokens the rollback leaves alone because it
// cannot tell whether the run issued them; their conflicts make the exit 3.
func warnUnattributed(s *session, tasks []execute.TokenTask) {
	for _, t := range tasks {
		if strings.HasPrefix(t.Note, execute.CouldNotAttribute) {
			s.logger.Warn("a token is left alone: "+t.Note, "connection", t.Conn.ID, "token_id", t.TokenID)
		}
	}
}
