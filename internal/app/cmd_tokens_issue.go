package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
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
			return fmt.Sprintf("Issue %s on tenant %s, written to %s only?", plural(p.Writes(), "SCIM token"), p.Tenant, o.Handoff)
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

// startIssuing checks the handoff file, then starts a command that issues
// tokens (tokens issue, tokens rotate).
func (e *env) startIssuing(command string, o options.TokensIssue, doc *report.RunResult) (*writing, error) {
	if o.Handoff != "" {
		if err := checkHandoffPath(o.Handoff, o.Force, command); err != nil {
			return nil, err
		}
	}
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

// checkHandoffPath refuses, before anything is sent, a handoff file that
// exists (unless --force), a directory in its place (even with --force: it
// cannot be replaced by a file) or a file that could not be created: tokens
// issued with nowhere to write them would be lost.
func checkHandoffPath(path string, force bool, command string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return &cliui.UsageError{Err: fmt.Errorf("the handoff file %s is a directory: give the path of a file to --out", path),
			Hint: cliui.HelpHint("scim-migrate " + command)}
	}
	if _, err := os.Lstat(path); err == nil && !force {
		return &cliui.UsageError{Err: fmt.Errorf("the handoff file %s exists: give another --out, or --force to replace it", path),
			Hint: cliui.HelpHint("scim-migrate " + command)}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fileutil.Wrap("check", path, err)
	}
	probe, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".probe-*")
	if err != nil {
		return fmt.Errorf("the handoff file cannot be written: %w", err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}
