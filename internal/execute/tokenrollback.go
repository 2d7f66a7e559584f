package execute

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// Writes says what a run's report wrote: SCIM configurations, or SCIM
// tokens issued or revoked.
type Writes int

const (
	WritesConfigs Writes = iota
	WritesIssuedTokens
	WritesRevokedTokens
)

// WritesOf tells what a report's run wrote, from its intents: a rollback
// must undo each kind its own way, and never take a token's intent for a
// configuration's (its before is empty, which would read as "delete").
func WritesOf(run *runlog.Run) (Writes, error) {
	kinds := map[Writes]bool{}
	for _, in := range run.Intents {
		switch in.Action {
		case plan.ActionIssueToken:
			kinds[WritesIssuedTokens] = true
		case plan.ActionRevokeToken:
			kinds[WritesRevokedTokens] = true
		default:
			kinds[WritesConfigs] = true
		}
	}
	if len(kinds) > 1 {
		return 0, errors.New("the report mixes configuration and token writes, which no run of scim-migrate does; it was edited or concatenated")
	}
	for k := range kinds {
		return k, nil
	}
	if run.Header.Command == "tokens revoke" {
		return WritesRevokedTokens, nil
	}
	if run.Header.Command == "tokens issue" {
		return WritesIssuedTokens, nil
	}
	return WritesConfigs, nil
}

// TokenRollback is the undoing of a tokens issue run: every token the run
// issued that the tenant still holds is revoked, and nothing else. A token
// is the run's when its result names it. For an issue whose answer the run
// never saw (no result, or unknown), a token is claimed only by Attribute:
// the one token, not listed before the intent, created between the intent
// and the run's end (RunEnd). Any other token that may be the run's is not
// revoked but listed as a conflict ("could not attribute"), which the exit
// code reports: a token another run or administrator issued meanwhile is
// never taken for the run's. now holds each connection's tokens as listed
// just now.
func TokenRollback(run *runlog.Run, now map[string][]scimtoken.Token) []TokenTask {
	results := map[string]runlog.Result{}
	for _, r := range run.Results {
		results[r.ConnectionID] = r
	}
	end := RunEnd(run)
	var tasks []TokenTask
	for _, in := range lastIntents(run) {
		conn := scim.Connection{ID: in.ConnectionID, Name: in.ConnectionName, Strategy: in.Strategy}
		held := tokenIDs(now[in.ConnectionID])
		ids, unsure := issuedBy(in, results, now[in.ConnectionID], end)
		for _, id := range ids {
			t := TokenTask{Conn: conn, Action: plan.ActionRevokeToken, TokenID: id}
			if !slices.Contains(held, id) {
				t.Outcome, t.Note = runlog.StatusUnchanged, "already revoked: the tenant no longer has this token"
			}
			tasks = append(tasks, t)
		}
		for _, tok := range unsure {
			tasks = append(tasks, TokenTask{Conn: conn, Action: plan.ActionRevokeToken, TokenID: tok.ID,
				Outcome: runlog.StatusConflict, Note: unattributed(in, tok, end)})
		}
	}
	return tasks
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

// ErrRevokeIsFinal refuses the rollback of a run that revoked tokens.
var ErrRevokeIsFinal = fmt.Errorf("a revoked SCIM token cannot be restored (Auth0 gives a token's secret once, when it issues it); " +
	"to give a connection a token again, run tokens issue")
