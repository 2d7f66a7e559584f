package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/options"

	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// tokensIssue gives each selected connection a new token (tokenplan.Issue).
func (e *env) tokensIssue(ctx context.Context, o options.TokensIssue) (resultDoc, error) {
	doc := report.NewRunResult("tokens issue", o.DryRun)
	err := e.tokensIssueRun(ctx, o, doc)
	return runResult(doc, o.Write), err
}

func (e *env) tokensIssueRun(ctx context.Context, o options.TokensIssue, doc *report.RunResult) error {
	w, err := e.startIssuing("tokens issue", o, doc)
	if err != nil {
		return err
	}
	defer w.release()
	return e.runTokenCommand(ctx, w, tokenCommand{name: "tokens issue", kind: runlog.KindTokenIssue, write: o.Write,
		plans: o.TokenPlan, handoff: o.Handoff, done: "issued",
		question: func(p *tokenplan.Plan) string {
			return fmt.Sprintf("Issue %s on tenant %s, written to %s only?", report.Plural(p.Writes(), "SCIM token"), p.Tenant, o.Handoff)
		},
		plan: func(ctx context.Context) (*tokenplan.Plan, error) {
			sel, err := e.selection(o.TokenSelection)
			if err != nil {
				return nil, err
			}
			targets, err := w.Targets(ctx, sel)
			if err != nil {
				return nil, err
			}
			return tokenplan.Issue(targets, issueRequest(o), w.TokenMeta()), nil
		},
	}, doc)
}

// startIssuing starts a command that issues tokens (tokens issue, tokens
// rotate); its handoff file was checked with its options.
func (e *env) startIssuing(command string, o options.TokensIssue, doc *report.RunResult) (*writing, error) {
	w, err := e.startWriting(command, o.Write, o.Connect, doc)
	if err == nil && o.Lifetime == 0 && o.PlanFile == "" {
		w.Logger.Warn("--lifetime 0: the tokens never expire; anyone who gets the handoff file can provision users into these connections until the tokens are revoked")
	}
	return w, err
}

// issueRequest is what tokens issue and rotate ask of each new token.
func issueRequest(o options.TokensIssue) tokenplan.Request {
	return tokenplan.Request{Scopes: o.Scopes, Lifetime: o.Lifetime}
}
