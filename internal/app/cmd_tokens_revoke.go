package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/session"
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
			sel, err := e.selection(o.tokenSelection)
			if err != nil {
				return nil, err
			}
			targets, held, err := w.SelectedTokens(ctx, sel)
			if err != nil {
				return nil, err
			}
			return tokenplan.Revoke(targets, held, o.choice, e.deps.Now(), w.TokenMeta()), nil
		},
	}, doc)
}

// chooseFrom narrows the choice to the tokens --from names and, unless a
// selection is given, selects their connections.
func (e *env) chooseFrom(o *tokensRevokeOptions) error {
	if o.from == "" || o.planFile != "" {
		return nil
	}
	refs, err := session.ReadTokenRefs(o.from, e.addSecret)
	if err != nil {
		return err
	}
	ids, connections := tokenplan.FromRefs(refs)
	o.choice.IDs = ids
	if !o.explicit() {
		o.connections = connections
	}
	return nil
}
