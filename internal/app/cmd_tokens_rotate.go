package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
	"github.com/urfave/cli/v2"
)

// tokensRotateCommand is tokens rotate: tokens issue's flags, and a plan
// that makes room first (tokenplan.Rotate, the engine's rotate_token).
func tokensRotateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name: "rotate",
		Usage: "give each selected connection a new SCIM token, written only to the handoff file --out; " +
			"where it holds the maximum of 2 the older is revoked first, and the other stays valid",
		Flags:  options.TokensIssueFlags(),
		Action: actionDoc(options.ParseTokensIssue, e.tokensRotate),
	}
}

func (e *env) tokensRotate(ctx context.Context, o options.TokensIssue) (resultDoc, error) {
	doc := report.NewRunResult("tokens rotate", o.DryRun)
	err := e.tokensRotateRun(ctx, o, doc)
	return runResult(doc, o.Write), err
}

func (e *env) tokensRotateRun(ctx context.Context, o options.TokensIssue, doc *report.RunResult) error {
	w, err := e.startIssuing("tokens rotate", o, doc)
	if err != nil {
		return err
	}
	defer w.release()
	return e.runTokenCommand(ctx, w, tokenCommand{name: "tokens rotate", kind: runlog.KindTokenRotate, write: o.Write,
		plans: o.TokenPlan, handoff: o.Handoff, done: "rotated",
		question: func(p *tokenplan.Plan) string {
			return fmt.Sprintf("Rotate the SCIM tokens of %s on tenant %s (the older revoked where 2 are held; a revoked token cannot be restored), the new ones written to %s only?",
				report.Plural(p.Writes(), "connection"), p.Tenant, o.Handoff)
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
			return tokenplan.Rotate(targets, held, issueRequest(o), w.TokenMeta()), nil
		},
	}, doc)
}
