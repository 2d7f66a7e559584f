package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/session"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// tokensRevoke revokes the tokens the options choose (tokenplan.Revoke).
func (e *env) tokensRevoke(ctx context.Context, o options.TokensRevoke) (resultDoc, error) {
	doc := report.NewRunResult("tokens revoke", o.DryRun)
	err := e.tokensRevokeRun(ctx, o, doc)
	return runResult(doc, o.Write), err
}

func (e *env) tokensRevokeRun(ctx context.Context, o options.TokensRevoke, doc *report.RunResult) error {
	if err := e.chooseFrom(&o); err != nil {
		return err
	}
	w, err := e.startWriting("tokens revoke", o.Write, o.Connect, doc)
	if err != nil {
		return err
	}
	defer w.release()
	return e.runTokenCommand(ctx, w, tokenCommand{name: "tokens revoke", kind: runlog.KindTokenRevoke, write: o.Write,
		plans: o.TokenPlan, done: "revoked",
		question: func(p *tokenplan.Plan) string {
			return fmt.Sprintf("Revoke %s on tenant %s? Identity providers using them stop provisioning.", report.Plural(p.Writes(), "SCIM token"), p.Tenant)
		},
		plan: func(ctx context.Context) (*tokenplan.Plan, error) {
			sel, err := e.selection(o.TokenSelection)
			if err != nil {
				return nil, err
			}
			targets, held, err := w.SelectedTokens(ctx, sel)
			if err != nil {
				return nil, err
			}
			return tokenplan.Revoke(targets, held, o.Choice, e.deps.Now(), w.TokenMeta()), nil
		},
	}, doc)
}

// chooseFrom narrows the options to what tokenplan.FromRefs chooses from
// the tokens --from names.
func (e *env) chooseFrom(o *options.TokensRevoke) error {
	if o.From == "" || o.PlanFile != "" {
		return nil
	}
	refs, err := session.ReadTokenRefs(o.From, e.addSecret)
	if err != nil {
		return err
	}
	ids, connections := tokenplan.FromRefs(refs, o.Explicit())
	o.Choice.IDs = ids
	if connections != nil {
		o.Connections = connections
	}
	return nil
}
