package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// tokenCommand is what a writing token command gives the steps they all
// take: plan (or read the saved plan), show, save, confirm, run.
type tokenCommand struct {
	name  string // the report's command: "tokens issue", "rollback", ...
	kind  runlog.Kind
	write writeOptions
	plans tokenPlanOptions
	// handoff is where the tokens issued go (issue, rotate).
	handoff string
	// done is the word for a connection whose write was made.
	done string
	// question asks for the confirmation of a plan.
	question func(p *tokenplan.Plan) string
	// plan makes the plan from the tenant, read-only.
	plan func(ctx context.Context) (*tokenplan.Plan, error)
}

// runTokenCommand takes a token command's steps on the session w opened.
func (e *env) runTokenCommand(ctx context.Context, w *writing, tc tokenCommand, doc *report.RunResult) error {
	s := w.session
	rctx := console.ReadOnlyContext(ctx, e.deps.Stop)
	p, err := e.tokenPlan(rctx, s, tc)
	if err != nil {
		return console.Interrupted(rctx, err, e.stage.Load())
	}
	for _, warning := range p.Warnings {
		s.logger.Warn(warning)
	}
	if err := e.showTokenPlan(s, p, tc, doc); err != nil || tc.write.dryRun {
		return err
	}
	if err := w.confirm.Ask(tc.question(p), p.Writes()); err != nil {
		return err
	}
	return e.runTasks(ctx, s, e.tokenRun(s, p, tc, doc))
}

// tokenPlan makes the plan, or reads the saved one (--plan), refusing a
// plan for another tenant or command, or older than --max-plan-age.
func (e *env) tokenPlan(ctx context.Context, s *session, tc tokenCommand) (*tokenplan.Plan, error) {
	if tc.plans.planFile == "" {
		return tc.plan(ctx)
	}
	path := tc.plans.planFile
	data, err := fileutil.ReadLimited(path, runlog.MaxReportBytes)
	if err != nil {
		return nil, fmt.Errorf("read --plan: %w", err)
	}
	p, err := tokenplan.Decode(data)
	switch {
	case err != nil:
		return nil, fmt.Errorf("--plan %s: %w", path, err)
	case !auth0api.SameTenant(p.Tenant, s.tenant()):
		return nil, fmt.Errorf("the plan %s is for tenant %q, not %q; make the plan again against this tenant", path, p.Tenant, s.tenant())
	case p.Kind != tc.kind:
		return nil, fmt.Errorf("the plan %s is a %s plan, not one of %s", path, p.Kind, tc.name)
	}
	if err := p.CheckAge(e.deps.Now(), tc.plans.maxPlanAge); err != nil {
		return nil, fmt.Errorf("the plan %s is refused: %w; make the plan again, or give --max-plan-age to run it anyway", path, err)
	}
	return p, nil
}

// showTokenPlan shows the plan on stdout (unless --quiet or --format json,
// whose document holds it in a dry run), and saves it with --save-plan.
func (e *env) showTokenPlan(s *session, p *tokenplan.Plan, tc tokenCommand, doc *report.RunResult) error {
	if tc.write.dryRun {
		doc.TokenPlan = p
	}
	if tc.plans.savePlan != "" {
		if err := e.saveTokenPlan(s, p, tc.plans.savePlan); err != nil {
			return err
		}
	}
	if tc.write.format == report.FormatJSON || (s.opts.quiet && !tc.write.dryRun) {
		s.logger.Info("token plan", "requests", p.Writes(), "failed", len(p.Changes)-p.Writes())
		return nil
	}
	return report.RenderTokenPlan(e.stdout, p, tc.write.format, tc.handoff)
}

func (e *env) saveTokenPlan(s *session, p *tokenplan.Plan, path string) error {
	data, err := p.Encode()
	if err == nil {
		err = fileutil.WriteAtomic(path, data)
	}
	if err != nil {
		return fmt.Errorf("save the token plan: %w", err)
	}
	s.logger.Info("token plan saved: review it, then run it with --plan", "path", path)
	return nil
}

// tokenRun is the spec of a run of a token plan. The tokens issued
// (secrets included) are kept in memory only, and once the report is
// complete the handoff file is written with them.
func (e *env) tokenRun(s *session, p *tokenplan.Plan, tc tokenCommand, doc *report.RunResult) runSpec {
	checks := map[string]bool{}
	for _, c := range p.Changes {
		if !c.Writes() {
			checks[console.CheckKey(c.ID, c.Name)] = true
		}
	}
	issued := &handoffTokens{}
	h := runlog.Header{Command: tc.name, Kind: p.Kind, RollsBack: p.RollsBack, PlanFile: tc.plans.planFile}
	spec := runSpec{header: h, tasks: len(p.Changes), checks: checks, write: tc.write, doc: doc, done: tc.done,
		execute: func(ctx context.Context, rec execute.Recorder, obs execute.Observer) execute.Totals {
			return execute.ExecuteTokens(ctx, s.client, p, execute.TokenOptions{
				RunOptions: execute.RunOptions{Concurrency: s.opts.concurrency, Stop: e.deps.Stop, Recorder: rec, Observer: obs,
					Now: e.deps.Now, Attempts: auth0api.WithAttemptCounter},
				Issued: func(c tokenplan.Change, tok scimtoken.Issued) {
					e.addSecret(tok.Secret)
					ht := scimtoken.NewHandoffToken(c.ID, c.Name, c.Strategy, tok)
					ht.Endpoint = s.endpoint(c.ID)
					issued.add(ht)
				},
			})
		}}
	if p.Kind == runlog.KindTokenIssue || p.Kind == runlog.KindTokenRotate {
		spec.after = func(out *execute.Totals, report string) *runlog.Handoff {
			fate := e.writeHandoff(s, tc.handoff, issued.list(), out, report)
			if fate.Written {
				doc.Handoff = fate.Path
			}
			return fate
		}
	}
	return spec
}

// handoffTokens collects the tokens issued, from every worker.
type handoffTokens struct {
	mu     sync.Mutex
	tokens []scimtoken.HandoffToken
}

func (h *handoffTokens) add(t scimtoken.HandoffToken) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tokens = append(h.tokens, t)
}

func (h *handoffTokens) list() []scimtoken.HandoffToken {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.tokens
}

// writeHandoff writes the tokens issued to the handoff file, and returns
// what became of it, for the report's summary. A handoff that cannot be
// written stops the run as a fatal error after writes: the tokens issued
// are unusable, and rolling the report back revokes them.
func (e *env) writeHandoff(s *session, path string, tokens []scimtoken.HandoffToken, out *execute.Totals, report string) *runlog.Handoff {
	fate := &runlog.Handoff{Path: path, Tokens: len(tokens)}
	if len(tokens) == 0 {
		s.logger.Info("no token was issued; the handoff file was not written", "path", path)
		return fate
	}
	format, _ := scimtoken.HandoffFormatOf(path)
	h := scimtoken.Handoff{Tenant: s.tenant(), IssuedAt: e.deps.Now().UTC(), Tokens: tokens}
	data, err := h.Encode(format)
	if err == nil {
		err = fileutil.WriteAtomic(path, data)
	}
	if err != nil {
		err = fmt.Errorf("write the handoff file: %w", err)
		fate.Error = err.Error()
		out.Fatal = cmp.Or(out.Fatal, error(&execute.FatalError{Err: err,
			Hint: fmt.Sprintf("the %s issued cannot be handed over; rollback --from %s revokes them", plural(len(tokens), "token"), report)}))
		return fate
	}
	fate.Written = true
	s.logger.Info("handoff file written: give it to the identity providers' administrators over a secure channel, then delete it",
		"path", path, "tokens", len(tokens))
	return fate
}

// checkHandoffPath refuses, before anything is sent, a handoff file that
// exists (unless --force), a directory in its place (even with --force: it
// cannot be replaced by a file) or a file that could not be created: tokens
// issued with nowhere to write them would be lost.
func checkHandoffPath(path string, force bool, command string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return &usageError{err: fmt.Errorf("the handoff file %s is a directory: give the path of a file to --out", path),
			hint: helpHint("scim-migrate " + command)}
	}
	if _, err := os.Lstat(path); err == nil && !force {
		return &usageError{err: fmt.Errorf("the handoff file %s exists: give another --out, or --force to replace it", path),
			hint: helpHint("scim-migrate " + command)}
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

// warnUnattributed says which tokens an undo leaves alone because it
// cannot tell whether the run issued them; their conflicts make the exit 3.
func warnUnattributed(s *session, p *tokenplan.Plan) {
	for _, c := range p.Changes {
		if strings.HasPrefix(c.Problem, tokenplan.CouldNotAttribute) {
			s.logger.Warn("a token is left alone: "+c.Problem, "connection", c.ID, "token_id", c.TokenID)
		}
	}
}
