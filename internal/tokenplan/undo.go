package tokenplan

import (
	"fmt"
	"slices"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// Undo plans the undoing of a run that issued tokens (tokens issue, tokens
// rotate): every token the run issued that the tenant still holds is
// revoked, and nothing else. A token a rotation revoked cannot be restored
// (Auth0 gives a token's secret once, when it issues it): that is said in
// the plan's warnings. A token is the run's when its result names it. For
// an issue whose answer the run never saw (no result, or unknown), a token
// is claimed only by Attribute: the one token, not listed before the
// intent, created between the intent and the run's end (RunEnd). Any other
// token that may be the run's is not revoked but listed as a conflict
// ("could not attribute"), which the exit code reports: a token another
// run or administrator issued meanwhile is never taken for the run's. now
// holds each connection's tokens as listed just now.
func Undo(run *runlog.Run, now map[string][]scimtoken.Token, report string, meta Meta) *Plan {
	results := map[string]runlog.Result{}
	for _, r := range run.Results {
		results[r.ConnectionID] = r
	}
	end := RunEnd(run)
	var changes []Change
	for _, in := range IssueIntents(run) {
		id := scim.Identity{ID: in.ConnectionID, Name: in.ConnectionName, Strategy: in.Strategy}
		held := tokenIDs(now[in.ConnectionID])
		ids, unsure := issuedBy(in, results, now[in.ConnectionID], end)
		for _, tok := range ids {
			c := Change{Identity: id, Action: scimtoken.ActionRevoke, TokenID: tok}
			if !slices.Contains(held, tok) {
				c.Decided, c.Problem = runlog.StatusUnchanged, "already revoked: the tenant no longer has this token"
			}
			changes = append(changes, c)
		}
		for _, tok := range unsure {
			changes = append(changes, Change{Identity: id, Action: scimtoken.ActionRevoke, TokenID: tok.ID,
				Decided: runlog.StatusConflict, Problem: unattributed(in, tok, end)})
		}
	}
	p := meta.plan(runlog.KindTokenRevoke, changes)
	p.RollsBack = report
	if revoked := revokedBy(run); revoked > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("the run revoked %d token(s) to make room; a revoked token cannot be restored "+
			"(Auth0 gives a token's secret once, when it issues it): run tokens issue to give a connection a token again", revoked))
	}
	return p
}

// revokedBy counts the tokens a run revoked (a rotation's older tokens).
func revokedBy(run *runlog.Run) int {
	n := 0
	for _, in := range run.Intents {
		if in.Action == RecordedAction(scimtoken.ActionRevoke) {
			n++
		}
	}
	return n
}

// IssueIntents are, per connection, the last intent of a run to issue a
// token, leaving out the connections whose issue never left (not sent).
func IssueIntents(run *runlog.Run) []runlog.Intent {
	return run.LastIntents(func(in runlog.Intent) bool { return in.Action == RecordedAction(scimtoken.ActionIssue) })
}

// CouldNotAttribute begins the note of a token a rollback leaves alone
// because it cannot tell whether the run issued it.
const CouldNotAttribute = "could not attribute"

// unattributed says why a token is left alone, and what to do about it.
func unattributed(in runlog.Intent, tok scimtoken.Token, end time.Time) string {
	return fmt.Sprintf("%s: token %s (created %s) may have been issued by the run's request whose answer never came "+
		"(sent after %s, run ended %s), or by someone else; left alone. If it is the run's, "+
		"tokens revoke --connection %s can revoke it", CouldNotAttribute, tok.ID, tok.CreatedAt.UTC().Format(time.RFC3339Nano),
		in.At.UTC().Format(time.RFC3339Nano), end.UTC().Format(time.RFC3339Nano), in.ConnectionID)
}

// issuedBy lists the tokens one issue intent of a run created, and the ones
// it may have created that cannot be told apart from someone else's.
func issuedBy(in runlog.Intent, results map[string]runlog.Result, now []scimtoken.Token, end time.Time) (ids []string, unsure []scimtoken.Token) {
	res, ok := results[in.ConnectionID]
	if ok && res.TokenID != "" {
		return []string{res.TokenID}, nil
	}
	if ok && res.Status != runlog.StatusUnknown {
		return nil, nil
	}
	tok, found, unsure := Attribute(in.ExistingTokens, now, in.At, end)
	if found {
		return []string{tok.ID}, nil
	}
	return nil, unsure
}

// RunEnd is when a run ended, as its report tells: the summary's time, or,
// for a run killed before its summary, the time of the last line written
// (the latest intent or result), after which it sent nothing new.
func RunEnd(run *runlog.Run) time.Time {
	if run.Summary != nil && !run.Summary.FinishedAt.IsZero() {
		return run.Summary.FinishedAt
	}
	end := run.Header.StartedAt
	for _, in := range run.Intents {
		if in.At.After(end) {
			end = in.At
		}
	}
	for _, r := range run.Results {
		if r.At.After(end) {
			end = r.At
		}
	}
	return end
}

// RunTokens are the tokens of now that a run may have issued after an
// intent recorded at at, which listed before: the ones not listed then,
// created no earlier than the intent (give or take clockSkew). They are
// candidates only: Attribute decides which, if any, is the run's.
func RunTokens(before []string, now []scimtoken.Token, at time.Time) []scimtoken.Token {
	var out []scimtoken.Token
	for _, t := range now {
		if !slices.Contains(before, t.ID) && !t.CreatedAt.Before(at.Add(-clockSkew)) {
			out = append(out, t)
		}
	}
	return out
}

// Attribute finds the token an issue request sent at from made, when the
// run never saw its answer, among the tokens listed now: a token not listed
// before the request (before) and created inside the window from..to, where
// to is the run's end (or, during the run, the listing just made). It is
// found only when exactly one token fits; otherwise every token that may be
// the run's (not listed before, created no earlier than from, give or take
// clockSkew) is unsure, to be named and left alone.
func Attribute(before []string, now []scimtoken.Token, from, to time.Time) (tok scimtoken.Token, found bool, unsure []scimtoken.Token) {
	var inside []scimtoken.Token
	candidates := RunTokens(before, now, from)
	for _, t := range candidates {
		// Auth0's created_at is cut to the millisecond.
		if !t.CreatedAt.Before(from.Truncate(time.Millisecond)) && !t.CreatedAt.After(to) {
			inside = append(inside, t)
		}
	}
	if len(inside) == 1 {
		return inside[0], true, nil
	}
	return scimtoken.Token{}, false, candidates
}

func tokenIDs(tokens []scimtoken.Token) []string {
	ids := make([]string, len(tokens))
	for i, t := range tokens {
		ids[i] = t.ID
	}
	return ids
}
