package execute

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// TokenTenant is what a token run needs of the tenant.
type TokenTenant interface {
	// ListTokens lists a connection's SCIM tokens (never their secrets);
	// ErrNotSent when ctx carries a closed stop channel (WithStop).
	ListTokens(ctx context.Context, connID string) ([]scimtoken.Token, error)
	// IssueToken issues a token. Its request is sent once and never
	// repeated after it may have reached the tenant (a repeat would issue a
	// second token): a failure that may have issued one is an
	// *UncertainError, one that never left is ErrNotSent.
	IssueToken(ctx context.Context, connID string, req TokenRequest) (scimtoken.Issued, error)
	// RevokeToken revokes a token; ErrTokenGone when the tenant does not
	// have it (any more).
	RevokeToken(ctx context.Context, connID, tokenID string) error
}

// ErrTokenGone is a token the tenant does not hold: revoked already.
var ErrTokenGone = errors.New("the tenant has no such token")

// TokenRequest is what a token is issued with (tokenplan.Request).
type TokenRequest = tokenplan.Request

// TokenOptions configures a token run: what every run takes, and where
// the new tokens' secrets go.
type TokenOptions struct {
	RunOptions
	// Issued receives each token issued, secret included, as soon as the
	// tenant answers: the caller's handoff file is the only place it goes.
	Issued func(tokenplan.Change, scimtoken.Issued)
}

// ExecuteTokens runs a token plan, each connection in turn of the worker
// pool: it issues, revokes or rotates. Before a token is issued the
// connection's tokens are listed (a connection at Auth0's maximum fails
// without a request that would be refused) and recorded in the intent, so
// that a token whose answer never came can be found and revoked. Every
// change gets exactly one result, whatever happens.
func ExecuteTokens(ctx context.Context, tenant TokenTenant, p *tokenplan.Plan, opts TokenOptions) Totals {
	opts.RunOptions = opts.withDefaults()
	r := &tokenRun{ledger: newLedger(len(p.Changes), opts.RunOptions), tenant: tenant, changes: p.Changes, opts: opts}
	if p.Request != nil {
		r.req = *p.Request
	}
	pending := r.decideFirst(func(i int) (runlog.Result, bool) {
		c := &p.Changes[i]
		res := newTokenResult(c)
		res.Status, res.Error, res.At = c.Decided, c.Problem, r.now().UTC()
		return res, c.Decided != ""
	})
	fatal := ForEach(ctx, len(pending), opts.Concurrency, func(gctx context.Context, k int) error {
		if !r.mayStart(gctx) {
			return nil
		}
		// The run's context, not the pool's: a request already sent
		// finishes when another connection stops the run.
		return r.do(ctx, pending[k])
	})
	return r.outcome(ctx, fatal, func(i int, cause error) runlog.Result {
		return skippedResult(newTokenResult(&p.Changes[i]), cause, r.now())
	})
}

// tokenRun is one ExecuteTokens call.
type tokenRun struct {
	*ledger
	tenant  TokenTenant
	changes []tokenplan.Change
	req     tokenplan.Request
	opts    TokenOptions
}

func newTokenResult(c *tokenplan.Change) runlog.Result {
	return runlog.Result{ConnectionID: c.ID, ConnectionName: c.Name, Strategy: c.Strategy,
		Action: tokenplan.RecordedAction(c.Action), TokenID: c.TokenID}
}

// do works on one connection and records its result. It returns an error
// only when the run must stop.
func (r *tokenRun) do(ctx context.Context, i int) error {
	t := &r.changes[i]
	start := r.now()
	res := newTokenResult(t)
	actx, attempts := r.opts.Attempts(ctx)
	var fatal error
	switch t.Action {
	case scimtoken.ActionRevoke:
		fatal = r.revoke(actx, t, &res)
	case scimtoken.ActionRotate:
		fatal = r.rotate(actx, t, &res)
	default:
		fatal = r.issue(actx, t, &res)
	}
	res.Attempts = int(attempts.Load())
	res.DurationMS = r.now().Sub(start).Milliseconds()
	res.At = r.now().UTC()
	if err := r.finish(i, res); err != nil {
		return err
	}
	return fatal
}

// issue lists the connection's tokens, records the intent and issues one.
func (r *tokenRun) issue(ctx context.Context, t *tokenplan.Change, res *runlog.Result) error {
	// The listing is this write's first request: after the first interrupt
	// it does not leave either.
	existing, ok, err := r.listFirst(ctx, t, res)
	if !ok {
		return err
	}
	return r.issueAfter(ctx, t, existing, res)
}

// listFirst lists the connection's tokens before a write; ok is false when
// the connection is done (res says why).
func (r *tokenRun) listFirst(ctx context.Context, t *tokenplan.Change, res *runlog.Result) ([]scimtoken.Token, bool, error) {
	existing, err := r.tenant.ListTokens(WithStop(ctx, r.stop), t.ID)
	switch {
	case errors.Is(err, ErrNotSent):
		res.Status, res.Error, res.NotSent = runlog.StatusSkipped, "not started: the run was interrupted before the connection's tokens were listed; no token was issued", true
		return nil, false, nil
	case err != nil:
		res.Status, res.Error = runlog.StatusFailed, "not issued: could not list the connection's tokens first: "+err.Error()
		return nil, false, fatalOnly(err)
	}
	return existing, true, nil
}

// issueAfter issues a token once the connection's tokens are listed.
func (r *tokenRun) issueAfter(ctx context.Context, t *tokenplan.Change, existing []scimtoken.Token, res *runlog.Result) error {
	if len(existing) >= scimtoken.MaxPerConnection {
		res.Status, res.Error = runlog.StatusFailed, atMaximum(t.ID, existing)
		return nil
	}
	ids := tokenIDs(existing)
	intent := runlog.Intent{ConnectionID: t.ID, ConnectionName: t.Name, Strategy: t.Strategy,
		Action: tokenplan.RecordedAction(scimtoken.ActionIssue), ExistingTokens: ids, At: r.now().UTC()}
	if err := r.intent(intent); err != nil {
		res.Status, res.Error = runlog.StatusFailed, "not issued: "+err.Error()
		return err
	}
	issued, err := r.tenant.IssueToken(WithStop(ctx, r.stop), t.ID, r.req)
	res.NotSent = errors.Is(err, ErrNotSent)
	switch {
	case err == nil:
		res.Status, res.TokenID = runlog.StatusApplied, issued.ID
		if r.opts.Issued != nil {
			r.opts.Issued(*t, issued)
		}
	case res.NotSent:
		res.Status, res.Error = runlog.StatusSkipped, "not sent: the run was interrupted while this request waited its turn; no token was issued"
	case isUncertain(err):
		res.Status, res.Error, res.TokenID = r.lostIssue(ctx, t.ID, ids, intent.At, err)
	default:
		res.Status, res.Error = runlog.StatusFailed, err.Error()
	}
	r.tally(res, err)
	return fatalOnly(err)
}

// atMaximum says why a connection gets no new token, and what to do.
func atMaximum(id string, tokens []scimtoken.Token) string {
	return fmt.Sprintf("the connection already holds %d tokens (%s), the most Auth0 allows; revoke one first "+
		"(tokens revoke --connection %s --expired, or --keep-newest 1 once its identity provider uses the newest)",
		len(tokens), strings.Join(tokenIDs(tokens), ", "), id)
}

// lostIssue settles an issue whose answer never came: the tenant may have
// issued the token, whose secret is then lost. The connection's tokens are
// listed again; the token Attribute finds for the request (the only one
// created since its intent) is revoked, since no one can ever use it. When
// more than one token may be it (another run or administrator issued one
// meanwhile), none is revoked and the issue is unknown, naming them.
func (r *tokenRun) lostIssue(ctx context.Context, connID string, before []string, at time.Time, cause error) (runlog.Status, string, string) {
	if ctx.Err() != nil {
		return runlog.StatusUnknown, "the request was sent and the run was stopped before its answer came: a token may have been issued (" + cause.Error() + "); rollback --from the report revokes it", ""
	}
	now, err := r.tenant.ListTokens(ctx, connID)
	if err != nil {
		return runlog.StatusUnknown, fmt.Sprintf("the request was sent and its answer lost (%v); listing the tokens failed too (%v): a token may have been issued; rollback --from the report revokes it", cause, err), ""
	}
	tok, found, unsure := tokenplan.Attribute(before, now, at, r.now())
	switch {
	case !found && len(unsure) == 0:
		return runlog.StatusFailed, cause.Error() + " (listed again: no token was issued)", ""
	case !found:
		return runlog.StatusUnknown, fmt.Sprintf("the answer was lost (%v); %s: the connection now holds %s, which the run did not list before, and cannot tell which, if any, it issued; none was revoked",
			cause, tokenplan.CouldNotAttribute, strings.Join(tokenIDs(unsure), ", ")), ""
	}
	if err := r.tenant.RevokeToken(ctx, connID, tok.ID); err != nil && !errors.Is(err, ErrTokenGone) {
		return runlog.StatusUnknown, fmt.Sprintf("the answer was lost (%v), so the secret of the token issued, %s, never arrived; revoking it failed (%v): rollback --from the report revokes it", cause, tok.ID, err), tok.ID
	}
	return runlog.StatusFailed, fmt.Sprintf("the answer was lost (%v), so the secret of the token issued never arrived; that token (%s) was revoked; run tokens issue again for this connection",
		cause, tok.ID), ""
}

// revoke records the intent and revokes one token.
func (r *tokenRun) revoke(ctx context.Context, t *tokenplan.Change, res *runlog.Result) error {
	intent := runlog.Intent{ConnectionID: t.ID, ConnectionName: t.Name, Strategy: t.Strategy,
		Action: tokenplan.RecordedAction(scimtoken.ActionRevoke), TokenID: t.TokenID, At: r.now().UTC()}
	if err := r.intent(intent); err != nil {
		res.Status, res.Error = runlog.StatusFailed, "not revoked: "+err.Error()
		return err
	}
	err := r.tenant.RevokeToken(WithStop(ctx, r.stop), t.ID, t.TokenID)
	res.NotSent = errors.Is(err, ErrNotSent)
	switch {
	case err == nil:
		res.Status = runlog.StatusApplied
	case errors.Is(err, ErrTokenGone):
		res.Status, res.Error = runlog.StatusUnchanged, "already revoked: the tenant no longer has this token"
	case res.NotSent:
		res.Status, res.Error = runlog.StatusSkipped, "not sent: the run was interrupted while this request waited its turn; the token was not revoked"
	case isUncertain(err):
		res.Status, res.Error = r.lostRevoke(ctx, t, err)
	default:
		res.Status, res.Error = runlog.StatusFailed, err.Error()
	}
	r.tally(res, err)
	return fatalOnly(err)
}

// lostRevoke settles a revoke whose answer never came, by listing the
// connection's tokens again.
func (r *tokenRun) lostRevoke(ctx context.Context, t *tokenplan.Change, cause error) (runlog.Status, string) {
	if ctx.Err() != nil {
		return runlog.StatusUnknown, "the request was sent and the run was stopped before its answer came: the token may have been revoked (" + cause.Error() + ")"
	}
	now, err := r.tenant.ListTokens(ctx, t.ID)
	switch {
	case err != nil:
		return runlog.StatusUnknown, fmt.Sprintf("the request was sent and its answer lost (%v); listing the tokens failed too (%v): the token may have been revoked", cause, err)
	case !slices.Contains(tokenIDs(now), t.TokenID):
		return runlog.StatusApplied, ""
	}
	return runlog.StatusFailed, cause.Error() + " (listed again: the token is still there)"
}

func tokenIDs(tokens []scimtoken.Token) []string {
	ids := make([]string, len(tokens))
	for i, t := range tokens {
		ids[i] = t.ID
	}
	return ids
}

// fatalOnly passes on the error that must stop the run, and nothing else.
func fatalOnly(err error) error {
	if IsFatal(err) {
		return err
	}
	return nil
}
