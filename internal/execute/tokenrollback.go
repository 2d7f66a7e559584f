package execute

import (
	"errors"
	"fmt"
	"slices"

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
// issued that the tenant still holds is revoked. A token is the run's when
// its result names it, or, for an issue whose answer never came (no result,
// or unknown), when it was not among the connection's tokens listed just
// before the request and was created after it. now holds each connection's
// tokens as listed just now.
func TokenRollback(run *runlog.Run, now map[string][]scimtoken.Token) []TokenTask {
	results := map[string]runlog.Result{}
	for _, r := range run.Results {
		results[r.ConnectionID] = r
	}
	var tasks []TokenTask
	for _, in := range lastIntents(run) {
		conn := scim.Connection{ID: in.ConnectionID, Name: in.ConnectionName, Strategy: in.Strategy}
		ids := issuedBy(in, results, now[in.ConnectionID])
		held := tokenIDs(now[in.ConnectionID])
		for _, id := range ids {
			t := TokenTask{Conn: conn, Action: plan.ActionRevokeToken, TokenID: id}
			if !slices.Contains(held, id) {
				t.Outcome, t.Note = runlog.StatusUnchanged, "already revoked: the tenant no longer has this token"
			}
			tasks = append(tasks, t)
		}
	}
	return tasks
}

// issuedBy lists the tokens one issue intent of a run created.
func issuedBy(in runlog.Intent, results map[string]runlog.Result, now []scimtoken.Token) []string {
	res, ok := results[in.ConnectionID]
	var ids []string
	if ok && res.TokenID != "" {
		ids = append(ids, res.TokenID)
	}
	if !ok || res.Status == runlog.StatusUnknown {
		for _, t := range RunTokens(in.ExistingTokens, now, in.At) {
			if !slices.Contains(ids, t.ID) {
				ids = append(ids, t.ID)
			}
		}
	}
	return ids
}

// ErrRevokeIsFinal refuses the rollback of a run that revoked tokens.
var ErrRevokeIsFinal = fmt.Errorf("a revoked SCIM token cannot be restored (Auth0 gives a token's secret once, when it issues it); " +
	"to give a connection a token again, run tokens issue")
