package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// tokensRevoke revokes the tokens the options choose (tokenplan.Revoke).
func (e *env) tokensRevoke(ctx context.Context, o tokensRevokeOptions) (resultDoc, error) {
	doc := report.NewRunResult("tokens revoke", o.dryRun)
	err := e.tokensRevokeRun(ctx, o, doc)
	return runResult(doc, o.writeOptions), err
}

func (e *env) tokensRevokeRun(ctx context.Context, o tokensRevokeOptions, doc *report.RunResult) error {
	if err := e.chooseFrom(&o); err != nil {
		return err
	}
	w, err := e.startWriting("tokens revoke", o.writeOptions, o.connectOptions, doc)
	if err != nil {
		return err
	}
	defer w.release()
	return e.runTokenCommand(ctx, w, tokenCommand{name: "tokens revoke", kind: runlog.KindTokenRevoke, write: o.writeOptions,
		plans: o.tokenPlanOptions, done: "revoked",
		question: func(p *tokenplan.Plan) string {
			return fmt.Sprintf("Revoke %s on tenant %s? Identity providers using them stop provisioning.", plural(p.Writes(), "SCIM token"), p.Tenant)
		},
		plan: func(ctx context.Context) (*tokenplan.Plan, error) {
			targets, held, err := e.selectedTokens(ctx, w.session, o.tokenSelection)
			if err != nil {
				return nil, err
			}
			return tokenplan.Revoke(targets, held, o.choice, e.deps.Now(), e.tokenMeta(w.session)), nil
		},
	}, doc)
}

// chooseFrom narrows the choice to the tokens --from names and, unless a
// selection is given, selects their connections.
func (e *env) chooseFrom(o *tokensRevokeOptions) error {
	if o.from == "" || o.planFile != "" {
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
		if !explicit && !slices.Contains(o.connections, r.ConnectionID) {
			o.connections = append(o.connections, r.ConnectionID)
		}
	}
	return nil
}
