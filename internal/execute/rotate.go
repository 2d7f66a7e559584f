package execute

import (
	"context"
	"fmt"
	"slices"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// rotate makes room and issues: the connection's tokens are listed; the
// older token the plan names (a connection at the maximum) is revoked,
// its intent recorded first; then a token is issued as tokens issue does.
// The other token is never touched: the identity provider keeps using it
// until it has the new one. A token the plan did not name is never
// revoked: a connection found at the maximum otherwise fails.
func (r *tokenRun) rotate(ctx context.Context, t *tokenplan.Change, res *runlog.Result) error {
	existing, ok, err := r.listFirst(ctx, t, res)
	if !ok {
		return err
	}
	if t.TokenID != "" && slices.Contains(tokenIDs(existing), t.TokenID) {
		fatal := r.revoke(ctx, t, res)
		if fatal != nil || (res.Status != runlog.StatusApplied && res.Status != runlog.StatusUnchanged) {
			// A rotation's token_id is the token it issued: none.
			res.Error = fmt.Sprintf("not rotated: the older token %s was not revoked, and no token was issued: %s", t.TokenID, res.Error)
			res.TokenID = ""
			return fatal
		}
		existing = slices.DeleteFunc(existing, func(tok scimtoken.Token) bool { return tok.ID == t.TokenID })
		*res = newTokenResult(t)
	}
	res.TokenID = ""
	return r.issueAfter(ctx, t, existing, res)
}
