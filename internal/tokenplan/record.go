package tokenplan

import (
	"errors"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// RecordedAction is a token action as a run report records it, in the
// action field it shares with the configuration runs' plan.Action.
func RecordedAction(a scimtoken.Action) plan.Action { return plan.Action(a) }

// ErrRevokeIsFinal refuses the rollback of a run that revoked tokens.
var ErrRevokeIsFinal = errors.New("a revoked SCIM token cannot be restored (Auth0 gives a token's secret once, when it issues it); " +
	"to give a connection a token again, run tokens issue")

// IssuedIn lists the tokens a tokens issue (or rotate) run's report says
// it issued: a rotation's result names the token it issued.
func IssuedIn(run *runlog.Run) ([]scimtoken.TokenRef, error) {
	if kind, err := runlog.KindOf(run); err != nil || !kind.IssuesTokens() {
		return nil, errors.New("not the report of a tokens issue run")
	}
	var refs []scimtoken.TokenRef
	for _, r := range run.Results {
		issued := r.Action == RecordedAction(scimtoken.ActionIssue) || r.Action == RecordedAction(scimtoken.ActionRotate)
		if issued && r.TokenID != "" {
			refs = append(refs, scimtoken.TokenRef{ConnectionID: r.ConnectionID, TokenID: r.TokenID})
		}
	}
	return refs, nil
}
